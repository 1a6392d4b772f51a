from django.urls import path

from portal.views import decisions, ledger, notifications, saved_views

app_name = "portal"

urlpatterns = [
    path("", decisions.MyWorkView.as_view(), name="my_work"),
    path("decisions/new/", decisions.request_create, name="request_create"),
    path("decisions/<int:pk>/", decisions.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/resolve/", decisions.decision_resolve, name="decision_resolve"),
    path("decisions/<int:pk>/reassign/", decisions.decision_reassign, name="decision_reassign"),
    path("decisions/<int:pk>/cancel/", decisions.decision_cancel, name="decision_cancel"),
    path("notifications/", notifications.NotificationListView.as_view(), name="notifications"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification_read_all"),
    path("ledger/", ledger.ledger, name="ledger"),
    path("saved-views/", saved_views.saved_view_save, name="saved_view_save"),
    path("saved-views/<int:pk>/delete/", saved_views.saved_view_delete, name="saved_view_delete"),
    path("ledger/events/", ledger.CostEventListView.as_view(), name="ledger_events"),
]
