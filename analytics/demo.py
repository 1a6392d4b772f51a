"""The dashboards' demo: today's snapshot, so the trend has its first point (beat adds one a day)."""

from analytics.services import fill_snapshot


def seed(*, rng, scale, log) -> None:
    rows = fill_snapshot()
    log(f"today's dashboard snapshot: {rows} rows")
