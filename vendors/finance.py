"""The figures of the vendors' finance pages: vendor spend and contractors ending (the forecast-vs-actual
grid is the core's: portal.selectors.ledger_grid; cash needs and cost per hire are analytics': they read
offers and pre-boarding too, which this app may not: analytics.metrics.cost).

Pure reads: nothing here writes. Every function costs a fixed number of SQL queries whatever the amount
of data: the database adds the money up (values()/annotate), and the vendors behind ledger events are
resolved in one more query, by the ids of the events' sources (engagements, placements, invoices).
Reading a content type costs a query only the first time in a process (Django caches them).

Scope
-----
Every function takes `scope`: the requisitions whose spend the user may see, as a Requisition queryset,
or None for all of them. The queryset is used as a subquery (`need__in` / `requisition__in`), so it
costs no query of its own and any slice of requisitions composes with it. `spend_scope(user)` gives
the scope of a person: None for finance and admins; the requisitions they are the hiring manager of for
anyone else. Ledger events are scoped by their need (an event recorded against no requisition is seen
only with scope None), engagements by their requisition.

Metric definitions (docs/metrics.md, "Finance pages")
----------------------------------------------------
- Vendor spend: the actual events approved invoices recorded (source = the invoice, one per line) in
  the last `months` months (12; the current month included), by the invoice's vendor and the event's
  month (the month the invoice period starts), split into agency fees and contractor labour.
- Contractors ending: engagements planned, active or extension pending whose end date is from today to
  today + `days` (60) inclusive; days left = end date − today; "renewal open" = an open contract
  renewal decision on the engagement.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Sum, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.choices import CostCategory, CostKind
from portal.models import CostEvent, Decision, User
from portal.money import rounded
from portal.services.exports import Column
from portal.services.ledger import add_months, first_of_month
from requisitions.models import Requisition
from vendors.choices import RENEWAL_KIND, EngagementStatus, RateUnit
from vendors.models import Engagement, Invoice, Placement
from vendors.permissions import ALL_SPEND_ROLES

Scope = QuerySet[Requisition] | None

ZERO = Decimal("0.00")
NO_VENDOR = gettext_lazy("No vendor (payroll)")
UNKNOWN_VENDOR = gettext_lazy("Unknown vendor")
TOTAL = gettext_lazy("Total")

# The vendors' spend pages: key → (title, export dataset, place among the tabs of the "spend" section); the
# first is also vendors:spend, the address of the vendors' spend pages.
# The section's other tabs: the ledger's (portal.spine, 0), cash needs (10) and cost per hire (40), analytics'.
SPEND_REPORTS = {
    "vendors": (gettext_lazy("Vendor spend"), "vendor-spend", 20),
    "ending": (gettext_lazy("Contractors ending"), "contractors-ending", 30),
}

# The two kinds of vendor spend, and the engagements that may still end.
VENDOR_SPEND = (CostCategory.AGENCY_FEE, CostCategory.CONTRACTOR_LABOUR)
ENDING = (EngagementStatus.PLANNED, EngagementStatus.ACTIVE, EngagementStatus.EXTENSION_PENDING)
# What the contractors-ending list reads of an engagement and its relations.
ENDING_FIELDS = (
    "vendor_id",
    "requisition_id",
    "status",
    "end_date",
    "bill_rate",
    "currency",
    "unit",
    "worker__first_name",
    "worker__last_name",
    "vendor__name",
    "requisition__hiring_manager__first_name",
    "requisition__hiring_manager__last_name",
    "requisition__hiring_manager__username",
)
# Models whose ledger events name a vendor: the event's source has a `vendor`.
VENDOR_SOURCES = (Engagement, Placement, Invoice)


# --- Scope and months -----------------------------------------------------------------------------------------


def spend_scope(user: User) -> Scope:
    """The requisitions whose spend `user` sees: None (all) for finance and admins; those they are the
    hiring manager of for anyone else; none for someone signed out or deactivated."""
    if not user.is_authenticated or not user.is_active:
        return Requisition.objects.none()
    if user.is_superuser or user.has_role(*ALL_SPEND_ROLES):
        return None
    return Requisition.objects.filter(hiring_manager=user)


def _scoped(qs: QuerySet, scope: Scope, field: str) -> QuerySet:
    return qs if scope is None else qs.filter(**{f"{field}__in": scope})


def months_back(today: date, months: int) -> tuple[date, ...]:
    """First days of the `months` − 1 months before `today`'s month and of that month, oldest first."""
    check_count(months)
    first = first_of_month(today)
    return tuple(add_months(first, n) for n in range(1 - months, 1))


