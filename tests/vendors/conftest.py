from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from candidates.services import create_candidate
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests.factories import requisition_fields
from tests.offers.conftest import application, head, open_requisition  # noqa: F401  (fixtures)
from vendors.costs import monday_of as monday  # noqa: F401  (the tests' short name for it)
from vendors.models import Engagement, Invoice, RateCard, RequiredClause, Vendor
from vendors.services import (
    EngagementInput,
    InvoiceInput,
    LineInput,
    check_clause,
    create_engagement,
    create_invoice,
    record_timesheet,
    save_rate_card,
    save_vendor,
    start_engagement,
)


def rate_card_for(vendor, requisition, by, *, pay="80", markup="25", back=60, ahead=200, **fields):
    """A card of `vendor` for the requisition's role family, level and location: 80.00 pay + 25 % =
    100.00 an hour by default, valid from `back` days ago to `ahead` days on."""
    today = timezone.localdate()
    values = {
        "role_family": requisition.role_family,
        "level": requisition.level,
        "location": requisition.location,
        "pay_rate": Decimal(pay),
        "markup_pct": Decimal(markup),
        "valid_from": today - timedelta(days=back),
        "valid_to": today + timedelta(days=ahead),
        **fields,
    }
    return save_rate_card(card=RateCard(vendor=vendor, **values), by=by)


def contract_requisition(hm, director, recruiter, *, openings=2):
    """An open contract requisition for `openings` contractors at up to 120.00 an hour, 1,000 hours each
    in the first year (120,000 an opening, before equipment)."""
    req = create_requisition(
        by=hm,
        hiring_manager=hm,
        **requisition_fields(
            recruiter=recruiter,
            employment_type="contract",
            openings=openings,
            max_bill_rate=Decimal("120"),
            contract_hours=1000,
            base_min=None,
            base_max=None,
        ),
    )
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    req.refresh_from_db()
    return req


def plan_engagement(req, worker, vendor, card, by, *, start, end=None, days=90, hours="40", bill_rate=None, reason=""):
    """An engagement of `worker` on `req` from `start` to `end` (or for `days` days), at the card's rate
    or `bill_rate` (with `reason` when above it)."""
    return create_engagement(
        data=EngagementInput(
            requisition=req,
            worker=worker,
            vendor=vendor,
            rate_card=card,
            start_date=start,
            end_date=end or start + timedelta(days=days),
            hours_per_week=Decimal(hours),
            bill_rate=None if bill_rate is None else Decimal(bill_rate),
            rate_reason=reason,
        ),
        by=by,
    )


def approved_vendor(by, *, name="Northbridge Talent", kind="supplier", fee_pct=None, **extra):
    vendor = save_vendor(vendor=Vendor(name=name, kind=kind, owner=by, fee_pct=fee_pct, **extra), by=by)
    for clause in RequiredClause.objects.filter(is_active=True):
        check_clause(vendor=vendor, clause=clause, by=by, checked_on=timezone.localdate())
    vendor.status = "approved"
    return save_vendor(vendor=vendor, by=by)


@pytest.fixture
def supplier(finance):
    return approved_vendor(finance)


@pytest.fixture
def card(supplier, open_requisition, finance):  # noqa: F811
    """100.00 an hour (80.00 pay + 25 %), valid from 60 days ago to 200 days on, for the requisition's role."""
    return rate_card_for(supplier, open_requisition, finance)


@pytest.fixture
def worker(recruiter):
    return create_candidate(by=recruiter, first_name="Grace", last_name="Hopper", email="grace@example.com")


@pytest.fixture
def many(open_requisition, supplier, card, worker, recruiter, finance, admin_user):  # noqa: F811
    """Engagements, weeks and invoices to count queries against: call with how many more to add."""
    from candidates.services import create_candidate

    today = timezone.localdate()

    def add(n):
        for i in range(n):
            person = create_candidate(by=recruiter, first_name="Worker", last_name=f"N{Engagement.objects.count()}")
            engagement = create_engagement(
                data=EngagementInput(
                    requisition=open_requisition,
                    worker=person,
                    vendor=supplier,
                    rate_card=card,
                    start_date=monday(today) - timedelta(weeks=2),
                    end_date=today + timedelta(days=90),
                    hours_per_week=Decimal("40"),
                    bill_rate=Decimal("105") if i % 2 else None,
                    rate_reason="Market." if i % 2 else "",
                ),
                by=recruiter,
            )
            if not i % 2:
                engagement = start_engagement(engagement=engagement, by=recruiter)
                record_timesheet(
                    engagement=engagement,
                    by=recruiter,
                    week_start=monday(today) - timedelta(weeks=2),
                    hours=40,
                    overtime_hours=1,
                )
                create_invoice(
                    data=InvoiceInput(
                        vendor=supplier,
                        number=f"Q-{Invoice.objects.count()}",
                        currency="CAD",
                        period_start=monday(today) - timedelta(weeks=2),
                        period_end=monday(today) - timedelta(days=1),
                        received_on=today,
                        lines=(LineInput(amount=Decimal("4000"), engagement=engagement, hours=Decimal("40")),),
                    ),
                    by=admin_user,
                )
        return Engagement.objects.order_by("id").first()

    return add
