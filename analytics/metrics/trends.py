"""Trends: what stood at the end of each week, from the daily snapshots (analytics.models)."""

from datetime import timedelta

from django.db.models import Q, Sum

from analytics.models import DailySnapshot, SnapshotMetric
from analytics.tiles import MetricTable, TableColumn, register_table

WEEKS = 12


def _scope(slice_) -> Q:
    """The snapshot rows of the slice: its department, cost center, role family and location filters, and on
    a recruiter's or hiring manager's board, their own requisitions."""
    where = Q()
    for name in ("department", "cost_center", "role_family", "location", "recruiter", "hiring_manager"):
        if slice_.get(name) is not None:
            where &= Q(**{name: slice_.get(name)})
    if slice_.board.key == "recruiter":
        where &= Q(recruiter=slice_.user)
    elif slice_.board.key == "hiring-manager":
        where &= Q(hiring_manager=slice_.user)
    return where


def weekly_load(slice_) -> list[dict]:
    """Per week of the last twelve (this one included), the figures of its last snapshot day."""
    first = slice_.today - timedelta(days=slice_.today.weekday() + 7 * (WEEKS - 1))
    # The slice's rows, and the organisation's decision count, which every snapshot has: the days a snapshot
    # was taken (a day with none of the slice's rows counts zero, a day with no snapshot stays blank).
    loads = Q(_scope(slice_), metric__in=(SnapshotMetric.OPEN_REQUISITIONS, SnapshotMetric.ACTIVE_APPLICATIONS))
    grouped = (
        DailySnapshot.objects.filter(
            loads | Q(metric=SnapshotMetric.OPEN_DECISIONS), day__gte=first, day__lte=slice_.today
        )
        .values("day", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    by_day: dict = {}
    for row in grouped:
        by_day.setdefault(row["day"], {})[row["metric"]] = row["total"]
    rows = []
    for week in range(WEEKS):
        monday = first + timedelta(days=7 * week)
        days = [day for day in by_day if monday <= day < monday + timedelta(days=7)]
        last = by_day[max(days)] if days else None
        rows.append(
            {
                "label": monday.isoformat(),
                "requisitions": last.get(SnapshotMetric.OPEN_REQUISITIONS, 0) if last else None,
                "applications": last.get(SnapshotMetric.ACTIVE_APPLICATIONS, 0) if last else None,
                "drill": None,
            }
        )
    return rows


register_table(
    MetricTable(
        key="weekly_load",
        name="Open requisitions and active applications, week by week",
        group="capacity",
        definition=(
            "From the daily snapshots: per week of the last twelve (by its Monday), the requisitions open and the "
            "active applications on them at the end of the week's last day with a snapshot (today: now); a week "
            "with none is blank. A day's snapshot is what its requisitions' history and its applications' "
            "transitions say stood at its end, refreshed every hour and caught up for days beat missed."
        ),
        compute=weekly_load,
        columns=(TableColumn("requisitions", "Open requisitions"), TableColumn("applications", "Active applications")),
        row_label="Week of",
        chart={"type": "line", "series": ["requisitions", "applications"], "unit": ""},
    )
)
