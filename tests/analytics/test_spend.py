"""The spend section's pages analytics serves: cash needs and cost per hire (analytics.metrics.cost and
analytics.spend), moved from the vendors app. Their figures from ledger events recorded through the real
services (the building blocks are the vendors' finance tests'); the hiring manager's scope; a fixed number
of queries whatever the data; the pages, their tabs and their exports."""

import os
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.metrics.cost import CashNeeds, cash_needs, cost_per_hire
from portal.choices import CostCategory, CostKind
from portal.models import CostEvent, ExportLog
from portal.money import Money
from portal.services.exports import export_rows
from portal.services.ledger import record_cost, reverse_cost
from requisitions.models import Requisition
from requisitions.services import create_requisition
from tests.factories import requisition_fields
from tests.offers import conftest as offers_fixtures
from tests.vendors import conftest as vendors_fixtures
from tests.vendors import test_finance as finance_tests
from tests.vendors.conftest import approved_vendor
from tests.vendors.test_finance import (
    amounts,
    bill_weeks,
    d,
    engage,
    hire,
    invoice_for,
    open_req,
    person,
    rate_card,
    referral,
    rows,
)
from vendors.finance import spend_scope
from vendors.services import LineInput, approve_invoice, start_engagement

# Pre-boarding's own money (checklist tasks) is tested in tests/onboarding: here only offers' and vendors' count.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_checklists")]

# The fixtures these tests share with the vendors' finance tests.
head, open_requisition = offers_fixtures.head, offers_fixtures.open_requisition
supplier, card, worker, many = (
    vendors_fixtures.supplier,
    vendors_fixtures.card,
    vendors_fixtures.worker,
    vendors_fixtures.many,
)
agency, hires, other_hm = finance_tests.agency, finance_tests.hires, finance_tests.other_hm

# A Wednesday. The three months ahead are March to May 2026; the twelve back, April 2025 to March 2026.
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("America/Toronto"))
TODAY = date(2026, 3, 11)
MAR, APR, MAY = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)
CAD = "CAD"


@pytest.fixture(autouse=True)
def clock():
    """Every test (and its fixtures) on 11 March 2026, so that months and weekdays are known."""
    with time_machine.travel(NOW, tick=False):
        yield


# --- Scope ------------------------------------------------------------------------------------------------------


def test_someone_who_sees_no_requisition_sees_no_cash_need_and_no_hire(open_requisition, hm, other_hm, recruiter):
    create_requisition(by=other_hm, hiring_manager=other_hm, **requisition_fields(recruiter=recruiter))
    other_hm.is_active = False
    other_hm.save()
    nobody = spend_scope(other_hm)
    assert not nobody.exists()
    assert cash_needs(nobody, CAD, TODAY).total.amounts == amounts(0, 0, 0)
    assert cost_per_hire(nobody, CAD, TODAY).all.hires == 0


# --- Cash needs ---------------------------------------------------------------------------------------------------


