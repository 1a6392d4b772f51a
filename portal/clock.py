"""The time services stamp on what they write.

Normally `timezone.now()`. An import or the demo seeder replays past events inside
`frozen(at)`, so that timestamps, due dates and history rows all say when the event happened,
not when it was loaded. Nothing else should freeze the clock.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_frozen_at: ContextVar[datetime | None] = ContextVar("portal_clock_frozen_at", default=None)


def now() -> datetime:
    return _frozen_at.get() or timezone.now()


@contextmanager
def frozen(at: datetime):
    token = _frozen_at.set(at)
    try:
        yield
    finally:
        _frozen_at.reset(token)


def stamp_history(instance) -> None:
    """Date the history row of `instance`'s next save by the clock (only differs while frozen)."""
    if _frozen_at.get() is not None:
        instance._history_date = _frozen_at.get()


def today() -> date:
    """The local date by the portal's clock."""
    return timezone.localdate(now())
