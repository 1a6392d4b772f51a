from django.urls import path

from offers import views

app_name = "offers"

urlpatterns = [
    path("", views.OfferListView.as_view(), name="list"),
    path("export/", views.offer_export, name="export"),
    path("new/<int:application_pk>/", views.offer_create, name="new"),
    path("<int:pk>/", views.offer_detail, name="detail"),
    path("<int:pk>/edit/", views.offer_edit, name="edit"),
    path("<int:pk>/compare/", views.offer_compare, name="compare"),
    path("<int:pk>/letter/", views.offer_letter, name="letter"),
    path("<int:pk>/letter.pdf", views.offer_letter_pdf, name="letter_pdf"),
    path("<int:pk>/<str:action>/", views.offer_act, name="act"),
]
