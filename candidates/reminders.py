"""Stuck-candidate reminders: a daily digest to each owner of the applications that went 7 or 14 days
without activity, and a weekly summary to each hiring manager of their open requisitions.

Beat runs these once a day (digests) and once a week (summaries); they are safe to run any number of
times. Each stall is claimed in StuckReminder before it is reported (unique per application, threshold
and the activity it counts from), each summary in WeeklySummary (unique per manager and week), so a
second run, or a second worker, sends nothing more; a run that missed days catches up on the next one.
Emails and notifications go out after the claims commit.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.choices import ApplicationStatus
from candidates.models import Application, StuckReminder, WeeklySummary
from candidates.selectors import STUCK_DAYS
from portal.models import User
from portal.services.notifications import notify, send_email
from requisitions.choices import Status as RequisitionStatus
from requisitions.models import Requisition


def stalls_to_report(now: datetime) -> list[tuple[Application, int]]:
    """(application, threshold) for each active application on an open requisition that went `threshold`
    days without activity and was not reported at that threshold for this stall. The highest threshold
    only: a stall found at 14 days is not reported at 7 as well."""
    oldest_first = sorted(STUCK_DAYS, reverse=True)
    candidates = (
        Application.objects.filter(
            status=ApplicationStatus.ACTIVE,
            requisition__status=RequisitionStatus.OPEN,
            owner__isnull=False,
            last_activity_at__lte=now - timedelta(days=min(STUCK_DAYS)),
        )
        .select_related("candidate", "requisition", "stage", "owner")
        .order_by("owner_id", "last_activity_at")
    )
    claimed = set(
        StuckReminder.objects.filter(application__in=candidates).values_list("application_id", "threshold", "since")
    )
    found = []
    for application in candidates:
        idle = now - application.last_activity_at
        threshold = next(days for days in oldest_first if idle >= timedelta(days=days))
        if not any((application.pk, t, application.last_activity_at) in claimed for t in STUCK_DAYS if t >= threshold):
            found.append((application, threshold))
    return found


def send_stuck_digests(now: datetime | None = None) -> int:
    """Claim every unreported stall and send each owner one digest of theirs. Returns how many stalls."""
    now = now or timezone.now()
    by_owner: dict[User, list[tuple[Application, int]]] = defaultdict(list)
    for application, threshold in stalls_to_report(now):
        if _claim(application, threshold):
            by_owner[application.owner].append((application, threshold))
    for owner, stalls in by_owner.items():
        _send_digest(owner, stalls)
    return sum(len(stalls) for stalls in by_owner.values())


def _claim(application: Application, threshold: int) -> bool:
    try:
        with transaction.atomic():
            StuckReminder.objects.create(
                application=application,
                threshold=threshold,
                since=application.last_activity_at,
                recipient=application.owner,
            )
    except IntegrityError:
        return False  # claimed by another run at the same moment
    return True


def _send_digest(owner: User, stalls: list[tuple[Application, int]]) -> None:
    lines = [
        f"- {app.candidate} · {app.requisition.reference} {app.requisition.title} · {app.stage}: "
        f"no activity for {threshold}+ days"
        for app, threshold in stalls
    ]
    url = reverse("candidates:pipeline") + f"?flag=stuck_{min(t for _, t in stalls)}"
    message = _("%(n)d candidates need a follow-up") % {"n": len(stalls)}
    body = "\n".join([f"{message}:", "", *lines, "", f"{settings.PORTAL_BASE_URL}{url}"])
    send_email(to=[owner.email], subject=f"[Staffing portal] {message}", body=body)
    notify(users=[owner], message=message, url=url)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def send_weekly_summaries(now: datetime | None = None) -> int:
    """Send each hiring manager with open requisitions one summary a week. Returns how many were sent."""
    now = now or timezone.now()
    week = monday_of(timezone.localtime(now).date())
    stuck_since = now - timedelta(days=min(STUCK_DAYS))
    requisitions = (
        Requisition.objects.filter(status=RequisitionStatus.OPEN)
        .select_related("hiring_manager")
        .annotate(
            active=Count("applications", filter=Q(applications__status=ApplicationStatus.ACTIVE)),
            stuck=Count(
                "applications",
                filter=Q(
                    applications__status=ApplicationStatus.ACTIVE, applications__last_activity_at__lte=stuck_since
                ),
            ),
            new=Count("applications", filter=Q(applications__applied_at__gte=now - timedelta(days=7))),
        )
        .order_by("hiring_manager_id", "pk")
    )
    by_manager: dict[User, list[Requisition]] = defaultdict(list)
    for req in requisitions:
        by_manager[req.hiring_manager].append(req)
    sent = 0
    for manager, reqs in by_manager.items():
        try:
            with transaction.atomic():
                WeeklySummary.objects.create(hiring_manager=manager, week=week)
        except IntegrityError:
            continue  # this week's summary went out already
        lines = [f"- {r.reference} {r.title}: {r.active} active, {r.new} new this week, {r.stuck} stuck" for r in reqs]
        subject = _("Your hiring this week: %(n)d open requisitions") % {"n": len(reqs)}
        send_email(to=[manager.email], subject=f"[Staffing portal] {subject}", body="\n".join([subject, "", *lines]))
        sent += 1
    return sent
