"""People and their roles. Role changes are made by admins only, and recorded in history."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from portal import registry
from portal.choices import USER_CREATED, USER_ROLES_CHANGED
from portal.exceptions import PortalError
from portal.models import User
from portal.roles import group_name
from portal.services.records import save_with_history


def create_user(
    *,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    roles: Iterable[str] = (),
    manager: User | None = None,
    password: str | None = None,
    by: User | None,
) -> User:
    """Create an active person with `roles`. Without a password the account cannot sign in until one is set."""
    with transaction.atomic():
        user = User(username=username, email=email, first_name=first_name, last_name=last_name, title=title)
        user.manager = manager
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        save_with_history(user, by=by, reason=USER_CREATED, validate=True, exclude=["password"])
        set_roles(user=user, roles=roles, by=by)
    return user


def set_roles(*, user: User, roles: Iterable[str], by: User | None) -> User:
    """Make `user` hold exactly `roles` (registered role keys). Only an admin (or the system, by=None) may
    change roles."""
    roles = set(roles)
    unknown = roles - registry.role_keys()
    if unknown:
        raise PortalError(_("Unknown roles: %(roles)s.") % {"roles": ", ".join(sorted(unknown))})
    if by is not None and not by.is_portal_admin:
        raise PortalError(_("Only an admin may change someone's roles."))
    groups = list(Group.objects.filter(name__in=[group_name(r) for r in roles]))
    with transaction.atomic():
        user.groups.set(groups)
        save_with_history(user, by=by, reason=USER_ROLES_CHANGED)  # the history row that records the new groups
        user.__dict__.pop("roles", None)
    return user
