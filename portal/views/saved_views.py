"""Saving and deleting a list's named filters (each person sees and deletes only their own)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import registry
from portal.exceptions import SavedViewError
from portal.models import SavedView
from portal.services import saved_views


@require_POST
def saved_view_save(request):
    page = request.POST.get("page", "")
    entry = registry.saved_view_page(page)
    if entry is None:
        raise Http404
    if not entry[1](request.user):
        raise PermissionDenied
    try:
        view = saved_views.save_view(
            user=request.user, page=page, name=request.POST.get("name", ""), query=request.POST.get("query", "")
        )
    except SavedViewError as exc:
        messages.error(request, str(exc))
        query = saved_views.clean_query(page, request.POST.get("query", ""), request.user)
        return redirect(f"{saved_views.page_url(page)}?{query}" if query else saved_views.page_url(page))
    messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
    return redirect(saved_views.url_of(view))


@require_POST
def saved_view_delete(request, pk):
    view = get_object_or_404(SavedView, pk=pk, user=request.user)
    saved_views.delete_view(user=request.user, view=view)
    messages.success(request, _("Deleted the view “%(name)s”.") % {"name": view.name})
    return redirect(saved_views.page_url(view.page))


def saved_views_context(request, page: str) -> dict:
    """What `includes/saved_views.html` shows on a list: the person's views, the current filters, which
    saved view they match (one query)."""
    try:
        current = saved_views.clean_query(page, request.GET.urlencode(), request.user)
    except SavedViewError:
        return {}
    views = saved_views.views_for(request.user, page)
    for view in views:
        view.url = saved_views.url_of(view)
    return {
        "saved_views": views,
        "saved_view_page": page,
        "saved_view_query": current,
        "saved_view_current": next((view for view in views if view.query == current), None),
    }
