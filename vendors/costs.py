"""What engagements and timesheets cost: a week's charge at a term's rate, and an engagement's
expected labour by month (its forecast). Pure computations: nothing here writes."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from portal.money import Money
from portal.services.ledger import first_of_month
from vendors.choices import RateUnit

WORKDAYS_PER_WEEK = 5


def monday_of(day: date) -> date:
    """The Monday a timesheet's week of `day` starts on."""
    return day - timedelta(days=day.weekday())


def hours_per_unit(unit: str) -> Decimal:
    """A day rate bills `VENDOR_HOURS_PER_DAY` hours a day; an hourly rate, one."""
    return Decimal(settings.VENDOR_HOURS_PER_DAY) if unit == RateUnit.DAY else Decimal(1)


def billable_units(*, hours, overtime_hours, multiplier, unit: str) -> Decimal:
    """Hours (or days) to bill: overtime counts `multiplier` times."""
    return (Decimal(hours or 0) + Decimal(overtime_hours or 0) * Decimal(multiplier)) / hours_per_unit(unit)


def charge(*, rate: Decimal, currency: str, hours, overtime_hours, multiplier, unit: str) -> Money:
    units = billable_units(hours=hours, overtime_hours=overtime_hours, multiplier=multiplier, unit=unit)
    return Money(units * Decimal(rate), currency)


def weekly_cost(*, rate: Decimal, currency: str, hours_per_week, unit: str) -> Money:
    return charge(rate=rate, currency=currency, hours=hours_per_week, overtime_hours=0, multiplier=1, unit=unit)


def term_for(terms, day: date):
    """The term in force on `day`, or None."""
    return next((t for t in terms if t.starts_on <= day <= t.ends_on), None)


def timesheet_charge(timesheet, engagement, terms) -> Money | None:
    """A week's charge at the rate of the terms in force on its Monday (or the first day it worked);
    None when no terms in force cover the week."""
    week_end = timesheet.week_start + timedelta(days=6)
    term = term_for(terms, max(timesheet.week_start, engagement.start_date)) or term_for(terms, week_end)
    if term is None:
        return None
    return charge(
        rate=term.bill_rate,
        currency=engagement.currency,
        hours=timesheet.hours,
        overtime_hours=timesheet.overtime_hours,
        multiplier=term.overtime_multiplier,
        unit=engagement.unit,
    )


def monthly_labour(engagement, terms) -> dict[date, Money]:
    """Expected labour by month: each working day (Monday to Friday) from start to end bills a fifth of
    a week at the expected hours and the rate of the terms in force that day. Terms not in force (a rate
    still in approval, or refused) count nothing."""
    per_month: dict[date, Decimal] = defaultdict(Decimal)
    for term in terms:
        if not term.in_force:
            continue
        daily = (
            weekly_cost(
                rate=term.bill_rate,
                currency=engagement.currency,
                hours_per_week=engagement.hours_per_week,
                unit=engagement.unit,
            ).amount
            / WORKDAYS_PER_WEEK
        )
        day = term.starts_on
        last = min(term.ends_on, engagement.end_date)
        while day <= last:
            if day.weekday() < WORKDAYS_PER_WEEK:
                per_month[first_of_month(day)] += daily
            day += timedelta(days=1)
    return {month: Money(amount, engagement.currency) for month, amount in sorted(per_month.items())}
