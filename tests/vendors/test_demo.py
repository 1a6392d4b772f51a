"""The vendors demo seeded by `seed_demo`: eight vendors, rate cards, fifteen engagements in every status,
a year of timesheets and invoices in every state, an agency placement, the ledger's forecast and actuals
by month; nothing in the future; a second run adds nothing."""

import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from candidates.models import Candidate
from offers.choices import OfferStatus
from offers.models import Offer
from portal.choices import ChainStatus, CostCategory, CostKind, DecisionStatus
from portal.models import ApprovalChain, CostEvent, Decision, Holiday, User
from portal.services.ledger import first_of_month
from tests import clock
from vendors.choices import (
    PLACES_HIRES,
    RATE_APPROVAL_KIND,
    RENEWAL_KIND,
    EngagementStatus,
    InvoiceStatus,
    LineFlag,
    RateApproval,
    TimesheetStatus,
    VendorKind,
    VendorStatus,
)
from vendors.demo import AGENCY
from vendors.models import (
    ClauseCheck,
    Engagement,
    EngagementTerm,
    Invoice,
    InvoiceLine,
    Placement,
    RateCard,
    RequiredClause,
    Timesheet,
    Vendor,
    VendorContact,
)
from vendors.selectors import timesheets_to_approve

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
MOMENTS = [
    datetime(2027, 3, 10, 9, 30, tzinfo=TZ),  # a Wednesday morning (the other demo tests' moment)
    datetime(2027, 2, 1, 8, 30, tzinfo=TZ),  # a Monday, first of the month, before work
    clock.instant(),  # the run's own: under `make test-dates`, a weekend, 29 February, a DST change, a year end
]


def _seed():
    call_command("seed_demo", stdout=io.StringIO())


def _counts():
    models = [Vendor, VendorContact, ClauseCheck, RateCard, Engagement, EngagementTerm, Timesheet, Invoice]
    models += [InvoiceLine, Placement, CostEvent, Decision, Offer, Candidate]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.parametrize("now", MOMENTS, ids=["wednesday", "first-monday", "frozen-instant"])
def test_demo_vendors_engagements_timesheets_invoices_and_the_ledger(now):
    with time_machine.travel(now, tick=False):
        _seed()
        today = timezone.localdate()
        _vendors(today)
        _rate_cards(today)
        _engagements()
        _timesheets()
        _invoices()
        _placement()
        _ledger(today)
        _nothing_in_the_future(now, today)

        first = _counts()
        _seed()  # again: nothing new
        assert _counts() == first


def _vendors(today):
    vendors = list(Vendor.objects.all())
    assert len(vendors) == 8
    assert {v.kind for v in vendors} == set(VendorKind.values)
    statuses = sorted(v.status for v in vendors)
    assert statuses.count(VendorStatus.ON_HOLD) == 1 and statuses.count(VendorStatus.TERMINATED) == 1
    assert statuses.count(VendorStatus.APPROVED) == 6
    finance = User.objects.get(username="finance")
    clauses = set(RequiredClause.objects.filter(is_active=True).values_list("pk", flat=True))
    for vendor in vendors:
        checks = list(vendor.clause_checks.all())
        assert {c.clause_id for c in checks} == clauses, vendor.name  # every clause checked, with its date
        assert all(c.checked_by == finance and c.checked_on <= today for c in checks), vendor.name
        assert vendor.contacts.filter(is_primary=True).count() == 1, vendor.name
        assert vendor.contract_expires_on and vendor.insurance_expires_on, vendor.name
        if vendor.kind in PLACES_HIRES:
            assert Decimal("15") <= vendor.fee_pct <= Decimal("25"), vendor.name
            assert 60 <= vendor.guarantee_days <= 90, vendor.name
            assert vendor.source is not None
            assert vendor.source.is_active == (vendor.status != VendorStatus.TERMINATED)
    expiring = Vendor.objects.exclude(status=VendorStatus.TERMINATED).filter(
        contract_expires_on__gte=today, contract_expires_on__lte=today + timedelta(days=30)
    )
    assert expiring.count() == 1


