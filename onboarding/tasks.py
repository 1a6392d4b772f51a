"""Celery tasks of pre-boarding: thin wrappers, safe to run any number of times."""

from celery import shared_task

from onboarding import services


@shared_task
def send_start_digests() -> int:
    return services.send_start_digests()
