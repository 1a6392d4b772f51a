"""What the signed-in layout needs on every page: navigation by role and the unread count."""

from portal.choices import Role
from portal.selectors import unread_notification_count


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_notification_count(user),
        "user_role_labels": sorted(str(Role(r).label) for r in user.roles),
        "is_portal_admin": user.is_portal_admin,
        # Anyone who may approve something: hiring managers (as managers, department heads), finance, HR, admins.
        "show_approvals": user.has_role(Role.HIRING_MANAGER, Role.FINANCE, Role.HR, Role.ADMIN),
    }
