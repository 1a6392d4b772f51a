"""An engagement's labour forecast in the ledger, kept equal to what its terms in force imply."""

from decimal import Decimal

from django.db.models import Sum

from portal.choices import CostCategory, CostKind
from portal.models import CostEvent, User
from portal.money import Money
from portal.services import ledger
from vendors.choices import (
    EngagementStatus,
)
from vendors.costs import monthly_labour
from vendors.models import (
    Engagement,
)


def sync_forecast(engagement: Engagement, *, by: User | None, memo: str, none: bool = False) -> list[CostEvent]:
    """Make the engagement's standing labour forecast equal what its terms in force now imply, month by
    month, by recording the differences (never editing an event): a renewal adds months, a rate change
    or an early end adjusts them. Cover on a permanent requisition is forecast once its first terms are
    in force, on top of the hire to come. On a contract requisition a planned engagement forecasts
    nothing: the requisition's own forecast stands for its opening until it starts and takes it. One
    that never ran forecasts nothing (`none`)."""
    req = engagement.requisition
    if not req.cost_center_id:
        return []
    terms = list(engagement.terms.all())
    wanted = (
        {}
        if none or (engagement.status == EngagementStatus.PLANNED and req.is_contract)
        else {month: money.amount for month, money in monthly_labour(engagement, terms).items()}
    )
    standing = dict(
        CostEvent.objects.for_source(engagement)
        .filter(kind=CostKind.FORECAST, category=CostCategory.CONTRACTOR_LABOUR, currency=engagement.currency)
        .values_list("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    events = []
    for month in sorted(set(wanted) | set(standing)):
        delta = wanted.get(month, Decimal("0")) - standing.get(month, Decimal("0"))
        if delta:
            events.append(
                ledger.record_cost(
                    category=CostCategory.CONTRACTOR_LABOUR,
                    kind=CostKind.FORECAST,
                    money=Money(delta, engagement.currency),
                    month=month,
                    cost_center=req.cost_center,
                    by=by,
                    need=req,
                    source=engagement,
                    memo=memo,
                )
            )
    return events
