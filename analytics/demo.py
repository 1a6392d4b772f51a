"""The dashboards' demo: the daily snapshots the trend reads for the last twelve weeks (each week's last day,
and today), read from what the demo recorded (its requisitions' history, its applications' transitions,
its decisions)."""

from datetime import timedelta

from analytics.metrics.trends import WEEKS
from analytics.services import fill_snapshot
from portal import clock


def seed(*, rng, scale, log) -> None:
    today = clock.today()
    sunday = today - timedelta(days=today.weekday() + 1)  # the end of last week
    days = [today] + [sunday - timedelta(days=7 * week) for week in range(WEEKS - 1)]
    rows = sum(fill_snapshot(day) for day in days)
    log(f"dashboard snapshots of {len(days)} days (each of the last {WEEKS} weeks): {rows} rows")
