"""The dashboards' demo: the daily snapshots of the last twelve weeks, read from what the demo recorded (its
requisitions' history, its applications' transitions, its decisions), so the trend has its weeks."""

from datetime import timedelta

from analytics.services import fill_snapshot
from portal import clock

DAYS = 12 * 7


def seed(*, rng, scale, log) -> None:
    today = clock.today()
    rows = sum(fill_snapshot(today - timedelta(days=back)) for back in range(DAYS))
    log(f"dashboard snapshots of the last {DAYS} days: {rows} rows")
