"""Matching an invoice: each line against what was approved to bill (an engagement's approved
timesheets in the period × the rate in force, or a placement's fee). Reads only: the service saves
what it finds."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from portal.money import Money
from vendors.choices import InvoiceStatus, LineFlag, TimesheetStatus
from vendors.costs import billable_units, timesheet_charge
from vendors.models import Invoice, InvoiceLine, Timesheet


@dataclass(frozen=True)
class Finding:
    expected: Decimal | None
    flag: str = ""
    note: str = ""
    timesheet_ids: tuple[int, ...] = ()


def tolerance(expected: Decimal) -> Decimal:
    """How far a line may differ and still match: VENDOR_MATCH_TOLERANCE_PCT of what was expected,
    and never less than VENDOR_MATCH_TOLERANCE_AMOUNT (rounding on the vendor's side)."""
    pct = Decimal(settings.VENDOR_MATCH_TOLERANCE_PCT) / 100
    return max(Decimal(settings.VENDOR_MATCH_TOLERANCE_AMOUNT), abs(expected) * pct)


def matchable_timesheets(invoice: Invoice, engagement_ids):
    """Approved weeks of the engagements whose Monday falls in the invoice's period (or from six days
    before, for a week that straddles its start), not billed by another invoice."""
    return (
        Timesheet.objects.filter(
            engagement_id__in=engagement_ids,
            week_start__gte=invoice.period_start - timedelta(days=6),
            week_start__lte=invoice.period_end,
        )
        .filter(Q(status=TimesheetStatus.APPROVED) | Q(status=TimesheetStatus.INVOICED, invoice_id=invoice.pk))
        .order_by("week_start")
    )


def match(invoice: Invoice, lines: list[InvoiceLine]) -> dict[int, Finding]:
    """A finding for each line (by its id). Lines billing one engagement share its timesheets: the
    first line is matched against all of them, later ones against nothing left; likewise a placement's
    fee matches its first line only."""
    engagement_ids = {line.engagement_id for line in lines if line.engagement_id}
    sheets: dict[int, list[Timesheet]] = {pk: [] for pk in engagement_ids}
    for sheet in matchable_timesheets(invoice, engagement_ids):
        sheets[sheet.engagement_id].append(sheet)
    terms = {}
    for line in lines:
        if line.engagement_id and line.engagement_id not in terms:
            terms[line.engagement_id] = [t for t in line.engagement.terms.all() if t.in_force]
    billed_elsewhere = _placements_billed_elsewhere(invoice, lines)
    findings, used, fees = {}, set(), set()
    for line in lines:
        if line.engagement_id:
            available = [s for s in sheets[line.engagement_id] if s.pk not in used]
            used |= {s.pk for s in available}
            findings[line.pk] = _engagement_finding(invoice, line, available, terms[line.engagement_id])
        else:
            # A fee is billed once: a second line for it, here or on another invoice, matches nothing.
            billed_on = invoice.number if line.placement_id in fees else billed_elsewhere.get(line.placement_id)
            fees.add(line.placement_id)
            findings[line.pk] = _placement_finding(invoice, line, billed_on)
    return findings


def status_for(findings: dict[int, Finding]) -> str:
    return InvoiceStatus.FLAGGED if any(f.flag for f in findings.values()) else InvoiceStatus.MATCHED


def _engagement_finding(invoice: Invoice, line: InvoiceLine, timesheets, terms) -> Finding:
    engagement = line.engagement
    amount = line.amount
    if engagement.currency != invoice.currency:
        return Finding(
            None,
            LineFlag.MISMATCH,
            _("%(ref)s is billed in %(eng)s, the invoice in %(inv)s.")
            % {"ref": engagement.reference, "eng": engagement.currency, "inv": invoice.currency},
        )
    if not timesheets:
        return Finding(
            Decimal("0"),
            LineFlag.UNMATCHED,
            _("No approved timesheet of %(ref)s in %(start)s – %(end)s.")
            % {"ref": engagement.reference, "start": invoice.period_start, "end": invoice.period_end},
        )
    expected = Money.zero(engagement.currency)
    hours = overtime = Decimal("0")
    for sheet in timesheets:
        cost = timesheet_charge(sheet, engagement, terms)
        if cost is not None:
            expected += cost
        hours += sheet.hours
        overtime += sheet.overtime_hours
    ids = tuple(s.pk for s in timesheets)
    rates = [t.bill_rate for t in terms if t.starts_on <= invoice.period_end and t.ends_on >= invoice.period_start]
    top_rate = max(rates, default=None)
    if line.hours is not None and top_rate is not None:
        multiplier = max((t.overtime_multiplier for t in terms), default=Decimal("1.5"))
        units = billable_units(
            hours=line.hours, overtime_hours=line.overtime_hours, multiplier=multiplier, unit=engagement.unit
        )
        if units > 0:
            billed_rate = amount / units
            if billed_rate > top_rate * (1 + Decimal(settings.VENDOR_MATCH_TOLERANCE_PCT) / 100) + Decimal("0.005"):
                return Finding(
                    expected.amount,
                    LineFlag.OVER_RATE,
                    _("Billed %(billed).2f per %(unit)s; the rate of %(ref)s is %(rate).2f.")
                    % {
                        "billed": billed_rate,
                        "unit": engagement.get_unit_display().lower(),
                        "ref": engagement.reference,
                        "rate": top_rate,
                    },
                    ids,
                )
    difference = amount - expected.amount
    if abs(difference) > tolerance(expected.amount):
        return Finding(
            expected.amount,
            LineFlag.MISMATCH,
            _("Billed %(amount)s; %(n)d approved week(s), %(hours)s h and %(ot)s h overtime, come to %(expected)s.")
            % {
                "amount": f"{amount:,.2f}",
                "n": len(timesheets),
                "hours": f"{hours:g}",
                "ot": f"{overtime:g}",
                "expected": f"{expected.amount:,.2f}",
            },
            ids,
        )
    return Finding(expected.amount, "", "", ids)


def _placements_billed_elsewhere(invoice: Invoice, lines) -> dict[int, str]:
    ids = {line.placement_id for line in lines if line.placement_id}
    if not ids:
        return {}
    others = (
        InvoiceLine.objects.filter(placement_id__in=ids)
        .exclude(invoice=invoice)
        .exclude(invoice__status=InvoiceStatus.REJECTED)
        .values_list("placement_id", "invoice__number")
    )
    return dict(others)


def _placement_finding(invoice: Invoice, line: InvoiceLine, billed_on: str | None) -> Finding:
    placement = line.placement
    if billed_on:
        return Finding(
            Decimal("0"),
            LineFlag.UNMATCHED,
            _("%(ref)s's fee was already billed on invoice %(number)s.")
            % {"ref": placement.reference, "number": billed_on},
        )
    if placement.currency != invoice.currency:
        return Finding(
            None,
            LineFlag.MISMATCH,
            _("%(ref)s's fee is in %(fee)s, the invoice in %(inv)s.")
            % {"ref": placement.reference, "fee": placement.currency, "inv": invoice.currency},
        )
    difference = line.amount - placement.fee
    if difference > tolerance(placement.fee):
        return Finding(
            placement.fee,
            LineFlag.OVER_RATE,
            _("Billed %(amount)s; the agency's terms give %(pct)s%% of %(base)s = %(fee)s.")
            % {
                "amount": f"{line.amount:,.2f}",
                "pct": f"{placement.fee_pct.normalize():f}",
                "base": f"{placement.base:,.2f}",
                "fee": f"{placement.fee:,.2f}",
            },
        )
    if abs(difference) > tolerance(placement.fee):
        return Finding(
            placement.fee,
            LineFlag.MISMATCH,
            _("Billed %(amount)s; the fee is %(fee)s.")
            % {"amount": f"{line.amount:,.2f}", "fee": f"{placement.fee:,.2f}"},
        )
    return Finding(placement.fee)
