"""Cost figures (analytics.metrics.cost) and the flagged-invoices tile (analytics.metrics.ops), on a small
world built by hand on the frozen clock: ledger events recorded through the ledger's service in chosen months,
offers, placements, invoices and pre-boarding cases written with chosen times. Each figure is worked out in
the comments; each table's rows are asserted, and each row that opens a list counts what that list shows.

M0 is the current month, M−1 the one before... The period is the default 90 days, whose months run from the
month of its first day (M−2 or M−3) to M0; the forecast-vs-actual window runs from M−6 to M+5.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.metrics.cost import cost_per_hire, ledger_window, period_months
from analytics.tiles import count_all, sees, table, tile
from offers.choices import OfferStatus
from onboarding.choices import CaseStatus
from portal.choices import CostCategory, CostKind, Outcome, Role
from portal.money import Money
from portal.services.ledger import add_months, first_of_month, record_cost, reverse_cost
from requisitions.models import Requisition
from tests import clock
from tests.analytics.builders import (
    ago,
    case,
    decision,
    drill_counts,
    invoice,
    offer,
    placement,
    requisition,
    slice_of,
)
from tests.factories import CostCenterFactory, UserFactory
from tests.vendors.conftest import approved_vendor
from vendors.choices import GUARANTEE_KIND, InvoiceStatus

pytestmark = [pytest.mark.django_db]

D = Decimal
ZERO = D("0.00")
COST_TABLES = ("forecast_vs_actual_by_month", "forecast_vs_actual", "agency_fees_by_vendor", "cost_per_hire",
               "fall_through_cost")  # fmt: skip


def month(n: int):
    return add_months(first_of_month(clock.today()), n)


def key(n: int) -> str:
    return f"{month(n):%Y-%m}"


def money(value) -> Decimal:
    return D(value).quantize(D("0.01"))


@pytest.fixture
def world(recruiter, hiring_manager, other_hiring_manager, finance):
    """Requisition X (cost center CC1, department D1) run by the hiring manager, Y (CC2, D2) by the other.
    Agencies V1 (Alder Search) and V2 (Birch Staffing)."""
    cc1 = CostCenterFactory(code="QC-1")
    cc2 = CostCenterFactory(code="QC-2")
    x = requisition(hiring_manager, recruiter, cost_center=cc1)
    y = requisition(other_hiring_manager, recruiter, cost_center=cc2)
    v1 = approved_vendor(finance, name="Alder Search", kind="agency", fee_pct=D("20"))
    v2 = approved_vendor(finance, name="Birch Staffing", kind="agency", fee_pct=D("20"))
    return {"x": x, "y": y, "cc1": cc1, "cc2": cc2, "v1": v1, "v2": v2}


@pytest.fixture
def hires(world, recruiter, finance):
    """Offers accepted, in CAD unless said:
    h1 X −10d internal                      committed: signing bonus 5,000, relocation 2,500, other 1,200
    h2 X −20d through V1: placement fee 19,200, billed 19,000 on an approved invoice; committed relocation 1,000
    h3 Y −30d internal                      committed: background check 300
    h4 Y −15d through V2: placement fee 15,000, billed 15,000 on an approved invoice (refunded)
    h5 X −200d internal                     before the period
    h6 X −5d, terms in USD                  not costed (another currency)
    h7 Y declined −3d                       not a hire"""
    x, y, v1, v2 = world["x"], world["y"], world["v1"], world["v2"]
    made = {
        "h1": offer(x, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=10)),
        "h2": offer(x, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=20), source=v1.source),
        "h3": offer(y, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=30)),
        "h4": offer(y, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=15), source=v2.source),
        "h5": offer(x, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=200)),
        "h6": offer(x, recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=5), currency="USD"),
        "h7": offer(y, recruiter, status=OfferStatus.DECLINED, answered=ago(days=3)),
    }
    made["pl1"] = placement(made["h2"], v1, fee="19200")
    made["pl2"] = placement(made["h4"], v2, fee="15000")
    made["inv1"] = invoice(v1, finance, status=InvoiceStatus.APPROVED, lines=[(made["pl1"], "19000")])
    made["inv3"] = invoice(v2, finance, status=InvoiceStatus.PAID, lines=[(made["pl2"], "15000")])
    for source, category, amount, req in (
        ("h1", CostCategory.SIGNING_BONUS, "5000", x),
        ("h1", CostCategory.RELOCATION, "2500", x),
        ("h1", CostCategory.OTHER, "1200", x),  # allowances: not a hiring cost
        ("h2", CostCategory.RELOCATION, "1000", x),
        ("h3", CostCategory.BACKGROUND_CHECK, "300", y),
    ):
        cost(req, CostKind.COMMITTED, category, amount, 1, source=made[source], by=finance)
    cost(x, CostKind.COMMITTED, CostCategory.SIGNING_BONUS, "999", 1, source=made["h6"], by=finance, currency="USD")
    return made


def cost(need, kind, category, amount, n, *, by, source=None, center=None, currency="CAD"):
    """An event of `amount` in month M`n` on `need` (its cost center unless `center`)."""
    return record_cost(
        category=category,
        kind=kind,
        money=Money(D(amount), currency),
        month=month(n),
        cost_center=center or need.cost_center,
        by=by,
        need=need,
        source=source,
    )


@pytest.fixture
def ledger(world, hires, finance):
    """The events of the ledger besides the hires' commitments (all in CAD unless said):
    E1  M0  CC1 X forecast 1,000          E9   M−1 CC1 X forecast 600
    E2  M0  CC1 X committed 800           E8   M−1 CC1 X actual agency fee 400 (placement pl1: V1)
    E3  M0  CC1 X actual agency fee 500 (invoice inv1: V1)
    E4  M0  CC1 X actual labour 300 (invoice inv3: V2)
    E5  M0  CC2 Y forecast 2,000          E10  M−4 CC1 X actual agency fee 999 (inv1: V1): before the period
    E6  M0  CC2 Y actual other 700        E11  M+2 CC2 Y forecast 5,000
    E7  M0  CC2 Y actual other 100, and its reversal −100
    E12 M−7 CC1 X actual 123: before the window
    E13 M0  CC1, no requisition, actual other 50: finance and admins only
    E14 M0  CC1 X actual agency fee 777 USD: another currency
    E15 M0  CC2 Y actual agency fee 250 (inv3: V2)
    E16 M0  CC1 (the event's cost center) on Y (CC2), forecast 10
    E17 M0  CC1 X actual agency fee 60, no source"""
    x, y, cc1 = world["x"], world["y"], world["cc1"]
    inv1, inv3, pl1 = hires["inv1"], hires["inv3"], hires["pl1"]
    A, F, C = CostKind.ACTUAL, CostKind.FORECAST, CostKind.COMMITTED
    fee, pay, other = CostCategory.AGENCY_FEE, CostCategory.BASE_SALARY, CostCategory.OTHER
    cost(x, F, pay, "1000", 0, by=finance)
    cost(x, C, pay, "800", 0, by=finance)
    cost(x, A, fee, "500", 0, source=inv1, by=finance)
    cost(x, A, CostCategory.CONTRACTOR_LABOUR, "300", 0, source=inv3, by=finance)
    cost(y, F, pay, "2000", 0, by=finance)
    cost(y, A, other, "700", 0, by=finance)
    reverse_cost(event=cost(y, A, other, "100", 0, by=finance), by=finance, memo="Booked twice.")
    cost(x, A, fee, "400", -1, source=pl1, by=finance)
    cost(x, F, pay, "600", -1, by=finance)
    cost(x, A, fee, "999", -4, source=inv1, by=finance)
    cost(y, F, pay, "5000", 2, by=finance)
    cost(x, A, other, "123", -7, by=finance)
    record_cost(category=other, kind=A, money=Money(D("50"), "CAD"), month=month(0), cost_center=cc1, by=finance)
    cost(x, A, fee, "777", 0, source=inv1, by=finance, currency="USD")
    cost(y, A, fee, "250", 0, source=inv3, by=finance)
    cost(y, F, other, "10", 0, center=cc1, by=finance)
    cost(x, A, fee, "60", 0, by=finance)


def columns(rows, *names) -> dict:
    return {row["label"]: tuple(row[name] for name in names) for row in rows}


# --- Forecast against actual ----------------------------------------------------------------------------------


def test_forecast_against_actual_by_month(finance, hr, ledger):
    rows = table("forecast_vs_actual_by_month").compute(slice_of(finance, "finance"))
    assert [row["label"] for row in rows] == [key(n) for n in range(-6, 6)]
    figures = columns(rows, "forecast", "committed", "actual", "variance", "events")
    # M0: forecast 1,000 + 2,000 + 10; committed 800; actual 500 + 300 + 700 + 100 − 100 + 50 + 250 + 60 (8 events).
    assert figures[key(0)] == (money(3010), money(800), money(1860), money(-1150), 8)
    assert figures[key(-1)] == (money(600), ZERO, money(400), money(-200), 1)
    assert figures[key(-4)] == (ZERO, ZERO, money(999), money(999), 1)
    # M+1: the hires' commitments, 5,000 + 2,500 + 1,200 + 1,000 on X and 300 on Y (the USD one left out).
    assert figures[key(1)] == (ZERO, money(10000), ZERO, ZERO, 0)
    assert figures[key(2)] == (money(5000), ZERO, ZERO, money(-5000), 0)
    assert figures[key(-6)] == (ZERO, ZERO, ZERO, ZERO, 0)
    assert rows[6]["drill"] == {"month": key(0), "cost_kind": "actual"}
    # HR sees every requisition's spend but not the events of none (E13).
    theirs = columns(table("forecast_vs_actual_by_month").compute(slice_of(hr, "finance")), "actual", "events")
    assert theirs[key(0)] == (money(1810), 7)


def test_forecast_against_actual_by_month_and_cost_center(finance, world, ledger):
    rows = table("forecast_vs_actual").compute(slice_of(finance, "finance"))
    cc1, cc2 = world["cc1"].code, world["cc2"].code
    assert [
        (row["label"], row["forecast"], row["committed"], row["actual"], row["variance"], row["events"]) for row in rows
    ] == [
        (f"{key(-4)} · {cc1}", ZERO, ZERO, money(999), money(999), 1),
        (f"{key(-1)} · {cc1}", money(600), ZERO, money(400), money(-200), 1),
        # E1 + E16 (Y's, on CC1); E2; E3 + E4 + E13 + E17.
        (f"{key(0)} · {cc1}", money(1010), money(800), money(910), money(-100), 4),
        (f"{key(0)} · {cc2}", money(2000), ZERO, money(950), money(-1050), 4),
        (f"{key(1)} · {cc1}", ZERO, money(9700), ZERO, ZERO, 0),
        (f"{key(1)} · {cc2}", ZERO, money(300), ZERO, ZERO, 0),
        (f"{key(2)} · {cc2}", money(5000), ZERO, ZERO, money(-5000), 0),
    ]
    assert rows[2]["drill"] == {"month": key(0), "cost_center": world["cc1"].pk, "cost_kind": "actual"}


def test_the_cost_center_filter_reads_the_events_cost_center_and_a_department_drops_the_unassigned(
    finance, world, ledger
):
    by_center = columns(
        table("forecast_vs_actual_by_month").compute(slice_of(finance, "finance", {"cost_center": world["cc1"].pk})),
        "forecast",
        "actual",
    )
    assert by_center[key(0)] == (money(1010), money(910))  # E16 is Y's, on CC1: counted with CC1
    department = world["x"].department_id
    by_department = columns(
        table("forecast_vs_actual_by_month").compute(slice_of(finance, "finance", {"department": department})),
        "forecast",
        "committed",
        "actual",
    )
    assert by_department[key(0)] == (money(1000), money(800), money(860))  # X's own: no E13, no E16


def test_ledger_events_list_the_periods_months_or_the_month_given(finance, world, ledger):
    first, last = period_months(slice_of(finance, "finance"))
    assert last == month(0) and first in (month(-2), month(-3))
    events = tile("ledger_events")
    # Every CAD event in view from the period's first month to M0: E1–E7 (and the reversal), E8, E9, E13, E15,
    # E16, E17; not E10 (M−4), E11 (M+2), E12, E14 (USD), nor the hires' commitments (M+1).
    assert events.count(slice_of(finance, "finance")) == 14
    assert events.count(slice_of(finance, "finance", {"month": key(1)})) == 5
    assert events.count(slice_of(finance, "finance", {"month": key(-4)})) == 1
    assert events.count(slice_of(finance, "finance", {"vendor": world["v2"].pk})) == 2  # E4, E15
    assert ledger_window(slice_of(finance, "finance")) == [month(n) for n in range(-6, 6)]


# --- Agency fees ----------------------------------------------------------------------------------------------


def test_agency_fees_by_vendor(finance, world, ledger):
    rows = table("agency_fees_by_vendor").compute(slice_of(finance, "finance"))
    # V1: E3 500 (inv1) + E8 400 (pl1); V2: E15 250; no vendor: E17 60. Not E10 (before the period), E14 (USD).
    assert [(row["label"], row["amount"], row["events"]) for row in rows] == [
        ("Alder Search", money(900), 2),
        ("Birch Staffing", money(250), 1),
        ("No vendor (payroll)", money(60), 1),
    ]
    assert rows[0]["drill"] == {"vendor": world["v1"].pk, "category": "agency_fee", "cost_kind": "actual"}
    assert rows[2]["drill"] is None
    assert drill_counts(table("agency_fees_by_vendor"), finance, "finance") == [
        ("Alder Search", 2, 2),
        ("Birch Staffing", 1, 1),
    ]


# --- Cost per hire --------------------------------------------------------------------------------------------


def test_cost_per_hire_by_role_family_internal_and_agency(finance, world, hires):
    rows = table("cost_per_hire").compute(slice_of(finance, "finance"))
    family_x, family_y = world["x"].role_family.name, world["y"].role_family.name
    # h1: one-time 5,000 + 2,500 (the 1,200 "other" is pay); h2: fee 19,000 as billed + relocation 1,000;
    # h3: background check 300; h4: fee 15,000 as billed. h5 before the period, h6 in USD, h7 declined.
    assert columns(rows, "hires", "agency_fees", "one_time", "total", "per_hire") == {
        "All hires": (4, money(34000), money(8800), money(42800), money(10700)),
        "All role families · internal": (2, ZERO, money(7800), money(7800), money(3900)),
        "All role families · agency": (2, money(34000), money(1000), money(35000), money(17500)),
        f"{family_x} · internal": (1, ZERO, money(7500), money(7500), money(7500)),
        f"{family_x} · agency": (1, money(19000), money(1000), money(20000), money(20000)),
        f"{family_y} · internal": (1, ZERO, money(300), money(300), money(300)),
        f"{family_y} · agency": (1, money(15000), ZERO, money(15000), money(15000)),
    }
    assert rows[0]["label"] == "All hires" and rows[0]["drill"] == {}
    assert all(n == listed for _label, n, listed in drill_counts(table("cost_per_hire"), finance, "finance"))
    assert tile("costed_hires").count(slice_of(finance, "finance", {"hired_via": "agency"})) == 2
    # The spend page's figure is the same computation over the last twelve months: h5 too.
    page = cost_per_hire(None, "CAD", clock.today())
    assert (page.internal.hires, page.agency.hires, page.all.total) == (3, 2, money(42800))


# --- What hires that fell through cost ------------------------------------------------------------------------


@pytest.fixture
def fell(world, hires, recruiter, finance):
    """f1 h2 (V1) withdrawn −8d, planned start −20d; the next acceptance on X after it: h6, −5d → 15 days.
    Its fee, 19,000 billed, was not refunded (a replacement was claimed).
    f2 h4 (V2) a no-show −6d, planned start −10d; nothing accepted on Y since → 10 days. Its fee was refunded.
    f3 h1 (internal) withdrawn −4d, planned start in 5 days → no vacancy yet.
    f4 h5 a no-show −100d: before the period. h3 started."""
    today = clock.today()
    decision(GUARANTEE_KIND, hires["pl1"], due=ago(days=1), outcome=Outcome.REPLACEMENT)
    decision(GUARANTEE_KIND, hires["pl2"], due=ago(days=1), outcome=Outcome.REFUND)
    return {
        "f1": case(hires["h2"], status=CaseStatus.WITHDRAWN, closed=ago(days=8), start=today - timedelta(days=20)),
        "f2": case(hires["h4"], status=CaseStatus.NO_SHOW, closed=ago(days=6), start=today - timedelta(days=10)),
        "f3": case(hires["h1"], status=CaseStatus.WITHDRAWN, closed=ago(days=4), start=today + timedelta(days=5)),
        "f4": case(hires["h5"], status=CaseStatus.NO_SHOW, closed=ago(days=100)),
        "started": case(hires["h3"], status=CaseStatus.STARTED, closed=ago(days=1), start=today),
    }


def test_fall_through_cost_by_agency(finance, fell):
    rows = table("fall_through_cost").compute(slice_of(finance, "finance"))
    # Weeks: 15 / 7 = 2.14, 10 / 7 = 1.43, 0.
    assert [(row["label"], row["n"], row["fees"], row["weeks"]) for row in rows] == [
        ("Alder Search", 1, money(19000), D("2.1")),
        ("Birch Staffing", 1, ZERO, D("1.4")),
        ("Direct", 1, ZERO, D("0.0")),
    ]
    assert rows[2]["drill"] == {"hired_via": "internal"}
    assert drill_counts(table("fall_through_cost"), finance, "finance") == [
        ("Alder Search", 1, 1),
        ("Birch Staffing", 1, 1),
        ("Direct", 1, 1),
    ]


def test_the_weeks_of_vacancy_end_at_the_next_acceptance(finance, world, recruiter, fell):
    # An offer accepted on Y two days ago ends f2's vacancy there: 10 − 2 = 8 days.
    offer(world["y"], recruiter, status=OfferStatus.ACCEPTED, answered=ago(days=2))
    rows = columns(table("fall_through_cost").compute(slice_of(finance, "finance")), "weeks")
    assert rows["Birch Staffing"] == (D("1.1"),)


# --- Every row, and who sees what ------------------------------------------------------------------------------


def test_every_cost_table_row_counts_what_its_list_shows(finance, admin_user, ledger, fell):
    for user, board_key in ((finance, "finance"), (admin_user, "organisation")):
        for key_ in COST_TABLES:
            counted = drill_counts(table(key_), user, board_key)
            assert counted, key_
            for label, n, listed in counted:
                assert n == listed, (key_, label)


def test_cost_figures_are_finances_hrs_and_admins(finance, hr, admin_user, recruiter, hiring_manager, interviewer):
    for key_ in COST_TABLES:
        assert [sees(table(key_), u) for u in (finance, hr, admin_user, recruiter, hiring_manager, interviewer)] == [
            True,
            True,
            True,
            False,
            False,
            False,
        ], key_
    for key_ in ("ledger_events", "costed_hires"):
        assert sees(tile(key_), finance) and not sees(tile(key_), hiring_manager)


def test_the_ledger_tables_cost_the_same_queries_with_more_events(finance, world, ledger):
    board_slice = slice_of(finance, "finance")
    for key_ in ("forecast_vs_actual", "agency_fees_by_vendor"):
        table(key_).compute(board_slice)
        with CaptureQueriesContext(connection) as before:
            table(key_).compute(board_slice)
        for n in (-1, 0, 1):
            cost(world["y"], CostKind.ACTUAL, CostCategory.AGENCY_FEE, "10", n, by=finance, center=world["cc2"])
        with CaptureQueriesContext(connection) as after:
            table(key_).compute(board_slice)
        assert len(before) == len(after) <= 3, key_


# --- Needs action: flagged invoices ----------------------------------------------------------------------------


def test_flagged_invoices(finance, admin_user, hr, world, hires):
    v1, v2 = world["v1"], world["v2"]
    on_x = invoice(v1, finance, status=InvoiceStatus.FLAGGED, lines=[(hires["pl1"], "100")])
    on_y = invoice(v2, finance, status=InvoiceStatus.FLAGGED, lines=[(hires["pl2"], "200")])
    unlinked = invoice(v2, finance, status=InvoiceStatus.FLAGGED)
    invoice(v1, finance, status=InvoiceStatus.SUBMITTED, lines=[(hires["pl1"], "300")])  # not flagged
    flagged = tile("flagged_invoices")
    assert list(flagged.rows(slice_of(finance, "finance"))) == [on_x, on_y, unlinked]
    assert list(flagged.rows(slice_of(admin_user, "organisation"))) == [on_x, on_y, unlinked]
    # A requisition filter: the invoices billing its requisitions, none billing nothing.
    assert list(flagged.rows(slice_of(finance, "finance", {"department": world["x"].department_id}))) == [on_x]
    assert list(flagged.rows(slice_of(finance, "finance", {"vendor": v2.pk}))) == [on_y, unlinked]
    owner = next(column for column in flagged.columns if column.label == "Owner")
    assert owner.value(on_x) == str(v1.owner) == str(finance)
    assert not sees(flagged, hr) and not flagged.count(slice_of(hr, "finance"))
    # Someone who sees invoices, on a board covering only the requisitions they manage: those billing them.
    clerk = UserFactory(username="qc_clerk", roles=[Role.FINANCE, Role.HIRING_MANAGER])
    Requisition.objects.filter(pk=world["x"].pk).update(hiring_manager=clerk)
    assert list(flagged.rows(slice_of(clerk, "hiring-manager"))) == [on_x]


def test_the_tiles_counted_together_count_what_each_lists(finance, ledger, fell):
    keys = ("ledger_events", "costed_hires", "fell_through", "flagged_invoices")
    board_slice = slice_of(finance, "finance")
    together = count_all({key: tile(key).rows(board_slice) for key in keys})
    assert together == {key: tile(key).count(board_slice) for key in keys}
    assert (together["ledger_events"], together["costed_hires"], together["fell_through"]) == (14, 4, 3)
