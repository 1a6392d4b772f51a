"""Quality figures (analytics.metrics.quality) and the needs-action tiles on interviews, offers and starts
(analytics.metrics.ops), on a small world built by hand on the frozen clock: each figure worked out in the
comments, each table's rows asserted, and each row that opens a list counts what that list shows.

The period is the default 90 days: from local midnight 89 days before today. "−10d" is ten days before now.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from analytics.metrics.quality import own_scorecards_only
from analytics.tiles import count_all, sees, table, tile
from candidates.choices import DEBRIEF_KIND, SCORECARD_DUE_KIND
from candidates.models import Criterion, ReasonCode
from offers.choices import OfferStatus, PayBasis
from onboarding.choices import CaseStatus, OwnerRule, TaskKind, TaskStatus
from onboarding.models import PreboardingTask
from portal.choices import Outcome, Role
from tests import clock
from tests.analytics.builders import (
    ago,
    case,
    decision,
    drill_counts,
    interview,
    offer,
    placement,
    requisition,
    scorecard,
    slice_of,
)
from tests.factories import CompBandFactory, LevelFactory, UserFactory
from tests.vendors.conftest import approved_vendor

pytestmark = [pytest.mark.django_db]

D = Decimal
QUALITY_TABLES = (
    "ratings_by_criterion",
    "ratings_by_interviewer",
    "offer_acceptance",
    "declines_by_reason",
    "fall_through_by_source",
)


def reason(code: str) -> ReasonCode:
    return ReasonCode.objects.get(code=code)


@pytest.fixture
def world(recruiter, hiring_manager, other_hiring_manager, interviewer, finance):
    """Requisition A (family A, band midpoint 95,000) run by the hiring manager; requisition B (family B,
    band midpoint 80,000) run by the other hiring manager. Two interviewers: the persona (I1) and I2."""
    today = clock.today()
    band_a = CompBandFactory(effective_from=today - timedelta(days=3000))  # midpoint 95,000
    band_b = CompBandFactory(
        minimum=D("70000"), midpoint=D("80000"), maximum=D("90000"), effective_from=today - timedelta(days=3000)
    )
    # Bands for the same role, level and place that are not in effect on an offer's start date (today + 30):
    # ended before it, or starting after it; and one in another currency.
    same = {"role_family": band_a.role_family, "level": band_a.level, "location": band_a.location}
    CompBandFactory(**same, midpoint=D("50000"), minimum=D("40000"), maximum=D("60000"),
                    effective_from=today - timedelta(days=6000), effective_to=today - timedelta(days=3001))  # fmt: skip
    CompBandFactory(**same, midpoint=D("200000"), minimum=D("150000"), maximum=D("250000"),
                    effective_from=today + timedelta(days=31))  # fmt: skip
    CompBandFactory(**same, currency="USD", midpoint=D("1"), minimum=D("1"), maximum=D("1"),
                    effective_from=today - timedelta(days=3000))  # fmt: skip
    req_a = requisition(hiring_manager, recruiter, band=band_a)
    req_b = requisition(other_hiring_manager, recruiter, band=band_b)
    i2 = UserFactory(username="qc_panel", first_name="Ivo", last_name="Second", roles=[Role.INTERVIEWER])
    v1 = approved_vendor(finance, name="Alder Search", kind="agency", fee_pct=D("20"))
    v2 = approved_vendor(finance, name="Birch Staffing", kind="agency", fee_pct=D("20"))
    return {"a": req_a, "b": req_b, "i1": interviewer, "i2": i2, "v1": v1, "v2": v2}


# --- Scorecards ------------------------------------------------------------------------------------------------


@pytest.fixture
def scorecards(world, recruiter):
    """I1 sits on iv1, iv2, iv3; I2 on iv1 and iv3. iv1, iv2 are on requisition A, iv3 on B.

    s1  iv1 by I1, −10d, yes:         C1 4, C2 3
    s2  iv1 by I2, −20d, no:          C1 2, C2 2    superseded by s2b: not counted
    s2b iv1 by I2, −5d, strong yes:   C1 3, C2 not assessed
    s3  iv2 by I1, −100d, yes:        C1 1          before the period
    s4  iv3 by I2, −30d, strong no:   C1 1, C2 4
    s5  iv3 by I1, a draft:           C1 4          not submitted
    Counted: s1, s2b, s4."""
    i1, i2 = world["i1"], world["i2"]
    c1 = Criterion.objects.create(name="QC analysis", description="d", good_looks_like="g")
    c2 = Criterion.objects.create(name="QC delivery", description="d", good_looks_like="g")
    iv1 = interview(world["a"], recruiter, [i1, i2])
    iv2 = interview(world["a"], recruiter, [i1], plan_round=iv1.round)
    iv3 = interview(world["b"], recruiter, [i1, i2])
    s1 = scorecard(iv1, i1, submitted=ago(days=10), recommendation="yes", ratings={c1: 4, c2: 3})
    s2 = scorecard(iv1, i2, submitted=ago(days=20), recommendation="no", ratings={c1: 2, c2: 2})
    s2b = scorecard(
        iv1, i2, submitted=ago(days=5), recommendation="strong_yes", ratings={c1: 3, c2: None}, supersedes=s2
    )
    scorecard(iv2, i1, submitted=ago(days=100), ratings={c1: 1})
    s4 = scorecard(iv3, i2, submitted=ago(days=30), recommendation="strong_no", ratings={c1: 1, c2: 4})
    scorecard(iv3, i1, submitted=None, ratings={c1: 4})
    return {"c1": c1, "c2": c2, "iv1": iv1, "iv2": iv2, "iv3": iv3, "counted": {s1, s2b, s4}, "s1": s1}


def test_scorecards_count_the_current_revision_submitted_in_the_period(hr, scorecards):
    listed = tile("scorecards").rows(slice_of(hr, "organisation"))
    assert set(listed) == scorecards["counted"] and tile("scorecards").count(slice_of(hr, "organisation")) == 3
    assert tile("scorecards").count(slice_of(hr, "organisation", {"period": "365"})) == 4  # s3 too


def test_ratings_by_criterion(hr, scorecards):
    rows = table("ratings_by_criterion").compute(slice_of(hr, "organisation"))
    # C1: 4 (s1), 3 (s2b), 1 (s4) → n 3, mean 8 / 3 = 2.67; C2: 3 (s1), 4 (s4) → n 2, mean 3.5.
    assert [(r["label"], r["n"], r["r1"], r["r2"], r["r3"], r["r4"], r["average"]) for r in rows] == [
        ("QC analysis", 3, 1, 0, 1, 1, D("2.7")),
        ("QC delivery", 2, 0, 0, 1, 1, D("3.5")),
    ]
    assert [r["drill"] for r in rows] == [{"criterion": scorecards["c1"].pk}, {"criterion": scorecards["c2"].pk}]
    assert drill_counts(table("ratings_by_criterion"), hr, "organisation") == [
        ("QC analysis", 3, 3),
        ("QC delivery", 2, 2),
    ]


def test_ratings_by_interviewer(hr, world, scorecards):
    rows = table("ratings_by_interviewer").compute(slice_of(hr, "organisation"))
    # I2: s2b (3) and s4 (1, 4): 2 scorecards, mean 8 / 3 = 2.67, one of two strong yes; I1: s1 (4, 3).
    assert [(r["label"], r["n"], r["average"], r["positive"], r["drill"]) for r in rows] == [
        (str(world["i2"]), 2, D("2.7"), D("50.0"), {"interviewer": world["i2"].pk}),
        (str(world["i1"]), 1, D("3.5"), D("100.0"), {"interviewer": world["i1"].pk}),
    ]
    assert [(n, listed) for _label, n, listed in drill_counts(table("ratings_by_interviewer"), hr, "organisation")] == [
        (2, 2),
        (1, 1),
    ]


def test_an_interviewer_sees_their_own_scorecards_only(world, scorecards):
    i1 = world["i1"]
    mine = slice_of(i1, "interviewer")
    assert own_scorecards_only(mine)
    assert list(tile("scorecards").rows(mine)) == [scorecards["s1"]]
    assert [(r["label"], r["n"]) for r in table("ratings_by_interviewer").compute(mine)] == [(str(i1), 1)]
    assert [(r["label"], r["n"], r["r3"], r["r4"]) for r in table("ratings_by_criterion").compute(mine)] == [
        ("QC analysis", 1, 0, 1),
        ("QC delivery", 1, 1, 0),
    ]
    # Asking for someone else's narrows to nothing, not to theirs.
    assert tile("scorecards").count(slice_of(i1, "interviewer", {"interviewer": world["i2"].pk})) == 0
    for key in ("ratings_by_criterion", "ratings_by_interviewer"):
        assert sees(table(key), i1) and [
            (n, listed) for _label, n, listed in drill_counts(table(key), i1, "interviewer")
        ] == [(1, 1)] * len(table(key).compute(mine))


def test_a_hiring_manager_sees_the_scorecards_of_their_requisitions(hiring_manager, scorecards):
    # Requisition A's: s1 and s2b (s4 is on B, the other hiring manager's).
    assert tile("scorecards").count(slice_of(hiring_manager, "hiring-manager")) == 2
    rows = table("ratings_by_criterion").compute(slice_of(hiring_manager, "hiring-manager"))
    assert [(r["label"], r["n"]) for r in rows] == [("QC analysis", 2), ("QC delivery", 1)]


def test_who_sees_scorecard_figures(finance, interviewer, hr, recruiter, outsider):
    for key in ("ratings_by_criterion", "ratings_by_interviewer"):
        assert [sees(table(key), user) for user in (finance, interviewer, hr, recruiter, outsider)] == [
            False,
            True,
            True,
            True,
            False,
        ]
    assert not sees(tile("scorecards"), finance) and sees(tile("scorecards"), interviewer)


# --- Offers ----------------------------------------------------------------------------------------------------


@pytest.fixture
def offers(world, recruiter):
    """In the period unless said (A: band midpoint 95,000; B: 80,000):
    o1  A accepted −10d
    o2  A declined −20d, compensation, 95,000 a year          compa 100.0
    o3  B declined −30d, compensation, 50/h × 40 h × 52 = 104,000   compa 130.0
    o4  B declined −40d, competing offer, 76,000 (LinkedIn)  compa 95.0
    o5  A declined −5d, compensation, a contract             no compa
    o6  A declined −120d                                     before the period
    o7  B accepted −15d through agency V1 (placement)
    o8  A expired −7d                                        not an answer
    o9  A declined −3d, compensation, a level with no band   no compa
    o11 A accepted −20d (LinkedIn)
    o12 B accepted −25d through agency V2 (placement)
    o13 B accepted −30d through agency V1 (placement)
    o10 A accepted −200d through agency V1 (placement)       before the period"""
    a, b, v1, v2 = world["a"], world["b"], world["v1"], world["v2"]
    comp, competing = reason("declined_comp"), reason("declined_competing")
    made = {
        "o1": offer(a, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=10)),
        "o2": offer(a, recruiter, status=OfferStatus.DECLINED, answered=ago(days=20), reason=comp, base="95000"),
        "o3": offer(b, recruiter, status=OfferStatus.DECLINED, answered=ago(days=30), reason=comp, base="50",
                    pay_basis=PayBasis.HOURLY, hours="40"),
        "o4": offer(b, recruiter, status=OfferStatus.DECLINED, answered=ago(days=40), reason=competing,
                    base="76000", source="linkedin"),
        "o5": offer(a, recruiter, status=OfferStatus.DECLINED, answered=ago(days=5), reason=comp, base="90",
                    employment_type="contract", pay_basis=PayBasis.HOURLY),
        "o6": offer(a, recruiter, status=OfferStatus.DECLINED, answered=ago(days=120), reason=comp),
        "o7": offer(b, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=15), source=v1.source),
        "o8": offer(a, recruiter, status=OfferStatus.EXPIRED, answered=ago(days=7)),
        "o9": offer(a, recruiter, status=OfferStatus.DECLINED, answered=ago(days=3), reason=comp, level=LevelFactory()),
        "o10": offer(a, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=200), source=v1.source),
        "o11": offer(a, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=20), source="linkedin"),
        "o12": offer(b, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=25), source=v2.source),
        "o13": offer(b, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=30), source=v1.source),
    }  # fmt: skip
    for key, vendor in (("o7", v1), ("o10", v1), ("o12", v2), ("o13", v1)):
        placement(made[key], vendor, fee="19000")
    return made


def test_offers_declined_and_answered(hr, hiring_manager, offers):
    org = slice_of(hr, "organisation")
    assert set(tile("offers_declined").rows(org)) == {offers[k] for k in ("o2", "o3", "o4", "o5", "o9")}
    answered = {offers[k] for k in ("o1", "o2", "o3", "o4", "o5", "o7", "o9", "o11", "o12", "o13")}
    assert set(tile("offers_answered").rows(org)) == answered
    assert tile("offers_declined").count(slice_of(hr, "organisation", {"period": "365"})) == 6  # o6 too
    competing = reason("declined_competing").pk
    assert list(tile("offers_declined").rows(slice_of(hr, "organisation", {"reason": competing}))) == [offers["o4"]]
    # The hiring manager's board: requisition A's declines only.
    assert tile("offers_declined").count(slice_of(hiring_manager, "hiring-manager")) == 3


def test_offer_acceptance_overall_and_by_role_family(hr, world, offers):
    rows = table("offer_acceptance").compute(slice_of(hr, "organisation"))
    family_a, family_b = world["a"].role_family, world["b"].role_family
    # A: o1, o2, o5, o9, o11 answered, o1 and o11 accepted; B: o3, o4, o7, o12, o13, three accepted.
    assert {r["label"]: (r["n"], r["accepted"], r["rate"], r["drill"]) for r in rows} == {
        "All role families": (10, 5, D("50.0"), {}),
        family_a.name: (5, 2, D("40.0"), {"role_family": family_a.pk}),
        family_b.name: (5, 3, D("60.0"), {"role_family": family_b.pk}),
    }
    assert rows[0]["label"] == "All role families"
    assert all(n == listed for _label, n, listed in drill_counts(table("offer_acceptance"), hr, "organisation"))
    assert len(drill_counts(table("offer_acceptance"), hr, "organisation")) == 3


def test_declines_by_reason_with_the_median_compa_ratio(hr, offers):
    rows = table("declines_by_reason").compute(slice_of(hr, "organisation"))
    # Compensation: o2 (100.0), o3 (130.0), o5 (a contract), o9 (no band): median of 100.0 and 130.0.
    assert [(r["label"], r["n"], r["compa"], r["priced"], r["drill"]) for r in rows] == [
        ("Compensation", 4, D("115.0"), 2, {"reason": reason("declined_comp").pk}),
        ("Competing offer", 1, D("95.0"), 1, {"reason": reason("declined_competing").pk}),
    ]
    assert drill_counts(table("declines_by_reason"), hr, "organisation") == [
        ("Compensation", 4, 4),
        ("Competing offer", 1, 1),
    ]


def test_the_compa_ratio_costs_the_same_queries_with_more_declines(hr, world, recruiter, offers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org = slice_of(hr, "organisation")
    table("declines_by_reason").compute(org)
    with CaptureQueriesContext(connection) as before:
        table("declines_by_reason").compute(org)
    role = reason("declined_role")
    for days in (1, 2, 3):
        offer(world["b"], recruiter, status=OfferStatus.DECLINED, answered=ago(days=days), reason=role)
    with CaptureQueriesContext(connection) as after:
        rows = table("declines_by_reason").compute(org)
    assert len(before) == len(after) <= 2
    assert [r["n"] for r in rows if r["label"] == "The role"] == [3]


# --- Hires that fell through --------------------------------------------------------------------------------------


@pytest.fixture
def fell(offers):
    """c1 o1 (referral) a no-show −8d; c2 o7 (V1) withdrawn −12d; c5 o12 (V2) a no-show −2d: fell through in the
    period. c3 o10 (V1) a no-show −100d: before it. o11 started, o13 still pre-boarding."""
    return {
        "c1": case(offers["o1"], status=CaseStatus.NO_SHOW, closed=ago(days=8)),
        "c2": case(offers["o7"], status=CaseStatus.WITHDRAWN, closed=ago(days=12)),
        "c3": case(offers["o10"], status=CaseStatus.NO_SHOW, closed=ago(days=100)),
        "c4": case(offers["o11"], status=CaseStatus.STARTED, closed=ago(days=1), start=clock.today()),
        "c5": case(offers["o12"], status=CaseStatus.NO_SHOW, closed=ago(days=2)),
        "c6": case(offers["o13"]),
    }


def test_fell_through(hr, world, fell):
    org = slice_of(hr, "organisation")
    assert set(tile("fell_through").rows(org)) == {fell["c1"], fell["c2"], fell["c5"]}
    assert list(tile("fell_through").rows(slice_of(hr, "organisation", {"vendor": world["v1"].pk}))) == [fell["c2"]]
    agencies = slice_of(hr, "organisation", {"hired_via": "agency"})
    assert set(tile("fell_through").rows(agencies)) == {fell["c2"], fell["c5"]}
    assert list(tile("fell_through").rows(slice_of(hr, "organisation", {"hired_via": "internal"}))) == [fell["c1"]]
    referral = slice_of(hr, "organisation", {"source": fell["c1"].application.source_id})
    assert list(tile("fell_through").rows(referral)) == [fell["c1"]]
    assert tile("fell_through").count(slice_of(hr, "organisation", {"period": "365"})) == 4


def test_fall_through_by_source_and_agency(hr, world, fell):
    rows = table("fall_through_by_source").compute(slice_of(hr, "organisation"))
    # Accepted in the period: o1 (referral), o11 (LinkedIn, under job boards), o7, o13 (V1), o12 (V2), the
    # agencies' sources under "Agencies". Fell through: c1 (referral), c2 (V1), c5 (V2).
    assert [(r["label"], r["n"], r["accepted"], r["rate"]) for r in rows] == [
        ("Source: Agencies", 2, 3, D("66.7")),
        ("Source: Employee referral", 1, 1, D("100.0")),
        ("Source: Job boards", 0, 1, D("0.0")),
        ("Agency: Alder Search", 1, 2, D("50.0")),
        ("Agency: Birch Staffing", 1, 1, D("100.0")),
    ]
    assert rows[3]["drill"] == {"vendor": world["v1"].pk}
    assert [(n, listed) for _label, n, listed in drill_counts(table("fall_through_by_source"), hr, "organisation")] == [
        (2, 2),
        (1, 1),
        (0, 0),
        (1, 1),
        (1, 1),
    ]
    # One source chosen: its row, with the sources under it.
    linkedin = fell["c4"].application.source
    chosen = table("fall_through_by_source").compute(slice_of(hr, "organisation", {"source": linkedin.pk}))
    assert [(r["label"], r["n"], r["accepted"]) for r in chosen] == [("Source: LinkedIn", 0, 1)]


def test_every_quality_table_row_counts_what_its_list_shows(hr, scorecards, fell):
    for key in QUALITY_TABLES:
        counted = drill_counts(table(key), hr, "organisation")
        assert counted, key
        for label, n, listed in counted:
            assert n == listed, (key, label)


# --- Needs action: scorecards overdue, offers waiting, starts at risk --------------------------------------------


def test_overdue_feedback(world, scorecards, hr, hiring_manager):
    i1, i2 = world["i1"], world["i2"]
    iv1, iv2, iv3 = scorecards["iv1"], scorecards["iv2"], scorecards["iv3"]
    d1 = decision(SCORECARD_DUE_KIND, iv1, owner=i1, due=ago(days=2))  # overdue
    d2 = decision(SCORECARD_DUE_KIND, iv3, owner=i2, due=ago(hours=1))  # overdue, I2's, on B
    decision(SCORECARD_DUE_KIND, iv2, owner=i1, due=ago(days=-1))  # due tomorrow
    decision(SCORECARD_DUE_KIND, iv1, owner=i1, due=ago(days=3), outcome=Outcome.DONE)  # done
    decision(DEBRIEF_KIND, iv1, owner=i1, due=ago(days=3))  # not a scorecard
    overdue = tile("overdue_feedback")
    assert list(overdue.rows(slice_of(hr, "organisation"))) == [d1, d2]
    assert list(overdue.rows(slice_of(i1, "interviewer"))) == [d1]  # their own
    assert list(overdue.rows(slice_of(hiring_manager, "hiring-manager"))) == [d1]  # requisition A's
    assert list(overdue.rows(slice_of(hr, "organisation", {"owner": i2.pk}))) == [d2]
    assert [column.label for column in overdue.columns][:3] == ["Decision", "Interview", "Owner"]
    owner = next(column for column in overdue.columns if column.label == "Owner")
    assert owner.value(d1) == str(i1)


def test_aging_offers(world, recruiter, hr, hiring_manager, finance):
    today = clock.today()
    a, b = world["a"], world["b"]
    e1 = offer(a, recruiter, status=OfferStatus.EXTENDED, extended=ago(days=5), expires=today + timedelta(days=10))
    e2 = offer(a, recruiter, status=OfferStatus.EXTENDED, extended=ago(days=1), expires=today + timedelta(days=2))
    offer(b, recruiter, status=OfferStatus.EXTENDED, extended=ago(days=4), expires=today + timedelta(days=5))
    e4 = offer(b, recruiter, status=OfferStatus.EXTENDED, extended=ago(days=3), expires=today)
    offer(a, recruiter, status=OfferStatus.APPROVED, expires=today)  # not extended
    offer(a, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=9))  # answered
    aging = tile("aging_offers")
    # Waiting 5 days or more (e1), or expiring by the day after tomorrow (e2, e4); the soonest expiry first.
    assert list(aging.rows(slice_of(hr, "organisation"))) == [e4, e2, e1]
    assert list(aging.rows(slice_of(hiring_manager, "hiring-manager"))) == [e2, e1]
    owner = next(column for column in aging.columns if column.label == "Owner")
    assert owner.value(e1) == str(recruiter)
    assert sees(aging, hr) and sees(aging, recruiter)


def _blocking(case_, *, status=TaskStatus.TODO):
    return PreboardingTask.objects.create(
        case=case_,
        title="Background check",
        kind=TaskKind.CUSTOM,
        owner_rule=OwnerRule.HR,
        anchor="start",
        offset_days=-3,
        duration_days=1,
        blocks_start=True,
        due_date=clock.today(),
        status=status,
    )


def test_at_risk_starts(world, recruiter, hr, hiring_manager, interviewer):
    today = clock.today()
    a, b = world["a"], world["b"]

    def hired(req, start):
        return case(offer(req, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=20), start=start), start=start)

    r1 = hired(a, today + timedelta(days=2))  # a blocking task open two days before the start: at risk
    _blocking(r1)
    r2 = hired(b, today + timedelta(days=3))
    _blocking(r2)
    _blocking(r2, status=TaskStatus.DONE)
    r3 = hired(a, today + timedelta(days=20))  # blocking, but weeks away and feasible: watch, not at risk
    _blocking(r3)
    hired(a, today + timedelta(days=2))  # nothing blocking
    starts = tile("at_risk_starts")
    assert list(starts.rows(slice_of(hr, "organisation"))) == [r1, r2]
    assert [row.blocking_open for row in starts.rows(slice_of(hr, "organisation"))] == [1, 1]
    assert list(starts.rows(slice_of(hiring_manager, "hiring-manager"))) == [r1]
    owner = next(column for column in starts.columns if column.label == "Owner")
    assert owner.value(r1) == str(hiring_manager)
    assert not sees(starts, interviewer)


def test_the_tiles_counted_together_count_what_each_lists(world, hr, scorecards, fell):
    keys = ("scorecards", "offers_declined", "offers_answered", "fell_through", "overdue_feedback", "aging_offers",
            "at_risk_starts")  # fmt: skip
    org = slice_of(hr, "organisation")
    together = count_all({key: tile(key).rows(org) for key in keys})
    assert together == {key: tile(key).count(org) for key in keys}
    assert (together["scorecards"], together["offers_declined"], together["fell_through"]) == (3, 5, 3)
