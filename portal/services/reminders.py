"""Reminders and escalations for decisions that fall due.

The sweep (a Celery beat job) asks `decisions_needing_reminders` for ids and fans out one
`send_reminders` per id. Each reminder is claimed in ReminderLog before it is sent; the
unique constraint on (decision, kind, due date, recipient) makes a second sweep, or a second
worker running the same sweep, send nothing. A sweep that did not run for a day finds the
same decisions the next time, since it asks the database what is due and not yet sent.
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from portal import calendar
from portal.choices import ReminderKind
from portal.models import Decision, Notification, ReminderLog, User
from portal.selectors import decision_recipients, escalation_recipients
from portal.services.notifications import after_commit

logger = logging.getLogger(__name__)


def decisions_needing_reminders(now: datetime | None = None) -> list[int]:
    """Ids of open decisions with a reminder or escalation due and not yet claimed."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.REMINDER_DUE_SOON_HOURS)
    cutoff_day = calendar.escalation_cutoff(timezone.localdate(now), settings.ESCALATE_AFTER_BUSINESS_DAYS)
    escalate_before = timezone.make_aware(datetime.combine(cutoff_day + timedelta(days=1), time.min))

    def sent(kind):
        return Exists(ReminderLog.objects.filter(decision=OuterRef("pk"), kind=kind, due_at=OuterRef("due_at")))

    qs = Decision.objects.open().filter(
        (Q(due_at__gt=now, due_at__lte=soon) & ~sent(ReminderKind.DUE_SOON))
        | (Q(due_at__lte=now) & ~sent(ReminderKind.OVERDUE))
        | (Q(due_at__lt=escalate_before) & ~sent(ReminderKind.ESCALATION))
    )
    return list(qs.order_by("due_at").values_list("id", flat=True))


def send_reminders(*, decision_id: int, now: datetime | None = None) -> int:
    """Send whatever reminders `decision_id` is due now and has not had. Returns how many were sent."""
    now = now or timezone.now()
    decision = Decision.objects.select_related("owner").filter(pk=decision_id).first()
    if decision is None or not decision.is_open:
        return 0
    sent = 0
    if decision.due_at > now:
        if decision.due_at <= now + timedelta(hours=settings.REMINDER_DUE_SOON_HOURS):
            sent += _remind_all(decision, ReminderKind.DUE_SOON, decision_recipients(decision))
        return sent
    sent += _remind_all(decision, ReminderKind.OVERDUE, decision_recipients(decision))
    overdue_days = calendar.business_days_between(timezone.localdate(decision.due_at), timezone.localdate(now))
    if overdue_days >= settings.ESCALATE_AFTER_BUSINESS_DAYS:
        sent += _remind_all(decision, ReminderKind.ESCALATION, escalation_recipients(decision))
    return sent


def _remind_all(decision: Decision, kind: str, recipients: list[User]) -> int:
    return sum(1 for user in recipients if _remind(decision, kind, user))


def _remind(decision: Decision, kind: str, recipient: User) -> bool:
    """Claim, then deliver once the claim has committed. A claim already taken (IntegrityError)
    means sent before; a delivery that fails releases its claim, so the next sweep tries again."""
    try:
        with transaction.atomic():
            claim = ReminderLog.objects.create(
                decision=decision, kind=kind, due_at=decision.due_at, recipient=recipient
            )
    except IntegrityError:
        return False
    message, subject, body = _compose(decision, kind, recipient)
    after_commit(_deliver, claim.pk, message, subject, body)
    return True


def _deliver(claim_id: int, message: str, subject: str, body: str) -> None:
    claim = ReminderLog.objects.select_related("recipient", "decision").get(pk=claim_id)
    if not claim.decision.is_open:
        return  # decided between the claim and now: nothing to remind of
    try:
        if claim.recipient.email:
            send_mail(subject, body, None, [claim.recipient.email])
    except Exception:  # noqa: BLE001 - any mail failure: release the claim, the next sweep retries
        logger.warning("reminder %s not sent; released for the next sweep", claim_id, exc_info=True)
        claim.delete()
        return
    Notification.objects.create(
        user=claim.recipient, message=message, url=claim.decision.next_action_url, decision=claim.decision
    )


def _compose(decision: Decision, kind: str, recipient: User) -> tuple[str, str, str]:
    label = {
        ReminderKind.DUE_SOON: "Due soon",
        ReminderKind.OVERDUE: "Overdue",
        ReminderKind.ESCALATION: "Escalated to you",
    }[kind]
    message = f"{label}: {decision.title}"
    context = {
        "decision": decision,
        "kind": kind,
        "label": label,
        "recipient": recipient,
        "url": settings.PORTAL_BASE_URL
        + (decision.get_absolute_url() if kind == ReminderKind.ESCALATION else decision.next_action_url),
        "due": timezone.localtime(decision.due_at),
    }
    body = render_to_string("portal/email/reminder.txt", context)
    # One line: a title must never be able to add mail headers.
    subject = " ".join(f"[Staffing portal] {message}".split())[:200]
    return message, subject, body
