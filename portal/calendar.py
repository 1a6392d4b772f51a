"""Business days: weekends and the statutory holidays in portal.Holiday are not counted.

Every SLA in the portal is counted here, so "2 business days" means the same everywhere.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from portal.models import Holiday

# Enough to cover any SLA the portal sets (a few weeks) plus long holiday runs.
_LOOKAHEAD_DAYS = 400


def holidays_between(start: date, end: date) -> set[date]:
    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_business_day(day: date, holidays: set[date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if holidays is None:
        holidays = holidays_between(day, day)
    return day not in holidays


def add_business_days(start: date, days: int) -> date:
    """The business day `days` business days after `start` (0: `start` itself, or the next business day)."""
    if days < 0:
        raise ValueError("days must not be negative")
    holidays = holidays_between(start, start + timedelta(days=_LOOKAHEAD_DAYS))
    day = start
    while not is_business_day(day, holidays):
        day += timedelta(days=1)
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            remaining -= 1
    return day


def business_day_before(day: date, days: int) -> date:
    """The business day `days` business days before `day` (always a business day, never a weekend)."""
    if days < 1:
        raise ValueError("days must be 1 or more")
    holidays = holidays_between(day - timedelta(days=_LOOKAHEAD_DAYS), day)
    counted = 0
    while counted < days:
        day -= timedelta(days=1)
        if is_business_day(day, holidays):
            counted += 1
    return day


def business_days_between(start: date, end: date) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    holidays = holidays_between(start, end)
    return sum(1 for n in range(1, (end - start).days + 1) if is_business_day(start + timedelta(days=n), holidays))


def due_at_after(business_days: int, *, start: datetime | None = None) -> datetime:
    """The end of the business day `business_days` business days after `start` (default now), local time."""
    start = timezone.localtime(start or timezone.now())
    day = add_business_days(start.date(), business_days)
    end_of_day = time(hour=settings.BUSINESS_DAY_END_HOUR)
    return timezone.make_aware(datetime.combine(day, end_of_day))


def escalation_cutoff(today: date, business_days: int) -> date:
    """The latest due date that is at least `business_days` business days before `today`."""
    holidays = holidays_between(today - timedelta(days=_LOOKAHEAD_DAYS), today)
    day, counted = today, 0
    while counted < business_days:
        if is_business_day(day, holidays):
            counted += 1
        day -= timedelta(days=1)
    return day
