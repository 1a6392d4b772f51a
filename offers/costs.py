"""What an offer costs: its annual base, its first-year cost line by line, and the lines an accepted
offer commits in the ledger. Reads only."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from offers.choices import BonusKind, PayBasis
from offers.models import OfferVersion
from portal.choices import CostCategory
from portal.money import Money
from portal.services.ledger import Line

WEEKS_IN_YEAR = 52
MONTHS_IN_YEAR = 12


@dataclass(frozen=True)
class CostLine:
    """One line of the first-year cost: its label, ledger category, amount, how many months it is paid
    over, and whether accepting the offer commits it (planned costs come from the requisition and are
    committed by the workflow that orders them)."""

    label: str
    category: str
    money: Money
    months: int = 1
    committed: bool = True


def annual_base(version: OfferVersion) -> Money:
    """The base pay over a year: as given, or the hourly rate × hours per week × 52."""
    if version.pay_basis == PayBasis.HOURLY:
        return version.money(version.base_amount * version.hours_per_week * WEEKS_IN_YEAR)
    return version.money(version.base_amount)


def contract_weeks(version: OfferVersion) -> int:
    return min(version.duration_weeks or WEEKS_IN_YEAR, WEEKS_IN_YEAR)


def bonus(version: OfferVersion) -> Money:
    if version.bonus_kind == BonusKind.PERCENT:
        return version.money(annual_base(version).amount * version.bonus_value / 100)
    if version.bonus_kind == BonusKind.AMOUNT:
        return version.money(version.bonus_value)
    return version.money(0)


def breakdown(version: OfferVersion, allowances=None) -> list[CostLine]:
    """Every line of the first year's cost, zero lines left out. `allowances` defaults to the version's."""
    req = version.offer.requisition
    allowances = list(version.allowances.all()) if allowances is None else allowances
    lines: list[CostLine] = []
    if version.is_contract:
        weeks = contract_weeks(version)
        rate = version.bill_rate or Decimal("0")
        months = max(1, round(weeks * MONTHS_IN_YEAR / WEEKS_IN_YEAR))
        label = _("Contractor labour: %(rate)s/h × %(hours)s h × %(weeks)d weeks") % {
            "rate": f"{rate:,.2f}",
            "hours": f"{version.hours_per_week:g}",
            "weeks": weeks,
        }
        amount = rate * version.hours_per_week * weeks
        lines.append(CostLine(str(label), CostCategory.CONTRACTOR_LABOUR, version.money(amount), months))
    else:
        base = annual_base(version)
        lines.append(CostLine(str(_("Base salary")), CostCategory.BASE_SALARY, base, MONTHS_IN_YEAR))
        lines.append(CostLine(str(_("Bonus target")), CostCategory.BONUS, bonus(version), MONTHS_IN_YEAR))
        load = Decimal(req.benefits_load_pct or 0)
        label = _("Benefits (%(pct)s %% of base, from the requisition)") % {"pct": f"{load:g}"}
        lines.append(
            CostLine(str(label), CostCategory.BENEFITS, version.money(base.amount * load / 100), MONTHS_IN_YEAR)
        )
    for allowance in allowances:
        label = _("Allowance: %(kind)s") % {"kind": allowance.get_kind_display()}
        lines.append(CostLine(str(label), CostCategory.OTHER, version.money(allowance.amount), MONTHS_IN_YEAR))
    lines.append(CostLine(str(_("Signing bonus")), CostCategory.SIGNING_BONUS, version.money(version.signing_bonus)))
    lines.append(CostLine(str(_("Relocation")), CostCategory.RELOCATION, version.money(version.relocation)))
    planned = _("(planned on the requisition; committed when ordered)")
    for label, category, amount in (
        (_("Agency fee"), CostCategory.AGENCY_FEE, req.agency_fee),
        (_("Equipment"), CostCategory.EQUIPMENT, req.equipment),
    ):
        if amount and req.currency == version.currency:
            lines.append(CostLine(f"{label} {planned}", category, version.money(amount), committed=False))
    return [line for line in lines if line.money.amount]


def first_year_cost(lines: list[CostLine], currency: str) -> Money:
    return sum((line.money for line in lines), Money.zero(currency))


def commitment_lines(version: OfferVersion) -> list[Line]:
    """What accepting `version` commits in the ledger: its pay by month from the start date, its
    one-time costs in the start month."""
    return [Line(line.category, line.money, line.months) for line in breakdown(version) if line.committed]
