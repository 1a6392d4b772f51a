"""Celery tasks: thin wrappers that take ids and call services."""

from celery import shared_task

from portal.services import reminders


@shared_task
def sweep_decisions() -> int:
    """Find decisions with a reminder due and fan out one task each. Safe to run any number of times."""
    ids = reminders.decisions_needing_reminders()
    for decision_id in ids:
        send_decision_reminders.delay(decision_id)
    return len(ids)


@shared_task
def send_decision_reminders(decision_id: int) -> int:
    return reminders.send_reminders(decision_id=decision_id)
