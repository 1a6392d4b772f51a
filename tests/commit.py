"""Tests run inside a transaction that never commits, so side effects queued with
transaction.on_commit (email, notifications) would never run. `committed()` runs those of its
block as the commit of a real transaction would, so a test can assert them."""

from django.test import TestCase


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)
