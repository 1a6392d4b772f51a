"""Cost: the spend ledger against its forecast, the cost of a hire, agency fees and what hires that fell
through cost (definitions in docs/metrics.md, Dashboards and "Vendors and spend"). Finance, HR and admins
only (common.sees_costs).

Ledger figures read the events of the slice's requisitions (their need), in the portal's currency
(settings.PORTAL_CURRENCY): an event in another currency is not converted, it is left out. Reversals
are events like any other, so a reversed event and its reversal net to zero.

Also the spend section's two pages that read offers (analytics.spend): cash needs and cost per hire,
moved here from vendors.finance (vendors may not import offers' figures from analytics); every function
there costs a fixed number of queries whatever the data, and takes the spend scope of
vendors.finance.spend_scope (None: everything).
"""

import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics import stats
from analytics.metrics import common
from analytics.metrics.quality import fell_through
from analytics.tiles import ListColumn, MetricTable, TableColumn, Tile, register_table, register_tile
from offers.choices import OfferStatus
from offers.models import Offer
from portal.choices import CostCategory, CostKind, Outcome
from portal.models import CostCenter, CostEvent, Decision, RoleFamily
from portal.money import rounded
from portal.services.exports import Column
from portal.services.ledger import add_months, first_of_month
from vendors.choices import GUARANTEE_KIND, OWED
from vendors.finance import (
    NO_VENDOR,
    TOTAL,
    VENDOR_SOURCES,
    ZERO,
    ExportLine,
    Scope,
    by_vendor_name,
    check_count,
    grid_columns,
    months_back,
    spend_scope,
    vendors_of,
)
from vendors.models import InvoiceLine, Placement, Vendor

AMOUNT = DecimalField(max_digits=16, decimal_places=2)
# What is still to pay (cash needs) and the one-time costs of a hire (cost per hire).
CASH_KINDS = (CostKind.FORECAST, CostKind.COMMITTED)
ONE_TIME_HIRING_COSTS = (CostCategory.SIGNING_BONUS, CostCategory.RELOCATION, CostCategory.BACKGROUND_CHECK)
INTERNAL, AGENCY, ALL = "internal", "agency", "all"
# The forecast-vs-actual window: the months before the current one, and after it.
MONTHS_BACK, MONTHS_AHEAD = 6, 5
# Filters that narrow requisitions: with any of them, ledger events of no requisition are left out.
REQUISITION_FILTERS = ("department", "role_family", "location", "recruiter", "hiring_manager")


def currency() -> str:
    return settings.PORTAL_CURRENCY


def _month_key(month: date) -> str:
    return f"{month:%Y-%m}"


# --- Ledger events -------------------------------------------------------------------------------------------


def spend_requisitions(slice_):
    """The board's requisitions for the viewer narrowed by department, role family and location (and the
    recruiter and hiring manager drill filters), not by cost center: the cost center filter reads the
    event's own cost center."""
    qs = slice_.board.scope(slice_.user)
    for name in REQUISITION_FILTERS:
        if slice_.get(name) is not None:
            qs = qs.filter(**{name: slice_.get(name)})
    return qs


def vendor_q(vendor) -> Q:
    """Events whose source (an engagement, a placement or an invoice) is `vendor`'s."""
    parts = [
        Q(source_type=content_type, source_id__in=model.objects.filter(vendor=vendor).values("pk"))
        for model, content_type in ContentType.objects.get_for_models(*VENDOR_SOURCES).items()
    ]
    return reduce(operator.or_, parts)


def _events(slice_) -> QuerySet[CostEvent]:
    """The slice's events in the portal currency, every month: of its requisitions, and of none when the
    viewer sees all spend and no requisition filter is set; narrowed by cost center, ledger kind, category
    and vendor."""
    scope = Q(need__in=spend_requisitions(slice_).values("pk"))
    if spend_scope(slice_.user) is None and not any(slice_.get(name) is not None for name in REQUISITION_FILTERS):
        scope |= Q(need__isnull=True)
    qs = CostEvent.objects.filter(scope, currency=currency())
    if slice_.get("cost_center") is not None:
        qs = qs.filter(cost_center=slice_.get("cost_center"))
    if slice_.get("cost_kind"):
        qs = qs.filter(kind=slice_.get("cost_kind"))
    if slice_.get("category"):
        qs = qs.filter(category=slice_.get("category"))
    if slice_.get("vendor") is not None:
        qs = qs.filter(vendor_q(slice_.get("vendor")))
    return qs


