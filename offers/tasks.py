"""Celery tasks of offers: thin wrappers, safe to run any number of times."""

from celery import shared_task

from offers import services


@shared_task
def expire_unanswered_offers() -> int:
    return services.expire_offers()