def test_cash_needs_by_category_and_vendor(open_requisition, supplier, card, recruiter, hm, other_hm, finance):
    req = open_requisition  # its forecast: 105,000 base, 10 % bonus, 20 % benefits a year from May
    keystone = approved_vendor(finance, name="Keystone Contract")
    keystone_card = rate_card(keystone, req, finance, pay="75", markup="20")  # 90.00 an hour
    # 12 weekdays in March (16th to 31st) and 8 in April (1st to 10th) at 40 h × 100.00 / 5 = 800.00 a day.
    engage(req, supplier, card, person(recruiter, "Grace"), date(2026, 3, 16), date(2026, 4, 10), by=recruiter)
    # 22 weekdays in April at 40 h × 90.00 / 5 = 720.00 a day.
    engage(req, keystone, keystone_card, person(recruiter, "Alan"), APR, date(2026, 4, 30), by=recruiter)

    def cost(category, kind, amount, month, *, need=req, currency=CAD):
        return record_cost(
            category=category,
            kind=kind,
            money=Money(Decimal(amount), currency),
            month=month,
            cost_center=need.cost_center,
            by=finance,
            need=need,
        )

    cost(CostCategory.EQUIPMENT, CostKind.COMMITTED, "1200", TODAY)
    moved = cost(CostCategory.RELOCATION, CostKind.FORECAST, "5000", APR)
    reverse_cost(event=moved, by=finance, memo="Relocation waived.")  # nets to nothing: no relocation line
    cost(CostCategory.OTHER, CostKind.COMMITTED, "777", date(2026, 6, 1))  # after the window
    cost(CostCategory.OTHER, CostKind.FORECAST, "888", date(2026, 2, 1))  # before it
    cost(CostCategory.BASE_SALARY, CostKind.ACTUAL, "999", TODAY)  # spent, not to pay
    cost(CostCategory.EQUIPMENT, CostKind.COMMITTED, "555", TODAY, currency="USD")
    theirs = create_requisition(by=other_hm, hiring_manager=other_hm, **requisition_fields(recruiter=recruiter))
    cost(CostCategory.BACKGROUND_CHECK, CostKind.FORECAST, "300", TODAY, need=theirs)

    mine = cash_needs(Requisition.objects.filter(hiring_manager=hm), CAD, TODAY)
    assert mine.months == (MAR, APR, MAY)
    assert rows(mine.by_category) == {
        "Base salary": amounts(0, 0, 8750),
        "Bonus": amounts(0, 0, 875),
        "Benefits": amounts(0, 0, 1750),
        "Contractor labour": amounts(9600, 6400 + 15840, 0),
        "Equipment": amounts(1200, 0, 0),
    }
    assert [row.key for row in mine.by_category] == [
        "base_salary",
        "bonus",
        "benefits",
        "contractor_labour",
        "equipment",
    ]
    assert list(rows(mine.by_vendor).items()) == [
        ("Keystone Contract", amounts(0, 15840, 0)),
        ("Northbridge Talent", amounts(9600, 6400, 0)),
        ("No vendor (payroll)", amounts(1200, 0, 11375)),
    ]
    assert [row.key for row in mine.by_vendor] == [keystone.pk, supplier.pk, None]
    assert mine.total.amounts == amounts(10800, 22240, 11375) and mine.total.total == d(44415)
    assert sum(row.total for row in mine.by_vendor) == sum(row.total for row in mine.by_category) == mine.total.total

    finance_report = cash_needs(None, CAD, TODAY)
    assert rows(finance_report.by_category)["Background check"] == amounts(300, 0, 0)
    assert rows(finance_report.by_vendor)["No vendor (payroll)"] == amounts(1500, 0, 11375)
    assert finance_report.total.amounts == amounts(11100, 22240, 11375)

    shorter = cash_needs(None, CAD, TODAY, months=1)
    assert shorter.months == (MAR,) and shorter.total.amounts == amounts(11100)
    usd = cash_needs(None, "USD", TODAY)
    assert rows(usd.by_category) == {"Equipment": amounts(555, 0, 0)}


def test_cash_needs_resolve_the_agency_of_a_placement_and_net_a_reversed_forecast(hires, agency, hm):
    req = hires[0]
    # Both hires reversed the requisition's forecast; their offers committed pay from April
    # (96,000 base, 9,600 bonus, 19,200 benefits a year each), the agency's fee is forecast in April.
    report = cash_needs(Requisition.objects.filter(pk=req.pk), CAD, TODAY)
    assert rows(report.by_category) == {
        "Base salary": amounts(0, 16000, 16000),
        "Bonus": amounts(0, 1600, 1600),
        "Benefits": amounts(0, 3200, 3200),
        "Signing bonus": amounts(0, 5000, 0),
        "Relocation": amounts(0, 3500, 0),
        "Agency fee": amounts(0, 19200, 0),
    }
    assert list(rows(report.by_vendor).items()) == [
        ("Summit Search", amounts(0, 19200, 0)),
        ("No vendor (payroll)", amounts(0, 29300, 20800)),
    ]
    assert report.by_vendor[0].key == agency.pk
    standing_forecast = CostEvent.objects.filter(need=req, source_id=req.pk, kind=CostKind.FORECAST)
    assert standing_forecast.count() > 0 and not standing_forecast.outstanding().exists()


# --- Cost per hire ------------------------------------------------------------------------------------------------


