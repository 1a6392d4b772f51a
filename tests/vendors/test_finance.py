"""The vendors' finance pages' figures (vendors.finance), from ledger events recorded through the real
services: vendor spend by month, contractors ending; the hiring manager's scope; a fixed number of queries
whatever the data. (Cash needs and cost per hire are analytics': tests/analytics/test_spend.py, which
builds on the helpers and fixtures here.)"""

import os
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import Source
from candidates.services import apply, create_candidate
from offers.choices import OfferStatus
from offers.services import OfferError, accept_offer, approve_offer, create_offer, extend_offer, submit_offer
from portal.choices import CostCategory, CostKind, Role
from portal.money import Money
from portal.services.approvals import ApprovalError
from portal.services.exports import export_rows
from portal.services.ledger import record_cost
from requisitions.choices import Action
from requisitions.models import Requisition
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests.commit import committed
from tests.factories import UserFactory, requisition_fields
from tests.offers.conftest import terms
from tests.vendors.conftest import approved_vendor, plan_engagement, rate_card_for
from vendors.choices import EngagementStatus
from vendors.finance import (
    ContractorsEnding,
    VendorSpend,
    contractors_ending,
    spend_scope,
    vendor_spend,
)
from vendors.services import (
    InvoiceInput,
    LineInput,
    approve_invoice,
    approve_timesheet,
    create_invoice,
    end_engagement,
    record_timesheet,
    start_engagement,
)

# Pre-boarding's own money (checklist tasks) is tested in tests/onboarding: here only vendors' events count.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_checklists")]

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


def d(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def amounts(*values) -> tuple[Decimal, ...]:
    return tuple(d(v) for v in values)


def rows(report_rows) -> dict:
    return {row.label: row.amounts for row in report_rows}


# --- Building blocks, through the services ---------------------------------------------------------------


@pytest.fixture
def other_hm(director):
    return UserFactory(username="other_hm", roles=[Role.HIRING_MANAGER], manager=director)


def open_req(manager, *, director, recruiter, head, **fields):
    """An open requisition run by `manager` and the persona recruiter (after `open_requisition` set the
    rules: the hiring manager's manager alone approves)."""
    req = create_requisition(by=manager, hiring_manager=manager, **requisition_fields(recruiter=recruiter, **fields))
    req.department.head = head
    req.department.save()
    submit_requisition(requisition=req, by=manager)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=manager)
    req.refresh_from_db()
    return req


def rate_card(vendor, req, by, *, pay="80", markup="25"):
    return rate_card_for(
        vendor,
        req,
        by,
        pay=pay,
        markup=markup,
        valid_from=TODAY - timedelta(days=60),
        valid_to=TODAY + timedelta(days=200),
    )


def person(recruiter, first_name):
    return create_candidate(
        by=recruiter, first_name=first_name, last_name="Tester", email=f"{first_name.lower()}@example.com"
    )


def engage(req, vendor, card, worker, start, end, *, by, hours="40"):
    return plan_engagement(req, worker, vendor, card, by, start=start, end=end, hours=hours)


def bill_weeks(engagement, weeks, number, *, recruiter, hm, admin_user, finance):
    """40 hours a week recorded and approved, then invoiced (entered by an admin, approved by finance)."""
    for week in weeks:
        sheet = record_timesheet(engagement=engagement, by=recruiter, week_start=week, hours=40, overtime_hours=0)
        approve_timesheet(timesheet=sheet, by=hm)
    amount = engagement.bill_rate * 40 * len(weeks)
    line = LineInput(amount=amount, engagement=engagement, hours=Decimal(40 * len(weeks)))
    invoice = invoice_for(engagement.vendor, number, weeks[0], weeks[-1] + timedelta(days=6), line, by=admin_user)
    return approve_invoice(invoice=invoice, by=finance)


def invoice_for(vendor, number, start, end, *lines, by):
    return create_invoice(
        data=InvoiceInput(
            vendor=vendor,
            number=number,
            currency=CAD,
            period_start=start,
            period_end=end,
            received_on=TODAY,
            lines=lines,
        ),
        by=by,
    )


def hire(req, recruiter, approvers, *, name, source, **overrides):
    """An offer on `req` from draft to accepted (each approver tries their step until it is approved)."""
    application = apply(candidate=person(recruiter, name), requisition=req, by=recruiter, source=source)
    offer = create_offer(application=application, by=recruiter, terms=terms(req, **overrides))
    submit_offer(offer=offer, by=recruiter)
    for approver in approvers * 2:
        offer.refresh_from_db()
        if offer.status != OfferStatus.PENDING_APPROVAL:
            break
        try:
            approve_offer(offer=offer, by=approver)
        except (ApprovalError, OfferError):
            continue
    offer.refresh_from_db()
    assert offer.status == OfferStatus.APPROVED
    extend_offer(offer=offer, by=recruiter)
    with committed():
        accept_offer(offer=offer, by=recruiter)
    offer.refresh_from_db()
    return offer


