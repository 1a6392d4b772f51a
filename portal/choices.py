"""Statuses, kinds and audit action codes of the core app. No model imports here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The portal's roles. Each is a Django group; a person may hold several."""

    RECRUITER = "recruiter", _("Recruiter")
    HIRING_MANAGER = "hiring_manager", _("Hiring manager")
    INTERVIEWER = "interviewer", _("Interviewer")
    FINANCE = "finance", _("Finance")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Admin")


class DecisionKind(models.TextChoices):
    """What a decision is about. Each workflow raises its own kinds; see docs/architecture.md."""

    REQUEST = "request", _("Request")
    REQUISITION_APPROVAL = "requisition_approval", _("Requisition approval")
    SCORECARD_DUE = "scorecard_due", _("Scorecard due")
    DEBRIEF = "debrief", _("Debrief")
    OFFER_APPROVAL = "offer_approval", _("Offer approval")
    OFFER_RESPONSE = "offer_response", _("Offer response")
    PREBOARDING_ITEM = "preboarding_item", _("Pre-boarding item")
    CONTRACT_RENEWAL = "contract_renewal", _("Contract renewal")


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SENT_BACK = "sent_back", _("Sent back")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")
    ADVANCED = "advanced", _("Advanced")
    HELD = "held", _("On hold")
    ACCEPTED = "accepted", _("Accepted")
    RENEWED = "renewed", _("Renewed")
    ENDED = "ended", _("Ended")
    BLOCKED = "blocked", _("Blocked")


# The outcomes a person may choose on the decision page itself, by kind. Kinds missing here
# are resolved on their subject's page (a requisition's approve button, a scorecard form...).
OUTCOMES_ON_DECISION_PAGE = {
    DecisionKind.REQUEST: [Outcome.DONE, Outcome.DECLINED],
}

# Outcomes that need a written reason.
OUTCOMES_NEEDING_NOTE = {Outcome.REJECTED, Outcome.SENT_BACK, Outcome.DECLINED, Outcome.BLOCKED}


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalation")


class Province(models.TextChoices):
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


class Currency(models.TextChoices):
    CAD = "CAD", _("Canadian dollar")
    USD = "USD", _("US dollar")


class AccessAction(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REVOKED = "revoked", _("Revoked")


# Audit action codes, used as simple-history's change reason.
DECISION_RAISED = "portal.decision.raised"
DECISION_RESOLVED = "portal.decision.resolved"
DECISION_REASSIGNED = "portal.decision.reassigned"
DECISION_CANCELLED = "portal.decision.cancelled"
ORG_RECORD_SAVED = "portal.{model}.saved"
USER_ROLES_CHANGED = "portal.user.roles_changed"
USER_CREATED = "portal.user.created"
