"""The daily job: planned engagements start, lapsed ones end, renewals are asked for, and expiry reminders
go out for vendor contracts and rate cards. Safe to run twice; a missed day is caught up."""

from collections import defaultdict
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import clock
from portal.choices import Role
from portal.models import User
from portal.services.notifications import notify
from portal.services.records import save_with_history
from requisitions.choices import CLOSED as CLOSED_REQUISITION
from vendors import choices
from vendors.choices import (
    EXPIRY_NOTICE_DAYS,
    RENEWAL_NOTICE_DAYS,
    WORKING,
    EngagementStatus,
    ExpiryKind,
    VendorStatus,
)
from vendors.costs import term_for
from vendors.models import (
    Engagement,
    ExpiryNotice,
    RateCard,
    Vendor,
)
from vendors.permissions import (
    start_refusal,
)
from vendors.services.base import VendorError, locked_engagement, tell
from vendors.services.engagements import start_engagement
from vendors.services.renewal_decision import ask_renewal
from vendors.services.renewals import end_engagement
from vendors.services.terms import pending_term


def run_daily(*, today: date | None = None) -> dict[str, int]:
    """Start engagements on their start date, end those past their end date, ask for renewals 30 days
    ahead, and remind vendor owners 30 and 14 days before a rate card or contract expires. Safe to run
    any number of times: each step checks state first, and reminders are claimed once."""
    today = today or clock.today()
    done = defaultdict(int)
    planned = Engagement.objects.filter(status=EngagementStatus.PLANNED, start_date__lte=today)
    for engagement in planned.select_related("requisition"):
        outcome = _start_or_settle(engagement, today)
        if outcome:
            done[outcome] += 1
    for engagement in Engagement.objects.filter(status__in=WORKING, end_date__lt=today):
        if pending_term(engagement) is None:
            end_engagement(
                engagement=engagement, by=None, note=_("Reached its end date."), end_date=engagement.end_date
            )
            done["ended"] += 1
    for engagement in Engagement.objects.filter(status__in=WORKING).prefetch_related("terms"):
        # A renewal at another rate: the engagement bills it from the day its terms begin.
        term = term_for([t for t in engagement.terms.all() if t.in_force], today)
        if term is not None and term.bill_rate != engagement.bill_rate:
            with transaction.atomic():
                locked = locked_engagement(engagement)
                locked.bill_rate = term.bill_rate
                save_with_history(locked, by=None, reason=choices.ENGAGEMENT_RENEWED)
            done["rates"] += 1
    horizon = today + timedelta(days=RENEWAL_NOTICE_DAYS)
    for engagement in Engagement.objects.filter(
        status=EngagementStatus.ACTIVE, end_date__lte=horizon, end_date__gte=today
    ):
        with transaction.atomic():
            ask_renewal(locked_engagement(engagement))
        done["renewals"] += 1
    done["reminders"] = send_expiry_reminders(today=today)
    return dict(done)


def _start_or_settle(engagement: Engagement, today: date) -> str:
    """The daily job's step for a planned engagement due to start: start it, or end it as never run when
    its end date passed or its contract requisition was filled or closed without it (its recruiter is
    told), or leave it waiting (its rate in approval, its requisition on hold). What it did, or ""."""
    first = engagement.terms.filter(number=1).first()
    if first is None or not first.in_force:
        return ""  # its rate is in approval: it waits, as its page says
    req = engagement.requisition
    gone = req.is_contract and req.status in CLOSED_REQUISITION
    if engagement.end_date < today or gone:
        why = (
            _("Its end date passed before it could start.")
            if engagement.end_date < today
            else _("%(ref)s was %(status)s before it could start.")
            % {"ref": req.reference, "status": req.get_status_display().lower()}
        )
        end_engagement(engagement=engagement, by=None, note=why)
        tell(engagement, _("%(ref)s ended without starting: %(why)s") % {"ref": engagement.reference, "why": why}, None)
        return "ended"
    if start_refusal(engagement, first, today=today):
        return "waiting"  # its contract requisition is on hold, or has no opening left yet
    try:
        start_engagement(engagement=engagement, by=None)
    except VendorError:  # changed since the check above: the next run sees it as it is
        return "waiting"
    return "started"


def send_expiry_reminders(*, today: date) -> int:
    """Tell each vendor's owner that a rate card or the vendor's contract expires in 30 days, then 14:
    once each per expiry date (a later run, or a second worker, claims nothing twice)."""
    horizon = today + timedelta(days=max(EXPIRY_NOTICE_DAYS))
    sent = 0
    cards = (
        RateCard.objects.exclude(vendor__status=VendorStatus.TERMINATED)
        .filter(valid_to__gte=today, valid_to__lte=horizon)
        .select_related("vendor__owner", "role_family", "level", "location")
    )
    for card in cards:
        sent += _remind(
            ExpiryKind.RATE_CARD,
            card.pk,
            card.valid_to,
            today,
            card.vendor,
            _("The rate card %(card)s expires on %(day)s."),
            {"card": card},
        )
    vendors = Vendor.objects.exclude(status=VendorStatus.TERMINATED).filter(
        contract_expires_on__gte=today, contract_expires_on__lte=horizon
    )
    for vendor in vendors.select_related("owner"):
        sent += _remind(
            ExpiryKind.CONTRACT,
            vendor.pk,
            vendor.contract_expires_on,
            today,
            vendor,
            _("%(card)s's contract expires on %(day)s."),
            {"card": vendor},
        )
    return sent


def _remind(kind: str, object_id: int, expires_on: date, today: date, vendor: Vendor, text: str, names: dict) -> int:
    days_left = (expires_on - today).days
    due = [n for n in sorted(EXPIRY_NOTICE_DAYS) if days_left <= n]
    if not due:
        return 0
    try:
        with transaction.atomic():
            ExpiryNotice.objects.create(
                kind=kind, object_id=object_id, expires_on=expires_on, days_before=due[0], sent_at=clock.now()
            )
    except IntegrityError:
        return 0
    owner = vendor.owner if vendor.owner.is_active else None
    people = [owner] if owner else list(User.objects.with_role(Role.ADMIN))
    notify(
        users=people,
        message=(text % {**names, "day": expires_on.isoformat()}) + " " + _("(%(n)d days)") % {"n": days_left},
        url=vendor.get_absolute_url(),
    )
    return 1