def referral():
    return Source.objects.get(code="referral")


@pytest.fixture
def agency(finance):
    """An agency on a 20 % fee."""
    return approved_vendor(finance, name="Summit Search", kind="agency", fee_pct=Decimal("20"))


@pytest.fixture
def hires(open_requisition, agency, hm, director, recruiter, head, hr, finance, admin_user):
    """Two hires on one requisition of `hm`, starting 25 April 2026 at 96,000 a year: one internal
    (5,000 signing bonus, 2,500 relocation), one through the agency (1,000 relocation; fee 19,200)."""
    req = open_req(hm, director=director, recruiter=recruiter, head=head, openings=2)
    approvers = [hr, finance, head, director, hm, admin_user]
    internal = hire(
        req,
        recruiter,
        approvers,
        name="Ines",
        source=referral(),
        base_amount=Decimal("96000"),
        signing_bonus=Decimal("5000"),
        relocation=Decimal("2500"),
    )
    placed = hire(
        req,
        recruiter,
        approvers,
        name="Amal",
        source=agency.source,
        base_amount=Decimal("96000"),
        relocation=Decimal("1000"),
    )
    return req, internal, placed


# --- Scope ------------------------------------------------------------------------------------------------------


def test_finance_and_admins_see_everything_a_hiring_manager_their_requisitions(
    open_requisition, hm, other_hm, finance, admin_user, recruiter
):
    mine = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
    create_requisition(by=other_hm, hiring_manager=other_hm, **requisition_fields(recruiter=recruiter))
    assert spend_scope(finance) is None and spend_scope(admin_user) is None
    assert set(spend_scope(hm)) == {open_requisition, mine}
    other_hm.is_active = False
    other_hm.save()
    nobody = spend_scope(other_hm)
    assert not nobody.exists()
    assert not vendor_spend(nobody, CAD, TODAY).rows and not contractors_ending(nobody, TODAY).rows


# --- Vendor spend -------------------------------------------------------------------------------------------------


def test_vendor_spend_by_vendor_and_month(
    open_requisition, hires, supplier, card, agency, recruiter, hm, other_hm, finance, admin_user
):
    req = open_requisition
    _, _, placed = hires
    engagement = engage(
        req, supplier, card, person(recruiter, "Grace"), date(2026, 2, 2), date(2026, 4, 24), by=recruiter
    )
    start_engagement(engagement=engagement, by=recruiter)
    engagement.refresh_from_db()
    people = {"recruiter": recruiter, "hm": hm, "admin_user": admin_user, "finance": finance}
    february = bill_weeks(engagement, [date(2026, 2, 2), date(2026, 2, 9)], "NB-1", **people)  # 8,000.00
    march = bill_weeks(engagement, [date(2026, 3, 2)], "NB-2", **people)  # 4,000.00
    fee_line = LineInput(amount=Decimal("19000"), placement=placed.placement)  # 200.00 under the fee: flagged
    fee = invoice_for(agency, "SS-7", MAR, date(2026, 3, 31), fee_line, by=admin_user)
    approve_invoice(invoice=fee, by=finance, override_reason="Agreed discount.")

    def actual(amount, month, *, source, need=req, category=CostCategory.CONTRACTOR_LABOUR):
        record_cost(
            category=category,
            kind=CostKind.ACTUAL,
            money=Money(Decimal(amount), CAD),
            month=month,
            cost_center=need.cost_center,
            by=finance,
            need=need,
            source=source,
        )

    actual("700", date(2025, 3, 1), source=february)  # thirteen months back: outside the window
    theirs = create_requisition(by=other_hm, hiring_manager=other_hm, **requisition_fields(recruiter=recruiter))
    actual("500", TODAY, source=march, need=theirs)  # another hiring manager's requisition
    actual("999", TODAY, source=None, category=CostCategory.BASE_SALARY)  # payroll: no vendor's

    mine = vendor_spend(Requisition.objects.filter(hiring_manager=hm), CAD, TODAY)
    assert mine.months[0] == date(2025, 4, 1) and mine.months[-1] == MAR and len(mine.months) == 12
    assert [(row.vendor_id, row.vendor) for row in mine.rows] == [
        (supplier.pk, "Northbridge Talent"),
        (agency.pk, "Summit Search"),
    ]
    northbridge, summit = mine.rows
    assert [(c.month, c.agency_fee, c.contractor_labour) for c in northbridge.cells if c.total] == [
        (date(2026, 2, 1), d(0), d(8000)),
        (MAR, d(0), d(4000)),
    ]
    assert (northbridge.agency_fee, northbridge.contractor_labour, northbridge.total) == (d(0), d(12000), d(12000))
    assert [(c.month, c.agency_fee, c.contractor_labour) for c in summit.cells if c.total] == [(MAR, d(19000), d(0))]
    totals = mine.totals
    assert [(c.month, c.total) for c in totals.cells if c.total] == [(date(2026, 2, 1), d(8000)), (MAR, d(23000))]
    assert (totals.agency_fee, totals.contractor_labour, totals.total) == (d(19000), d(12000), d(31000))

    everything = vendor_spend(None, CAD, TODAY)
    assert everything.rows[0].contractor_labour == d(12500) and everything.totals.total == d(31500)
    this_month = vendor_spend(None, CAD, TODAY, months=1)
    assert this_month.months == (MAR,) and this_month.totals.total == d(23500)

    lines = {(line.group, line.label): line.total for line in mine.export_rows()}
    assert lines == {
        ("Northbridge Talent", "Contractor labour"): d(12000),
        ("Summit Search", "Agency fee"): d(19000),
        ("All vendors", "Agency fee"): d(19000),
        ("All vendors", "Contractor labour"): d(12000),
        ("Total", "Total"): d(31000),
    }


