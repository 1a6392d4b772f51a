import io
import re
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from portal.demo import DEMO_PASSWORD, PEOPLE
from portal.models import CostCenter, Decision, Holiday, User
from requisitions.choices import Status
from requisitions.demo import NEEDS
from requisitions.models import Requisition
from tests import clock

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 9, 30, tzinfo=timezone.get_default_timezone())


def _seed(**options):
    call_command("seed_demo", stdout=io.StringIO(), **options)


def _sorted(rows):
    return sorted(rows, key=lambda row: tuple("" if value is None else str(value) for value in row))


def _snapshot():
    """What the seeder made, without database ids (PostgreSQL does not reuse them after a rollback)."""
    decisions = Decision.objects.values_list("kind", "title", "owner__username", "owner_role", "due_at", "status")
    return {
        "users": _sorted(User.objects.values_list("username", "manager__username")),
        "decisions": _sorted(
            (kind, re.sub(r"(REQ|OFF|ENG)-\d+", r"\1", title), *rest) for kind, title, *rest in decisions
        ),
        "requisitions": _sorted(
            Requisition.objects.values_list("title", "status", "openings", "cost_max", "created_at", "approved_at")
        ),
        "history": Decision.history.count() + Requisition.history.count(),
    }


class Rollback(Exception):
    pass


@time_machine.travel(NOW, tick=False)
def test_seed_demo_is_deterministic_idempotent_and_scales():
    try:
        with transaction.atomic():
            _seed(seed=7)
            first = _snapshot()
            raise Rollback
    except Rollback:
        pass
    _seed(seed=7)
    assert _snapshot() == first

    _seed(seed=7)  # again: nothing new
    assert _snapshot() == first

    _seed(seed=7, scale=2)  # a second round of generated volume, the first left as it is
    assert Requisition.objects.count() == 2 * len(NEEDS)
    assert Decision.objects.filter(key__startswith="demo:bulk:").count() > 0


def test_seed_demo_refuses_a_scale_below_one():
    with pytest.raises(CommandError, match="--scale"):
        _seed(scale=0)


@time_machine.travel(NOW, tick=False)
def test_every_demo_login_lands_on_my_work_with_something_to_do(client):
    _seed()

    for person in PEOPLE:
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": person.username, "password": DEMO_PASSWORD}, follow=True
        )
        assert response.status_code == 200, person.username
        assert response.resolver_match.view_name == "portal:my_work", person.username
        assert response.context["counts"]["total"] >= 1, f"{person.username} has an empty My work"

    # Reference data, overdue work, and requisitions in every status with chains in flight.
    assert CostCenter.objects.count() == 5
    assert Holiday.objects.filter(date__year=2027).count() >= 9
    assert Decision.objects.overdue().count() >= 3
    assert set(Requisition.objects.values_list("status", flat=True)) == set(Status.values)
    assert Decision.objects.open().filter(kind="requisition_approval").count() >= 5
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="hiring_manager").manager.username == "director"

    # The pipeline: people on the open requisitions, a funnel with closures by reason, some stuck, duplicates.
    from django.db.models import F

    from candidates.models import Application, Candidate, StageTransition
    from candidates.selectors import possible_duplicates, stuck

    assert Candidate.objects.count() >= 350 and Application.objects.count() >= 400
    # Hired: the start pre-boarding's demo confirmed (the only way in); every other closure has its reason.
    assert set(Application.objects.values_list("status", flat=True)) == {"active", "hired", "rejected", "withdrawn"}
    assert not Application.objects.exclude(status__in=["active", "hired"]).filter(disposition__isnull=True).exists()
    assert StageTransition.objects.count() > 2 * Application.objects.count()
    assert not Application.objects.filter(candidate__created_at__gt=F("applied_at")).exists()  # added, then applied
    assert stuck(Application.objects.all(), 14).count() >= 10
    entered_twice = [c for c in Candidate.objects.all() if c.email.endswith("@DEMO.EXAMPLE")]
    assert len(entered_twice) == 12
    assert all(possible_duplicates(c).exists() for c in entered_twice)

    # Interviews in every state, scorecards in and overdue, debriefs open and decided, someone over cap.
    from candidates.models import Debrief, Interview, Scorecard
    from candidates.selectors import interviewer_load

    assert set(Interview.objects.values_list("status", flat=True)) == {
        "to_schedule", "scheduled", "rescheduled", "completed", "cancelled", "no_show",
    }  # fmt: skip
    assert Scorecard.objects.filter(status="submitted").exists()
    assert Decision.objects.overdue().filter(kind="scorecard_due").exists()
    assert set(Debrief.objects.values_list("status", flat=True)) >= {"open", "decided"}
    assert any(row["over"] for row in interviewer_load()[1])


