"""Capacity metrics (analytics.metrics.capacity) against figures worked out by hand on small worlds: open
requisitions and the load per recruiter and hiring manager, booked interviews per interviewer per week against
their cap, open decisions per owner.

Moments are whole days before the test's `now` (N), or days of this week (local time); see
tests/analytics/conftest.py.
"""

from datetime import timedelta

import pytest
from django.conf import settings

from analytics.tiles import tables
from candidates.choices import InterviewStatus
from candidates.models import InterviewerCap
from requisitions.choices import Action
from tests import clock
from tests.analytics.conftest import (
    application,
    by_label,
    count,
    d,
    decision,
    drills_agree,
    hold,
    interview,
    local_at,
    requisition,
    rows,
    settle,
)

pytestmark = pytest.mark.django_db

LOAD = ("requisitions", "applications", "decisions", "overdue")


@pytest.fixture
def load_world(people, now):
    """Days before N; requisitions opened 60 days ago.

    Q1 Rita/Hana, open: a1, a2 active; a3 rejected 5 days ago.
    Q2 Rita/Hugo, open: a4 active.
    Q3 Ray/Hana: a5 active (applied 30 days ago); on hold since 20 days ago.
    Q4 Ray/Hugo, open: no application.
    Q6 Rita/Hana: cancelled yesterday.
    Open decisions by name: Rita's r1 (due in 2 days), r2 (due yesterday: overdue), r3 (due in 3 days, hers on
    behalf of the recruiters' role); Hana's h1 (due 2 days ago: overdue). For any recruiter: x1 (due yesterday).
    Rita's r4 was decided (not open).
    """
    N = now
    w = {}
    w["Q1"] = requisition(people, opened=N - d(60))
    w["a1"] = application(w["Q1"], applied=N - d(10))
    w["a2"] = application(w["Q1"], applied=N - d(12))
    w["a3"] = application(w["Q1"], applied=N - d(20), close=("skill_gap", N - d(5)))
    w["Q2"] = requisition(people, opened=N - d(60), hm=people.hm2)
    w["a4"] = application(w["Q2"], applied=N - d(8))
    w["Q3"] = requisition(people, opened=N - d(60), recruiter=people.rec2)
    w["a5"] = application(w["Q3"], applied=N - d(30))
    hold(w["Q3"], N - d(20))
    w["Q4"] = requisition(people, opened=N - d(60), hm=people.hm2, recruiter=people.rec2)
    w["Q6"] = settle(requisition(people, opened=N - d(60)), Action.CANCEL, N - d(1))
    rec, hm = people.rec, people.hm
    w["r1"] = decision(owner=rec, due=N + d(2))
    w["r2"] = decision(owner=rec, due=N - d(1))
    w["r3"] = decision(owner=rec, owner_role="recruiter", due=N + d(3))
    w["r4"] = decision(owner=rec, due=N - d(4), decided=(rec, N - d(5)))
    w["h1"] = decision(owner=hm, due=N - d(2))
    w["x1"] = decision(owner_role="recruiter", due=N - d(1))
    return w


def test_open_requisitions_per_board(people, load_world):
    # Open now: Q1, Q2, Q4 (not Q3 on hold, not Q6 cancelled).
    assert count("open_requisitions", people.admin, "organisation") == 3
    assert count("open_requisitions", people.rec, "recruiter") == 2  # Q1, Q2
    assert count("open_requisitions", people.rec2, "recruiter") == 1  # Q4
    assert count("open_requisitions", people.hm, "hiring-manager") == 1  # Q1
    assert count("open_requisitions", people.hm2, "hiring-manager") == 2  # Q2, Q4
    # Dora approved every one of them (she may see them) but manages none: her board has none.
    assert count("open_requisitions", people.director, "hiring-manager") == 0
    assert count("open_requisitions", people.admin, "organisation", department=load_world["Q2"].department_id) == 1


