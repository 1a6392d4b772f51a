"""What offers contribute to the core: the approval policy and decision kinds, navigation and role
permissions. Called from OffersConfig.ready()."""

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
    registry.register_nav(registry.NavEntry("offers", _("Offers"), "offers:list", order=17, visible=can_see_offers))
    registry.register_saved_view_page("offers:list", OfferFilter, allowed=can_see_offers)