def check_count(months: int) -> None:
    if months < 1:
        raise ValueError(f"a window of at least one month, not {months}")


# --- Rows -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportLine:
    """One exported row of a month grid: what it is (`group`, `label`) and its amounts by month."""

    group: str
    label: str
    amounts: tuple[Decimal, ...]
    total: Decimal


def grid_columns(group: str, label: str, months: Iterable[date], currency: str) -> list[Column]:
    return [
        Column(group, lambda line: line.group),
        Column(label, lambda line: line.label),
        *[Column(f"{month:%Y-%m}", lambda line, i=i: line.amounts[i]) for i, month in enumerate(months)],
        Column(_("Total"), lambda line: line.total),
        Column(_("Currency"), lambda line: currency),
    ]


def vendors_of(sources: Iterable[tuple[int | None, int | None]]) -> dict[tuple[int, int], tuple[int, str]]:
    """(vendor id, name) of each (content type id, object id) source that is an engagement, a placement or
    an invoice: one query (a union of one select per model), none when there is nothing to resolve."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for type_id, object_id in sources:
        if type_id is not None:
            wanted[type_id].add(object_id)
    parts = [
        model.objects.filter(pk__in=wanted[ct.pk])
        .order_by()
        .values_list(Value(ct.pk, output_field=IntegerField()), "pk", "vendor_id", "vendor__name")
        for model, ct in ContentType.objects.get_for_models(*VENDOR_SOURCES).items()
        if wanted.get(ct.pk)
    ]
    if not parts:
        return {}
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {(type_id, object_id): (vendor_id, name) for type_id, object_id, vendor_id, name in query}


def by_vendor_name(item):
    (vendor_id, name) = item[0]
    return (vendor_id is None, str(name).casefold(), vendor_id or 0)


# --- Vendor spend -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SplitCell:
    """One vendor's (or every vendor's) actual spend in one month, agency fees and contractor labour."""

    month: date
    agency_fee: Decimal
    contractor_labour: Decimal

    @property
    def total(self) -> Decimal:
        return self.agency_fee + self.contractor_labour


@dataclass(frozen=True)
class VendorSpendRow:
    """A vendor's actual spend by month (`vendor_id` None: the totals of every vendor)."""

    vendor_id: int | None
    vendor: str
    cells: tuple[SplitCell, ...]

    @property
    def agency_fee(self) -> Decimal:
        return sum((cell.agency_fee for cell in self.cells), ZERO)

    @property
    def contractor_labour(self) -> Decimal:
        return sum((cell.contractor_labour for cell in self.cells), ZERO)

    @property
    def total(self) -> Decimal:
        return self.agency_fee + self.contractor_labour


@dataclass(frozen=True)
class VendorSpend:
    currency: str
    months: tuple[date, ...]
    rows: tuple[VendorSpendRow, ...]
    totals: VendorSpendRow

    def export_columns(self) -> list[Column]:
        return grid_columns(_("Vendor"), _("Spend"), self.months, self.currency)

    def export_rows(self) -> list[ExportLine]:
        """Each vendor's agency fees and contractor labour (lines with no spend left out), then every
        vendor's, then the total."""
        fee, labour = CostCategory.AGENCY_FEE.label, CostCategory.CONTRACTOR_LABOUR.label
        lines = []
        for row in (*self.rows, self.totals):
            name = str(_("All vendors")) if row.vendor_id is None else row.vendor
            for label, field in ((fee, "agency_fee"), (labour, "contractor_labour")):
                amounts = tuple(getattr(cell, field) for cell in row.cells)
                if row.vendor_id is None or any(amounts):
                    lines.append(ExportLine(name, str(label), amounts, getattr(row, field)))
        totals = self.totals
        lines.append(ExportLine(str(TOTAL), str(TOTAL), tuple(c.total for c in totals.cells), totals.total))
        return lines


