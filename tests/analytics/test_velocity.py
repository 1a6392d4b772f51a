"""Velocity metrics (analytics.metrics.velocity) against figures worked out by hand on small worlds.

Moments are counted back from the test's `now` (N) in whole days (tests/analytics/conftest.py), so every
duration is a whole number of days at any date the suite is frozen at. Each world says, in its comments,
what happened when and what each figure must therefore be.
"""

import calendar
from datetime import date, timedelta

import pytest

from analytics.tiles import tables, tile
from portal.models import ApprovalRule
from portal.policy import ROLE_APPROVER, Condition
from requisitions.choices import POLICY, Action
from tests import clock
from tests.analytics.conftest import (
    application,
    by_label,
    count,
    d,
    days,
    decision,
    drills_agree,
    hire,
    hold,
    local_at,
    local_midnight,
    requisition,
    rows,
    settle,
    slice_of,
    start,
)
from tests.factories import DepartmentFactory, RoleFamilyFactory

pytestmark = pytest.mark.django_db


def spread(n, median, p90) -> tuple:
    return (n, days(median), days(p90))


# --- Stuck applications and requisitions with no movement --------------------------------------------------------


@pytest.fixture
def stuck_world(people, now):
    """Requisitions opened 30 days ago unless said otherwise, run by Rita (recruiter) and Hana (hiring manager):

    R_a: no application.
    R_b: b1 applied exactly 14 days ago, untouched since.
    R_c: c1 applied 20 days ago, moved to Screen 13 days ago; c2 applied exactly 7 days ago; c3 applied 7 days
         less a minute ago.
    R_d: d1 applied 20 days ago, untouched; d2 applied 25 days ago, rejected yesterday (activity, but closed).
    R_e: opened 13 days ago, no application.
    R_f: opened exactly 14 days ago, no application.
    R_g: g1 applied 25 days ago; the requisition was put on hold 20 days ago (g1 stays active).
    R_o: Ray's and Hugo's: o1 applied 10 days ago.
    """
    N = now
    w = {}
    w["R_a"] = requisition(people, opened=N - d(30))
    w["R_b"] = requisition(people, opened=N - d(30))
    w["b1"] = application(w["R_b"], applied=N - d(14))
    w["R_c"] = requisition(people, opened=N - d(30))
    w["c1"] = application(w["R_c"], applied=N - d(20), moves=[("screen", N - d(13))])
    w["c2"] = application(w["R_c"], applied=N - d(7))
    w["c3"] = application(w["R_c"], applied=N - d(7) + timedelta(minutes=1))
    w["R_d"] = requisition(people, opened=N - d(30))
    w["d1"] = application(w["R_d"], applied=N - d(20))
    w["d2"] = application(w["R_d"], applied=N - d(25), close=("skill_gap", N - d(1)))
    w["R_e"] = requisition(people, opened=N - d(13))
    w["R_f"] = requisition(people, opened=N - d(14))
    w["R_g"] = requisition(people, opened=N - d(30))
    w["g1"] = application(w["R_g"], applied=N - d(25))
    hold(w["R_g"], N - d(20))
    w["R_o"] = requisition(people, opened=N - d(30), hm=people.hm2, recruiter=people.rec2)
    w["o1"] = application(w["R_o"], applied=N - d(10))
    return w


def test_stuck_applications_count_from_exactly_7_and_14_days_idle(people, stuck_world):
    # Idle 7 days or more: b1 (14), c1 (13), c2 (exactly 7), d1 (20), g1 (25, on a held requisition but active),
    # o1 (10) = 6. Not c3 (a minute short of 7 days) nor d2 (rejected).
    # Idle 14 days or more: b1 (exactly 14), d1, g1 = 3.
    w = stuck_world
    stuck_7 = {w[k].pk for k in ("b1", "c1", "c2", "d1", "g1", "o1")}
    assert set(tile("stuck_7").rows(slice_of(people.admin, "organisation")).values_list("pk", flat=True)) == stuck_7
    assert count("stuck_7", people.admin, "organisation") == 6
    assert count("stuck_14", people.admin, "organisation") == 3
    # Rita's board and Hana's: their requisitions only (not o1 on Ray's and Hugo's).
    assert count("stuck_7", people.rec, "recruiter") == 5
    assert count("stuck_14", people.rec, "recruiter") == 3
    assert count("stuck_7", people.hm, "hiring-manager") == 5
    assert count("stuck_7", people.rec2, "recruiter") == 1
    assert count("stuck_14", people.rec2, "recruiter") == 0
    # A department narrows to its requisitions: R_c's (c1, c2).
    assert count("stuck_7", people.admin, "organisation", department=w["R_c"].department_id) == 2


