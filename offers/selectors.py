"""Reads of offers: each user's slice, the list, an offer's versions and what its page shows."""

from django.db.models import Prefetch, Q, QuerySet

from offers.choices import APPROVAL_KIND, LIVE
from offers.models import Offer, OfferAllowance, OfferVersion
from offers.permissions import can_see_offers, sees_all_offers
from portal.models import User
from portal.selectors import subjects_asked_of
from requisitions.selectors import granted_to


def offers_for_user(user: User) -> QuerySet[Offer]:
    """Every offer `user` may see: all for finance, HR and admins; those of the requisitions they run
    (or that were shared with them) for recruiters and hiring managers; and those they are asked to
    approve, or approved. None for interviewers."""
    if not user.is_authenticated or not can_see_offers(user):
        return Offer.objects.none()
    if sees_all_offers(user):
        return Offer.objects.all()
    approving = subjects_asked_of(user, kind=APPROVAL_KIND, model=OfferVersion)
    return Offer.objects.filter(granted_to(user, field="requisition_id") | Q(versions__in=approving)).distinct()


def offer_list(user: User) -> QuerySet[Offer]:
    return (
        offers_for_user(user)
        .select_related(
            "application__candidate",
            "requisition__department",
            "requisition__recruiter",
            "current_version",
        )
        .order_by("-created_at", "-id")
    )


def versions(offer: Offer) -> list[OfferVersion]:
    """Every version of the offer, newest first, with its allowances and who made it."""
    return list(
        offer.versions.select_related("created_by", "level", "location")
        .prefetch_related(Prefetch("allowances", queryset=OfferAllowance.objects.order_by("kind")))
        .order_by("-number")
    )


def live_offer(application) -> Offer | None:
    return Offer.objects.filter(application=application, status__in=LIVE).first()