def period_months(slice_) -> tuple[date, date]:
    """The first and last months of the period: the month it starts in, and the current month."""
    return first_of_month(slice_.start_date), first_of_month(slice_.today)


def ledger_events(slice_) -> QuerySet[CostEvent]:
    qs = _events(slice_)
    if slice_.get("month") is not None:
        qs = qs.filter(month=slice_.get("month"))
    else:
        first, last = period_months(slice_)
        qs = qs.filter(month__gte=first, month__lte=last)
    return qs.order_by("month", "cost_center__code", "pk")


register_tile(
    Tile(
        key="ledger_events",
        name="Ledger events",
        group="cost",
        definition=(
            f"Spend ledger events in {settings.PORTAL_CURRENCY} only (events in another currency are left out, not "
            "converted) of the requisitions in view (and, for finance and admins with no department, role family or "
            "location filter, those of no requisition), in the months of the period or the month given; the cost "
            "center filter reads the event's cost center, the vendor filter the vendor of the event's engagement, "
            "placement or invoice. Reversals are listed as events."
        ),
        rows=ledger_events,
        columns=(
            ListColumn("Month", lambda e: _month_key(e.month)),
            ListColumn("Cost center", lambda e: e.cost_center.code),
            ListColumn("Kind", lambda e: e.get_kind_display()),
            ListColumn("Category", lambda e: e.get_category_display()),
            ListColumn("Amount", lambda e: e.amount, numeric=True),
            ListColumn("Currency", lambda e: e.currency),
            ListColumn(
                "Requisition",
                lambda e: e.need.reference if e.need_id else "—",
                link=lambda e: e.need.get_absolute_url() if e.need_id else None,
            ),
            ListColumn("Memo", lambda e: e.memo),
            ListColumn("Reverses", lambda e: e.reverses_id or ""),
            ListColumn("Recorded", lambda e: common.local(e.recorded_at)),
        ),
        related=("cost_center", "need"),
        visible=common.sees_costs,
        shown=False,
        warn_above=None,
        noun="event",
    )
)


# --- Forecast against actual ------------------------------------------------------------------------------------


def ledger_window(slice_) -> list[date]:
    """The MONTHS_BACK months before the current one, the current one and the MONTHS_AHEAD after it."""
    first = first_of_month(slice_.today)
    return [add_months(first, n) for n in range(-MONTHS_BACK, MONTHS_AHEAD + 1)]


def _ledger_cells(slice_) -> tuple[list[date], dict]:
    """{(month, cost center id): {kind: total, "events": the number of actual events}} over the window."""
    months = ledger_window(slice_)
    sums = (
        _events(slice_.replace(cost_kind=None))
        .filter(month__gte=months[0], month__lte=months[-1])
        .values_list("month", "cost_center_id", "kind")
        .annotate(total=Sum("amount"), n=Count("pk"))
        .order_by()
    )
    cells: dict = defaultdict(lambda: {"forecast": ZERO, "committed": ZERO, "actual": ZERO, "events": 0})
    for month, center, kind, total, n in sums:
        cell = cells[month, center]
        cell[kind] += rounded(total)
        if kind == CostKind.ACTUAL:
            cell["events"] += n
    return months, cells


def _ledger_row(label: str, cell: dict, drill: dict) -> dict:
    return {
        "label": label,
        "forecast": cell["forecast"],
        "committed": cell["committed"],
        "actual": cell["actual"],
        "variance": cell["actual"] - cell["forecast"],
        "events": cell["events"],
        "drill": {**drill, "cost_kind": CostKind.ACTUAL},
    }


def forecast_vs_actual_by_month(slice_) -> list[dict]:
    months, cells = _ledger_cells(slice_)
    rows = []
    for month in months:
        cell = {"forecast": ZERO, "committed": ZERO, "actual": ZERO, "events": 0}
        for (at, _center), values in cells.items():
            if at == month:
                for key in cell:
                    cell[key] += values[key]
        rows.append(_ledger_row(_month_key(month), cell, {"month": _month_key(month)}))
    return rows


