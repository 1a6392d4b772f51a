"""Tests run inside a transaction that never commits, so side effects queued with
transaction.on_commit (email, notifications) would never run. `committed()` runs those of its
block as the commit of a real transaction would, so a test can assert them."""

from django.test import TestCase


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def purge_history(queryset) -> None:
    """Delete history rows (test set-up only): on PostgreSQL only a transaction that sets the retention
    purge flag may (portal.audit's guard)."""
    from django.db import connection, transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL portal.allow_history_purge = 'on'")
        queryset.delete()
