"""The daily snapshots behind the trends: a day's fill counts what stands, replaces that day's rows when run
again, and the weekly trend reads the last snapshot of each week within the board's slice."""

from datetime import timedelta

import pytest
import time_machine

from analytics.filters import DashboardFilter
from analytics.models import DailySnapshot, SnapshotMetric
from analytics.services import fill_snapshot
from analytics.slices import Slice
from analytics.tiles import board, table
from candidates.models import Source
from candidates.services import apply, create_candidate
from portal.choices import DecisionStatus
from portal.models import ApprovalRule, Decision
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests import clock
from tests.factories import UserFactory, requisition_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_requisition(hm, director, recruiter):
    """Opened twenty days ago."""
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)
    with time_machine.travel(clock.now() - timedelta(days=20), tick=False):
        req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
        submit_requisition(requisition=req, by=hm)
        approve_requisition(requisition=req, by=director)
        move_requisition(requisition=req, action=Action.OPEN, by=hm)
    req.refresh_from_db()
    return req


def _apply(requisition, by, name, days_ago=0):
    with time_machine.travel(clock.now() - timedelta(days=days_ago), tick=False):
        person = create_candidate(by=by, first_name=name, last_name="Snap", email=f"{name.lower()}@example.com")
        return apply(candidate=person, requisition=requisition, by=by, source=Source.objects.get(code="referral"))


def _slice(user, key, **data):
    filters = DashboardFilter(data)
    assert filters.is_valid(), filters.errors
    return Slice.of(user, board(key), filters)


def test_a_fill_counts_what_stands_and_running_it_again_changes_nothing(open_requisition, recruiter, hr):
    _apply(open_requisition, recruiter, "Ada")
    _apply(open_requisition, recruiter, "Grace")
    written = fill_snapshot()

    rows = DailySnapshot.objects.filter(day=clock.today())
    assert written == rows.count()
    assert sum(r.value for r in rows.filter(metric=SnapshotMetric.OPEN_REQUISITIONS)) == 1
    assert sum(r.value for r in rows.filter(metric=SnapshotMetric.ACTIVE_APPLICATIONS)) == 2
    mine = rows.get(metric=SnapshotMetric.OPEN_REQUISITIONS)
    assert (mine.recruiter, mine.department_id) == (recruiter, open_requisition.department_id)
    assert (
        rows.get(metric=SnapshotMetric.OPEN_DECISIONS).value
        == Decision.objects.filter(status=DecisionStatus.OPEN).count()
    )

    before = sorted(rows.values_list("metric", "value", "recruiter_id"))
    assert fill_snapshot() == written
    assert (
        sorted(DailySnapshot.objects.filter(day=clock.today()).values_list("metric", "value", "recruiter_id")) == before
    )


def test_the_weekly_trend_keeps_each_weeks_last_snapshot_within_the_board(open_requisition, recruiter, hm, hr):
    today = clock.today()
    last_week = today - timedelta(days=7)
    _apply(open_requisition, recruiter, "Ada", days_ago=10)
    _apply(open_requisition, recruiter, "Grace", days_ago=2)
    fill_snapshot(last_week)  # Ada only had applied by then
    fill_snapshot(today)

    rows = table("weekly_load").compute(_slice(hr, "organisation"))
    assert len(rows) == 12
    by_week = {row["label"]: row for row in rows}
    this_monday = today - timedelta(days=today.weekday())
    assert by_week[this_monday.isoformat()]["applications"] == 2
    assert by_week[(this_monday - timedelta(days=7)).isoformat()]["applications"] == 1
    assert by_week[(this_monday - timedelta(days=14)).isoformat()]["applications"] is None  # no snapshot: blank

    # The recruiter's board counts their own requisitions; another recruiter sees none of them.
    assert table("weekly_load").compute(_slice(recruiter, "recruiter"))[-1]["requisitions"] == 1
    stranger = UserFactory(username="other_recruiter", roles=["recruiter"])
    assert table("weekly_load").compute(_slice(stranger, "recruiter"))[-1]["requisitions"] == 0


def test_a_held_requisition_is_no_longer_counted_open(open_requisition, recruiter, hm):
    move_requisition(requisition=open_requisition, action=Action.HOLD, by=hm, note="Budget review.")
    fill_snapshot()
    assert not DailySnapshot.objects.filter(metric=SnapshotMetric.OPEN_REQUISITIONS).exists()


def test_a_past_day_is_read_from_the_record_and_missed_days_are_caught_up(open_requisition, recruiter, hm):
    from analytics.services import catch_up

    _apply(open_requisition, recruiter, "Ada", days_ago=5)
    yesterday = clock.today() - timedelta(days=1)
    with time_machine.travel(clock.now() + timedelta(minutes=1), tick=False):
        move_requisition(requisition=open_requisition, action=Action.HOLD, by=hm, note="Budget review.")
    # Held now; at the end of yesterday it was open with Ada active (the history and the transitions say so).
    fill_snapshot(yesterday)
    then = DailySnapshot.objects.filter(day=yesterday)
    assert sum(r.value for r in then.filter(metric=SnapshotMetric.OPEN_REQUISITIONS)) == 1
    assert sum(r.value for r in then.filter(metric=SnapshotMetric.ACTIVE_APPLICATIONS)) == 1

    DailySnapshot.objects.all().delete()
    catch_up(days=3)  # beat was down: today and the three days before are filled, each once
    assert sorted(set(DailySnapshot.objects.values_list("day", flat=True))) == [
        clock.today() - timedelta(days=back) for back in (3, 2, 1, 0)
    ]
    rows = DailySnapshot.objects.count()
    catch_up(days=3)
    assert DailySnapshot.objects.count() == rows
