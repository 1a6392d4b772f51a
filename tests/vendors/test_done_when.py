"""The issue's Done-when, through the services: an engagement above its rate card asks for approval;
its timesheets roll into an invoice that matches; an over-rate invoice is flagged and cannot be
approved without a finance override; the ledger shows the engagement's months as forecast and the
paid invoice as actual."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.choices import CostCategory, CostKind
from portal.models import CostEvent
from tests.factories import UserFactory, approval_steps
from tests.vendors.conftest import monday
from vendors.choices import EngagementStatus, InvoiceStatus, LineFlag, RateApproval, TimesheetStatus
from vendors.services import (
    EngagementInput,
    InvoiceInput,
    LineInput,
    VendorError,
    approve_invoice,
    approve_rate,
    approve_timesheet,
    create_engagement,
    create_invoice,
    mark_paid,
    record_timesheet,
    start_engagement,
)

pytestmark = pytest.mark.django_db


def test_done_when(open_requisition, supplier, card, worker, recruiter, hm, finance, admin_user):
    today = timezone.localdate()
    start = monday(today) - timedelta(weeks=4)
    engagement = create_engagement(
        data=EngagementInput(
            requisition=open_requisition,
            worker=worker,
            vendor=supplier,
            rate_card=card,
            start_date=start,
            end_date=start + timedelta(days=90),
            hours_per_week=Decimal("40"),
            bill_rate=Decimal("110"),
            rate_reason="Only candidate with the payments background.",
            po_reference="PO-7731",
        ),
        by=recruiter,
    )
    term = engagement.terms.get()
    assert term.rate_approval == RateApproval.PENDING
    steps = list(approval_steps(term))
    assert [(s.step, s.approver_role or s.approver.username) for s in steps] == [(1, "hm"), (2, "finance")]
    assert "10%" in steps[1].reason and "110.00" in steps[1].reason
    with pytest.raises(VendorError):
        start_engagement(engagement=engagement, by=recruiter)  # not before its rate is approved
    assert not CostEvent.objects.for_source(engagement).exists()

    approve_rate(engagement=engagement, by=hm)
    approve_rate(engagement=engagement, by=finance)
    term.refresh_from_db()
    assert term.rate_approval == RateApproval.APPROVED
    start_engagement(engagement=engagement, by=recruiter)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.ACTIVE and engagement.bill_rate == Decimal("110")
    forecast = CostEvent.objects.for_source(engagement).filter(kind=CostKind.FORECAST)
    months = sorted({e.month for e in forecast})
    assert months[0] == start.replace(day=1) and len(months) >= 3
    assert all(e.category == CostCategory.CONTRACTOR_LABOUR for e in forecast)

    weeks = [start + timedelta(weeks=n) for n in range(2)]
    for week in weeks:
        sheet = record_timesheet(engagement=engagement, by=recruiter, week_start=week, hours=40, overtime_hours=2)
        approve_timesheet(timesheet=sheet, by=hm)
    # 2 × (40 + 2 × 1.5) h × 110.00 = 9,460.00
    matching = create_invoice(
        data=InvoiceInput(
            vendor=supplier,
            number="NB-1001",
            currency="CAD",
            period_start=weeks[0],
            period_end=weeks[1] + timedelta(days=6),
            received_on=today,
            lines=(
                LineInput(
                    amount=Decimal("9460.00"), engagement=engagement, hours=Decimal("80"), overtime_hours=Decimal("4")
                ),
            ),
        ),
        by=admin_user,
    )
    assert matching.status == InvoiceStatus.MATCHED and matching.expected_amount == Decimal("9460.00")
    approve_invoice(invoice=matching, by=finance)
    assert set(engagement.timesheets.values_list("status", flat=True)) == {TimesheetStatus.INVOICED}
    mark_paid(invoice=matching, by=finance, paid_on=today)

    week3 = start + timedelta(weeks=2)
    sheet = record_timesheet(engagement=engagement, by=recruiter, week_start=week3, hours=40, overtime_hours=0)
    approve_timesheet(timesheet=sheet, by=hm)
    over = create_invoice(
        data=InvoiceInput(
            vendor=supplier,
            number="NB-1002",
            currency="CAD",
            period_start=week3,
            period_end=week3 + timedelta(days=6),
            received_on=today,
            lines=(LineInput(amount=Decimal("4800.00"), engagement=engagement, hours=Decimal("40")),),
        ),
        by=admin_user,
    )
    line = over.lines.get()
    assert over.status == InvoiceStatus.FLAGGED and line.flag == LineFlag.OVER_RATE
    assert "120.00" in line.flag_note and "110.00" in line.flag_note
    with pytest.raises(VendorError, match="overriding with a reason"):
        approve_invoice(invoice=over, by=finance)
    with pytest.raises(VendorError):
        approve_invoice(invoice=over, by=admin_user, override_reason="ok")  # only finance, never who entered it
    other_finance = UserFactory(username="finance2", roles=["finance"])
    with pytest.raises(VendorError):
        approve_invoice(invoice=over, by=hm, override_reason="fine")
    approve_invoice(invoice=over, by=other_finance, override_reason="Rate rise agreed by phone; card update follows.")
    over.refresh_from_db()
    assert over.status == InvoiceStatus.APPROVED and over.override_reason.startswith("Rate rise")

    actual = CostEvent.objects.for_source(matching).get()
    assert (actual.kind, actual.category, actual.amount) == (
        CostKind.ACTUAL,
        CostCategory.CONTRACTOR_LABOUR,
        Decimal("9460.00"),
    )
    assert actual.cost_center == open_requisition.cost_center and actual.month == weeks[0].replace(day=1)
