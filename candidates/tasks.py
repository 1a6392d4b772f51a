"""Celery tasks of the pipeline: thin wrappers, safe to run any number of times."""

from celery import shared_task

from candidates import reminders
from candidates.services import imports, interviews


@shared_task
def send_stuck_digests() -> int:
    return reminders.send_stuck_digests()


@shared_task
def send_weekly_summaries() -> int:
    return reminders.send_weekly_summaries()


@shared_task
def run_candidate_import(import_id: int) -> str:
    """Check and write one queued import; a second delivery finds it no longer queued and does nothing."""
    return imports.run_import(import_id).status


@shared_task
def complete_past_interviews() -> int:
    return interviews.complete_past_interviews()