def test_recruiter_load(people, load_world):
    # Rita: open Q1, Q2 = 2; active a1 a2 a4 = 3; decisions by name r1 r2 r3 = 3, overdue r2 = 1.
    # Ray: open Q4 = 1; active a5 (on Q3, on hold) = 1; no decision. Most requisitions first.
    table_rows = rows("recruiter_load", people.admin, "organisation")
    assert [(r["label"], *(r[c] for c in LOAD)) for r in table_rows] == [
        ("Rita Reed", 2, 3, 3, 1),
        ("Ray Rowe", 1, 1, 0, 0),
    ]
    for label, shown, listed in drills_agree("recruiter_load", people.admin, "organisation"):
        assert shown == listed, label


def test_hiring_manager_load(people, load_world):
    # Hugo: open Q2, Q4 = 2; active a4 = 1. Hana: open Q1 = 1; active a1 a2 a5 = 3; h1 open and overdue.
    table_rows = rows("hiring_manager_load", people.admin, "organisation")
    assert [(r["label"], *(r[c] for c in LOAD)) for r in table_rows] == [
        ("Hugo Hart", 2, 1, 0, 0),
        ("Hana Hill", 1, 3, 1, 1),
    ]
    for label, shown, listed in drills_agree("hiring_manager_load", people.admin, "organisation"):
        assert shown == listed, label
    # Q1's department: Q1 alone (Hana: 1 open, a1 a2).
    assert by_label(
        rows("hiring_manager_load", people.admin, "organisation", department=load_world["Q1"].department_id), *LOAD
    ) == {"Hana Hill": (1, 2, 1, 1)}


def test_open_decisions_per_owner(people, load_world):
    # Open: r1, r2, r3 (Rita's, r3 also naming the recruiters' role: still Rita's), h1 (Hana's), x1 (any
    # recruiter). Rita 3, 1 overdue; Hana 1, 1 overdue; anyone in Recruiter 1, 1 overdue. Most overdue first,
    # then most open, then by name.
    table_rows = rows("decision_owners", people.admin, "organisation")
    assert [(r["label"], r["n"], r["late"]) for r in table_rows] == [
        ("Rita Reed", 3, 1),
        ("Anyone in Recruiter", 1, 1),
        ("Hana Hill", 1, 1),
    ]
    assert count("open_decisions", people.admin, "organisation") == 5
    for label, shown, listed in drills_agree("decision_owners", people.admin, "organisation"):
        assert shown == listed, label


def test_open_decisions_on_a_personal_board(people, load_world):
    # Rita's own work: r1, r2, r3 and x1 (her role's). Hana's: h1.
    assert count("open_decisions", people.rec, "recruiter") == 4
    assert by_label(rows("decision_owners", people.rec, "recruiter"), "n", "late") == {
        "Rita Reed": (3, 1),
        "Anyone in Recruiter": (1, 1),
    }
    assert by_label(rows("decision_owners", people.hm, "hiring-manager"), "n", "late") == {"Hana Hill": (1, 1)}
    for board_key, user in (("recruiter", people.rec), ("hiring-manager", people.hm)):
        for label, shown, listed in drills_agree("decision_owners", user, board_key):
            assert shown == listed, label


# --- Interviews per interviewer per week ---------------------------------------------------------------------------


