"""The suite's clock: every test starts at one frozen instant, whatever day the suite runs on.

The instant is `PORTAL_TEST_NOW` (an ISO 8601 datetime with its UTC offset) or `DEFAULT`. A time-machine
traveller starts at it when pytest configures (so session fixtures, migrations and module-level code see
it, in every xdist worker) and ticks from there; each test moves it back to the instant before it runs.
A test's own `time_machine.travel(...)` nests on top and hands back on leaving.

`now()` and `today()` are what tests call when they need the current instant or local date. The real
clock is out of reach except through `real_now()`, for a test that must agree with another process
(which the traveller does not reach) and says so.
"""

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

ENV = "PORTAL_TEST_NOW"
# Late evening of 31 December in Toronto, when UTC is already the next year: a test or rule that takes
# the UTC date for the local one, or assumes tomorrow is in the same month or year, fails here.
DEFAULT = "2026-12-31T23:30:00-05:00"

_traveller: time_machine.Traveller | None = None
_travel: time_machine.travel | None = None


def instant() -> datetime:
    """The frozen instant of this run, from PORTAL_TEST_NOW or the default."""
    text = os.environ.get(ENV, "").strip() or DEFAULT
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise pytest.UsageError(f"{ENV}={text!r} is not an ISO 8601 datetime with its UTC offset, e.g. {ENV}={DEFAULT}")
    return moment


def now() -> datetime:
    """The current instant of the frozen clock (ticking since the test started), in local time."""
    return timezone.localtime()


def today() -> date:
    """The local date of the frozen clock (the portal's TIME_ZONE, not UTC)."""
    return timezone.localdate()


def real_now() -> datetime:
    """The machine's clock, for a test that shares time with another process, such as a Celery worker."""
    return datetime.fromtimestamp(time_machine.escape_hatch.time.time(), tz=UTC)


def pytest_configure(config):
    global _travel, _traveller
    _travel = time_machine.travel(instant(), tick=True)
    _traveller = _travel.start()


def pytest_unconfigure(config):
    global _travel, _traveller
    if _travel is not None:
        _travel.stop()
        _travel = _traveller = None


def pytest_report_header(config):
    moment = instant()
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    source = ENV if os.environ.get(ENV, "").strip() else f"default; set {ENV} to change it"
    return (
        f"clock: frozen at {moment.isoformat()} ({source}): "
        f"{local:%A %-d %B %Y %H:%M %Z} in {settings.TIME_ZONE}, {moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    )


@pytest.fixture(autouse=True)
def _frozen_clock():
    """Start every test at the frozen instant, however long the tests before it took."""
    _traveller.move_to(instant())
    yield
