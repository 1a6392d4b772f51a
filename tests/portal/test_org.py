"""Organisation reference data refuses bad values with a clear message and saves nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.models import CompBand, HiringPlan, Location
from portal.services.org import save_org_record
from tests.factories import CompBandFactory, CostCenterFactory, HiringPlanFactory, LevelFactory, LocationFactory

pytestmark = pytest.mark.django_db


def _messages(exc):
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_a_band_with_minimum_above_maximum_is_refused(admin_user):
    band = CompBandFactory.build(
        role_family=CompBandFactory().role_family,
        level=LevelFactory(),
        location=LocationFactory(),
        minimum=Decimal("120000"),
        midpoint=Decimal("100000"),
        maximum=Decimal("90000"),
    )

    with pytest.raises(ValidationError) as exc:
        save_org_record(record=band, by=admin_user)

    assert "minimum ≤ midpoint ≤ maximum" in _messages(exc)
    assert CompBand.objects.count() == 1


def _band_like(first, **dates):
    """A second band for the same role family, level, place and currency as `first`."""
    return CompBand(
        role_family=first.role_family,
        level=first.level,
        location=first.location,
        currency=first.currency,
        minimum=1,
        midpoint=2,
        maximum=3,
        **dates,
    )


def test_overlapping_band_dates_are_refused(admin_user):
    first = CompBandFactory(effective_from=date(2026, 1, 1), effective_to=date(2026, 12, 31))
    clash = _band_like(first, effective_from=date(2026, 6, 1))

    with pytest.raises(ValidationError) as exc:
        save_org_record(record=clash, by=admin_user)

    assert "overlap the band effective 2026-01-01 to 2026-12-31" in _messages(exc)


def test_back_to_back_bands_are_fine(admin_user):
    first = CompBandFactory(effective_from=date(2026, 1, 1), effective_to=date(2026, 12, 31))
    following = _band_like(first, effective_from=date(2027, 1, 1))
    save_org_record(record=following, by=admin_user)
    assert following.history.first().history_user == admin_user


def test_an_open_ended_band_overlaps_everything_after_it(admin_user):
    first = CompBandFactory(effective_from=date(2026, 1, 1), effective_to=None)
    later = _band_like(first, effective_from=date(2030, 1, 1))
    with pytest.raises(ValidationError):
        save_org_record(record=later, by=admin_user)


def test_a_band_cannot_end_before_it_starts(admin_user):
    band = CompBandFactory.build(
        role_family=CompBandFactory().role_family,
        level=LevelFactory(),
        location=LocationFactory(),
        effective_from=date(2026, 6, 1),
        effective_to=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        save_org_record(record=band, by=admin_user)
    assert "cannot end before it starts" in _messages(exc)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"approved_headcount": -1}, "greater than or equal to 0"),
        ({"approved_budget": Decimal("-5")}, "greater than or equal to 0"),
        ({"period": "2027-Q5"}, "quarter such as 2027-Q1"),
        ({"period": "Q1 2027"}, "quarter such as 2027-Q1"),
    ],
)
def test_a_hiring_plan_refuses_bad_values(admin_user, values, message):
    plan = HiringPlan(cost_center=CostCenterFactory(), period="2027-Q1", approved_headcount=3, approved_budget=1, **{})
    for key, value in values.items():
        setattr(plan, key, value)

    with pytest.raises(ValidationError) as exc:
        save_org_record(record=plan, by=admin_user)

    assert message in _messages(exc)
    assert HiringPlan.objects.count() == 0


def test_one_hiring_plan_per_cost_center_and_quarter(admin_user):
    existing = HiringPlanFactory()
    duplicate = HiringPlan(
        cost_center=existing.cost_center, period=existing.period, approved_headcount=1, approved_budget=1
    )

    with pytest.raises(ValidationError) as exc:
        save_org_record(record=duplicate, by=admin_user)

    assert "already has a hiring plan for that period" in _messages(exc)


def test_a_canadian_location_needs_its_province(admin_user):
    with pytest.raises(ValidationError) as exc:
        save_org_record(record=Location(city="Ottawa", province="", country="CA"), by=admin_user)
    assert "province or territory" in _messages(exc)
    save_org_record(record=Location(city="Boston", province="", country="US"), by=admin_user)


def test_admin_refuses_a_bad_band_with_the_message_on_the_form(client, admin_user):
    band = CompBandFactory()
    client.force_login(admin_user)

    response = client.post(
        f"/admin/portal/compband/{band.pk}/change/",
        {
            "role_family": band.role_family_id,
            "level": band.level_id,
            "location": band.location_id,
            "minimum": "130000",
            "midpoint": "100000",
            "maximum": "90000",
            "currency": "CAD",
            "effective_from": "2026-01-01",
            "effective_to": "",
        },
    )

    assert response.status_code == 200
    assert "minimum ≤ midpoint ≤ maximum" in response.content.decode()
    band.refresh_from_db()
    assert band.minimum == Decimal("80000")


def test_admin_saves_reference_data_with_history(client, admin_user):
    cc = CostCenterFactory()
    client.force_login(admin_user)

    response = client.post(
        f"/admin/portal/costcenter/{cc.pk}/change/",
        {
            "code": cc.code,
            "name": "Renamed",
            "department": cc.department_id,
            "budget_owner": cc.budget_owner_id,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    latest = cc.history.first()
    assert (latest.name, latest.history_user, latest.history_change_reason) == (
        "Renamed",
        admin_user,
        "portal.costcenter.saved",
    )


def test_bands_overlap_whatever_their_currency(admin_user):
    first = CompBandFactory(effective_from=date(2026, 1, 1), currency="CAD")
    usd = _band_like(first, effective_from=date(2026, 3, 1))
    usd.currency = "USD"

    with pytest.raises(ValidationError):
        save_org_record(record=usd, by=admin_user)


def test_an_admin_who_is_not_a_superuser_cannot_make_anyone_a_superuser(client, admin_user):
    client.force_login(admin_user)

    response = client.get(f"/admin/portal/user/{admin_user.pk}/change/")
    form = response.context["adminform"].form

    assert "is_superuser" not in form.fields and "is_staff" not in form.fields
    root = type(admin_user).objects.create_superuser("root", "root@example.com", "a long password 123")
    # A superuser's page is read-only to them: no change, no password reset.
    assert (
        client.post(f"/admin/portal/user/{root.pk}/change/", {"username": "root", "email": "x@example.com"}).status_code
        == 403
    )
    assert client.get(f"/admin/portal/user/{root.pk}/password/").status_code == 403
    root.refresh_from_db()
    assert root.email == "root@example.com"


def test_a_location_is_one_place_whatever_its_spelling_case(admin_user):
    save_org_record(record=Location(city="Toronto", province="ON", country="CA"), by=admin_user)

    with pytest.raises(ValidationError, match="already exists"):
        save_org_record(record=Location(city="toronto", province="ON", country="CA"), by=admin_user)
    with pytest.raises(ValidationError, match="for locations in Canada"):
        save_org_record(record=Location(city="Boston", province="ON", country="US"), by=admin_user)
