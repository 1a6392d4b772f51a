from django.urls import path

from onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.risk, name="risk"),
    path("starts/", views.StartListView.as_view(), name="starts"),
    path("starts/export/", views.starts_export, name="starts_export"),
    path("my-tasks/", views.my_tasks, name="my_tasks"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/move-start/", views.case_move_start, name="move_start"),
    path("<int:pk>/confirm-start/", views.case_confirm_start, name="confirm_start"),
    path("<int:pk>/fell-through/", views.case_fell_through, name="fell_through"),
    path("<int:pk>/work-email/", views.case_work_email, name="work_email"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/status/", views.task_status, name="task_status"),
    path("tasks/<int:pk>/due/", views.task_due, name="task_due"),
    path("tasks/<int:pk>/check/request/", views.check_request, name="check_request"),
    path("tasks/<int:pk>/check/result/", views.check_result, name="check_result"),
]
