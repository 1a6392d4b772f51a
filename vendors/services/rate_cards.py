"""Rate cards: what a vendor bills for a role family, level and location over a validity period."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import User
from portal.services.records import save_with_history
from vendors import choices
from vendors.choices import (
    SUPPLIES_CONTRACTORS,
    VendorStatus,
)
from vendors.models import (
    EngagementTerm,
    RateCard,
    Vendor,
)
from vendors.permissions import (
    can_manage_vendors,
)
from vendors.services.base import VendorError, clean


def bill_rate_from(pay_rate: Decimal, markup_pct: Decimal) -> Decimal:
    return (Decimal(pay_rate) * (1 + Decimal(markup_pct) / 100)).quantize(Decimal("0.01"))


def save_rate_card(*, card: RateCard, by: User) -> RateCard:
    """Add or edit a rate card. The bill rate is pay × (1 + markup) unless one was given. Refused when
    its dates overlap another card of the same vendor, role family, level and location."""
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep rate cards."))
    if card.pay_rate is not None and card.markup_pct is not None and card.bill_rate is None:
        card.bill_rate = bill_rate_from(card.pay_rate, card.markup_pct)
    clean(card)
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=card.vendor_id)  # one writer of a vendor's cards at a time
        if vendor.status == VendorStatus.TERMINATED:
            raise VendorError(_("%(vendor)s is terminated: it takes no rate cards.") % {"vendor": vendor})
        if vendor.kind not in SUPPLIES_CONTRACTORS:
            raise VendorError(_("%(vendor)s does not supply contractors: it has no rate cards.") % {"vendor": vendor})
        clash = RateCard.objects.overlapping(card).first()
        if clash is not None:
            raise VendorError(
                _("These dates overlap the card valid %(start)s to %(end)s for the same role, level and place.")
                % {"start": clash.valid_from.isoformat(), "end": clash.valid_to.isoformat()}
            )
        if card.pk:
            used = EngagementTerm.objects.filter(rate_card=card).exclude(
                starts_on__gte=card.valid_from, starts_on__lte=card.valid_to
            )
            if used.exists():
                raise VendorError(_("Engagement terms started under this card outside these dates: keep them covered."))
        save_with_history(card, by=by, reason=choices.RATE_CARD_SAVED)
    return card
