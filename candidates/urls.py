from django.urls import path

from candidates.views import debriefs, imports, interviews, pipeline

app_name = "candidates"

urlpatterns = [
    path("", pipeline.PipelineView.as_view(), name="pipeline"),
    path("bulk/", pipeline.pipeline_bulk, name="bulk"),
    path("<int:pk>/", pipeline.candidate_detail, name="detail"),
    path("<int:pk>/resume/", pipeline.resume_upload, name="resume_upload"),
    path("resumes/<int:pk>/", pipeline.resume_download, name="resume_download"),
    path("imports/", imports.import_list, name="imports"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/mapping/", imports.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/run/", imports.import_run, name="import_run"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("board/<int:pk>/", pipeline.requisition_board, name="board"),
    path("applications/<int:pk>/move/", pipeline.application_move, name="move"),
    path("applications/<int:pk>/close/", pipeline.application_close, name="close"),
    path("applications/<int:pk>/activity/", pipeline.application_activity, name="activity"),
    path("interviews/", interviews.interview_list, name="interviews"),
    path("interviews/load/", interviews.interviewer_load, name="interviewer_load"),
    path("interviews/<int:pk>/", interviews.interview_detail, name="interview"),
    path("interviews/<int:pk>/edit/", interviews.interview_edit, name="interview_edit"),
    path("interviews/<int:pk>/scorecard/", interviews.scorecard_save, name="scorecard"),
    path("interviews/<int:pk>/correct/", interviews.interview_revise, name="scorecard_revise"),
    path("interviews/<int:pk>/calendar.ics", interviews.interview_calendar, name="interview_ics"),
    path("interviews/<int:pk>/<str:action>/", interviews.interview_action, name="interview_action"),
    path("applications/<int:pk>/interviews/new/", interviews.interview_schedule, name="schedule"),
    path("applications/<int:pk>/rounds/<int:round_pk>/debrief/", debriefs.debrief_proceed, name="debrief_proceed"),
    path("debriefs/<int:pk>/", debriefs.debrief_detail, name="debrief"),
    path("plans/<int:pk>/", interviews.plan_detail, name="plan"),
]
