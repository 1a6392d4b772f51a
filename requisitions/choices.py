"""Requisition statuses and their transitions, employment types, actions, audit codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The approval policy and the decision kinds requisitions register (requisitions/spine.py).
POLICY = "requisition"
APPROVAL_KIND = "requisition_approval"
REVISION_KIND = "requisition_revision"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    SENT_BACK = "sent_back", _("Sent back for changes")
    APPROVED = "approved", _("Approved")
    OPEN = "open", _("Open")
    ON_HOLD = "on_hold", _("On hold")
    FILLED = "filled", _("Filled")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


# The only moves a requisition can make. Services refuse anything else.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.PENDING_APPROVAL, Status.CANCELLED},
    Status.SENT_BACK: {Status.DRAFT, Status.PENDING_APPROVAL, Status.CANCELLED},
    Status.PENDING_APPROVAL: {Status.APPROVED, Status.REJECTED, Status.SENT_BACK, Status.CANCELLED},
    Status.APPROVED: {Status.OPEN, Status.CANCELLED},
    Status.OPEN: {Status.ON_HOLD, Status.FILLED, Status.CANCELLED},
    Status.ON_HOLD: {Status.OPEN, Status.CANCELLED},
    # Filled → open only when a hire falls through before the start (services.release_hire); no page offers
    # it (permissions.actions_from).
    Status.FILLED: {Status.OPEN},
    Status.CANCELLED: set(),
    Status.REJECTED: set(),
}

EDITABLE = {Status.DRAFT, Status.SENT_BACK}
# Submitted and not closed: what "similar requisitions already live" counts (drafts are only ideas).
LIVE = {Status.PENDING_APPROVAL, Status.SENT_BACK, Status.APPROVED, Status.OPEN, Status.ON_HOLD}
# Requisitions whose first-year cost stands in the ledger as a forecast.
FORECAST = {Status.APPROVED, Status.OPEN}
# Requisitions that hold a place in their hiring plan (headcount and budget).
COUNTS_AGAINST_PLAN = {Status.PENDING_APPROVAL, Status.APPROVED, Status.OPEN, Status.ON_HOLD, Status.FILLED}
CLOSED = {Status.FILLED, Status.CANCELLED, Status.REJECTED}


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    TEMPORARY = "temporary", _("Temporary")
    CONTRACT = "contract", _("Contract")
    CONTRACT_TO_HIRE = "contract_to_hire", _("Contract-to-hire")
    INTERN = "intern", _("Intern")


# Roles billed by the hour through a vendor: a maximum bill rate instead of a salary band.
CONTRACT_TYPES = {EmploymentType.CONTRACT, EmploymentType.CONTRACT_TO_HIRE}


class Action(models.TextChoices):
    """What a person may do to a requisition; also the audit codes' verbs."""

    SUBMIT = "submit", _("Submit for approval")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    SEND_BACK = "send_back", _("Send back")
    OPEN = "open", _("Open for sourcing")
    HOLD = "hold", _("Put on hold")
    RESUME = "resume", _("Resume")
    FILL = "fill", _("Mark filled")
    CANCEL = "cancel", _("Cancel")


# The status each action moves a requisition to, in the order the page offers them. The transition table
# says from where: an action is offered only where TRANSITIONS allows its move. Opening and resuming make
# the same move, to Open: out of On hold it is resuming, from anywhere else opening.
ACTION_MOVES: dict[str, str] = {
    Action.SUBMIT: Status.PENDING_APPROVAL,
    Action.APPROVE: Status.APPROVED,
    Action.SEND_BACK: Status.SENT_BACK,
    Action.REJECT: Status.REJECTED,
    Action.OPEN: Status.OPEN,
    Action.HOLD: Status.ON_HOLD,
    Action.RESUME: Status.OPEN,
    Action.FILL: Status.FILLED,
    Action.CANCEL: Status.CANCELLED,
}
# The approval chain's own actions (whoever holds an open step takes them); the people who run the
# requisition take the others.
CHAIN_ACTIONS = (Action.APPROVE, Action.SEND_BACK, Action.REJECT)


# Audit action codes, used as simple-history's change reason.
CREATED = "requisitions.requisition.created"
EDITED = "requisitions.requisition.edited"
SUBMITTED = "requisitions.requisition.submitted"
APPROVED = "requisitions.requisition.approved"
STEP_APPROVED = "requisitions.requisition.step_approved"
REJECTED = "requisitions.requisition.rejected"
SENT_BACK = "requisitions.requisition.sent_back"
OPENED = "requisitions.requisition.opened"
HELD = "requisitions.requisition.held"
RESUMED = "requisitions.requisition.resumed"
FILLED = "requisitions.requisition.filled"
HIRED = "requisitions.requisition.hired"
HIRE_RELEASED = "requisitions.requisition.hire_released"
CANCELLED = "requisitions.requisition.cancelled"
