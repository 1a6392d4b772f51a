"""What the signed-in layout needs on every page: the navigation contributed by each module, and the unread count."""

from django.urls import reverse

from portal import registry
from portal.selectors import unread_notification_count


def navigation(request, user) -> list[dict]:
    """The entries `user` may see, in order; the one with the longest address (of its own, or of one of its
    section's tabs) that prefixes the page is current."""
    entries = []
    for entry in registry.nav_entries():
        if not entry.visible(user):
            continue
        urls = [reverse(entry.url_name)]
        if entry.section:
            urls = [reverse(tab.url_name, args=tab.args) for tab in registry.section_tabs(entry.section, user)]
            if not urls:
                continue
        entries.append({"key": entry.key, "label": entry.label, "url": urls[0], "urls": urls})
    matches = [
        (url, e)
        for e in entries
        for url in e["urls"]
        if request.path == url or (url != "/" and request.path.startswith(url))
    ]
    current = max(matches, key=lambda match: len(match[0]), default=(None, None))[1]
    for entry in entries:
        entry["current"] = entry is current
    return entries


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_notification_count(user),
        "user_role_labels": sorted(registry.role_label(r) for r in user.roles),
        "is_portal_admin": user.is_portal_admin,
        "nav": navigation(request, user),
    }
