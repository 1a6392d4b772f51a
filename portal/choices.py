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


# The core's own decision kind; every module registers its kinds in portal.registry.
REQUEST = "request"


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
    REPLACEMENT = "replacement", _("Replacement claimed")
    REFUND = "refund", _("Refund claimed")


# Outcomes that need a written reason.
OUTCOMES_NEEDING_NOTE = {Outcome.REJECTED, Outcome.SENT_BACK, Outcome.DECLINED, Outcome.BLOCKED}


class ChainStatus(models.TextChoices):
    OPEN = "open", _("In approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SENT_BACK = "sent_back", _("Sent back")
    CANCELLED = "cancelled", _("Cancelled")


class CostKind(models.TextChoices):
    """Where money stands: expected (forecast), promised (committed: a signed agreement to pay) or
    spent (actual: payroll, an approved invoice)."""

    FORECAST = "forecast", _("Forecast")
    COMMITTED = "committed", _("Committed")
    ACTUAL = "actual", _("Actual")


class CostCategory(models.TextChoices):
    BASE_SALARY = "base_salary", _("Base salary")
    BONUS = "bonus", _("Bonus")
    BENEFITS = "benefits", _("Benefits")
    SIGNING_BONUS = "signing_bonus", _("Signing bonus")
    RELOCATION = "relocation", _("Relocation")
    AGENCY_FEE = "agency_fee", _("Agency fee")
    CONTRACTOR_LABOUR = "contractor_labour", _("Contractor labour")
    EQUIPMENT = "equipment", _("Equipment")
    BACKGROUND_CHECK = "background_check", _("Background check")
    OTHER = "other", _("Other")


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
DECISION_RESCHEDULED = "portal.decision.rescheduled"
ORG_RECORD_SAVED = "portal.{model}.saved"
RULE_SAVED = "portal.approvalrule.saved"
COST_RECORDED = "portal.costevent.recorded"
COST_REVERSED = "portal.costevent.reversed"
USER_ROLES_CHANGED = "portal.user.roles_changed"
USER_CREATED = "portal.user.created"
USER_CHANGED = "portal.user.changed"
