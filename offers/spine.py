"""What offers contribute to the core: the approval policy and decision kinds, navigation, role
permissions, and the offers panels: of each application on its candidate's page, and of the requisition
page. Called from OffersConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.choices import Outcome, Role
from portal.services.approvals import approval_kind

ROLE_PERMISSIONS = {
    Role.RECRUITER: {"offers.offer": ("add", "view")},
    Role.HIRING_MANAGER: {"offers.offer": ("view",)},
    Role.FINANCE: {"offers.offer": ("view",)},
    Role.HR: {"offers.offer": ("view",)},
    Role.ADMIN: {"offers.offer": ("add", "view"), "offers.offerlettertemplate": ("add", "change", "view")},
}


def response_hold_rule(decision) -> registry.HoldRule:
    """Waiting for a candidate's answer is the recruiters' work."""
    return registry.HoldRule(roles=frozenset({Role.RECRUITER, Role.ADMIN}))


def application_offers_panel(user, application):
    """The offers of an application on its candidate's page, and whether the user may make one there
    (offers.permissions.can_make_offer, the rule the new-offer page and create_offer apply)."""
    from offers.permissions import can_make_offer, can_see_offers

    if not can_see_offers(user):
        return None
    offers = list(application.offers.all())  # prefetched with the page's applications
    return {"application": application, "offers": offers, "can_make_offer": can_make_offer(user, application)}


def requisition_offers_panel(user, requisition):
    """The requisition page's offers: those on it the user may see (as on the Offers list), newest first."""
    from offers.selectors import offers_for_user

    offers = list(
        offers_for_user(user)
        .filter(requisition=requisition)
        .select_related("application__candidate")
        .order_by("-created_at", "-id")[:11]
    )
    return {"offers": offers[:10], "more": len(offers) > 10} if offers else None


def register() -> None:
    from offers.choices import RESPONSE_KIND
    from offers.filters import OfferFilter
    from offers.permissions import can_see_offers
    from offers.policy import OFFER_POLICY

    registry.register_policy(OFFER_POLICY)
    registry.register_kind(approval_kind(OFFER_POLICY, label=_("Offer approval")))
    registry.register_kind(
        registry.DecisionKind(
            key=RESPONSE_KIND,
            label=_("Offer response"),
            outcomes=(Outcome.ACCEPTED, Outcome.DECLINED),
            hold_rule=response_hold_rule,
            action_label="Record answer",
        )
    )
    registry.register_role_permissions("offers", ROLE_PERMISSIONS)
    registry.register_workflow_owned("offers.Offer", "offers.OfferVersion", "offers.OfferAllowance")
    registry.register_reference_data("offers.OfferLetterTemplate")
    registry.register_nav(registry.NavEntry("offers", _("Offers"), "offers:list", order=17, visible=can_see_offers))
    registry.register_detail_panel(
        registry.DetailPanel(
            "offers",
            "candidates.Application",
            "offers/_application_offers.html",
            application_offers_panel,
        )
    )
    registry.register_detail_panel(
        registry.DetailPanel(
            "offers",
            "requisitions.Requisition",
            "offers/_requisition_offers.html",
            requisition_offers_panel,
            order=20,
            visible=lambda user, requisition: can_see_offers(user),
        )
    )
    registry.register_saved_view_page("offers:list", OfferFilter, allowed=can_see_offers)
