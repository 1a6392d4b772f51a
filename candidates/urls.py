from django.urls import path

from candidates import import_views, interview_views, views

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
    path("interviews/", interview_views.interview_list, name="interviews"),
    path("interviews/load/", interview_views.interviewer_load, name="interviewer_load"),
    path("interviews/<int:pk>/", interview_views.interview_detail, name="interview"),
    path("interviews/<int:pk>/edit/", interview_views.interview_edit, name="interview_edit"),
    path("interviews/<int:pk>/scorecard/", interview_views.scorecard_save, name="scorecard"),
    path("interviews/<int:pk>/correct/", interview_views.interview_revise, name="scorecard_revise"),
    path("interviews/<int:pk>/calendar.ics", interview_views.interview_calendar, name="interview_ics"),
    path("interviews/<int:pk>/<str:action>/", interview_views.interview_action, name="interview_action"),
    path("applications/<int:pk>/interviews/new/", interview_views.interview_schedule, name="schedule"),
    path(
        "applications/<int:pk>/rounds/<int:round_pk>/debrief/",
        interview_views.debrief_proceed,
        name="debrief_proceed",
    ),
    path("debriefs/<int:pk>/", interview_views.debrief_detail, name="debrief"),
    path("plans/<int:pk>/", interview_views.plan_detail, name="plan"),
]