def _rate_cards(today):
    cards = list(RateCard.objects.all())
    assert len(cards) >= 12
    assert not [card for card in cards if RateCard.objects.overlapping(card).exists()]
    assert all(Decimal("60") <= card.bill_rate <= Decimal("160") for card in cards)
    assert all(card.vendor.kind != VendorKind.AGENCY for card in cards)
    expiring = RateCard.objects.filter(valid_to__gte=today, valid_to__lte=today + timedelta(days=30))
    assert expiring.count() >= 2
    # Every engagement's terms are priced from a card of its vendor for its requisition's role.
    for term in EngagementTerm.objects.select_related("rate_card", "engagement__requisition"):
        req = term.engagement.requisition
        assert term.rate_card.vendor_id == term.engagement.vendor_id
        assert (term.rate_card.role_family_id, term.rate_card.level_id) == (req.role_family_id, req.level_id)
        assert term.rate_card.valid_from <= term.starts_on <= term.rate_card.valid_to


def _engagements():
    engagements = Engagement.objects.select_related("requisition__hiring_manager")
    assert engagements.count() == 15
    assert set(engagements.values_list("status", flat=True)) == set(EngagementStatus.values)
    # Each was planned on a requisition approved before it; a contract requisition's running contractor
    # filled its opening on the day they started; others are cover on permanent requisitions.
    ran = {EngagementStatus.ACTIVE, EngagementStatus.EXTENSION_PENDING}
    contract_fills = 0
    for e in engagements:
        req = e.requisition
        assert req.approved_at and req.approved_at < e.created_at, e.reference
        if req.is_contract and req.filled_at and e.status in ran:
            assert timezone.localdate(req.filled_at) == e.start_date, e.reference
            contract_fills += 1
    assert contract_fills >= 3
    assert engagements.filter(requisition__employment_type="full_time").exists()  # cover, too
    for term in EngagementTerm.objects.all():
        assert Decimal("60") <= term.bill_rate <= Decimal("160")

    # Above the card, approved through the whole chain (the department head's step past 15 %).
    approved = EngagementTerm.objects.filter(rate_approval=RateApproval.APPROVED, engagement__status="active")
    assert approved.exists()
    chains = [ApprovalChain.objects.get(policy="engagement_rate", subject_id=t.pk) for t in approved]
    assert all(chain.status == ChainStatus.APPROVED for chain in chains)
    assert max(chain.steps.count() for chain in chains) == 3

    # One waiting on the hiring manager (My work), one on finance, one refused.
    pending = EngagementTerm.objects.filter(rate_approval=RateApproval.PENDING, engagement__status="planned")
    open_rate = Decision.objects.open().filter(kind=RATE_APPROVAL_KIND)
    assert any(
        open_rate.filter(owner=term.engagement.requisition.hiring_manager, subject_id=term.pk).exists()
        for term in pending
    )
    assert open_rate.filter(owner_role="finance").exists()
    assert EngagementTerm.objects.filter(rate_approval=RateApproval.REJECTED).exists()

    # Extensions pending: the hiring manager decides to renew or end.
    for engagement in engagements.filter(status=EngagementStatus.EXTENSION_PENDING):
        renewal = Decision.objects.open().for_subject(engagement).get(kind=RENEWAL_KIND)
        assert renewal.owner == engagement.requisition.hiring_manager
    assert engagements.filter(terms__number=2).exists()  # one renewed


def _timesheets():
    statuses = list(Timesheet.objects.values_list("status", flat=True))
    assert set(statuses) == set(TimesheetStatus.values)
    assert statuses.count(TimesheetStatus.REJECTED) == 1
    waiting = {sheet.engagement.requisition.hiring_manager for sheet in Timesheet.objects.filter(status="submitted")}
    assert waiting and all(timesheets_to_approve(manager).exists() for manager in waiting)
    assert not Timesheet.objects.filter(status=TimesheetStatus.INVOICED, invoice__isnull=True).exists()
    assert not Timesheet.objects.filter(week_start__week_day__in=[1, 3, 4, 5, 6, 7]).exists()  # all on Mondays


def _invoices():
    invoices = Invoice.objects.all()
    statuses = set(invoices.values_list("status", flat=True))
    assert {InvoiceStatus.PAID, InvoiceStatus.MATCHED, InvoiceStatus.FLAGGED, InvoiceStatus.REJECTED} <= statuses
    assert invoices.filter(status=InvoiceStatus.REJECTED).count() == 1
    flagged = invoices.get(status=InvoiceStatus.FLAGGED)  # waiting for a finance override
    assert flagged.lines.filter(flag__in=[LineFlag.OVER_RATE, LineFlag.MISMATCH]).exists()
    overridden = invoices.exclude(override_reason="")
    assert overridden.count() == 1 and overridden.get().status in (InvoiceStatus.APPROVED, InvoiceStatus.PAID)
    assert overridden.get().lines.exclude(flag="").exists()
    admin, finance = User.objects.get(username="admin"), User.objects.get(username="finance")
    assert set(invoices.values_list("created_by", flat=True)) == {admin.pk}
    assert set(invoices.exclude(approved_by=None).values_list("approved_by", flat=True)) == {finance.pk}
    for invoice in invoices.filter(status__in=[InvoiceStatus.MATCHED, InvoiceStatus.APPROVED, InvoiceStatus.PAID]):
        assert invoice.override_reason or invoice.amount == invoice.expected_amount, invoice.number
        assert invoice.amount == sum(line.amount for line in invoice.lines.all())


