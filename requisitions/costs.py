"""What a requisition costs: the first-year cost of one opening, and its forecast lines for the ledger.

Reads only; the services store `cost_min`/`cost_max` and record the forecast.
"""

from decimal import Decimal

from portal.choices import CostCategory
from portal.money import rounded
from portal.services.ledger import Line
from requisitions.models import Requisition

MONTHS_IN_FIRST_YEAR = 12


def one_time_costs(req: Requisition) -> list[tuple[str, Decimal]]:
    """(ledger category, amount per opening) of each one-time cost, in the order pages list them."""
    return [
        (CostCategory.AGENCY_FEE, req.agency_fee or Decimal("0")),
        (CostCategory.SIGNING_BONUS, req.signing_bonus or Decimal("0")),
        (CostCategory.RELOCATION, req.relocation or Decimal("0")),
        (CostCategory.EQUIPMENT, req.equipment or Decimal("0")),
    ]


def first_year_cost(req: Requisition) -> tuple[Decimal | None, Decimal | None]:
    """(min, max) fully loaded first-year cost of one opening, or (None, None) while unknown.

    Salaried: base × (1 + bonus % + benefits %) + one-time costs. Contract: max bill rate ×
    first-year hours + one-time costs (a single figure: the bill rate is a ceiling).
    """
    one_time = req.one_time_costs
    if req.is_contract:
        if req.max_bill_rate is None or not req.contract_hours:
            return None, None
        cost = rounded(req.max_bill_rate * req.contract_hours + one_time)
        return cost, cost
    if req.base_min is None or req.base_max is None:
        return None, None
    load = 1 + Decimal(req.bonus_pct or 0) / 100 + Decimal(req.benefits_load_pct or 0) / 100
    return rounded(req.base_min * load + one_time), rounded(req.base_max * load + one_time)


def recurring_costs(req: Requisition) -> list[tuple[str, Decimal]]:
    """(category, amount per opening for the first year) of the costs paid month by month, at the top
    of the range, rounded to the cent so that with the one-time costs they add up to `cost_max`."""
    if req.is_contract:
        parts = [(CostCategory.CONTRACTOR_LABOUR, rounded(req.max_bill_rate * req.contract_hours))]
    else:
        base = req.base_max
        parts = [
            (CostCategory.BASE_SALARY, rounded(base)),
            (CostCategory.BONUS, rounded(base * Decimal(req.bonus_pct or 0) / 100)),
            (CostCategory.BENEFITS, rounded(base * Decimal(req.benefits_load_pct or 0) / 100)),
        ]
    # cost_max was rounded once over the whole sum: the cent it may differ by goes to the first part.
    difference = req.cost_max - sum(amount for _, amount in parts) - sum(a for _, a in one_time_costs(req))
    category, amount = parts[0]
    return [(category, amount + difference), *parts[1:]]


def forecast_lines(req: Requisition) -> list[Line]:
    """The first-year cost of every opening still to fill, at the top of the range: pay spread over the
    first twelve months, one-time costs in the start month. The lines add up exactly to cost_max × the
    openings left (a hire's cost is committed by its accepted offer instead)."""
    left = req.openings_left
    if req.cost_max is None or not left:
        return []
    recurring = [Line(cat, req.money(amount) * left, MONTHS_IN_FIRST_YEAR) for cat, amount in recurring_costs(req)]
    one_time = [Line(cat, req.money(amount) * left) for cat, amount in one_time_costs(req)]
    return [line for line in recurring + one_time if line.money.amount]
