from datetime import date, timedelta

import pytest

from portal import calendar
from portal.models import Holiday

pytestmark = pytest.mark.django_db


def test_add_business_days_skips_weekends():
    friday = date(2027, 1, 8)
    assert calendar.add_business_days(friday, 1) == date(2027, 1, 11)
    assert calendar.add_business_days(friday, 5) == date(2027, 1, 15)


def test_add_business_days_from_a_weekend_starts_on_monday():
    saturday = date(2027, 1, 9)
    assert calendar.add_business_days(saturday, 0) == date(2027, 1, 11)
    assert calendar.add_business_days(saturday, 1) == date(2027, 1, 12)


def test_add_business_days_skips_configured_holidays():
    Holiday.objects.create(date=date(2027, 7, 1), name="Canada Day")
    assert calendar.add_business_days(date(2027, 6, 30), 1) == date(2027, 7, 2)


def test_add_business_days_refuses_negative_counts():
    with pytest.raises(ValueError):
        calendar.add_business_days(date(2027, 1, 8), -1)


def test_business_days_between_counts_after_start_up_to_end():
    Holiday.objects.create(date=date(2027, 1, 13), name="Closed")
    assert calendar.business_days_between(date(2027, 1, 8), date(2027, 1, 15)) == 4
    assert calendar.business_days_between(date(2027, 1, 15), date(2027, 1, 8)) == 0


def test_escalation_cutoff_is_the_inverse_of_business_days_between():
    today = date(2027, 1, 13)  # Wednesday
    cutoff = calendar.escalation_cutoff(today, 2)
    assert calendar.business_days_between(cutoff, today) == 2
    assert calendar.business_days_between(cutoff + timedelta(days=1), today) < 2