def vendor_spend(scope: Scope, currency: str, today: date, months: int = 12) -> VendorSpend:
    """Actual spend in `currency` on approved invoices, by vendor × month over the `months` months up to
    `today`'s, agency fees apart from contractor labour. Two queries at most."""
    window = months_back(today, months)
    invoice_type = ContentType.objects.get_for_model(Invoice)
    events = CostEvent.objects.filter(
        currency=currency,
        kind=CostKind.ACTUAL,
        source_type=invoice_type,
        category__in=VENDOR_SPEND,
        month__gte=window[0],
        month__lte=window[-1],
    )
    sums = list(
        _scoped(events, scope, "need")
        .values_list("source_id", "category", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    vendors = vendors_of((invoice_type.pk, row[0]) for row in sums)
    spend: dict[tuple, dict[tuple[str, date], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    totals: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for invoice_id, category, month, total in sums:
        vendor = vendors.get((invoice_type.pk, invoice_id), (None, UNKNOWN_VENDOR))
        spend[vendor][category, month] += total
        totals[category, month] += total

    def row(vendor_id, name, amounts) -> VendorSpendRow:
        cells = tuple(
            SplitCell(
                month,
                rounded(amounts.get((CostCategory.AGENCY_FEE, month), ZERO)),
                rounded(amounts.get((CostCategory.CONTRACTOR_LABOUR, month), ZERO)),
            )
            for month in window
        )
        return VendorSpendRow(vendor_id, str(name), cells)

    rows = (row(vendor_id, name, amounts) for (vendor_id, name), amounts in sorted(spend.items(), key=by_vendor_name))
    return VendorSpend(
        currency=currency,
        months=window,
        rows=tuple(r for r in rows if any(cell.total for cell in r.cells)),
        totals=row(None, TOTAL, totals),
    )


# --- Contractors ending ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EndingEngagement:
    engagement_id: int
    reference: str
    url: str
    worker: str
    vendor_id: int
    vendor: str
    requisition_id: int
    requisition: str
    hiring_manager: str
    status: str
    status_label: str
    end_date: date
    days_left: int
    bill_rate: Decimal
    currency: str
    unit: str
    renewal_open: bool


@dataclass(frozen=True)
class ContractorsEnding:
    today: date
    until: date
    rows: tuple[EndingEngagement, ...]

    def export_columns(self) -> list[Column]:
        return [
            Column(_("Engagement"), lambda r: r.reference),
            Column(_("Worker"), lambda r: r.worker),
            Column(_("Vendor"), lambda r: r.vendor),
            Column(_("Requisition"), lambda r: r.requisition),
            Column(_("Hiring manager"), lambda r: r.hiring_manager),
            Column(_("Status"), lambda r: r.status_label),
            Column(_("Ends"), lambda r: r.end_date),
            Column(_("Days left"), lambda r: r.days_left),
            Column(_("Bill rate"), lambda r: r.bill_rate),
            Column(_("Currency"), lambda r: r.currency),
            Column(_("Per"), lambda r: RateUnit(r.unit).label),
            Column(_("Renewal decision open"), lambda r: r.renewal_open),
        ]

    def export_rows(self) -> list[EndingEngagement]:
        return list(self.rows)


def contractors_ending(scope: Scope, today: date, days: int = 60) -> ContractorsEnding:
    """Engagements planned, active or waiting for an extension that end from `today` to `today` + `days`,
    soonest first, with whether their renewal decision is open. One query."""
    if days < 0:
        raise ValueError(f"a window of zero days or more, not {days}")
    until = today + timedelta(days=days)
    renewal = Decision.objects.open().filter(
        kind=RENEWAL_KIND, subject_type=ContentType.objects.get_for_model(Engagement), subject_id=OuterRef("pk")
    )
    engagements = Engagement.objects.filter(status__in=ENDING, end_date__gte=today, end_date__lte=until)
    engagements = (
        _scoped(engagements, scope, "requisition")
        .annotate(renewal_open=Exists(renewal))
        .select_related("worker", "vendor", "requisition__hiring_manager")
        .only(*ENDING_FIELDS)
        .order_by("end_date", "id")
    )
    rows = []
    for e in engagements:
        req = e.requisition
        manager = req.hiring_manager
        rows.append(
            EndingEngagement(
                engagement_id=e.pk,
                reference=e.reference,
                url=e.get_absolute_url(),
                worker=str(e.worker),
                vendor_id=e.vendor_id,
                vendor=e.vendor.name,
                requisition_id=req.pk,
                requisition=req.reference,
                hiring_manager=(manager.get_full_name() or manager.username) if manager else "",
                status=e.status,
                status_label=str(e.get_status_display()),
                end_date=e.end_date,
                days_left=(e.end_date - today).days,
                bill_rate=e.bill_rate,
                currency=e.currency,
                unit=e.unit,
                renewal_open=e.renewal_open,
            )
        )
    return ContractorsEnding(today=today, until=until, rows=tuple(rows))
