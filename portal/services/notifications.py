"""Side effects after commit, and in-app notifications.

`after_commit` is the pattern every module follows for email and notifications: the side effect runs
once the transaction that caused it commits (at once outside one), so a rolled-back change tells
nobody, and a failing side effect is logged without undoing what committed. Notifications are
written here and read through portal.selectors.
"""

import functools
import logging
from collections.abc import Iterable

from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.utils import timezone

from portal.choices import DecisionStatus
from portal.models import Decision, Notification, User

logger = logging.getLogger(__name__)


def after_commit(func, *args, **kwargs) -> None:
    """Run `func(*args, **kwargs)` once the current transaction commits; errors are logged, not raised."""
    transaction.on_commit(functools.partial(func, *args, **kwargs), robust=True)


def send_email(
    *, to: Iterable[str], subject: str, body: str, attachments: Iterable[tuple[str, bytes, str]] = ()
) -> None:
    """Send an email after commit. The subject is one line: a title must never add mail headers.
    `attachments`: (file name, content, MIME type) each."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    subject = " ".join(subject.split())[:200]
    attachments = list(attachments)
    if attachments:
        after_commit(_send_with_attachments, subject, body, recipients, attachments)
    else:
        after_commit(send_mail, subject, body, None, recipients)


def _send_with_attachments(subject: str, body: str, recipients: list[str], attachments: list) -> None:
    message = EmailMessage(subject, body, None, recipients)
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()


def notify(
    *, users: Iterable[User], message: str, url: str = "", decision: Decision | None = None, while_open: bool = False
) -> int:
    """Leave `message` in each active user's notification list after commit. Returns how many are due.

    With `while_open`, nothing is written if `decision` was closed by then (a request to decide
    something already decided is noise).
    """
    user_ids = sorted({user.pk for user in users if user.is_active})
    if user_ids:
        after_commit(_write, user_ids, message[:300], url, getattr(decision, "pk", None), while_open)
    return len(user_ids)


def _write(user_ids: list[int], message: str, url: str, decision_id: int | None, while_open: bool) -> None:
    if while_open and not Decision.objects.filter(pk=decision_id, status=DecisionStatus.OPEN).exists():
        return
    Notification.objects.bulk_create(
        [Notification(user_id=pk, message=message, url=url, decision_id=decision_id) for pk in user_ids]
    )


def clear_for_decision(*, decision: Decision, keep_user_ids: Iterable[int] = ()) -> int:
    """Mark read the unread notifications about `decision` (the requests and reminders to decide it),
    except those of `keep_user_ids`. Called when it closes or changes hands."""
    unread = Notification.objects.filter(decision=decision, read_at__isnull=True).exclude(user_id__in=keep_user_ids)
    return unread.update(read_at=timezone.now())


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