MOMENTS = [
    datetime(2027, 3, 8, 8, 30, tzinfo=timezone.get_default_timezone()),  # a Monday, before work
    NOW,  # a Wednesday morning
    clock.instant(),  # the run's own: under `make test-dates`, a weekend, 29 February, a DST change, a year end
]


@pytest.mark.parametrize("now", MOMENTS, ids=["monday-early", "wednesday-morning", "frozen-instant"])
def test_demo_data_holds_nothing_in_the_future_and_no_due_date_on_a_day_off(now):
    from candidates.models import Activity, Application, StageTransition
    from offers.models import Offer
    from portal.models import ApprovalChain, CostEvent

    with time_machine.travel(now, tick=False):
        _seed()
    holidays = set(Holiday.objects.values_list("date", flat=True))

    stamps = [
        *Decision.objects.values_list("created_at", flat=True),
        *Decision.objects.exclude(decided_at=None).values_list("decided_at", flat=True),
        *Decision.history.values_list("history_date", flat=True),
        *Requisition.history.values_list("history_date", flat=True),
        *ApprovalChain.objects.values_list("submitted_at", flat=True),
        *CostEvent.objects.values_list("recorded_at", flat=True),
        *StageTransition.objects.values_list("at", flat=True),
        *Activity.objects.values_list("at", flat=True),
        *Offer.history.values_list("history_date", flat=True),
        *[
            stamp
            for row in Offer.objects.values_list("created_at", "extended_at", "responded_at")
            for stamp in row
            if stamp
        ],
        *Application.objects.values_list("applied_at", flat=True),
        *Application.objects.values_list("last_activity_at", flat=True),
        *[
            stamp
            for row in Requisition.objects.values_list(
                "created_at", "submitted_at", "approved_at", "opened_at", "filled_at", "closed_at"
            )
            for stamp in row
            if stamp is not None
        ],
    ]
    assert [stamp for stamp in stamps if stamp > now] == []
    due_days = {timezone.localtime(due).date() for due in Decision.objects.values_list("due_at", flat=True)}
    assert sorted(day for day in due_days if day.weekday() >= 5 or day in holidays) == []


@time_machine.travel(NOW, tick=False)
def test_every_approved_demo_requisition_has_its_forecast_and_the_ledger_adds_up(client):
    from decimal import Decimal

    from portal.models import CostEvent

    _seed()

    standing = Requisition.objects.filter(status__in=[Status.APPROVED, Status.OPEN])
    assert standing.count() >= 5
    for req in standing:  # the requisition's own forecast (its contractors' and agency fees have theirs)
        forecast = CostEvent.objects.for_source(req).filter(kind="forecast")
        assert sum(forecast.values_list("amount", flat=True)) == req.cost_max * req.openings_left, req.title
    for req in Requisition.objects.filter(status__in=[Status.ON_HOLD, Status.FILLED]):
        forecast = CostEvent.objects.for_source(req).filter(kind="forecast")
        assert sum(forecast.values_list("amount", flat=True)) == 0, req.title

    client.force_login(User.objects.get(username="finance"))
    response = client.get("/ledger/")
    grid_total = sum(row.total for row in response.context["totals"])
    months = response.context["months"]
    in_window = CostEvent.objects.filter(currency="CAD", month__gte=months[0], month__lte=months[-1])
    assert grid_total == sum(in_window.values_list("amount", flat=True)).quantize(Decimal("0.01"))
    for row in response.context["rows"]:
        events = in_window.filter(cost_center=row.cost_center, kind=row.kind)
        assert row.total == sum(events.values_list("amount", flat=True), Decimal("0")).quantize(Decimal("0.01"))


@time_machine.travel(NOW, tick=False)
def test_demo_offers_in_every_status_with_a_revision_declines_and_above_band():
    from offers.checks import band_check
    from offers.choices import OfferStatus, VersionStatus
    from offers.models import Offer, OfferVersion

    _seed()

    assert set(Offer.objects.values_list("status", flat=True)) == set(OfferStatus.values)
    assert OfferVersion.objects.filter(status=VersionStatus.VOIDED, superseded_by__follows_approval=True).exists()
    declined = Offer.objects.filter(status=OfferStatus.DECLINED)
    assert declined.count() >= 2 and all(o.decline_reason.category == "offer_declined" for o in declined)
    above = [
        o for o in Offer.objects.select_related("current_version") if band_check(o.current_version).values.get("above")
    ]
    assert len(above) >= 2
    # The offers demo's, an agency hire's, and the pre-boarding demo's hires: started (Hired), on their way
    # (Pre-start), or fallen through before the start (closed in Pre-start, their opening free again).
    for accepted in Offer.objects.filter(status=OfferStatus.ACCEPTED).select_related("application__stage"):
        app = accepted.application
        assert app.stage.code == ("hired" if app.status == "hired" else "pre_start")
        if app.status in ("active", "hired"):
            assert accepted.requisition.hires >= 1
