"""What the signed-in layout needs on every page: the navigation contributed by each module, and the unread count."""

from django.urls import reverse

from portal import registry
from portal.choices import Role
from portal.selectors import unread_notification_count


def navigation(request, user) -> list[dict]:
    """The entries `user` may see, in order; the one whose address is the longest prefix of the page is current."""
    entries = [
        {"key": entry.key, "label": entry.label, "url": reverse(entry.url_name)}
        for entry in registry.nav_entries()
        if entry.visible(user)
    ]
    matches = [
        e for e in entries if request.path == e["url"] or (e["url"] != "/" and request.path.startswith(e["url"]))
    ]
    current = max(matches, key=lambda e: len(e["url"]), default=None)
    for entry in entries:
        entry["current"] = entry is current
    return entries


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_notification_count(user),
        "user_role_labels": sorted(str(Role(r).label) for r in user.roles),
        "is_portal_admin": user.is_portal_admin,
        "nav": navigation(request, user),
    }
