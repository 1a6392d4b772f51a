"""Agency placements: an accepted offer that came through an agency records its fee, forecast in the ledger."""

from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from portal import clock
from portal.choices import CostCategory, CostKind
from portal.models import User
from portal.services import ledger
from portal.services.records import save_with_history
from vendors import choices
from vendors.models import (
    Placement,
)


def record_placement(*, offer, version, by: User | None) -> Placement | None:
    """An accepted offer whose application came through an agency: record the placement with the fee
    its terms give, and forecast the fee in the ledger in the start month. None when no agency placed
    the hire. Called inside the acceptance's transaction (offer_accepted)."""
    from offers.costs import annual_base

    source = offer.application.source
    vendor = getattr(source, "vendor", None) if source is not None else None
    if vendor is None or not vendor.places_hires or vendor.fee_pct is None:
        return None
    if Placement.objects.filter(offer=offer).exists():
        return None
    base = annual_base(version)
    fee = Decimal(base.amount) * vendor.fee_pct / 100
    placement = Placement(
        vendor=vendor,
        offer=offer,
        requisition=offer.requisition,
        currency=version.currency,
        base=base.amount,
        fee_pct=vendor.fee_pct,
        fee=Decimal(fee).quantize(Decimal("0.01")),
        start_date=version.start_date,
        guarantee_until=version.start_date + timedelta(days=vendor.guarantee_days) if vendor.guarantee_days else None,
        created_at=clock.now(),
    )
    save_with_history(placement, by=by, reason=choices.PLACEMENT_RECORDED)
    req = offer.requisition
    if req.cost_center_id:
        ledger.record_cost(
            category=CostCategory.AGENCY_FEE,
            kind=CostKind.FORECAST,
            money=placement.fee_money,
            month=placement.start_date,
            cost_center=req.cost_center,
            by=by,
            need=req,
            source=placement,
            memo=_("%(vendor)s fee for %(who)s (%(pct)s%% of %(base)s)")
            % {
                "vendor": vendor,
                "who": offer.application.candidate,
                "pct": f"{vendor.fee_pct.normalize():f}",
                "base": f"{base.amount:,.2f}",
            },
        )
    return placement
