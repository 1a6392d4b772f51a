"""onboarding.schedule: the business-day arithmetic behind every pre-boarding date. A task is due some
business days from its anchor and never before what it waits on; the earliest feasible start follows the
open blocking tasks and what they wait on. Plain dates: no clock, no database (but for the holidays)."""

from datetime import date

import pytest

from onboarding.schedule import BusinessCalendar, Step, due_dates, earliest_start, waits_on_cycle
from portal.models import Holiday

# Late December 2026 and early 2027: Thursday 31 December, Friday 1 January, the weekend of the 2nd and 3rd.
THU = date(2026, 12, 31)
FRI = date(2027, 1, 1)
SAT = date(2027, 1, 2)
SUN = date(2027, 1, 3)
MON = date(2027, 1, 4)
TUE = date(2027, 1, 5)
WED = date(2027, 1, 6)

PLAIN = BusinessCalendar(set())
NEW_YEAR = BusinessCalendar({FRI})


def step(key, *, at_start=True, offset=0, duration=1, blocks=False, waits_on=(), is_open=True, fixed=None):
    return Step(
        key=key,
        anchor_is_start=at_start,
        offset=offset,
        duration=duration,
        blocks=blocks,
        waits_on=set(waits_on),
        is_open=is_open,
        fixed_due=fixed,
    )


# --- The calendar ---------------------------------------------------------------------------------------


def test_weekends_and_holidays_are_not_business_days():
    assert [PLAIN.is_business_day(d) for d in (THU, FRI, SAT, SUN, MON)] == [True, True, False, False, True]
    assert NEW_YEAR.is_business_day(FRI) is False
    assert NEW_YEAR.on_or_after(FRI) == MON and NEW_YEAR.on_or_after(SAT) == MON and NEW_YEAR.on_or_after(THU) == THU


@pytest.mark.parametrize(
    ("cal", "day", "days", "expected"),
    [
        (PLAIN, THU, 0, THU),
        (PLAIN, THU, 1, FRI),
        (PLAIN, FRI, 1, MON),  # over the weekend
        (NEW_YEAR, THU, 1, MON),  # over the holiday and the weekend
        (NEW_YEAR, THU, 2, TUE),
        (PLAIN, SAT, 0, MON),  # zero days from a weekend day: the next business day
        (PLAIN, SUN, 1, TUE),
        (PLAIN, MON, -1, FRI),  # backwards over the weekend
        (NEW_YEAR, MON, -1, THU),  # backwards over the weekend and the holiday
        (PLAIN, SUN, -1, FRI),  # one business day before a Sunday start is the Friday
        (PLAIN, WED, -3, FRI),
    ],
)
def test_shift_counts_business_days_either_way(cal, day, days, expected):
    assert cal.shift(day, days) == expected


def test_between_counts_the_business_days_after_start_up_to_end():
    assert PLAIN.between(THU, MON) == 2  # Friday and Monday
    assert NEW_YEAR.between(THU, MON) == 1  # the holiday does not count
    assert PLAIN.between(FRI, SUN) == 0
    assert PLAIN.between(MON, MON) == 0
    assert PLAIN.between(WED, MON) == 0  # an end before the start counts nothing


def test_the_calendar_around_a_day_reads_the_portals_holidays(db):
    Holiday.objects.create(date=FRI, name="New Year's Day")
    Holiday.objects.create(date=date(2030, 1, 1), name="Far away")  # beyond any checklist's reach
    cal = BusinessCalendar.around(THU)
    assert FRI in cal.holidays and date(2030, 1, 1) not in cal.holidays
    assert cal.shift(THU, 1) == MON


# --- Due dates ------------------------------------------------------------------------------------------


def test_a_task_is_due_its_offset_in_business_days_from_its_anchor():
    steps = [
        step(1, at_start=False, offset=2),  # two business days after the acceptance
        step(2, at_start=True, offset=-3),  # three business days before the start
        step(3, at_start=True, offset=0),  # on the start (a Sunday start: the Monday)
    ]
    due = due_dates(steps, accepted_on=THU, start=date(2027, 2, 14), cal=NEW_YEAR)
    assert due == {1: TUE, 2: date(2027, 2, 10), 3: date(2027, 2, 15)}


