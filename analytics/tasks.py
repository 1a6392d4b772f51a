"""Celery tasks of the dashboards: thin wrappers, safe to run any number of times."""

from celery import shared_task

from analytics import services


@shared_task
def fill_snapshot() -> int:
    """Today's snapshot, and any of the last seven days beat missed."""
    return services.catch_up()
