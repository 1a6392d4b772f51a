"""When pre-boarding tasks fall due and when a start can be met: pure date arithmetic over one set of
holidays, so a page computing it for many cases reads the holidays once.

Offsets and durations are business days (weekends and `portal.Holiday` skipped). A task is due
`offset` business days from its anchor (the acceptance or the start; negative: before it), and never
before the tasks it waits on are due plus its own duration. The earliest feasible start is the business
day after the last open blocking task could finish, each open task starting today or when the open tasks
it waits on finish, whichever is later, and taking its full duration.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.models import Holiday

_REACH = 400  # days either side of today: more than any checklist spans


class BusinessCalendar:
    def __init__(self, holidays: set[date]):
        self.holidays = holidays

    @classmethod
    def around(cls, day: date) -> "BusinessCalendar":
        span = timedelta(days=_REACH)
        return cls(set(Holiday.objects.filter(date__range=(day - span, day + span)).values_list("date", flat=True)))

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def on_or_after(self, day: date) -> date:
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def shift(self, day: date, days: int) -> date:
        """The business day `days` business days after `day` (before it when negative; 0: `day`, or the
        next business day when `day` is not one)."""
        if days >= 0:
            day = self.on_or_after(day)
            for _ in range(days):
                day = self.on_or_after(day + timedelta(days=1))
            return day
        counted = 0
        while counted < -days:
            day -= timedelta(days=1)
            if self.is_business_day(day):
                counted += 1
        return day

    def between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (0 when end <= start)."""
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_business_day(start + timedelta(days=n)))


@dataclass
class Step:
    """What the arithmetic needs of a task (or a template task): its key, anchor and offset, duration,
    whether the start waits for it, the keys it waits on, and whether it is still open."""

    key: int
    anchor_is_start: bool
    offset: int
    duration: int
    blocks: bool
    waits_on: set[int] = field(default_factory=set)
    is_open: bool = True
    fixed_due: date | None = None  # a date set by hand


def due_dates(steps: list[Step], *, accepted_on: date, start: date, cal: BusinessCalendar) -> dict[int, date]:
    """Each step's due date (see the module's docstring); a date set by hand stands as set."""
    by_key = {step.key: step for step in steps}
    due: dict[int, date] = {}

    def visit(step: Step, trail: frozenset) -> date:
        if step.key in due:
            return due[step.key]
        if step.fixed_due is not None:
            due[step.key] = step.fixed_due
            return step.fixed_due
        anchor = start if step.anchor_is_start else accepted_on
        day = cal.shift(anchor, step.offset)
        for key in step.waits_on:
            if key in by_key and key not in trail:
                after = cal.shift(visit(by_key[key], trail | {step.key}), step.duration)
                day = max(day, after)
        due[step.key] = day
        return day

    for step in steps:
        visit(step, frozenset())
    return due


def earliest_start(steps: list[Step], *, today: date, cal: BusinessCalendar) -> date | None:
    """The earliest day the person can start given the open blocking tasks, or None when none is open."""
    by_key = {step.key: step for step in steps}
    finish: dict[int, date | None] = {}

    def done_by(step: Step, trail: frozenset) -> date | None:
        """The business day the open `step` can be finished by (None: nothing left to do)."""
        if step.key in finish:
            return finish[step.key]
        if not step.is_open:
            finish[step.key] = None
            return None
        begin = cal.on_or_after(today)
        for key in step.waits_on:
            if key in by_key and key not in trail:
                before = done_by(by_key[key], trail | {step.key})
                if before is not None:
                    begin = max(begin, cal.shift(before, 1))
        end = cal.shift(begin, max(step.duration - 1, 0))
        finish[step.key] = end
        return end

    ends = [done_by(step, frozenset()) for step in steps if step.blocks and step.is_open]
    ends = [end for end in ends if end is not None]
    return cal.shift(max(ends), 1) if ends else None


def waits_on_cycle(edges: dict[int, set[int]]) -> bool:
    """True when the waits-on relation loops (a task waiting, through others, on itself)."""
    state: dict[int, int] = {}

    def loops(node: int) -> bool:
        state[node] = 1
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1 or (state.get(nxt) is None and loops(nxt)):
                return True
        state[node] = 2
        return False

    return any(state.get(node) is None and loops(node) for node in list(edges))
