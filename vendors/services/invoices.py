"""Invoices: entry, matching against approved weeks and placements, approval (with a finance override
when flagged), rejection and payment; approved lines are actual spend in the ledger."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import clock
from portal.choices import CostCategory, CostKind
from portal.models import User
from portal.money import Money
from portal.services import ledger
from portal.services.records import save_with_history
from vendors import choices
from vendors.choices import (
    OPEN_INVOICE,
    InvoiceStatus,
    TimesheetStatus,
)
from vendors.matching import match, matchable_timesheets, status_for
from vendors.models import (
    MAX_INVOICE,
    Engagement,
    Invoice,
    InvoiceLine,
    Placement,
    Timesheet,
    Vendor,
)
from vendors.permissions import (
    can_approve_invoice,
    can_enter_invoices,
    can_pay_invoice,
    decides_invoices,
)
from vendors.services.base import (
    MAX_INVOICE_AGE_DAYS,
    MAX_INVOICE_PERIOD_DAYS,
    VendorError,
    clean,
    locked_invoice,
    move_invoice,
)


@dataclass(frozen=True)
class LineInput:
    amount: Decimal
    engagement: Engagement | None = None
    placement: Placement | None = None
    description: str = ""
    hours: Decimal | None = None
    overtime_hours: Decimal | None = None


@dataclass(frozen=True)
class InvoiceInput:
    vendor: Vendor
    number: str
    currency: str
    period_start: date
    period_end: date
    received_on: date
    lines: tuple[LineInput, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount or Decimal("0") for line in self.lines), Decimal("0"))


def invoice_problems(data: InvoiceInput) -> list[str]:
    """Everything wrong with an invoice before it is saved, in words for the person entering it (the
    form and the accounts-payable import show the same list)."""
    problems = []
    number = " ".join((data.number or "").split())
    if not number:
        problems.append(_("The invoice number is missing."))
    elif Invoice.objects.filter(vendor=data.vendor, number__iexact=number).exists():
        problems.append(_("%(vendor)s already sent invoice %(number)s.") % {"vendor": data.vendor, "number": number})
    if data.period_end < data.period_start:
        problems.append(_("The period ends before it starts."))
    elif (data.period_end - data.period_start).days > MAX_INVOICE_PERIOD_DAYS:
        problems.append(_("An invoice covers a year at most."))
    if data.received_on > clock.today():
        problems.append(_("The received date is in the future."))
    oldest = clock.today() - timedelta(days=MAX_INVOICE_AGE_DAYS)
    if min(data.period_start, data.received_on) < oldest:
        problems.append(_("Dates before %(day)s are not invoices the portal takes.") % {"day": oldest.isoformat()})
    if not data.lines:
        problems.append(_("An invoice has at least one line."))
    elif data.total > MAX_INVOICE:
        problems.append(_("The lines add up to more than %(max)s.") % {"max": f"{MAX_INVOICE:,}"})
    for n, line in enumerate(data.lines, start=1):
        subject = line.engagement or line.placement
        if (line.engagement is None) == (line.placement is None):
            problems.append(_("Line %(n)d: bill one engagement or one placement.") % {"n": n})
        elif subject.vendor_id != data.vendor.pk:
            problems.append(
                _("Line %(n)d: %(ref)s is not %(vendor)s's.")
                % {"n": n, "ref": subject.reference, "vendor": data.vendor}
            )
        if line.amount is None or line.amount <= 0:
            problems.append(_("Line %(n)d: the amount must be more than zero.") % {"n": n})
        for value in (line.hours, line.overtime_hours):
            if value is not None and value < 0:
                problems.append(_("Line %(n)d: hours cannot be negative.") % {"n": n})
    return problems


def create_invoice(*, data: InvoiceInput, by: User, imported: bool = False) -> Invoice:
    """Enter (or import) a vendor invoice and match it at once: matched, or flagged with what differs."""
    if not can_enter_invoices(by):
        raise VendorError(_("Only finance and admins enter invoices."))
    problems = invoice_problems(data)
    if problems:
        raise VendorError(" ".join(problems))
    with transaction.atomic():
        invoice = Invoice(
            vendor=data.vendor,
            number=" ".join(data.number.split()),
            currency=data.currency,
            period_start=data.period_start,
            period_end=data.period_end,
            received_on=data.received_on,
            amount=sum((line.amount for line in data.lines), Decimal("0")),
            imported=imported,
            created_by=by,
            created_at=clock.now(),
        )
        clean(invoice)
        try:
            with transaction.atomic():
                save_with_history(
                    invoice, by=by, reason=choices.INVOICE_IMPORTED if imported else choices.INVOICE_RECEIVED
                )
        except IntegrityError:
            raise VendorError(
                _("%(vendor)s already sent invoice %(number)s.") % {"vendor": data.vendor, "number": invoice.number}
            ) from None
        for line in data.lines:
            row = InvoiceLine(
                invoice=invoice,
                engagement=line.engagement,
                placement=line.placement,
                description=line.description.strip()[:200],
                hours=line.hours,
                overtime_hours=line.overtime_hours,
                amount=line.amount,
            )
            clean(row, exclude=["invoice"])
            row.save()
        _match(invoice, by=by)
    return invoice


def _lines(invoice: Invoice) -> list[InvoiceLine]:
    return list(
        invoice.lines.select_related("engagement", "placement").prefetch_related("engagement__terms").order_by("id")
    )


def _match(invoice: Invoice, *, by: User | None) -> dict:
    lines = _lines(invoice)
    findings = match(invoice, lines)
    for line in lines:
        finding = findings[line.pk]
        line.expected, line.flag, line.flag_note = finding.expected, finding.flag, finding.note[:300]
        line.save(update_fields=["expected", "flag", "flag_note"])
    invoice.expected_amount = sum((f.expected or Decimal("0") for f in findings.values()), Decimal("0"))
    move_invoice(invoice, status_for(findings), by=by, reason=choices.INVOICE_MATCHED)
    return findings


def rematch_invoice(*, invoice: Invoice, by: User) -> Invoice:
    """Match again (after more timesheets were approved, say)."""
    if not can_enter_invoices(by):
        raise VendorError(_("Only finance and admins match invoices."))
    with transaction.atomic():
        invoice = locked_invoice(invoice)
        if invoice.status not in OPEN_INVOICE:
            raise VendorError(_("This invoice is %(status)s.") % {"status": invoice.get_status_display().lower()})
        _match(invoice, by=by)
    return invoice


def approve_invoice(*, invoice: Invoice, by: User, override_reason: str = "") -> Invoice:
    """Finance approves the invoice, matched again first. A flagged invoice is approved only with an
    override reason. The weeks it billed become invoiced, and each line is actual spend in the ledger
    (in the month the period starts, on the cost center of the line's requisition)."""
    with transaction.atomic():
        invoice = locked_invoice(invoice)
        if not can_approve_invoice(by, invoice):
            if invoice.created_by_id == by.pk:
                raise VendorError(_("You entered this invoice, so another person in finance approves it."))
            if invoice.status not in (InvoiceStatus.MATCHED, InvoiceStatus.FLAGGED):
                raise VendorError(_("This invoice is %(status)s.") % {"status": invoice.get_status_display().lower()})
            raise VendorError(_("Only finance approves invoices."))
        # Lock what this invoice may bill: a second approval over the same weeks waits, then finds them
        # invoiced and is matched (and flagged) accordingly.
        lines = list(invoice.lines.values_list("engagement_id", "placement_id"))
        list(
            matchable_timesheets(invoice, {e for e, _p in lines if e}).select_for_update().values_list("pk", flat=True)
        )
        list(Placement.objects.select_for_update().filter(pk__in={p for _e, p in lines if p}).values_list("pk"))
        findings = _match(invoice, by=by)
        reason = override_reason.strip()
        if invoice.status == InvoiceStatus.FLAGGED and not reason:
            flagged = [f.note for f in findings.values() if f.flag]
            raise VendorError(
                _("This invoice does not match (%(what)s). Approve it only by overriding with a reason.")
                % {"what": " ".join(flagged)[:600]}
            )
        overridden = invoice.status == InvoiceStatus.FLAGGED
        invoice.override_reason = reason if overridden else ""
        invoice.approved_by = by
        invoice.approved_at = clock.now()
        reason = choices.INVOICE_OVERRIDDEN if overridden else choices.INVOICE_APPROVED
        move_invoice(invoice, InvoiceStatus.APPROVED, by=by, reason=reason)
        billed = [pk for finding in findings.values() for pk in finding.timesheet_ids]
        for sheet in Timesheet.objects.select_for_update().filter(pk__in=billed, status=TimesheetStatus.APPROVED):
            sheet.status = TimesheetStatus.INVOICED
            sheet.invoice = invoice
            save_with_history(sheet, by=by, reason=choices.TIMESHEET_INVOICED)
        _record_actuals(invoice, by=by)
    return invoice


def _record_actuals(invoice: Invoice, *, by: User) -> None:
    for line in invoice.lines.select_related(
        "engagement__requisition__cost_center", "placement__requisition__cost_center"
    ):
        req = (line.engagement or line.placement).requisition
        if not req.cost_center_id:
            continue
        category = CostCategory.CONTRACTOR_LABOUR if line.engagement_id else CostCategory.AGENCY_FEE
        ledger.record_cost(
            category=category,
            kind=CostKind.ACTUAL,
            money=Money(line.amount, invoice.currency),
            month=invoice.period_start,
            cost_center=req.cost_center,
            by=by,
            need=req,
            source=invoice,
            memo=_("%(vendor)s invoice %(number)s: %(ref)s")
            % {
                "vendor": invoice.vendor,
                "number": invoice.number,
                "ref": (line.engagement or line.placement).reference,
            },
        )


def reject_invoice(*, invoice: Invoice, by: User, note: str) -> Invoice:
    """Send the invoice back to the vendor (disputed); nothing is owed on it."""
    if not note.strip():
        raise VendorError(_("Say why the invoice is rejected: the vendor will be told."))
    with transaction.atomic():
        invoice = locked_invoice(invoice)
        if not decides_invoices(by):
            raise VendorError(_("Only finance rejects invoices."))
        invoice.status_note = note.strip()
        move_invoice(invoice, InvoiceStatus.REJECTED, by=by, reason=choices.INVOICE_REJECTED)
    return invoice


def mark_paid(*, invoice: Invoice, by: User, paid_on: date) -> Invoice:
    with transaction.atomic():
        invoice = locked_invoice(invoice)
        if not can_pay_invoice(by, invoice):
            raise VendorError(_("Only finance marks an approved invoice paid."))
        if paid_on > clock.today():
            raise VendorError(_("The payment date is in the future."))
        if paid_on < timezone.localdate(invoice.approved_at):
            raise VendorError(
                _("It was approved on %(day)s: it cannot be paid before.")
                % {"day": timezone.localdate(invoice.approved_at)}
            )
        invoice.paid_on = paid_on
        move_invoice(invoice, InvoiceStatus.PAID, by=by, reason=choices.INVOICE_PAID)
    return invoice
