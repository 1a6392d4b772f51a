"""The columns of the vendor, rate card, contractor, timesheet and invoice exports: what finance expects in a
spreadsheet, amounts as numbers with their currency beside them. Built by portal.services.exports."""

from portal.models import User
from portal.services.exports import Column
from vendors.costs import timesheet_charge
from vendors.permissions import can_see_engagement_spend, can_see_timesheet_charges


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


VENDOR_COLUMNS = [
    Column("Vendor", lambda v: v.name),
    Column("Kind", lambda v: v.get_kind_display()),
    Column("Status", lambda v: v.get_status_display()),
    Column("Agency fee %", lambda v: v.fee_pct),
    Column("Guarantee days", lambda v: v.guarantee_days),
    Column("Current rate cards", lambda v: v.cards),
    Column("Working contractors", lambda v: v.working),
    Column("Contract expires", lambda v: v.contract_expires_on),
    Column("Insurance expires", lambda v: v.insurance_expires_on),
    Column("Owner", lambda v: _person(v.owner)),
]

RATE_CARD_COLUMNS = [
    Column("Vendor", lambda c: c.vendor.name),
    Column("Role family", lambda c: c.role_family.name),
    Column("Level", lambda c: c.level.code),
    Column("Location", lambda c: str(c.location)),
    Column("Per", lambda c: c.get_unit_display()),
    Column("Pay rate", lambda c: c.pay_rate),
    Column("Markup %", lambda c: c.markup_pct),
    Column("Bill rate", lambda c: c.bill_rate),
    Column("Currency", lambda c: c.currency),
    Column("Overtime multiplier", lambda c: c.overtime_multiplier),
    Column("Valid from", lambda c: c.valid_from),
    Column("Valid to", lambda c: c.valid_to),
]

ENGAGEMENT_COLUMNS = [
    Column("Engagement", lambda e: e.reference),
    Column("Worker", lambda e: str(e.worker)),
    Column("Vendor", lambda e: e.vendor.name),
    Column("Requisition", lambda e: e.requisition.reference),
    Column("Requisition title", lambda e: e.requisition.title),
    Column("Hiring manager", lambda e: _person(e.requisition.hiring_manager)),
    Column("Cost center", lambda e: e.requisition.cost_center.code if e.requisition.cost_center else ""),
    Column("Status", lambda e: e.get_status_display()),
    Column("Start", lambda e: e.start_date),
    Column("End", lambda e: e.end_date),
    Column("Bill rate", lambda e: e.bill_rate),
    Column("Currency", lambda e: e.currency),
    Column("Per", lambda e: e.get_unit_display()),
    Column("Hours per week", lambda e: e.hours_per_week),
    Column("Purchase order", lambda e: e.po_reference),
]

INVOICE_COLUMNS = [
    Column("Invoice", lambda i: i.number),
    Column("Vendor", lambda i: i.vendor.name),
    Column("Status", lambda i: i.get_status_display()),
    Column("Period from", lambda i: i.period_start),
    Column("Period to", lambda i: i.period_end),
    Column("Received", lambda i: i.received_on),
    Column("Amount", lambda i: i.amount),
    Column("Expected", lambda i: i.expected_amount),
    Column("Difference", lambda i: i.difference.amount if i.difference is not None else None),
    Column("Currency", lambda i: i.currency),
    Column("Approved", lambda i: i.approved_at),
    Column("Paid on", lambda i: i.paid_on),
    Column("Override reason", lambda i: i.override_reason),
    Column("Imported", lambda i: i.imported),
]


def week_charge(user: User, sheet):
    """The week's charge (Money) when `user` may see its engagement's money and terms in force price it;
    else None. `sheet` comes from vendors.selectors.timesheet_list (its terms in force prefetched)."""
    engagement = sheet.engagement
    if not can_see_engagement_spend(user, engagement):
        return None
    return timesheet_charge(sheet, engagement, engagement.terms_in_force)


def timesheet_columns(user: User) -> list[Column]:
    """The weeks as finance reads them; the charge only for those who may see some (per week, as the
    engagement page shows it)."""
    columns = [
        Column("Engagement", lambda t: t.engagement.reference),
        Column("Worker", lambda t: str(t.engagement.worker)),
        Column("Vendor", lambda t: t.engagement.vendor.name),
        Column("Requisition", lambda t: t.engagement.requisition.reference),
        Column("Week of", lambda t: t.week_start),
        Column("Hours", lambda t: t.hours),
        Column("Overtime hours", lambda t: t.overtime_hours),
        Column("Status", lambda t: t.get_status_display()),
        Column("Recorded by", lambda t: _person(t.submitted_by)),
        Column("Recorded", lambda t: t.submitted_at),
        Column("Decided by", lambda t: _person(t.decided_by)),
        Column("Decided", lambda t: t.decided_at),
        Column("Invoice", lambda t: t.invoice.number if t.invoice else ""),
    ]
    if can_see_timesheet_charges(user):
        columns += [
            Column("Charge", lambda t: getattr(week_charge(user, t), "amount", None)),
            Column("Currency", lambda t: t.engagement.currency),
        ]
    return columns