def _placement():
    # The vendors demo's (pre-boarding's demo adds one whose hire did not show up).
    placement = Placement.objects.select_related("offer__application__source", "vendor").get(vendor__name=AGENCY)
    assert placement.vendor.places_hires and placement.vendor.status == VendorStatus.APPROVED
    assert placement.offer.status == OfferStatus.ACCEPTED
    assert placement.offer.application.source == placement.vendor.source
    assert placement.fee == (placement.base * placement.fee_pct / 100).quantize(Decimal("0.01"))
    assert placement.guarantee_until == placement.start_date + timedelta(days=placement.vendor.guarantee_days)
    assert CostEvent.objects.for_source(placement).filter(kind=CostKind.FORECAST).exists()
    assert placement.invoice_lines.filter(invoice__status=InvoiceStatus.MATCHED).exists()


def _ledger(today):
    this_month = first_of_month(today)
    actual = CostEvent.objects.filter(kind=CostKind.ACTUAL, category=CostCategory.CONTRACTOR_LABOUR)
    months = set(actual.filter(month__lt=this_month).values_list("month", flat=True))
    assert len(months) >= 6
    assert len(set(actual.values_list("cost_center", flat=True))) >= 3
    owed = Invoice.objects.filter(status__in=[InvoiceStatus.APPROVED, InvoiceStatus.PAID])
    assert sum(actual.values_list("amount", flat=True)) == sum(owed.values_list("amount", flat=True))
    forecast = CostEvent.objects.filter(kind=CostKind.FORECAST, category=CostCategory.CONTRACTOR_LABOUR)
    assert len(set(forecast.filter(month__lt=this_month).values_list("month", flat=True))) >= 10
    assert forecast.filter(month__gt=this_month).exists()  # what the running ones will cost
    # Each month of actuals has its forecast: the engagements were planned before they were billed.
    for month in months:
        assert forecast.filter(month=month).exists(), month


def _nothing_in_the_future(now, today):
    stamps = [
        *Vendor.objects.values_list("created_at", flat=True),
        *Vendor.history.values_list("history_date", flat=True),
        *Engagement.objects.values_list("created_at", flat=True),
        *Engagement.history.values_list("history_date", flat=True),
        *EngagementTerm.objects.values_list("created_at", flat=True),
        *Timesheet.objects.values_list("submitted_at", flat=True),
        *Timesheet.objects.exclude(decided_at=None).values_list("decided_at", flat=True),
        *Timesheet.history.values_list("history_date", flat=True),
        *Invoice.objects.values_list("created_at", flat=True),
        *Invoice.objects.exclude(approved_at=None).values_list("approved_at", flat=True),
        *Invoice.history.values_list("history_date", flat=True),
        *Placement.objects.values_list("created_at", flat=True),
        *RateCard.history.values_list("history_date", flat=True),
        *CostEvent.objects.values_list("recorded_at", flat=True),
        *Decision.objects.values_list("created_at", flat=True),
    ]
    assert [stamp for stamp in stamps if stamp > now] == []
    days = [
        *ClauseCheck.objects.values_list("checked_on", flat=True),
        *Invoice.objects.values_list("received_on", flat=True),
        *Invoice.objects.exclude(paid_on=None).values_list("paid_on", flat=True),
        *Timesheet.objects.values_list("week_start", flat=True),
    ]
    assert [day for day in days if day > today] == []
    # Engagements start and end on business days; renewals fall due on one.
    holidays = set(Holiday.objects.values_list("date", flat=True))
    for start, end in Engagement.objects.values_list("start_date", "end_date"):
        assert start.weekday() < 5 and start not in holidays and end.weekday() < 5 and end not in holidays
    for due in Decision.objects.filter(kind=RENEWAL_KIND, status=DecisionStatus.OPEN).values_list("due_at", flat=True):
        day = timezone.localtime(due).date()
        assert day > today and day.weekday() < 5 and day not in holidays
