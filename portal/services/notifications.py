"""In-app notifications: written here, read through portal.selectors."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from portal.models import Decision, Notification, User


def notify(*, users: Iterable[User], message: str, url: str = "", decision: Decision | None = None) -> int:
    """Leave `message` in each active user's notification list. Returns how many were written."""
    rows = [
        Notification(user=user, message=message[:300], url=url, decision=decision)
        for user in {u.pk: u for u in users if u.is_active}.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def mark_read(*, notification: Notification, by: User) -> Notification:
    """Mark one of `by`'s own notifications read (the caller fetched it from by's list)."""
    if notification.user_id != by.pk:
        raise PermissionError("not your notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, by: User) -> int:
    with transaction.atomic():
        return Notification.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())
