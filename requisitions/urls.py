from django.urls import path

from requisitions import views
from requisitions.choices import Action

app_name = "requisitions"

urlpatterns = [
    path("", views.RequisitionListView.as_view(), name="list"),
    path("export/", views.requisition_export, name="export"),
    path("new/", views.requisition_create, name="create"),
    path("approvals/", views.MyApprovalsView.as_view(), name="approvals"),
    path("intake-hints/", views.intake_hints, name="intake_hints"),
    path("<int:pk>/", views.requisition_detail, name="detail"),
    path("<int:pk>/edit/", views.requisition_edit, name="edit"),
    path("<int:pk>/share/", views.requisition_share, name="share"),
    path("<int:pk>/share/<int:user_pk>/remove/", views.requisition_unshare, name="unshare"),
    *[
        path(
            f"<int:pk>/{action.value.replace('_', '-')}/",
            views.requisition_act,
            {"action": action.value},
            name=action.value,
        )
        for action in Action
    ],
]