def forecast_vs_actual(slice_) -> list[dict]:
    months, cells = _ledger_cells(slice_)
    centers = {c.pk: c for c in CostCenter.objects.filter(pk__in={center for _month, center in cells})}
    rows = []
    for month, center in sorted(cells, key=lambda key: (key[0], centers[key[1]].code)):
        label = f"{_month_key(month)} · {centers[center].code}"
        drill = {"month": _month_key(month), "cost_center": center}
        rows.append(_ledger_row(label, cells[month, center], drill))
    return rows


def _ledger_columns():
    unit = settings.PORTAL_CURRENCY
    return (
        TableColumn("forecast", "Forecast", unit=unit),
        TableColumn("committed", "Committed", unit=unit),
        TableColumn("actual", "Actual", unit=unit),
        TableColumn("variance", "Variance (actual − forecast)", unit=unit),
        TableColumn("events", "Actual events"),
    )


LEDGER_DEFINITION = (
    f"The spend ledger in {settings.PORTAL_CURRENCY} (other currencies left out) of the requisitions in view, for "
    f"the {MONTHS_BACK} months before this one, this month and the {MONTHS_AHEAD} after: forecast, committed and "
    "actual (each the sum of its events, reversals included), variance = actual − forecast. A row opens its actual "
    "events (“actual events” counts them)."
)

register_table(
    MetricTable(
        key="forecast_vs_actual_by_month",
        name="Forecast against actual, by month",
        group="cost",
        definition=LEDGER_DEFINITION,
        compute=forecast_vs_actual_by_month,
        columns=_ledger_columns(),
        counts="events",
        tile="ledger_events",
        visible=common.sees_costs,
        row_label="Month",
        chart={"type": "bar", "series": ["forecast", "actual"], "unit": settings.PORTAL_CURRENCY},
    )
)

register_table(
    MetricTable(
        key="forecast_vs_actual",
        name="Forecast against actual, by month and cost center",
        group="cost",
        definition=LEDGER_DEFINITION + " A month and cost center with no event is left out.",
        compute=forecast_vs_actual,
        columns=_ledger_columns(),
        counts="events",
        tile="ledger_events",
        visible=common.sees_costs,
        row_label="Month · cost center",
    )
)


# --- Agency fees ---------------------------------------------------------------------------------------------


def agency_fees_by_vendor(slice_) -> list[dict]:
    fees = ledger_events(slice_.replace(vendor=None, category=CostCategory.AGENCY_FEE, cost_kind=CostKind.ACTUAL))
    sums = list(fees.values_list("source_type_id", "source_id").annotate(n=Count("pk"), total=Sum("amount")).order_by())
    vendors = vendors_of((type_id, object_id) for type_id, object_id, _n, _total in sums)
    grouped: dict[tuple, dict] = defaultdict(lambda: {"events": 0, "amount": ZERO})
    for type_id, object_id, n, total in sums:
        group = grouped[vendors.get((type_id, object_id), (None, NO_VENDOR))]
        group["events"] += n
        group["amount"] += rounded(total)
    rows = []
    for (vendor_id, name), group in sorted(grouped.items(), key=by_vendor_name):
        drill = {"vendor": vendor_id, "category": CostCategory.AGENCY_FEE, "cost_kind": CostKind.ACTUAL}
        rows.append(
            {
                "label": str(name),
                "amount": group["amount"],
                "events": group["events"],
                "drill": drill if vendor_id is not None else None,
            }
        )
    rows.sort(key=lambda r: -r["amount"])
    return rows


register_table(
    MetricTable(
        key="agency_fees_by_vendor",
        name="Agency fees by vendor",
        group="cost",
        definition=(
            f"Actual agency-fee events (the lines of approved invoices) in {settings.PORTAL_CURRENCY} in the months of "
            "the period (from the month it starts to this one), of the requisitions in view, by the vendor of the "
            "invoice: the amount and the number of events, reversals included."
        ),
        compute=agency_fees_by_vendor,
        columns=(
            TableColumn("amount", "Agency fees", unit=settings.PORTAL_CURRENCY),
            TableColumn("events", "Events"),
        ),
        counts="events",
        tile="ledger_events",
        visible=common.sees_costs,
        row_label="Vendor",
        chart={"type": "bar", "series": ["amount"], "unit": settings.PORTAL_CURRENCY, "horizontal": True},
    )
)


# --- Cost per hire ------------------------------------------------------------------------------------------


