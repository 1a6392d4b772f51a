"""Who sees and who works offers. The slice itself comes from offers.selectors.offers_for_user.

Recruiters draft and move the offers of the requisitions they run; finance, HR and admins see every
offer; hiring managers see their requisitions' offers; whoever is asked to approve one sees it;
interviewers never see offers.
"""

from django.utils.translation import gettext as _

from candidates.choices import ApplicationStatus
from offers.choices import ACTION_MOVES, CHAIN_ACTIONS, CLOSED, LIVE, TRANSITIONS, OfferStatus
from portal.choices import Role
from portal.models import User
from portal.services.approvals import can_decide
from portal.services.records import moves_allowed
from requisitions.choices import Status as RequisitionStatus
from requisitions.permissions import runs_requisition

VIEW = "offers.view_offer"
# Who sees every offer.
ALL_OFFERS_ROLES = (Role.FINANCE, Role.HR, Role.ADMIN)


def can_see_offers(user: User) -> bool:
    return user.is_active and user.has_perm(VIEW)


def sees_all_offers(user: User) -> bool:
    return can_see_offers(user) and (user.is_superuser or user.has_role(*ALL_OFFERS_ROLES))


def can_draft_offers(user: User) -> bool:
    """Recruiters and admins draft offers (on the requisitions they run, for a recruiter)."""
    return user.is_active and user.has_perm("offers.add_offer")


def can_manage_offer(user: User, requisition) -> bool:
    """Draft, revise, submit, extend, record the answer, rescind, withdraw: a recruiter running the
    requisition, or an admin."""
    return can_draft_offers(user) and (
        user.is_portal_admin or (user.has_role(Role.RECRUITER) and runs_requisition(user, requisition))
    )


def can_approve_offer(user: User, offer, open_decisions) -> bool:
    """The chain's own rule decides: the button shows exactly when approving would succeed."""
    return offer.status == OfferStatus.PENDING_APPROVAL and can_decide(user, open_decisions)


def offer_refusal(user: User, application) -> str:
    """Why `user` may not make an offer on `application` now ("" when they may): a recruiter running its
    requisition (or an admin), on an active application of an open requisition, with no live offer on it
    (revise that one instead). The one rule of the candidate page's link, the new-offer page and
    create_offer. Reads `application.offers`, prefetched by the candidate page."""
    req = application.requisition
    if not can_manage_offer(user, req):
        return _("Only a recruiter running %(ref)s may draft its offers.") % {"ref": req.reference}
    if application.status != ApplicationStatus.ACTIVE:
        return _("This application is closed: no offer can be made on it.")
    if req.status != RequisitionStatus.OPEN:
        return _("%(ref)s is %(status)s: offers are made on open requisitions.") % {
            "ref": req.reference,
            "status": req.get_status_display().lower(),
        }
    if any(offer.status in LIVE for offer in application.offers.all()):
        return _("This application already has a live offer: revise it instead.")
    return ""


def can_make_offer(user: User, application) -> bool:
    return not offer_refusal(user, application)


def allowed_actions(user: User, offer, open_decisions, *, manages: bool) -> list[str]:
    """The actions to offer `user` on `offer`, in the order the page shows them: those whose move the
    transition table allows from its status, the chain's to whoever may take an open step of the current
    version, the rest to the people who run it. `manages`: can_manage_offer, computed once by the caller."""
    approves = can_approve_offer(user, offer, open_decisions)
    actions = moves_allowed(offer.status, transitions=TRANSITIONS, moves=ACTION_MOVES)
    return [action for action in actions if (approves if action in CHAIN_ACTIONS else manages)]


def can_revise_offer(user: User, offer, *, manages: bool) -> bool:
    return manages and offer.status not in CLOSED
