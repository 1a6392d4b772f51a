from django.urls import path

from candidates import import_views, views

app_name = "candidates"

urlpatterns = [
    path("", views.PipelineView.as_view(), name="pipeline"),
    path("bulk/", views.pipeline_bulk, name="bulk"),
    path("<int:pk>/", views.candidate_detail, name="detail"),
    path("<int:pk>/resume/", views.resume_upload, name="resume_upload"),
    path("resumes/<int:pk>/", views.resume_download, name="resume_download"),
    path("imports/", import_views.import_list, name="imports"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/run/", import_views.import_run, name="import_run"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("board/<int:pk>/", views.requisition_board, name="board"),
    path("applications/<int:pk>/move/", views.application_move, name="move"),
    path("applications/<int:pk>/close/", views.application_close, name="close"),
    path("applications/<int:pk>/activity/", views.application_activity, name="activity"),
]
