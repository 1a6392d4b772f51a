"""The signed-in user's notification list."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from portal.filters import NotificationFilter
from portal.selectors import notifications_for_user
from portal.services.notifications import mark_all_read, mark_read
from portal.views.lists import PartialListMixin


class NotificationListView(PartialListMixin, FilterView):
    """The user's notifications, newest first; `?show=unread` keeps the unread. Strict like every list."""

    template_name = partial_template_name = "portal/notification_list.html"
    filterset_class = NotificationFilter
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return notifications_for_user(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            notification_tabs=[("", _("All")), ("unread", _("Unread"))],
            shown=self.filterset.form.cleaned_data["show"] if self.filterset.is_valid() else None,  # no tab if refused
            **kwargs,
        )


@require_POST
def notification_open(request, pk):
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(notifications_for_user(request.user), pk=pk)
    mark_read(notification=notification, by=request.user)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("portal:notifications")


@require_POST
def notification_read_all(request):
    count = mark_all_read(by=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("portal:notifications")
