"""Is the offer viable? Four checks, each pass / warn / fail with its numbers, shown on the offer and
to its approvers, and read by the approval policy's facts. Reads only."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from statistics import median

from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext as _

from offers.choices import CheckStatus, OfferStatus
from offers.costs import annual_base, breakdown, first_year_cost
from offers.models import OfferVersion
from portal import clock
from requisitions.choices import Status as RequisitionStatus
from requisitions.selectors import band_for


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    status: str
    summary: str
    values: dict = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return CheckStatus(self.status).label


def _n(value, places=0) -> str:
    return f"{Decimal(value):,.{places}f}"


def band_check(version: OfferVersion) -> Check:
    req = version.offer.requisition
    label = _("Compensation band")
    if version.is_contract:
        ceiling = req.max_bill_rate
        if version.bill_rate is None or ceiling is None:
            return Check("band", label, CheckStatus.WARN, _("No bill rate or requisition maximum to compare."))
        values = {"bill_rate": version.bill_rate, "max_bill_rate": ceiling}
        if version.bill_rate > ceiling:
            text = _("Bill rate %(rate)s/h is above the requisition's maximum %(max)s/h.")
            return Check(
                "band",
                label,
                CheckStatus.FAIL,
                text % {"rate": _n(version.bill_rate, 2), "max": _n(ceiling, 2)},
                values,
            )
        text = _("Bill rate %(rate)s/h within the requisition's maximum %(max)s/h.")
        return Check(
            "band", label, CheckStatus.PASS, text % {"rate": _n(version.bill_rate, 2), "max": _n(ceiling, 2)}, values
        )
    band = band_for(
        role_family_id=req.role_family_id,
        level_id=version.level_id,
        location_id=version.location_id,
        on=version.start_date,
        currency=version.currency,
    )
    base = annual_base(version).amount
    if band is None:
        return Check("band", label, CheckStatus.WARN, _("No band on file for this role family, level and location."))
    compa = (base * 100 / band.midpoint).quantize(Decimal("0.1")) if band.midpoint else None
    values = {"base": base, "minimum": band.minimum, "midpoint": band.midpoint, "maximum": band.maximum, "compa": compa}
    numbers = {
        "base": _n(base),
        "min": _n(band.minimum),
        "max": _n(band.maximum),
        "compa": compa,
        "currency": band.currency,
    }
    if base > band.maximum:
        text = _(
            "Base %(base)s is above the band maximum %(max)s (band %(min)s–%(max)s %(currency)s); "
            "compa-ratio %(compa)s %%."
        )
        return Check("band", label, CheckStatus.FAIL, text % numbers, {**values, "above": True})
    if base < band.minimum:
        text = _(
            "Base %(base)s is below the band minimum %(min)s (band %(min)s–%(max)s %(currency)s); "
            "compa-ratio %(compa)s %%."
        )
        return Check("band", label, CheckStatus.WARN, text % numbers, {**values, "below": True})
    text = _("Base %(base)s within the band %(min)s–%(max)s %(currency)s; compa-ratio %(compa)s %%.")
    return Check("band", label, CheckStatus.PASS, text % numbers, values)


def budget_check(version: OfferVersion, cost=None) -> Check:
    req = version.offer.requisition
    label = _("Budget")
    cost = cost if cost is not None else first_year_cost(breakdown(version), version.currency)
    if req.cost_max is None:
        return Check("budget", label, CheckStatus.WARN, _("The requisition has no approved cost range."))
    if req.currency != version.currency:
        text = _("The requisition's cost range is in %(req)s, the offer in %(offer)s: compare them by hand.")
        return Check("budget", label, CheckStatus.WARN, text % {"req": req.currency, "offer": version.currency})
    values = {"cost": cost.amount, "cost_min": req.cost_min, "cost_max": req.cost_max}
    numbers = {"cost": _n(cost.amount), "min": _n(req.cost_min), "max": _n(req.cost_max), "currency": req.currency}
    if cost.amount > req.cost_max:
        numbers["over"] = _n(cost.amount - req.cost_max)
        text = _("First-year cost %(cost)s is %(over)s over the approved range %(min)s–%(max)s %(currency)s.")
        return Check("budget", label, CheckStatus.FAIL, text % numbers, {**values, "over": True})
    text = _("First-year cost %(cost)s within the approved range %(min)s–%(max)s %(currency)s.")
    return Check("budget", label, CheckStatus.PASS, text % numbers, values)


def peer_bases(version: OfferVersion) -> list[Decimal]:
    """Annual bases of the offers accepted in the last 12 months for the same role family and level (and
    currency), as accepted."""
    req = version.offer.requisition
    since = clock.now() - timedelta(days=365)
    peers = (
        OfferVersion.objects.filter(
            pk=F("offer__current_version"),
            offer__status=OfferStatus.ACCEPTED,
            offer__responded_at__gte=since,
            offer__requisition__role_family_id=req.role_family_id,
            level_id=version.level_id,
            currency=version.currency,
        )
        .exclude(offer_id=version.offer_id)
        .only("pay_basis", "base_amount", "hours_per_week", "currency")
    )
    return [annual_base(peer).amount for peer in peers]


def equity_check(version: OfferVersion) -> Check:
    label = _("Internal equity")
    if version.is_contract:
        return Check("equity", label, CheckStatus.PASS, _("Contract offer: not compared with salaried hires."))
    peers = peer_bases(version)
    if not peers:
        text = _("No accepted offer for this role family and level in the last 12 months to compare with.")
        return Check("equity", label, CheckStatus.PASS, text, {"peers": 0})
    base = annual_base(version).amount
    middle = Decimal(median(peers))
    below = sum(1 for p in peers if p < base) + Decimal(sum(1 for p in peers if p == base)) / 2
    percentile = (below * 100 / len(peers)).quantize(Decimal("1"))
    gap = ((base - middle) * 100 / middle).quantize(Decimal("0.1")) if middle else Decimal("0")
    tolerance = Decimal(settings.OFFER_EQUITY_TOLERANCE_PCT)
    values = {"peers": len(peers), "median": middle, "percentile": percentile, "gap": gap}
    numbers = {
        "base": _n(base),
        "median": _n(middle),
        "n": len(peers),
        "pct": percentile,
        "gap": f"{gap:+}",
        "tol": f"{tolerance:g}",
    }
    text = _(
        "Base %(base)s is %(gap)s %% from the median %(median)s of %(n)d accepted offers (percentile %(pct)s; "
        "tolerance ± %(tol)s %%)."
    )
    status = CheckStatus.WARN if abs(gap) > tolerance else CheckStatus.PASS
    return Check("equity", label, status, text % numbers, {**values, "warns": status == CheckStatus.WARN})


def headcount_check(version: OfferVersion) -> Check:
    offer, req = version.offer, version.offer.requisition
    label = _("Headcount")
    numbers = {"left": req.openings_left, "n": req.openings, "ref": req.reference}
    if offer.status == OfferStatus.ACCEPTED:
        text = _("This offer took one of the %(n)d openings of %(ref)s.")
        return Check("headcount", label, CheckStatus.PASS, text % numbers)
    if req.status != RequisitionStatus.OPEN:
        text = _("%(ref)s is %(status)s: no offer can be accepted on it.")
        return Check(
            "headcount", label, CheckStatus.FAIL, text % {**numbers, "status": req.get_status_display().lower()}
        )
    if not req.openings_left:
        text = _("%(ref)s has no opening left (%(n)d filled).")
        return Check("headcount", label, CheckStatus.FAIL, text % numbers)
    text = _("%(left)d of %(n)d openings of %(ref)s still open.")
    return Check("headcount", label, CheckStatus.PASS, text % numbers)


def assess(version: OfferVersion, cost=None) -> list[Check]:
    return [band_check(version), budget_check(version, cost), equity_check(version), headcount_check(version)]
