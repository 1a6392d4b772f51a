"""Who sees and who works offers. The slice itself comes from offers.selectors.offers_for_user.

Recruiters draft and move the offers of the requisitions they run; finance, HR and admins see every
offer; hiring managers see their requisitions' offers; whoever is asked to approve one sees it;
interviewers never see offers.
"""

from offers.choices import CLOSED, LIVE, Action, OfferStatus
from portal.choices import Role
from portal.models import User
from portal.services.approvals import can_decide
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


def allowed_actions(user: User, offer, open_decisions, *, manages: bool) -> list[str]:
    """The actions to offer `user` on `offer`, in the order the page shows them. `manages`:
    can_manage_offer, computed once by the caller."""
    actions = []
    status = offer.status
    if manages and status == OfferStatus.DRAFT:
        actions.append(Action.SUBMIT)
    if can_approve_offer(user, offer, open_decisions):
        actions += [Action.APPROVE, Action.SEND_BACK, Action.REJECT]
    if manages and status == OfferStatus.APPROVED:
        actions.append(Action.EXTEND)
    if manages and status == OfferStatus.EXTENDED:
        actions += [Action.ACCEPT, Action.DECLINE, Action.RESCIND]
    if manages and status in LIVE and status != OfferStatus.EXTENDED:
        actions.append(Action.WITHDRAW)
    return actions


def can_revise_offer(user: User, offer, *, manages: bool) -> bool:
    return manages and offer.status not in CLOSED