@pytest.fixture
def interview_world(people, now):
    """Weeks from this week's Monday (local time). Ivy's cap is 2 a week; Ian has none of his own (the default).
    i1 is an application on Rita's and Hana's requisition, i2 on Ray's and Hugo's.

    Week 0: Mon 10:00 Ivy (i1); Tue 10:00 Ivy and Ian (i1); Wed 14:00 Ivy (i2).
    Week 1: Mon 10:00 Ivy (i1); Thu 11:00 Ivy (i1); Fri 10:00 Ivy (i1) cancelled.
    Week 2: Tue 10:00 Ian (i2).
    Week 3: Wed 10:00 Ivy (i2), rescheduled (still booked).
    Week 4: Mon 10:00 Ivy (i1): past the four weeks.
    Last week's Friday 10:00 Ivy (i1): before this week.
    To schedule (no time yet): Ian (i2).
    """
    N = now
    today = clock.today()
    monday = today - timedelta(days=today.weekday())

    def on(week, weekday, hour):
        return local_at(monday + timedelta(days=7 * week + weekday), hour)

    InterviewerCap.objects.create(user=people.iv1, weekly_cap=2)
    ivy, ian = people.iv1, people.iv2
    i1 = application(requisition(people, opened=N - d(60)), applied=N - d(30))
    i2 = application(requisition(people, opened=N - d(60), hm=people.hm2, recruiter=people.rec2), applied=N - d(30))
    interview(i1, on(0, 0, 10), ivy)
    interview(i1, on(0, 1, 10), ivy, ian)
    interview(i2, on(0, 2, 14), ivy)
    interview(i1, on(1, 0, 10), ivy)
    interview(i1, on(1, 3, 11), ivy)
    interview(i1, on(1, 4, 10), ivy, status=InterviewStatus.CANCELLED)
    interview(i2, on(2, 1, 10), ian)
    interview(i2, on(3, 2, 10), ivy, status=InterviewStatus.RESCHEDULED)
    interview(i1, on(4, 0, 10), ivy)
    interview(i1, on(-1, 4, 10), ivy)
    interview(i2, None, ian, status=InterviewStatus.TO_SCHEDULE)
    return {"i1": i1, "i2": i2}


WEEKS = ("cap", "w0", "w1", "w2", "w3", "over", "n")


def test_interviewer_load_against_the_weekly_cap(people, interview_world):
    # Ivy (cap 2): 3, 2, 0, 1 → one week over (3 > 2; 2 is not over), 6 booked.
    # Ian (the default cap): 1, 0, 1, 0 → none over, 2 booked. Most weeks over first.
    default = settings.INTERVIEWS_PER_WEEK
    table_rows = rows("interviewer_load", people.admin, "organisation")
    assert [(r["label"], *(r[c] for c in WEEKS)) for r in table_rows] == [
        ("Ivy Irwin", 2, 3, 2, 0, 1, 1, 6),
        ("Ian Ives", default, 1, 0, 1, 0, 0, 2),
    ]
    # Booked in the four weeks: 3 + 2 + 1 + 1 = 7 interviews (the Tuesday one has both on it).
    assert count("upcoming_interviews", people.admin, "organisation") == 7
    for label, shown, listed in drills_agree("interviewer_load", people.admin, "organisation"):
        assert shown == listed, label


def test_interviewer_load_on_personal_boards(people, interview_world):
    # Hana's board: interviews of i1 only: Ivy Mon and Tue of week 0, Mon and Thu of week 1 (at her cap, not
    # over); Ian the Tuesday one.
    assert by_label(rows("interviewer_load", people.hm, "hiring-manager"), *WEEKS) == {
        "Ivy Irwin": (2, 2, 2, 0, 0, 0, 4),
        "Ian Ives": (settings.INTERVIEWS_PER_WEEK, 1, 0, 0, 0, 0, 1),
    }
    assert count("upcoming_interviews", people.hm, "hiring-manager") == 4
    # Ivy's own board: her seats only, on every requisition.
    assert by_label(rows("interviewer_load", people.iv1, "interviewer"), *WEEKS) == {
        "Ivy Irwin": (2, 3, 2, 0, 1, 1, 6),
    }
    assert count("upcoming_interviews", people.iv1, "interviewer") == 6
    assert count("upcoming_interviews", people.iv2, "interviewer") == 2
    for board_key, user in (("hiring-manager", people.hm), ("interviewer", people.iv1), ("interviewer", people.iv2)):
        for label, shown, listed in drills_agree("interviewer_load", user, board_key):
            assert shown == listed, (board_key, label)


def test_every_table_here_is_checked_against_the_lists_its_rows_open():
    # The tests above compare each row of these tables with the list its row opens (drills_agree).
    checked = {"recruiter_load", "hiring_manager_load", "interviewer_load", "decision_owners"}
    assert {key for key, spec in tables().items() if spec.compute.__module__ == "analytics.metrics.capacity"} == checked
