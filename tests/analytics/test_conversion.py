"""Conversion metrics (analytics.metrics.conversion) against figures worked out by hand on small worlds: the
cohort and its funnel (finished applications, or with the open ones), the cohort by source, role family and
recruiter, what moved in the period (activity) and where the active applications stand (snapshot).

Moments are whole days before the test's `now` (N); see tests/analytics/conftest.py.
"""

from decimal import Decimal

import pytest

from analytics.tiles import tables
from candidates.models import Stage
from tests.analytics.conftest import (
    application,
    by_label,
    count,
    d,
    drills_agree,
    family,
    hire,
    requisition,
    rows,
    source,
)

pytestmark = pytest.mark.django_db


def pct(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"))


@pytest.fixture
def cohort_world(people, now):
    """Days before N. P: Rita's and Hana's (role family Alpha), Q: Ray's and Hugo's (Beta); both opened 200 days
    ago with two openings, each in its own department.

    On P:
    c1 (LinkedIn, under Job boards): applied 60, Screen 55, rejected 50.       Furthest: Screen. Finished.
    c2 (Job boards): applied 50, Screen 45, Interview 40, withdrew 30.         Furthest: Interview. Finished.
    c3 (Employee referral): applied 40, Screen 38, Interview 30, offer accepted 20 (Offer, then Pre-start).
                                                                               Furthest: Pre-start. Finished.
    On Q:
    c4 (Careers site): applied 30, rejected 28 in Applied.                     Furthest: Applied. Finished.
    c5 (LinkedIn): applied 20, Screen 15.                                      Furthest: Screen. Open.
    c6 (Agencies): applied 15, Screen 12, Interview 10.                        Furthest: Interview. Open.
    c7 (Careers site): applied 100 (before the 90 days), Screen 80, rejected 70: not in the cohort.
    """
    N = now
    w = {"alpha": family("Alpha"), "beta": family("Beta")}
    w["P"] = requisition(people, opened=N - d(200), role_family=w["alpha"], openings=2)
    w["Q"] = requisition(
        people, opened=N - d(200), role_family=w["beta"], hm=people.hm2, recruiter=people.rec2, openings=2
    )
    P, Q = w["P"], w["Q"]
    w["c7"] = application(
        Q, applied=N - d(100), via="direct", moves=[("screen", N - d(80))], close=("skill_gap", N - d(70))
    )
    w["c1"] = application(
        P, applied=N - d(60), via="linkedin", moves=[("screen", N - d(55))], close=("skill_gap", N - d(50))
    )
    w["c2"] = application(
        P,
        applied=N - d(50),
        via="job_board",
        moves=[("screen", N - d(45)), ("interview", N - d(40))],
        close=("other_offer", N - d(30)),
    )
    w["c3"] = application(P, applied=N - d(40), via="referral", moves=[("screen", N - d(38)), ("interview", N - d(30))])
    w["c4"] = application(Q, applied=N - d(30), via="direct", close=("experience", N - d(28)))
    w["c5"] = application(Q, applied=N - d(20), via="linkedin", moves=[("screen", N - d(15))])
    hire(people, w["c3"], accepted=N - d(20))
    w["c6"] = application(Q, applied=N - d(15), via="agency", moves=[("screen", N - d(12)), ("interview", N - d(10))])
    return w


def funnel_of(user, board_key, **data) -> list[tuple]:
    return [(r["label"], r["reached"], r["through"]) for r in rows("funnel", user, board_key, **data)]


def test_funnel_of_finished_applications(people, cohort_world):
    # Finished in the cohort: c1, c2, c3, c4. Reached Applied 4, Screen 3 (c1 c2 c3), Interview 2 (c2 c3),
    # Offer 1 (c3), Accepted 1 (c3). Pass-through 3/4 = 75%, 2/3 = 66.7%, 1/2 = 50%, 1/1 = 100%.
    assert funnel_of(people.admin, "organisation") == [
        ("Applied", 4, pct(75)),
        ("Screen", 3, pct(66.7)),
        ("Interview", 2, pct(50)),
        ("Offer", 1, pct(100)),
        ("Accepted", 1, None),
    ]
    assert count("cohort", people.admin, "organisation") == 4
    assert count("cohort", people.admin, "organisation", stage=Stage.objects.get(code="interview").pk) == 2
    for label, shown, listed in drills_agree("funnel", people.admin, "organisation"):
        assert shown == listed, label


def test_funnel_with_open_applications(people, cohort_world):
    # With c5 and c6: Applied 6, Screen 5 (c1 c2 c3 c5 c6), Interview 3 (c2 c3 c6), Offer 1, Accepted 1:
    # 5/6 = 83.3%, 3/5 = 60%, 1/3 = 33.3%, 1/1 = 100%.
    assert funnel_of(people.admin, "organisation", include_open="1") == [
        ("Applied", 6, pct(83.3)),
        ("Screen", 5, pct(60)),
        ("Interview", 3, pct(33.3)),
        ("Offer", 1, pct(100)),
        ("Accepted", 1, None),
    ]
    for label, shown, listed in drills_agree("funnel", people.admin, "organisation", include_open="1"):
        assert shown == listed, label
    # A year back adds c7 (finished, reached Screen): Applied 5, Screen 4.
    assert funnel_of(people.admin, "organisation", period="365")[:2] == [
        ("Applied", 5, pct(80)),
        ("Screen", 4, pct(50)),
    ]


def test_funnel_on_personal_boards_and_narrowed(people, cohort_world):
    # Rita's board (P): c1 c2 c3 → Applied 3, Screen 3, Interview 2, Offer 1, Accepted 1.
    expected_p = [
        ("Applied", 3, pct(100)),
        ("Screen", 3, pct(66.7)),
        ("Interview", 2, pct(50)),
        ("Offer", 1, pct(100)),
        ("Accepted", 1, None),
    ]
    assert funnel_of(people.rec, "recruiter") == expected_p
    assert funnel_of(people.hm, "hiring-manager") == expected_p
    # P's department or its role family on the organisation's board: the same.
    assert funnel_of(people.admin, "organisation", department=cohort_world["P"].department_id) == expected_p
    assert funnel_of(people.admin, "organisation", role_family=cohort_world["alpha"].pk) == expected_p
    # Ray's board (Q): c4 only, which stopped at Applied: 0% onwards, then nothing to pass through.
    assert funnel_of(people.rec2, "recruiter") == [
        ("Applied", 1, pct(0)),
        ("Screen", 0, None),
        ("Interview", 0, None),
        ("Offer", 0, None),
        ("Accepted", 0, None),
    ]
    # The Job boards source takes its sub-source: c1 (LinkedIn) and c2 → Applied 2, Screen 2, Interview 1.
    assert funnel_of(people.admin, "organisation", source=source("job_board").pk)[:3] == [
        ("Applied", 2, pct(100)),
        ("Screen", 2, pct(50)),
        ("Interview", 1, pct(0)),
    ]


BY = ("n", "interview", "offer", "accepted")


def test_by_source_counts_a_sub_source_under_its_parent(people, cohort_world):
    # Finished: Job boards c1 (LinkedIn) + c2 → 2, interview 1/2; Employee referral c3 → 100% throughout;
    # Careers site c4 → 0%. Largest first, then by name.
    table_rows = rows("by_source", people.admin, "organisation")
    assert [r["label"] for r in table_rows] == ["Job boards", "Careers site", "Employee referral"]
    assert by_label(table_rows, *BY) == {
        "Job boards": (2, pct(50), pct(0), pct(0)),
        "Careers site": (1, pct(0), pct(0), pct(0)),
        "Employee referral": (1, pct(100), pct(100), pct(100)),
    }
    # With the open ones: Job boards adds c5 (LinkedIn, Screen) → 3, interview 1/3; Agencies c6 reached Interview.
    assert by_label(rows("by_source", people.admin, "organisation", include_open="1"), *BY) == {
        "Job boards": (3, pct(33.3), pct(0), pct(0)),
        "Careers site": (1, pct(0), pct(0), pct(0)),
        "Employee referral": (1, pct(100), pct(100), pct(100)),
        "Agencies": (1, pct(100), pct(0), pct(0)),
    }
    for data in ({}, {"include_open": "1"}, {"source": source("job_board").pk}):
        for label, shown, listed in drills_agree("by_source", people.admin, "organisation", **data):
            assert shown == listed, (data, label)


def test_by_source_narrowed_to_a_sub_source(people, cohort_world):
    # The LinkedIn filter: c1 alone, under Job boards; its row opens the LinkedIn applications, not all of Job
    # boards' (c2 came from Job boards itself).
    table_rows = rows("by_source", people.admin, "organisation", source=source("linkedin").pk)
    assert by_label(table_rows, *BY) == {"Job boards": (1, pct(0), pct(0), pct(0))}
    assert count("cohort", people.admin, "organisation", source=source("linkedin").pk) == 1
    for label, shown, listed in drills_agree("by_source", people.admin, "organisation", source=source("linkedin").pk):
        assert shown == listed, label


def test_by_role_family_and_by_recruiter(people, cohort_world):
    # Finished: Alpha (P) c1 c2 c3 → 3: interview 2/3, offer 1/3, accepted 1/3; Beta (Q) c4 → 1, 0%.
    assert by_label(rows("by_role_family", people.admin, "organisation"), *BY) == {
        "Alpha": (3, pct(66.7), pct(33.3), pct(33.3)),
        "Beta": (1, pct(0), pct(0), pct(0)),
    }
    # With the open ones, Beta: c4 c5 c6 → 3, interview 1/3 (c6).
    assert by_label(rows("by_role_family", people.admin, "organisation", include_open="1"), *BY)["Beta"] == (
        3,
        pct(33.3),
        pct(0),
        pct(0),
    )
    # The same split by recruiter: Rita runs P, Ray runs Q.
    assert by_label(rows("by_recruiter", people.admin, "organisation"), *BY) == {
        "Rita Reed": (3, pct(66.7), pct(33.3), pct(33.3)),
        "Ray Rowe": (1, pct(0), pct(0), pct(0)),
    }
    for key in ("by_role_family", "by_recruiter"):
        for data in ({}, {"include_open": "1"}):
            for label, shown, listed in drills_agree(key, people.admin, "organisation", **data):
                assert shown == listed, (key, data, label)


# --- What moved, and where applications stand ---------------------------------------------------------------------


def test_activity_counts_moves_in_the_period_whatever_the_applied_date(people, stage_world):
    # Moves in the 90 days (stage_world): into Applied A (40), C (10), D (20), W (50) and W's withdrawal (45,
    # it stays in Applied) = 5, 1 withdrawn; into Screen A, C, D = 3 (B's was 100 days ago); into Interview A,
    # B (80: B applied 120 days ago) and B's rejection (70) = 3, 1 rejected. E (applied 200 days ago) never moved.
    assert by_label(rows("activity", people.admin, "organisation"), "n", "rejected", "withdrawn") == {
        "Applied": (5, 0, 1),
        "Screen": (3, 0, 0),
        "Interview": (3, 1, 0),
    }
    assert count("moves", people.admin, "organisation") == 11
    for label, shown, listed in drills_agree("activity", people.admin, "organisation"):
        assert shown == listed, label
    # Rita's board (S1: A, B, C, E): Applied A C, Screen A C, Interview A B and B's rejection.
    assert by_label(rows("activity", people.rec, "recruiter"), "n", "rejected", "withdrawn") == {
        "Applied": (2, 0, 0),
        "Screen": (2, 0, 0),
        "Interview": (3, 1, 0),
    }


def test_snapshot_counts_active_applications_by_current_stage(people, stage_world):
    # Active now: E in Applied (applied 200 days ago, never moved), C and D in Screen, A in Interview;
    # B (rejected) and W (withdrew) are not.
    assert [(r["label"], r["n"]) for r in rows("snapshot", people.admin, "organisation")] == [
        ("Applied", 1),
        ("Screen", 2),
        ("Interview", 1),
    ]
    assert count("active_applications", people.admin, "organisation") == 4
    for label, shown, listed in drills_agree("snapshot", people.admin, "organisation"):
        assert shown == listed, label
    # Rita's board: E, C, A. Ray's: D.
    assert by_label(rows("snapshot", people.rec, "recruiter"), "n") == {"Applied": 1, "Screen": 1, "Interview": 1}
    assert by_label(rows("snapshot", people.rec2, "recruiter"), "n") == {"Screen": 1}
    assert count("active_applications", people.hm2, "hiring-manager") == 1


def test_every_table_here_is_checked_against_the_lists_its_rows_open():
    # The tests above compare each row of these tables with the list its row opens (drills_agree).
    checked = {"funnel", "by_source", "by_role_family", "by_recruiter", "activity", "snapshot"}
    assert {
        key for key, spec in tables().items() if spec.compute.__module__ == "analytics.metrics.conversion"
    } == checked
