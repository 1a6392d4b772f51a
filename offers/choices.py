"""Offer statuses and their transitions, version statuses, pay and bonus kinds, actions, audit codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The approval policy and the decision kinds offers register (offers/spine.py).
POLICY = "offer"
APPROVAL_KIND = "offer_approval"
RESPONSE_KIND = "offer_response"


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved")
    EXTENDED = "extended", _("Extended")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    RESCINDED = "rescinded", _("Rescinded")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The only moves an offer can make. Revising terms (a new version) returns a live offer to draft.
TRANSITIONS: dict[str, set[str]] = {
    OfferStatus.DRAFT: {OfferStatus.PENDING_APPROVAL, OfferStatus.WITHDRAWN},
    OfferStatus.PENDING_APPROVAL: {OfferStatus.APPROVED, OfferStatus.DRAFT, OfferStatus.WITHDRAWN},
    OfferStatus.APPROVED: {OfferStatus.EXTENDED, OfferStatus.DRAFT, OfferStatus.WITHDRAWN},
    OfferStatus.EXTENDED: {
        OfferStatus.ACCEPTED,
        OfferStatus.DECLINED,
        OfferStatus.RESCINDED,
        OfferStatus.EXPIRED,
        OfferStatus.DRAFT,
    },
    OfferStatus.ACCEPTED: set(),
    OfferStatus.DECLINED: set(),
    OfferStatus.RESCINDED: set(),
    OfferStatus.EXPIRED: set(),
    OfferStatus.WITHDRAWN: set(),
}

# An application has at most one live offer.
LIVE = [OfferStatus.DRAFT, OfferStatus.PENDING_APPROVAL, OfferStatus.APPROVED, OfferStatus.EXTENDED]
# Offers that reached the candidate: only ever as their approved current version (a database check).
SENT = [OfferStatus.EXTENDED, OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED, OfferStatus.RESCINDED]
# Terms can be revised (a new version) while the offer is live.
REVISABLE = set(LIVE)
CLOSED = {OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.RESCINDED, OfferStatus.EXPIRED, OfferStatus.WITHDRAWN}


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")
    VOIDED = "voided", _("Approvals voided")


class PayBasis(models.TextChoices):
    ANNUAL = "annual", _("Per year")
    HOURLY = "hourly", _("Per hour")


class BonusKind(models.TextChoices):
    NONE = "none", _("No bonus")
    PERCENT = "percent", _("% of base")
    AMOUNT = "amount", _("Amount")


class AllowanceKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    TRANSIT = "transit", _("Transit")
    HOME_OFFICE = "home_office", _("Home office")
    CAR = "car", _("Car")
    WELLNESS = "wellness", _("Wellness")
    OTHER = "other", _("Other")


class CheckStatus(models.TextChoices):
    PASS = "pass", _("Pass")
    WARN = "warn", _("Warn")
    FAIL = "fail", _("Fail")


class Action(models.TextChoices):
    """What a person may do to an offer; also the audit codes' verbs."""

    SUBMIT = "submit", _("Submit for approval")
    APPROVE = "approve", _("Approve")
    SEND_BACK = "send_back", _("Send back")
    REJECT = "reject", _("Reject")
    EXTEND = "extend", _("Mark extended")
    ACCEPT = "accept", _("Record acceptance")
    DECLINE = "decline", _("Record decline")
    RESCIND = "rescind", _("Rescind")
    WITHDRAW = "withdraw", _("Withdraw")


# The status each action moves an offer to, in the order the page offers them. The transition table says
# from where: an action is offered only where TRANSITIONS allows its move.
ACTION_MOVES: dict[str, str] = {
    Action.SUBMIT: OfferStatus.PENDING_APPROVAL,
    Action.APPROVE: OfferStatus.APPROVED,
    Action.SEND_BACK: OfferStatus.DRAFT,
    Action.REJECT: OfferStatus.DRAFT,
    Action.EXTEND: OfferStatus.EXTENDED,
    Action.ACCEPT: OfferStatus.ACCEPTED,
    Action.DECLINE: OfferStatus.DECLINED,
    Action.RESCIND: OfferStatus.RESCINDED,
    Action.WITHDRAW: OfferStatus.WITHDRAWN,
}
# The approval chain's own actions (whoever holds an open step of the current version takes them); the
# people who run the offer take the others.
CHAIN_ACTIONS = (Action.APPROVE, Action.SEND_BACK, Action.REJECT)


# Audit action codes, used as simple-history's change reason.
CREATED = "offers.offer.created"
REVISED = "offers.offer.revised"
SUBMITTED = "offers.offer.submitted"
STEP_APPROVED = "offers.offer.step_approved"
APPROVED = "offers.offer.approved"
SENT_BACK = "offers.offer.sent_back"
REJECTED = "offers.offer.rejected"
EXTENDED = "offers.offer.extended"
ACCEPTED = "offers.offer.accepted"
DECLINED = "offers.offer.declined"
RESCINDED = "offers.offer.rescinded"
EXPIRED = "offers.offer.expired"
WITHDRAWN = "offers.offer.withdrawn"
LETTER_SAVED = "offers.letter.saved"
