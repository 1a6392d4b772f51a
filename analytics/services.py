"""Filling the daily snapshots (analytics.models). Safe to run any number of times for a day."""

from datetime import date

from django.db import transaction
from django.db.models import Count, F

from analytics.models import DailySnapshot, SnapshotMetric
from candidates.choices import ApplicationStatus
from candidates.models import Application
from portal import clock
from portal.choices import DecisionStatus
from portal.models import Decision
from requisitions.choices import Status
from requisitions.models import Requisition

DIMENSIONS = ("department", "cost_center", "role_family", "location", "recruiter", "hiring_manager")


def fill_snapshot(day: date | None = None) -> int:
    """Replace `day`'s snapshot rows (today by default) with what stands now; the number of rows written.

    Run at the end of the day (beat): the figures are those of the moment it runs, recorded under `day`.
    """
    day = day or clock.today()
    now = clock.now()
    rows = []
    requisition_dims = [f"{name}_id" for name in DIMENSIONS]
    for metric, queryset, prefix in (
        (SnapshotMetric.OPEN_REQUISITIONS, Requisition.objects.filter(status=Status.OPEN), ""),
        (
            SnapshotMetric.ACTIVE_APPLICATIONS,
            Application.objects.filter(status=ApplicationStatus.ACTIVE, requisition__status=Status.OPEN),
            "requisition__",
        ),
    ):
        fields = {name: F(f"{prefix}{name}_id") for name in DIMENSIONS}
        grouped = queryset.annotate(**{f"d_{k}": v for k, v in fields.items()}).values(
            *(f"d_{name}" for name in DIMENSIONS)
        )
        for row in grouped.annotate(n=Count("pk")).order_by():
            rows.append(
                DailySnapshot(
                    day=day,
                    metric=metric,
                    value=row["n"],
                    filled_at=now,
                    **{dim: row[f"d_{dim[:-3]}"] for dim in requisition_dims},
                )
            )
    open_decisions = Decision.objects.filter(status=DecisionStatus.OPEN)
    for metric, queryset in (
        (SnapshotMetric.OPEN_DECISIONS, open_decisions),
        (SnapshotMetric.OVERDUE_DECISIONS, open_decisions.filter(due_at__lt=now)),
    ):
        rows.append(DailySnapshot(day=day, metric=metric, value=queryset.count(), filled_at=now))
    with transaction.atomic():
        DailySnapshot.objects.filter(day=day).delete()
        DailySnapshot.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