def test_cost_per_hire_internal_and_agency(
    hires, agency, recruiter, hm, other_hm, director, head, hr, finance, admin_user
):
    _, _, placed = hires
    approvers = [hr, finance, head, director, hm, other_hm, admin_user]
    theirs = open_req(other_hm, director=director, recruiter=recruiter, head=head)
    hire(theirs, recruiter, approvers, name="Theo", source=referral(), base_amount=Decimal("90000"),
         signing_bonus=Decimal("4000"))  # fmt: skip
    with time_machine.travel(NOW - timedelta(days=400), tick=False):  # February 2025: before the window
        old = open_req(hm, director=director, recruiter=recruiter, head=head)
        hire(old, recruiter, approvers, name="Olga", source=referral(), signing_bonus=Decimal("6000"))
    scope = Requisition.objects.filter(hiring_manager=hm)

    report = cost_per_hire(scope, CAD, TODAY)
    assert (report.since, report.until) == (date(2025, 4, 1), TODAY)
    summary = [(r.key, r.hires, r.agency_fees, r.one_time_costs, r.total, r.per_hire) for r in report.rows]
    assert summary == [
        ("internal", 1, d(0), d(7500), d(7500), d(7500)),
        ("agency", 1, d(19200), d(1000), d(20200), d(20200)),  # not invoiced yet: the placement's fee
        ("all", 2, d(19200), d(8500), d(27700), d(13850)),
    ]

    fee = invoice_for(
        agency,
        "SS-1",
        MAR,
        date(2026, 3, 31),
        LineInput(amount=Decimal("19000"), placement=placed.placement),
        by=admin_user,
    )
    assert cost_per_hire(scope, CAD, TODAY).agency.agency_fees == d(19200)  # entered, not approved
    approve_invoice(invoice=fee, by=finance, override_reason="Agreed discount.")
    report = cost_per_hire(scope, CAD, TODAY)
    assert (report.agency.agency_fees, report.agency.per_hire, report.all.per_hire) == (d(19000), d(20000), d(13750))

    everything = cost_per_hire(None, CAD, TODAY)
    assert (everything.internal.hires, everything.internal.one_time_costs, everything.internal.per_hire) == (
        2,
        d(11500),
        d(5750),
    )
    longer = cost_per_hire(None, CAD, TODAY, months=24)
    assert (longer.internal.hires, longer.internal.one_time_costs) == (3, d(17500))
    nothing = cost_per_hire(None, "USD", TODAY)
    assert [(r.hires, r.total, r.per_hire) for r in nothing.rows] == [(0, d(0), None)] * 3


# --- Exports ------------------------------------------------------------------------------------------------------


def test_both_datasets_export(open_requisition, supplier, card, recruiter, finance):
    engage(
        open_requisition, supplier, card, person(recruiter, "Grace"), date(2026, 3, 16), date(2026, 4, 10), by=recruiter
    )
    needs = cash_needs(None, CAD, TODAY)
    assert [c.label for c in needs.export_columns()] == [
        "Breakdown", "Line", "2026-03", "2026-04", "2026-05", "Total", "Currency",
    ]  # fmt: skip
    assert [(line.group, line.label, line.total) for line in needs.export_rows()] == [
        ("Category", "Base salary", d(8750)),
        ("Category", "Bonus", d(875)),
        ("Category", "Benefits", d(1750)),
        ("Category", "Contractor labour", d(16000)),
        ("Vendor", "Northbridge Talent", d(16000)),
        ("Vendor", "No vendor (payroll)", d(11375)),
        ("Total", "Total", d(27375)),
    ]
    reports = {"cash-needs": needs, "cost-per-hire": cost_per_hire(None, CAD, TODAY)}
    for dataset, report in reports.items():
        for fmt in ("csv", "xlsx"):
            built = export_rows(
                by=finance,
                dataset=dataset,
                title=dataset,
                columns=report.export_columns(),
                rows=report.export_rows(),
                filters="",
                fmt=fmt,
            )
            assert built.content and built.log.rows == len(report.export_rows())


# --- Queries ------------------------------------------------------------------------------------------------------


