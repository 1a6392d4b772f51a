"""Filling the daily snapshots (analytics.models): safe to run any number of times for a day, and for a past
day (a day beat missed is caught up from the record).

A day's figures stand as of the end of that day (or now, for today), read from what the workflows recorded:
- a requisition is open if its latest status at that moment (its history; a requisition without history,
  written in bulk, by its status now) is open;
- an application is active if the latest of its stage transitions at that moment left it active, and its
  requisition was open;
- a decision is open if it was raised by then and not yet decided (done or cancelled); overdue if open
  and its due date had passed.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from analytics.models import DailySnapshot, SnapshotMetric
from candidates.choices import ApplicationStatus
from candidates.models import Application, StageTransition
from portal import clock
from portal.models import Decision
from requisitions.choices import Status
from requisitions.models import Requisition

DIMENSIONS = ("department", "cost_center", "role_family", "location", "recruiter", "hiring_manager")


def moment_of(day: date) -> datetime:
    """The end of `day` (local midnight after it), or now if that is still to come."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return min(end, clock.now())


def open_requisitions_at(moment: datetime):
    history = Requisition.history.model.objects.filter(id=OuterRef("pk"), history_date__lte=moment)
    status_then = Subquery(history.order_by("-history_date", "-history_id").values("status")[:1])
    return (
        Requisition.objects.filter(created_at__lte=moment)
        .annotate(status_then=Coalesce(status_then, F("status")))
        .filter(status_then=Status.OPEN)
    )


def active_applications_at(moment: datetime):
    last = StageTransition.objects.filter(application=OuterRef("pk"), at__lte=moment).order_by("-at", "-pk")
    return (
        Application.objects.filter(applied_at__lte=moment, requisition__in=open_requisitions_at(moment).values("pk"))
        .annotate(status_then=Subquery(last.values("status")[:1]))
        .filter(status_then=ApplicationStatus.ACTIVE)
    )


def open_decisions_at(moment: datetime):
    return Decision.objects.filter(created_at__lte=moment).filter(Q(decided_at__isnull=True) | Q(decided_at__gt=moment))


def fill_snapshot(day: date | None = None) -> int:
    """Replace `day`'s snapshot rows (today by default) with what stood at its end; the rows written."""
    day = day or clock.today()
    moment = moment_of(day)
    rows = []
    for metric, queryset, prefix in (
        (SnapshotMetric.OPEN_REQUISITIONS, open_requisitions_at(moment), ""),
        (SnapshotMetric.ACTIVE_APPLICATIONS, active_applications_at(moment), "requisition__"),
    ):
        grouped = (
            queryset.annotate(**{f"d_{name}": F(f"{prefix}{name}_id") for name in DIMENSIONS})
            .values(*(f"d_{name}" for name in DIMENSIONS))
            .annotate(n=Count("pk", output_field=IntegerField()))
            .order_by()
        )
        for row in grouped:
            dims = {f"{name}_id": row[f"d_{name}"] for name in DIMENSIONS}
            rows.append(DailySnapshot(day=day, metric=metric, value=row["n"], filled_at=clock.now(), **dims))
    decisions = open_decisions_at(moment)
    for metric, queryset in (
        (SnapshotMetric.OPEN_DECISIONS, decisions),
        (SnapshotMetric.OVERDUE_DECISIONS, decisions.filter(due_at__lt=moment)),
    ):
        rows.append(DailySnapshot(day=day, metric=metric, value=queryset.count(), filled_at=clock.now()))
    with transaction.atomic():
        DailySnapshot.objects.filter(day=day).delete()
        DailySnapshot.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def catch_up(days: int = 7) -> int:
    """Fill today and each of the `days` days before it that has no snapshot (beat was down); rows written."""
    today = clock.today()
    filled = set(
        DailySnapshot.objects.filter(day__gte=today - timedelta(days=days), day__lt=today)
        .values_list("day", flat=True)
        .distinct()
    )
    written = fill_snapshot(today)
    for back in range(1, days + 1):
        day = today - timedelta(days=back)
        if day not in filled:
            written += fill_snapshot(day)
    return written
