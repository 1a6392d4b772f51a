"""Celery tasks of the pipeline: thin wrappers, safe to run any number of times."""

from celery import shared_task

from candidates import reminders


@shared_task
def send_stuck_digests() -> int:
    return reminders.send_stuck_digests()


@shared_task
def send_weekly_summaries() -> int:
    return reminders.send_weekly_summaries()