def test_a_task_waiting_on_another_is_due_no_earlier_than_that_one_plus_its_own_duration():
    steps = [
        step(1, at_start=False, offset=2, duration=2),  # due Tuesday 5 January (New Year's Day skipped)
        step(2, at_start=True, offset=-2, duration=3, waits_on={1}),  # its own date would be Wednesday 30 Dec
        step(3, at_start=True, offset=-2, duration=1, waits_on={2}),  # and through 2, on 1 as well
        step(4, at_start=True, offset=-2, duration=1),  # waiting on nothing: its own date stands
    ]
    due = due_dates(steps, accepted_on=THU, start=date(2027, 1, 4), cal=NEW_YEAR)
    assert due[1] == TUE
    assert due[2] == date(2027, 1, 8)  # three business days after Tuesday
    assert due[3] == date(2027, 1, 11)  # one business day after Friday 8th
    assert due[4] == date(2026, 12, 30)
    for later, earlier in ((2, 1), (3, 2)):
        assert due[later] >= due[earlier]


def test_a_date_set_by_hand_stands_and_those_waiting_on_it_follow_it():
    by_hand = date(2027, 3, 1)
    steps = [step(1, offset=-10, fixed=by_hand), step(2, offset=-5, duration=2, waits_on={1})]
    due = due_dates(steps, accepted_on=THU, start=date(2027, 2, 15), cal=PLAIN)
    assert due == {1: by_hand, 2: date(2027, 3, 3)}


def test_waits_on_a_missing_task_or_in_a_loop_do_not_hang_or_fail():
    steps = [step(1, offset=-1, waits_on={2, 99}), step(2, offset=-1, waits_on={1})]
    due = due_dates(steps, accepted_on=THU, start=MON, cal=PLAIN)
    assert set(due) == {1, 2}
    assert all(PLAIN.is_business_day(day) for day in due.values())


# --- The earliest feasible start ------------------------------------------------------------------------


def test_no_open_blocking_task_means_no_constraint_on_the_start():
    steps = [
        step(1, blocks=True, duration=5, is_open=False),  # done
        step(2, blocks=False, duration=20),  # open but not blocking
    ]
    assert earliest_start(steps, today=THU, cal=PLAIN) is None
    assert earliest_start([], today=THU, cal=PLAIN) is None


def test_the_earliest_start_is_the_business_day_after_the_last_open_blocking_task_could_finish():
    # Started today (Thursday) and taking two business days: done Friday, so Monday at the earliest.
    assert earliest_start([step(1, blocks=True, duration=2)], today=THU, cal=PLAIN) == MON
    # New Year's Day is off: done Monday, so Tuesday.
    assert earliest_start([step(1, blocks=True, duration=2)], today=THU, cal=NEW_YEAR) == TUE
    # Asked on a Saturday, the work begins Monday.
    assert earliest_start([step(1, blocks=True, duration=1)], today=SAT, cal=PLAIN) == TUE
    # The longest open blocking task decides.
    steps = [step(1, blocks=True, duration=1), step(2, blocks=True, duration=3)]
    assert earliest_start(steps, today=MON, cal=PLAIN) == date(2027, 1, 7)


def test_an_open_blocking_task_starts_only_when_what_it_waits_on_can_finish():
    steps = [
        step(1, blocks=False, duration=3),  # not blocking itself, but the blocking task waits on it
        step(2, blocks=True, duration=2, waits_on={1}),
    ]
    # 1: Monday to Wednesday; 2: Thursday and Friday; the start: the Monday after.
    assert earliest_start(steps, today=MON, cal=PLAIN) == date(2027, 1, 11)
    # Once 1 is done, 2 can begin today.
    steps[0].is_open = False
    assert earliest_start(steps, today=MON, cal=PLAIN) == WED


def test_a_loop_of_waits_does_not_hang_the_earliest_start():
    steps = [step(1, blocks=True, duration=1, waits_on={2}), step(2, blocks=True, duration=1, waits_on={1})]
    assert earliest_start(steps, today=MON, cal=PLAIN) is not None


# --- Loops ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edges", "loops"),
    [
        ({}, False),
        ({1: set(), 2: {1}}, False),
        ({1: {1}}, True),  # waiting on itself
        ({1: {2}, 2: {3}, 3: {1}}, True),  # a three-step loop
        ({1: set(), 2: {1}, 3: {1}, 4: {2, 3}}, False),  # a diamond is no loop
        ({1: {2}, 2: set(), 3: {4}, 4: {3}}, True),  # a loop apart from the first task
    ],
)
def test_waits_on_cycle_finds_loops_and_only_loops(edges, loops):
    assert waits_on_cycle(edges) is loops
