"""Agency placements: an accepted offer that came through an agency records its fee, forecast in the ledger."""

from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from portal import clock
from portal.choices import CostCategory, CostKind, Role
from portal.models import User
from portal.services import ledger
from portal.services.decisions import raise_decision
from portal.services.records import save_with_history
from vendors import choices
from vendors.choices import GUARANTEE_KIND, PlacementStatus
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


def placement_fell_through(*, offer, on, by: User | None, what: str) -> Placement | None:
    """The hire an agency placed did not start (a no-show, a withdrawal) on `on`. Within the placement's
    guarantee, the placement is marked as left in the guarantee period and finance gets a decision: claim
    the replacement or the refund the agency's terms give. None when no agency placed the hire, or the
    guarantee has passed. Called inside the caller's transaction."""
    placement = Placement.objects.select_for_update().filter(offer=offer).select_related("vendor").first()
    if placement is None or placement.status != PlacementStatus.ACTIVE:
        return None
    if placement.guarantee_until is None or on > placement.guarantee_until:
        return None
    placement.status = PlacementStatus.REPLACED
    save_with_history(placement, by=by, reason=choices.PLACEMENT_FELL_THROUGH)
    raise_decision(
        kind=GUARANTEE_KIND,
        title=_("Claim the replacement or a refund from %(vendor)s: %(what)s")
        % {"vendor": placement.vendor, "what": what},
        detail=_("%(ref)s: fee %(fee)s, guarantee until %(until)s. %(what)s.")
        % {
            "ref": placement.reference,
            "fee": f"{placement.fee_money}",
            "until": placement.guarantee_until.isoformat(),
            "what": what,
        },
        owner_role=Role.FINANCE,
        sla_business_days=5,
        subject=placement,
        by=None,
        key=f"placement:{placement.pk}:guarantee",
    )
    return placement
