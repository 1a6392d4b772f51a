from django.urls import path

from candidates import views

app_name = "candidates"

urlpatterns = [
    path("", views.PipelineView.as_view(), name="pipeline"),
    path("<int:pk>/", views.candidate_detail, name="detail"),
]
