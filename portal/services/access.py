"""Row-level permissions (django-guardian), granted and revoked only here, each logged in AccessLog."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from portal.choices import AccessAction
from portal.models import AccessLog, User


def grant_object_permission(*, perm: str, user: User, obj, by: User | None, reason: str = "") -> None:
    """Give `user` the permission `perm` ("app.codename") on `obj`, and log who granted it and why."""
    with transaction.atomic():
        assign_perm(perm, user, obj)
        _log(AccessAction.GRANTED, perm=perm, user=user, obj=obj, by=by, reason=reason)


def revoke_object_permission(*, perm: str, user: User, obj, by: User | None, reason: str = "") -> None:
    """Take `perm` on `obj` away from `user`, and log who revoked it and why."""
    with transaction.atomic():
        remove_perm(perm, user, obj)
        _log(AccessAction.REVOKED, perm=perm, user=user, obj=obj, by=by, reason=reason)


def _log(action: str, *, perm: str, user: User, obj, by: User | None, reason: str) -> None:
    AccessLog.objects.create(
        action=action,
        permission=perm,
        user=user,
        object_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        by=by,
        reason=reason[:200],
    )