def test_stuck_requisitions_are_open_ones_untouched_for_14_days(people, stuck_world):
    # Open, opened 14 days ago or earlier, no active application touched in the last 14 days:
    # R_a (none), R_b (b1 touched exactly 14 days ago: not within the last 14), R_d (d1 20 days; d2 is closed),
    # R_f (opened exactly 14 days ago) = 4. Not R_c (c1 13 days ago), R_e (opened 13 days ago), R_g (on hold),
    # R_o (o1 10 days ago).
    w = stuck_world
    listed = list(tile("stuck_requisitions").rows(slice_of(people.admin, "organisation")))
    assert {r.pk for r in listed} == {w[k].pk for k in ("R_a", "R_b", "R_d", "R_f")}
    assert count("stuck_requisitions", people.rec, "recruiter") == 4
    assert count("stuck_requisitions", people.hm, "hiring-manager") == 4
    assert count("stuck_requisitions", people.rec2, "recruiter") == 0
    assert count("stuck_requisitions", people.admin, "organisation", department=w["R_a"].department_id) == 1


# --- Requisitions open for months ------------------------------------------------------------------------------


def months_back(today: date, months: int) -> date:
    """The same day `months` months before `today`, or the last day of a shorter month (the definition's rule:
    a requisition opened on 7 March has been open 3 months on 7 June)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


@pytest.fixture
def aging_world(people, now):
    """With D(n) the same day n months ago: opened late on D(n) (23:00 local) has been open n months; opened
    just after that day (00:30 local the next day) has not.

    A3 late on D(3); A3b just after D(3); A6 late on D(6); A6b just after D(6); A9 late on D(9), put on hold
    a month later; A12 late on D(12); A12b just after D(12); F opened 10 days before D(12), filled 5 days ago;
    C opened late on D(12), cancelled yesterday; Y opened 10 days ago. All Rita's, but O12 (late on D(12)),
    Ray's.
    """
    today = clock.today()

    def late_on(months):
        return local_at(months_back(today, months), 23)

    def just_after(months):
        return local_at(months_back(today, months) + timedelta(days=1), 0, 30)

    w = {}
    w["A3"] = requisition(people, opened=late_on(3))
    w["A3b"] = requisition(people, opened=just_after(3))
    w["A6"] = requisition(people, opened=late_on(6))
    w["A6b"] = requisition(people, opened=just_after(6))
    w["A9"] = requisition(people, opened=late_on(9), holds=[(late_on(9) + d(30), None)])
    w["A12"] = requisition(people, opened=late_on(12))
    w["A12b"] = requisition(people, opened=just_after(12))
    w["F"] = settle(requisition(people, opened=late_on(12) - d(10)), Action.FILL, now - d(5))
    w["C"] = settle(requisition(people, opened=late_on(12)), Action.CANCEL, now - d(1))
    w["Y"] = requisition(people, opened=now - d(10))
    w["O12"] = requisition(people, opened=late_on(12), hm=people.hm2, recruiter=people.rec2)
    return w


def test_aging_requisitions_by_months_open(people, aging_world):
    # 3+ months: A3, A6, A6b, A9 (on hold counts), A12, A12b, O12 = 7 (not A3b, F filled, C cancelled, Y).
    # 6+: A6, A9, A12, A12b, O12 = 5.   9+: A9, A12, A12b, O12 = 4.   12+: A12, O12 = 2.
    ages = rows("requisition_ages", people.admin, "organisation")
    assert [(r["label"], r["n"]) for r in ages] == [
        ("3+ months", 7),
        ("6+ months", 5),
        ("9+ months", 4),
        ("12+ months", 2),
    ]
    assert count("aging_requisitions", people.admin, "organisation") == 7
    assert count("aging_requisitions", people.admin, "organisation", age="9") == 4
    # Rita's board: all but O12.
    assert by_label(rows("requisition_ages", people.rec, "recruiter"), "n") == {
        "3+ months": 6,
        "6+ months": 4,
        "9+ months": 3,
        "12+ months": 1,
    }
    assert count("aging_requisitions", people.rec2, "recruiter") == 1
    for board_key, user in (("organisation", people.admin), ("recruiter", people.rec)):
        for label, shown, listed in drills_agree("requisition_ages", user, board_key):
            assert shown == listed, label


# --- Time to approve -------------------------------------------------------------------------------------------


@pytest.fixture
def approval_world(people, now):
    """Two steps: the director (the hiring manager's manager, named) at step 1, finance (a role) at step 2.
    Requisition: submitted → director → finance (days before N); overall = submitted to the last approval.

    R1: 30 → 28 → 25: overall 5, step 1 2, step 2 3.
    R2: 20 → 19 → 12: overall 8, step 1 1, step 2 7.
    R3: submitted 60, sent back by the director 58, resubmitted 50 → 46 → 45: overall 15 (the send-back counts
        inside it), step 1 4 (round 2, raised at the resubmission; the sent-back decision is no approval), step 2 1.
    R5: 10 → 9 → 8: overall 2, step 1 1, step 2 1.
    R6: 5 → 4, finance still to approve: not approved; step 1 1.
    R7: 100 → 95 → 80: overall 20; step 1 decided before the 90-day period; step 2 15.
    R8: Hugo's: 27 → 26 → 17: overall 10, step 1 1, step 2 9.
    R0: 200 → 199 → 195: overall 5, approved before the 90-day period (inside 365 days).
    """
    ApprovalRule.objects.create(
        policy=POLICY,
        name="Finance approves every requisition",
        position=15,
        condition=Condition.ALWAYS,
        approver=ROLE_APPROVER,
        approver_role="finance",
        step=2,
    )
    N = now
    director, finance = people.director, people.finance

    def approved(submitted, first, second, **kw):
        steps = [(director, N - d(first))] + ([(finance, N - d(second))] if second is not None else [])
        opened = N - d(second - 1) if second is not None else None
        return requisition(people, submitted=N - d(submitted), approvals=steps, opened=opened, **kw)

    return {
        "R1": approved(30, 28, 25),
        "R2": approved(20, 19, 12),
        "R3": approved(60, 46, 45, sent_back=(N - d(58), N - d(50))),
        "R5": approved(10, 9, 8),
        "R6": approved(5, 4, None),
        "R7": approved(100, 95, 80),
        "R8": approved(27, 26, 17, hm=people.hm2, recruiter=people.rec2),
        "R0": approved(200, 199, 195),
    }


def test_time_to_approve_overall_per_step_and_per_role(people, approval_world):
    # Period 90: approved R1 5, R2 8, R3 15, R5 2, R7 20, R8 10 → sorted 2 5 8 10 15 20: an even count, median
    # (8 + 10) / 2 = 9, p90 the ⌈5.4⌉ = 6th = 20.
    # Step 1 decided in the period: R1 2, R2 1, R3 4, R5 1, R6 1, R8 1 → 1 1 1 1 2 4: median 1, p90 the 6th = 4.
    # Step 2: R1 3, R2 7, R3 1, R5 1, R7 15, R8 9 → 1 1 3 7 9 15: median 5, p90 15.
    # By role: finance's step 2, the named director's step 1 (a named approver, listed last).
    table_rows = rows("time_to_approve", people.admin, "organisation")
    assert [(r["label"], r["n"], r["median"], r["p90"]) for r in table_rows] == [
        ("Submitted → approved", *spread(6, 9, 20)),
        ("Step 1", *spread(6, 1, 4)),
        ("Step 2", *spread(6, 5, 15)),
        ("Approver: Finance", *spread(6, 5, 15)),
        ("Approver: A named approver", *spread(6, 1, 4)),
    ]
    assert count("approved_requisitions", people.admin, "organisation") == 6
    for label, shown, listed in drills_agree("time_to_approve", people.admin, "organisation"):
        assert shown == listed, label


def test_time_to_approve_odd_count_and_other_periods(people, approval_world):
    # 365 days adds R0 (5): 2 5 5 8 10 15 20, an odd count: median the 4th = 8, p90 the ⌈6.3⌉ = 7th = 20.
    overall = rows("time_to_approve", people.admin, "organisation", period="365")[0]
    assert (overall["n"], overall["median"], overall["p90"]) == spread(7, 8, 20)
    # 30 days: R1 5, R2 8, R5 2, R8 10 (approved 25, 12, 8 and 17 days ago) → 2 5 8 10: median 6.5, p90 10.
    overall = rows("time_to_approve", people.admin, "organisation", period="30")[0]
    assert (overall["n"], overall["median"], overall["p90"]) == spread(4, 6.5, 10)


def test_time_to_approve_on_a_hiring_managers_board(people, approval_world):
    # Hugo's board: R8 only (10 days; step 1 1 day, step 2 9 days).
    assert [(r["label"], r["n"], r["median"]) for r in rows("time_to_approve", people.hm2, "hiring-manager")] == [
        ("Submitted → approved", 1, days(10)),
        ("Step 1", 1, days(1)),
        ("Step 2", 1, days(9)),
        ("Approver: Finance", 1, days(9)),
        ("Approver: A named approver", 1, days(1)),
    ]


# --- Time to fill and to start ---------------------------------------------------------------------------------


@pytest.fixture
def fill_world(people, now):
    """Counted from M, local midnight 3 days ago (the start day S): the starts are measured to it.

    F1 (Alpha): opened M−47d, on hold M−37d to M−27d (10 days), applied M−26d, accepted M−7d, started on S:
        fill 40 − 10 = 30 days, start 47 − 10 = 37 days.
    F2 (Alpha): opened M−17d, applied M−15d, accepted M−5d, not started: fill 12.
    F3 (Beta, Ray's and Hugo's): opened M−100d, applied M−60d, accepted M−2d, started on S: fill 98, start 100.
    F4 (Alpha): opened M−200d, applied M−150d, accepted M−120d (before the 90-day period): fill 80.
    """
    S = clock.today() - timedelta(days=3)
    M = local_midnight(S)
    alpha, beta = RoleFamilyFactory(name="Alpha"), RoleFamilyFactory(name="Beta")
    w = {"alpha": alpha, "beta": beta}
    w["F1"] = requisition(people, opened=M - d(47), role_family=alpha, holds=[(M - d(37), M - d(27))])
    offer = hire(people, application(w["F1"], applied=M - d(26)), accepted=M - d(7))
    start(people, offer, on=S)
    w["F2"] = requisition(people, opened=M - d(17), role_family=alpha)
    hire(people, application(w["F2"], applied=M - d(15)), accepted=M - d(5))
    w["F3"] = requisition(people, opened=M - d(100), role_family=beta, hm=people.hm2, recruiter=people.rec2)
    offer = hire(people, application(w["F3"], applied=M - d(60)), accepted=M - d(2))
    start(people, offer, on=S)
    w["F4"] = requisition(people, opened=M - d(200), role_family=alpha)
    hire(people, application(w["F4"], applied=M - d(150)), accepted=M - d(120))
    return w


COLUMNS = ("n", "median", "p90", "starts", "start_median", "start_p90")


def test_time_to_fill_less_time_on_hold(people, fill_world):
    # All: fills 12 30 98 → median 30, p90 the 3rd = 98; starts 37 100 → median 68.5, p90 the 2nd = 100.
    # Alpha: fills 12 30 → median 21, p90 30; start 37.   Beta: fill 98, start 100.
    assert by_label(rows("time_to_fill", people.admin, "organisation"), *COLUMNS) == {
        "All role families": (*spread(3, 30, 98), *spread(2, 68.5, 100)),
        "Alpha": (*spread(2, 21, 30), *spread(1, 37, 37)),
        "Beta": (*spread(1, 98, 98), *spread(1, 100, 100)),
    }
    assert [r["label"] for r in rows("time_to_fill", people.admin, "organisation")] == [
        "All role families",
        "Alpha",
        "Beta",
    ]
    assert count("accepted_offers", people.admin, "organisation") == 3
    assert count("started_cases", people.admin, "organisation") == 2
    for label, shown, listed in drills_agree("time_to_fill", people.admin, "organisation"):
        assert shown == listed, label


def test_time_to_fill_over_a_year_and_on_a_recruiters_board(people, fill_world):
    # 365 days adds F4 (80): all 12 30 80 98 → median 55, p90 the 4th = 98; Alpha 12 30 80 → median 30, p90 80.
    table_rows = by_label(rows("time_to_fill", people.admin, "organisation", period="365"), "n", "median", "p90")
    assert table_rows["All role families"] == spread(4, 55, 98)
    assert table_rows["Alpha"] == spread(3, 30, 80)
    # Rita's board: F1, F2 (F3 is Ray's): fills 12 30, start 37; no Beta row.
    assert by_label(rows("time_to_fill", people.rec, "recruiter"), *COLUMNS) == {
        "All role families": (*spread(2, 21, 30), *spread(1, 37, 37)),
        "Alpha": (*spread(2, 21, 30), *spread(1, 37, 37)),
    }
    # The role family filter narrows to Beta's requisitions.
    assert count("accepted_offers", people.admin, "organisation", role_family=fill_world["beta"].pk) == 1
    for label, shown, listed in drills_agree("time_to_fill", people.rec, "recruiter", period="365"):
        assert shown == listed, label


# --- Days in each stage ----------------------------------------------------------------------------------------


def test_days_per_stage_time_each_exit_from_its_entry(people, stage_world):
    # Exits in the 90 days, timed from the move into the stage left:
    # Applied: A 3 (40 → 37), C 2, D 1, W 5 (withdrew from Applied) → 1 2 3 5: median 2.5, p90 5.
    # Screen: A 5 (37 → 32), B 20 (entered 100, left 80: entered before the period, left inside) → 12.5, p90 20.
    # Interview: B 10 (rejected 70 days ago, 10 days after entering).
    table_rows = rows("days_per_stage", people.admin, "organisation")
    assert [(r["label"], r["n"], r["median"], r["p90"]) for r in table_rows] == [
        ("Applied", *spread(4, 2.5, 5)),
        ("Screen", *spread(2, 12.5, 20)),
        ("Interview", *spread(1, 10, 10)),
    ]
    assert count("stage_exits", people.admin, "organisation") == 7
    for label, shown, listed in drills_agree("days_per_stage", people.admin, "organisation"):
        assert shown == listed, label
    # Rita's board: S1 only. Applied: A 3, C 2 → 2.5, p90 3; Screen and Interview as above.
    assert by_label(rows("days_per_stage", people.rec, "recruiter"), "n", "median", "p90") == {
        "Applied": spread(2, 2.5, 3),
        "Screen": spread(2, 12.5, 20),
        "Interview": spread(1, 10, 10),
    }
    # 30 days: the exits of the last 30 days only, C's from Applied (2 days, 8 days ago) and D's (1 day, 19 days
    # ago); A left Applied and Screen 37 and 32 days ago.
    assert by_label(rows("days_per_stage", people.admin, "organisation", period="30"), "n", "median") == {
        "Applied": (2, days(1.5)),
    }


# --- Service levels --------------------------------------------------------------------------------------------


@pytest.fixture
def decision_world(people, now):
    """Decisions (days or hours before N); request unless said; Rita is a recruiter, Hana a hiring manager.

    Open: d1 Rita's, due 2 days ago (overdue); d2 Hana's, due an hour ago (overdue); d3 Rita's, due tomorrow;
    d4 a revision for any recruiter, due 3 days ago (overdue); d10 Rita's, due exactly now (not overdue).
    Decided: d5 by Rita 5 days ago, due 6 days ago (late); d6 by Hana 10 days ago, due 12 days ago (late);
    d7 by Rita 100 days ago, due 101 days ago (late, before the period); d8 by Rita 5 days ago, due 4 days ago
    (in time); d9 a revision decided by Rita 3 days ago, due 4 days ago (late).
    """
    N = now
    rec, hm = people.rec, people.hm
    return {
        "d1": decision(owner=rec, due=N - d(2)),
        "d2": decision(owner=hm, due=N - timedelta(hours=1)),
        "d3": decision(owner=rec, due=N + d(1)),
        "d4": decision(kind="requisition_revision", owner_role="recruiter", due=N - d(3)),
        "d10": decision(owner=rec, due=N),
        "d5": decision(owner=rec, due=N - d(6), decided=(rec, N - d(5))),
        "d6": decision(owner=hm, due=N - d(12), decided=(hm, N - d(10))),
        "d7": decision(owner=rec, due=N - d(101), decided=(rec, N - d(100))),
        "d8": decision(owner=rec, due=N - d(4), decided=(rec, N - d(5))),
        "d9": decision(kind="requisition_revision", owner=rec, due=N - d(4), decided=(rec, N - d(3))),
    }


def test_sla_breaches_on_the_organisations_board(people, decision_world):
    # Every decision (Ada is an admin): overdue d1, d2 (requests), d4 (revision); decided late in the period
    # d5, d6 (requests), d9 (revision).
    assert count("overdue_decisions", people.admin, "organisation") == 3
    assert count("late_decisions", people.admin, "organisation") == 3
    assert by_label(rows("sla_breaches", people.admin, "organisation"), "overdue", "late") == {
        "Request": (2, 2),
        "Revise and resubmit": (1, 1),
    }
    # A year back adds d7, decided late 100 days ago.
    assert by_label(rows("sla_breaches", people.admin, "organisation", period="365"), "late")["Request"] == 3
    for label, shown, listed in drills_agree("sla_breaches", people.admin, "organisation"):
        assert shown == listed, label


def test_sla_breaches_on_a_personal_board_count_only_the_viewers(people, decision_world):
    # Rita's own work: overdue d1 and d4 (her role's); she decided late d5 and d9 (d8 was in time).
    assert count("overdue_decisions", people.rec, "recruiter") == 2
    assert by_label(rows("sla_breaches", people.rec, "recruiter"), "overdue", "late") == {
        "Request": (1, 1),
        "Revise and resubmit": (1, 1),
    }
    # Hana's: overdue d2; late d6.
    assert count("overdue_decisions", people.hm, "hiring-manager") == 1
    assert by_label(rows("sla_breaches", people.hm, "hiring-manager"), "overdue", "late") == {"Request": (1, 1)}
    for board_key, user in (("recruiter", people.rec), ("hiring-manager", people.hm)):
        for label, shown, listed in drills_agree("sla_breaches", user, board_key):
            assert shown == listed, label


def test_department_filter_narrows_the_requisitions(people, now):
    # Two open requisitions, each with an application idle 10 days, in two departments: each department's
    # board counts its own.
    first, second = DepartmentFactory(), DepartmentFactory()
    for department in (first, second, first):
        req = requisition(people, opened=now - d(30), department=department)
        application(req, applied=now - d(10))
    assert count("stuck_7", people.admin, "organisation") == 3
    assert count("stuck_7", people.admin, "organisation", department=first.pk) == 2
    assert count("stuck_7", people.admin, "organisation", department=second.pk) == 1
    assert count("open_requisitions", people.admin, "organisation", department=second.pk) == 1


def test_every_table_here_is_checked_against_the_lists_its_rows_open():
    # The tests above compare each row of these tables with the list its row opens (drills_agree).
    checked = {"requisition_ages", "time_to_approve", "time_to_fill", "days_per_stage", "sla_breaches"}
    assert {key for key, spec in tables().items() if spec.compute.__module__ == "analytics.metrics.velocity"} == checked