def test_each_figure_costs_the_same_queries_with_three_times_the_data(
    open_requisition, agency, recruiter, hm, director, head, hr, finance, admin_user
):
    req = open_requisition
    people = {"recruiter": recruiter, "hm": hm, "admin_user": admin_user, "finance": finance}
    hiring = open_req(hm, director=director, recruiter=recruiter, head=head, openings=3)
    approvers = [hr, finance, head, director, hm, admin_user]
    scope = Requisition.objects.filter(hiring_manager=hm)

    def contract(n):
        vendor = approved_vendor(finance, name=f"Supplier {n}")
        engagement = engage(
            req, vendor, rate_card(vendor, req, finance), person(recruiter, f"Worker{n}"),
            date(2026, 2, 2), date(2026, 4, 24), by=recruiter,
        )  # fmt: skip
        start_engagement(engagement=engagement, by=recruiter)
        engagement.refresh_from_db()
        bill_weeks(engagement, [date(2026, 3, 2)], f"S{n}-1", **people)

    def placed(n):
        offer = hire(hiring, recruiter, approvers, name=f"Hire{n}", source=agency.source if n % 2 else referral(),
                     signing_bonus=Decimal("1000"))  # fmt: skip
        if n % 2:
            line = LineInput(amount=offer.placement.fee, placement=offer.placement)
            invoice = invoice_for(agency, f"SS-{n}", MAR, date(2026, 3, 31), line, by=admin_user)
            approve_invoice(invoice=invoice, by=finance)

    def queries():
        counts = {}
        for name, figure in (
            ("cash_needs", lambda: cash_needs(scope, CAD, TODAY)),
            ("cost_per_hire", lambda: cost_per_hire(scope, CAD, TODAY)),
        ):
            figure()  # content types cached
            with CaptureQueriesContext(connection) as ctx:
                report = figure()
            counts[name] = len(ctx.captured_queries)
            if os.environ.get("SHOW_QUERIES"):
                print("\n".join(q["sql"] for q in ctx.captured_queries))
            counts[f"{name}_size"] = _size(report)
        return counts

    contract(1)
    placed(1)
    small = queries()
    for n in (2, 3):
        contract(n)
        placed(n)
    large = queries()

    assert large["cost_per_hire_size"] == 3 and small["cost_per_hire_size"] == 1  # the data did grow
    assert large["cash_needs_size"] > small["cash_needs_size"]
    bounds = {"cash_needs": 2, "cost_per_hire": 1}
    for name, bound in bounds.items():
        assert small[name] == large[name] <= bound, name


def _size(report) -> int:
    if isinstance(report, CashNeeds):
        return len(report.by_vendor)
    return report.all.hires


# --- The pages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["analytics:spend_cash", "analytics:spend_hires"])
def test_the_pages_show_their_figures_at_a_fixed_cost(client, many, finance, hm, other_hiring_manager, name):
    many(2)
    url = reverse(name)
    client.force_login(finance)
    before = _count(client, url)
    many(4)
    after = _count(client, url)
    assert after <= before + 1 and after <= 30, (before, after)
    page = client.get(url).content.decode()
    if name == "analytics:spend_cash":
        assert "Northbridge Talent" in page and "Contractor labour" in page
    else:
        assert "Hires accepted 1 April 2025" in page or "Hires accepted" in page
    client.force_login(other_hiring_manager)
    theirs = client.get(url).content.decode()
    assert "Northbridge Talent" not in theirs
    client.force_login(hm)
    assert client.get(url).status_code == 200


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_cost_per_hire_page_and_export_in_the_currency_asked(client, hires, finance, hm, recruiter, outsider):
    url = reverse("analytics:spend_hires")
    client.force_login(finance)
    page = client.get(url, {"currency": "CAD"})
    assert page.status_code == 200 and page.context["report"] == "hires"
    assert [(r.key, r.hires, r.per_hire) for r in page.context["figures"].rows] == [
        ("internal", 1, d(7500)),
        ("agency", 1, d(20200)),
        ("all", 2, d(13850)),
    ]
    text = page.content.decode()
    assert 'aria-current="page">Cost per hire</a>' in text and ">Cash needs</a>" in text
    usd = client.get(url, {"currency": "USD"}).context["figures"]
    assert usd.currency == "USD" and usd.all.hires == 0

    response = client.get(url, {"currency": "CAD", "format": "csv"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment; filename=")
    [log] = ExportLog.objects.all()
    assert (log.user, log.dataset, log.rows) == (finance, "cost-per-hire", 3)
    csv = response.content.decode("utf-8-sig")
    assert "Agency,1,19200.00,1000.00,20200.00,20200.00,CAD" in csv

    assert client.get(url, {"currency": "EUR"}).status_code == 400
    refused = client.get(url, {"scope": "all"})
    assert refused.status_code == 400 and refused.context["figures"] is None
    assert client.get(url, {"scope": "all", "format": "csv"}).status_code == 400
    assert ExportLog.objects.count() == 1

    client.force_login(hm)  # their requisition's hires
    assert client.get(url).context["figures"].all.hires == 2
    for someone in (recruiter, outsider):
        client.force_login(someone)
        assert client.get(url).status_code == 403


def test_cash_needs_page_is_the_hiring_managers_first_spend_tab(client, hires, finance, hm, recruiter):
    url = reverse("analytics:spend_cash")
    client.force_login(hm)
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and 'aria-current="page">Cash needs</a>' in text
    assert "Forecast vs actual" not in text  # the ledger is finance's
    assert rows(page.context["figures"].by_vendor)["Summit Search"] == amounts(0, 19200, 0)
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    assert ExportLog.objects.get().dataset == "cash-needs"
    client.force_login(recruiter)
    assert client.get(url).status_code == 403
