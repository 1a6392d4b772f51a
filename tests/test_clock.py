"""The suite's frozen clock (tests/clock.py): each test starts at the run's instant, whatever ran before
it, and a test's own travel nests on top of it."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests import clock

# The first test moves the clock on; the second proves it was moved back. One worker runs both, in order.
pytestmark = pytest.mark.xdist_group("clock")


def _since_instant() -> timedelta:
    return clock.now() - clock.instant()


def test_a_test_starts_at_the_frozen_instant_and_the_clock_ticks_from_there():
    assert timedelta(0) <= _since_instant() < timedelta(seconds=5)
    assert abs(time.time() - clock.instant().timestamp()) < 5
    assert clock.today() == clock.now().date()

    clock._traveller.shift(timedelta(days=3))  # as if this test ran for three days

    assert timedelta(days=3) <= _since_instant() < timedelta(days=3, seconds=5)


def test_the_next_test_starts_at_the_instant_again():
    assert timedelta(0) <= _since_instant() < timedelta(seconds=5)


def test_a_travel_of_its_own_nests_on_the_frozen_clock_and_hands_back_on_leaving():
    with time_machine.travel(datetime(2030, 6, 1, 12, tzinfo=UTC), tick=False):
        assert clock.now() == datetime(2030, 6, 1, 12, tzinfo=UTC)

    assert timedelta(0) <= _since_instant() < timedelta(seconds=5)
