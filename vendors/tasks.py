"""Celery tasks of vendors: thin wrappers, safe to run any number of times."""

from celery import shared_task

from vendors import services


@shared_task
def daily() -> dict:
    return services.run_daily()