# --- Contractors ending -------------------------------------------------------------------------------------------


def test_contractors_ending_in_the_next_sixty_days(
    open_requisition, supplier, card, recruiter, hm, other_hm, director, head, finance
):
    req = open_requisition
    planned = engage(req, supplier, card, person(recruiter, "Pat"), date(2026, 3, 16), date(2026, 4, 10), by=recruiter)
    renewing = engage(req, supplier, card, person(recruiter, "Rene"), date(2026, 2, 2), date(2026, 4, 3), by=recruiter)
    start_engagement(engagement=renewing, by=recruiter)  # 23 days left: its renewal is asked at once
    engage(req, supplier, card, person(recruiter, "Lou"), date(2026, 3, 16), date(2026, 5, 20), by=recruiter)  # 70 days
    ended = engage(req, supplier, card, person(recruiter, "Eve"), date(2026, 2, 2), date(2026, 4, 17), by=recruiter)
    start_engagement(engagement=ended, by=recruiter)
    end_engagement(engagement=ended, by=hm, note="Project cancelled.")
    theirs = open_req(other_hm, director=director, recruiter=recruiter, head=head)
    their_card = rate_card(supplier, theirs, finance)
    other = engage(theirs, supplier, their_card, person(recruiter, "Oli"), APR, date(2026, 4, 30), by=recruiter)

    mine = contractors_ending(Requisition.objects.filter(hiring_manager=hm), TODAY)
    assert (mine.today, mine.until) == (TODAY, date(2026, 5, 10))
    assert [
        (r.engagement_id, r.worker, r.vendor, r.requisition, r.status, r.end_date, r.days_left, r.renewal_open)
        for r in mine.rows
    ] == [
        (renewing.pk, "Rene Tester", "Northbridge Talent", req.reference, EngagementStatus.EXTENSION_PENDING,
         date(2026, 4, 3), 23, True),
        (planned.pk, "Pat Tester", "Northbridge Talent", req.reference, EngagementStatus.PLANNED,
         date(2026, 4, 10), 30, False),
    ]  # fmt: skip
    first = mine.rows[0]
    assert (first.bill_rate, first.currency, first.unit) == (d(100), CAD, "hour")
    assert first.hiring_manager == hm.get_full_name() and first.url == renewing.get_absolute_url()

    everything = contractors_ending(None, TODAY)
    assert [r.engagement_id for r in everything.rows] == [renewing.pk, planned.pk, other.pk]
    assert [r.engagement_id for r in contractors_ending(None, TODAY, days=25).rows] == [renewing.pk]


# --- Exports ------------------------------------------------------------------------------------------------------


def test_every_dataset_exports(open_requisition, supplier, card, recruiter, finance):
    engage(
        open_requisition, supplier, card, person(recruiter, "Grace"), date(2026, 3, 16), date(2026, 4, 10), by=recruiter
    )
    reports = {
        "vendor-spend": vendor_spend(None, CAD, TODAY),
        "contractors-ending": contractors_ending(None, TODAY),
    }
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
    csv = export_rows(
        by=finance,
        dataset="contractors-ending",
        title="Contractors ending",
        columns=reports["contractors-ending"].export_columns(),
        rows=reports["contractors-ending"].export_rows(),
        filters="",
        fmt="csv",
    ).content.decode("utf-8-sig")
    assert "Grace Tester,Northbridge Talent" in csv and ",2026-04-10,30,100.00,CAD,Hour,no" in csv


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
            ("vendor_spend", lambda: vendor_spend(scope, CAD, TODAY)),
            ("contractors_ending", lambda: contractors_ending(scope, TODAY)),
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

    assert large["vendor_spend_size"] == 4 and small["vendor_spend_size"] == 2  # the data did grow
    assert large["contractors_ending_size"] == 3
    bounds = {"vendor_spend": 2, "contractors_ending": 1}
    for name, bound in bounds.items():
        assert small[name] == large[name] <= bound, name


def _size(report) -> int:
    assert isinstance(report, VendorSpend | ContractorsEnding)
    return len(report.rows)
