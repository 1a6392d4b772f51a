from django.urls import path

from candidates import views

app_name = "candidates"

urlpatterns = [
    path("", views.PipelineView.as_view(), name="pipeline"),
    path("bulk/", views.pipeline_bulk, name="bulk"),
    path("<int:pk>/", views.candidate_detail, name="detail"),
    path("<int:pk>/resume/", views.resume_upload, name="resume_upload"),
    path("resumes/<int:pk>/", views.resume_download, name="resume_download"),
    path("board/<int:pk>/", views.requisition_board, name="board"),
    path("applications/<int:pk>/move/", views.application_move, name="move"),
    path("applications/<int:pk>/close/", views.application_close, name="close"),
]