def hire_costs(hires: QuerySet[Offer], currency_: str) -> list[dict]:
    """`hires` (accepted offers) whose accepted terms are in `currency_`, grouped by the requisition's role
    family and whether an agency placed them: {"role_family_id", "agency", "hires", "fees", "one_time"}
    (fees and one-time costs None when there is none). The agency fee is what approved or paid invoices
    billed for the placement once it is invoiced, otherwise the placement's fee; the one-time costs are
    the committed events the offer recorded in ONE_TIME_HIRING_COSTS, reversals included. One query."""
    one_time = (
        CostEvent.objects.filter(
            source_type=ContentType.objects.get_for_model(Offer),
            source_id=OuterRef("pk"),
            kind=CostKind.COMMITTED,
            currency=currency_,
            category__in=ONE_TIME_HIRING_COSTS,
        )
        .order_by()
        .values("source_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    invoiced = (
        InvoiceLine.objects.filter(
            placement__offer=OuterRef("pk"), invoice__status__in=OWED, invoice__currency=currency_
        )
        .order_by()
        .values("placement_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    fee = Coalesce(Subquery(invoiced, output_field=AMOUNT), F("placement__fee"), output_field=AMOUNT)
    return list(
        hires.filter(current_version__currency=currency_)
        .annotate(agency=Exists(Placement.objects.filter(offer=OuterRef("pk"))))
        .order_by()
        .values("requisition__role_family_id", "agency")
        .annotate(hires=Count("pk"), fees=Sum(fee), one_time=Sum(Subquery(one_time, output_field=AMOUNT)))
    )


@dataclass(frozen=True)
class HireCostRow:
    """The hires of one group (internal, agency, all) and their hiring costs; `per_hire` is None
    without hires."""

    key: str
    label: str
    hires: int
    agency_fees: Decimal
    one_time_costs: Decimal

    @property
    def total(self) -> Decimal:
        return self.agency_fees + self.one_time_costs

    @property
    def per_hire(self) -> Decimal | None:
        return rounded(self.total / self.hires) if self.hires else None


def hire_cost_row(key: str, label, groups) -> HireCostRow:
    """The sum of some of hire_costs' groups."""
    return HireCostRow(
        key=key,
        label=str(label),
        hires=sum(group["hires"] for group in groups),
        agency_fees=rounded(sum((group["fees"] or ZERO for group in groups), ZERO)),
        one_time_costs=rounded(sum((group["one_time"] or ZERO for group in groups), ZERO)),
    )


@dataclass(frozen=True)
class CostPerHire:
    currency: str
    since: date
    until: date
    internal: HireCostRow
    agency: HireCostRow
    all: HireCostRow

    @property
    def rows(self) -> tuple[HireCostRow, ...]:
        return (self.internal, self.agency, self.all)

    def export_columns(self) -> list[Column]:
        return [
            Column(_("Hires"), lambda r: r.label),
            Column(_("Number of hires"), lambda r: r.hires),
            Column(_("Agency fees"), lambda r: r.agency_fees),
            Column(_("One-time hiring costs"), lambda r: r.one_time_costs),
            Column(_("Hiring cost"), lambda r: r.total),
            Column(_("Cost per hire"), lambda r: r.per_hire),
            Column(_("Currency"), lambda r: self.currency),
        ]

    def export_rows(self) -> list[HireCostRow]:
        return list(self.rows)


def cost_per_hire(scope: Scope, currency_: str, today: date, months: int = 12) -> CostPerHire:
    """The spend page: hires accepted in the `months` months up to `today`'s in `currency_`, internal and
    through an agency, with their agency fees and one-time hiring costs (hire_costs). One query."""
    window = months_back(today, months)
    since = timezone.make_aware(datetime.combine(window[0], time.min))
    until = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    hires = Offer.objects.filter(status=OfferStatus.ACCEPTED, responded_at__gte=since, responded_at__lt=until)
    if scope is not None:
        hires = hires.filter(requisition__in=scope)
    groups = hire_costs(hires, currency_)
    internal = [group for group in groups if not group["agency"]]
    agency = [group for group in groups if group["agency"]]
    return CostPerHire(
        currency=currency_,
        since=window[0],
        until=today,
        internal=hire_cost_row(INTERNAL, _("Internal"), internal),
        agency=hire_cost_row(AGENCY, _("Agency"), agency),
        all=hire_cost_row(ALL, _("All hires"), groups),
    )


def costed_hires(slice_) -> QuerySet[Offer]:
    """Offers accepted in the period of the slice's requisitions whose accepted terms are in the portal's
    currency; the role family and "hired via" filters narrow them."""
    qs = Offer.objects.filter(
        requisition__in=common.requisitions(slice_).values("pk"),
        status=OfferStatus.ACCEPTED,
        responded_at__gte=slice_.start,
        current_version__currency=currency(),
    ).filter(slice_.source_q("application__source"))
    if slice_.get("role_family") is not None:
        qs = qs.filter(requisition__role_family=slice_.get("role_family"))
    if slice_.get("hired_via") == AGENCY:
        qs = qs.filter(placement__isnull=False)
    elif slice_.get("hired_via") == INTERNAL:
        qs = qs.filter(placement__isnull=True)
    return qs.order_by("-responded_at", "pk")


register_tile(
    Tile(
        key="costed_hires",
        name="Hires (cost per hire)",
        group="cost",
        definition=(
            f"Offers accepted in the period whose accepted terms are in {settings.PORTAL_CURRENCY}: the hires cost per "
            "hire divides by (an agency hire is one an agency placed)."
        ),
        rows=costed_hires,
        columns=(
            ListColumn("Offer", lambda o: o.reference, link=lambda o: o.get_absolute_url()),
            ListColumn("Candidate", lambda o: str(o.application.candidate)),
            ListColumn(
                "Requisition",
                lambda o: f"{o.requisition.reference} {o.requisition.title}",
                link=lambda o: o.requisition.get_absolute_url(),
            ),
            ListColumn(
                "Role family", lambda o: str(o.requisition.role_family) if o.requisition.role_family_id else "—"
            ),
            ListColumn("Answered", lambda o: common.local(o.responded_at)),
        ),
        related=("application__candidate", "requisition__role_family"),
        visible=common.sees_costs,
        shown=False,
        warn_above=None,
        noun="hire",
    )
)


def _hire_row(label: str, row: HireCostRow, drill: dict | None) -> dict:
    return {
        "label": label,
        "hires": row.hires,
        "agency_fees": row.agency_fees,
        "one_time": row.one_time_costs,
        "total": row.total,
        "per_hire": row.per_hire,
        "drill": drill,
    }


def cost_per_hire_table(slice_) -> list[dict]:
    groups = hire_costs(costed_hires(slice_.replace(role_family=None, hired_via=None)), currency())
    kinds = ((INTERNAL, "internal", False), (AGENCY, "agency", True))
    rows = [_hire_row("All hires", hire_cost_row(ALL, "", groups), {})]
    for key, label, agency in kinds:
        part = [group for group in groups if group["agency"] == agency]
        rows.append(_hire_row(f"All role families · {label}", hire_cost_row(key, "", part), {"hired_via": key}))
    families = {group["requisition__role_family_id"] for group in groups}
    names = dict(RoleFamily.objects.filter(pk__in=[f for f in families if f]).values_list("pk", "name"))
    for family in sorted(families, key=lambda f: (f is None, str(names.get(f, "")))):
        for key, label, agency in kinds:
            part = [g for g in groups if g["requisition__role_family_id"] == family and g["agency"] == agency]
            if part:
                drill = {"role_family": family, "hired_via": key} if family else None
                name = names[family] if family else "No role family"
                rows.append(_hire_row(f"{name} · {label}", hire_cost_row(key, "", part), drill))
    return rows


register_table(
    MetricTable(
        key="cost_per_hire",
        name="Cost per hire",
        group="cost",
        definition=(
            f"Hires = offers accepted in the period whose accepted terms are in {settings.PORTAL_CURRENCY}; "
            "agency hires have a placement. Hiring cost = agency fee (what approved or paid invoices billed for the "
            "placement, else its fee) + one-time costs committed by the offer (signing bonus, relocation, background "
            "check, reversals included); per hire = the group's cost ÷ its hires. Pay, bonus, benefits, allowances "
            "and equipment are not hiring costs. By role family, internal and through an agency."
        ),
        compute=cost_per_hire_table,
        columns=(
            TableColumn("hires", "Hires"),
            TableColumn("agency_fees", "Agency fees", unit=settings.PORTAL_CURRENCY),
            TableColumn("one_time", "One-time costs", unit=settings.PORTAL_CURRENCY),
            TableColumn("total", "Hiring cost", unit=settings.PORTAL_CURRENCY),
            TableColumn("per_hire", "Per hire", unit=settings.PORTAL_CURRENCY),
        ),
        counts="hires",
        tile="costed_hires",
        visible=common.sees_costs,
        row_label="Hires",
        chart={"type": "bar", "series": ["per_hire"], "unit": settings.PORTAL_CURRENCY, "horizontal": True},
    )
)


# --- What hires that fell through cost -------------------------------------------------------------------


def fall_through_costs(slice_) -> list[tuple]:
    """Per case that fell through in the period: (vendor id or None, fee lost, planned start, the next
    acceptance on its requisition or None). The fee lost is the sum of the lines of approved or paid
    invoices in the portal currency billing the placement of the case's offer, none when finance claimed
    the refund under the placement's guarantee (its guarantee decision's outcome is "refund")."""
    billed = (
        InvoiceLine.objects.filter(
            placement=OuterRef("offer__placement"), invoice__status__in=OWED, invoice__currency=currency()
        )
        .order_by()
        .values("placement_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    refunded = Decision.objects.filter(
        kind=GUARANTEE_KIND,
        subject_type=ContentType.objects.get_for_model(Placement),
        subject_id=OuterRef("offer__placement"),
        outcome=Outcome.REFUND,
    )
    next_hire = (
        Offer.objects.filter(
            requisition=OuterRef("requisition"), status=OfferStatus.ACCEPTED, responded_at__gt=OuterRef("closed_at")
        )
        .order_by("responded_at")
        .values("responded_at")[:1]
    )
    cases = fell_through(slice_.replace(vendor=None, hired_via=None)).annotate(
        billed=Subquery(billed, output_field=AMOUNT), refunded=Exists(refunded), next_hire=Subquery(next_hire)
    )
    return [
        (vendor, ZERO if refunded or billed is None else rounded(billed), start, next_at)
        for vendor, billed, refunded, start, next_at in cases.values_list(
            "offer__placement__vendor_id", "billed", "refunded", "planned_start", "next_hire"
        ).order_by()
    ]


def vacancy_weeks(planned_start: date, next_hire: datetime | None, today: date) -> Decimal:
    """Weeks from the planned start to the next acceptance (or today), none when that came first."""
    end = min(timezone.localdate(next_hire), today) if next_hire else today
    return Decimal(max((end - planned_start).days, 0)) / 7


def fall_through_cost(slice_) -> list[dict]:
    grouped: dict = defaultdict(lambda: {"n": 0, "fees": ZERO, "weeks": Decimal(0)})
    for vendor, fee, start, next_hire in fall_through_costs(slice_):
        group = grouped[vendor]
        group["n"] += 1
        group["fees"] += fee
        group["weeks"] += vacancy_weeks(start, next_hire, slice_.today)
    names = dict(Vendor.objects.filter(pk__in=[v for v in grouped if v]).values_list("pk", "name"))
    rows = []
    for vendor in sorted(grouped, key=lambda v: (v is None, names.get(v, "").casefold())):
        group = grouped[vendor]
        rows.append(
            {
                "label": names[vendor] if vendor else "Direct",
                "n": group["n"],
                "fees": group["fees"],
                "weeks": stats.one_decimal(group["weeks"]),
                "drill": {"vendor": vendor} if vendor else {"hired_via": INTERNAL},
            }
        )
    return rows


register_table(
    MetricTable(
        key="fall_through_cost",
        name="What hires that fell through cost",
        group="cost",
        definition=(
            "Hires that fell through in the period (cases closed as a no-show or a withdrawal before the start), by "
            "the agency that placed them (“Direct”: no placement). Fees lost: the lines of approved or paid invoices "
            f"in {settings.PORTAL_CURRENCY} billing the placement, unless finance claimed the refund under its "
            "guarantee (a replacement claimed still counts; a fee not invoiced yet counts nothing). Weeks of vacancy: "
            "from the planned start to the next offer accepted on the requisition after the case closed, or to today "
            "if none, in days ÷ 7 (none when the next acceptance came before the planned start), summed."
        ),
        compute=fall_through_cost,
        columns=(
            TableColumn("n", "Fell through"),
            TableColumn("fees", "Fees lost", unit=settings.PORTAL_CURRENCY),
            TableColumn("weeks", "Weeks of vacancy"),
        ),
        counts="n",
        tile="fell_through",
        visible=common.sees_costs,
        row_label="Agency",
        chart={"type": "bar", "series": ["weeks"], "unit": "", "horizontal": True},
    )
)


# --- Cash needs (a spend page) ---------------------------------------------------------------------------


def months_ahead(today: date, months: int) -> tuple[date, ...]:
    """First days of `today`'s month and the `months` − 1 after it."""
    check_count(months)
    first = first_of_month(today)
    return tuple(add_months(first, n) for n in range(months))


@dataclass(frozen=True)
class SpendRow:
    """One line of a month grid: `key` (a category code, a vendor id; None for the totals and for the
    payroll line), its label, its amount in each month of the report (`cells`, in order) and their total."""

    key: str | int | None
    label: str
    cells: tuple[tuple[date, Decimal], ...]
    total: Decimal

    @property
    def amounts(self) -> tuple[Decimal, ...]:
        return tuple(amount for _month, amount in self.cells)

    @property
    def is_zero(self) -> bool:
        return not any(self.amounts)


def _spend_row(key, label, months, by_month: dict[date, Decimal]) -> SpendRow:
    cells = tuple((month, rounded(by_month.get(month, ZERO))) for month in months)
    return SpendRow(key, str(label), cells, sum((amount for _month, amount in cells), ZERO))


@dataclass(frozen=True)
class CashNeeds:
    """Forecast and committed money of the coming months, by category and by vendor, with the totals."""

    currency: str
    months: tuple[date, ...]
    by_category: tuple[SpendRow, ...]
    by_vendor: tuple[SpendRow, ...]
    total: SpendRow

    def export_columns(self) -> list[Column]:
        return grid_columns(_("Breakdown"), _("Line"), self.months, self.currency)

    def export_rows(self) -> list[ExportLine]:
        """The category lines, the vendor lines, then the total (both breakdowns add up to it)."""
        groups = ((_("Category"), self.by_category), (_("Vendor"), self.by_vendor), (_("Total"), (self.total,)))
        return [ExportLine(group, row.label, row.amounts, row.total) for group, rows in groups for row in rows]


def cash_needs(scope: Scope, currency_: str, today: date, months: int = 3) -> CashNeeds:
    """What is still to pay in `currency_` in `today`'s month and the `months` − 1 after it: the standing
    forecast and committed events (reversals included, actuals not subtracted), by category and by vendor
    (the vendor of the event's engagement, placement or invoice; any other event is "No vendor (payroll)").
    Rows whose every month is zero are left out. Two queries at most."""
    window = months_ahead(today, months)
    events = CostEvent.objects.filter(
        currency=currency_, kind__in=CASH_KINDS, month__gte=window[0], month__lte=window[-1]
    )
    if scope is not None:
        events = events.filter(need__in=scope)
    sums = list(
        events.values_list("category", "month", "source_type", "source_id").annotate(total=Sum("amount")).order_by()
    )
    vendors = vendors_of((row[2], row[3]) for row in sums)
    by_category: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_vendor: dict[tuple, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for category, month, type_id, object_id, total in sums:
        vendor = vendors.get((type_id, object_id), (None, NO_VENDOR))
        by_category[category][month] += total
        by_vendor[vendor][month] += total
        totals[month] += total
    category_rows = [
        _spend_row(category, CostCategory(category).label, window, by_category[category])
        for category in CostCategory.values
        if category in by_category
    ]
    vendor_rows = [
        _spend_row(vendor_id, name, window, amounts)
        for (vendor_id, name), amounts in sorted(by_vendor.items(), key=by_vendor_name)
    ]
    return CashNeeds(
        currency=currency_,
        months=window,
        by_category=tuple(row for row in category_rows if not row.is_zero),
        by_vendor=tuple(row for row in vendor_rows if not row.is_zero),
        total=_spend_row(None, TOTAL, window, totals),
    )


# The spend pages this module computes: key → (title, export dataset, figures, place among the section's tabs).
SPEND_PAGES = {
    "cash": (gettext_lazy("Cash needs"), "cash-needs", cash_needs, 10),
    "hires": (gettext_lazy("Cost per hire"), "cost-per-hire", cost_per_hire, 40),
}
