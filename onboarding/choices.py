"""Pre-boarding's statuses, kinds, owner rules, roles, decision kinds and audit action codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.choices import CostCategory

# The roles pre-boarding adds (onboarding/spine.py registers them).
IT = "it"
FACILITIES = "facilities"

# The decision kind pre-boarding raises (one per task).
TASK_KIND = "preboarding_task"

# A hiring manager is told once, this many business days before a start that has anything open.
DIGEST_BUSINESS_DAYS = 5
# A start is at risk when a blocking task is still open this close to it (business days).
RISK_BUSINESS_DAYS = 5
# The start-date risk page looks this far ahead (calendar days).
RISK_HORIZON_DAYS = 60


class TaskKind(models.TextChoices):
    BACKGROUND_CHECK = "background_check", _("Background check")
    REFERENCE_CHECK = "reference_check", _("Reference check")
    WORK_ELIGIBILITY = "work_eligibility", _("Work eligibility")
    CONTRACT_SIGNATURE = "contract_signature", _("Contract signature")
    EQUIPMENT = "equipment", _("Equipment")
    ACCOUNTS = "accounts", _("Accounts and access")
    WORKSPACE = "workspace", _("Workspace")
    POLICIES = "policies", _("Policy acknowledgements")
    FIRST_DAY = "first_day", _("First-day plan")
    CUSTOM = "custom", _("Custom")


class OwnerRule(models.TextChoices):
    """Who owns a task of a case: a person the hire names, a role, or someone named on the template."""

    HIRING_MANAGER = "hiring_manager", _("The hiring manager")
    RECRUITER = "recruiter", _("The recruiter")
    HR = "hr", _("HR")
    IT = "it", _("IT")
    FACILITIES = "facilities", _("Facilities")
    PERSON = "person", _("A named person")


# Owner rules that give a task to everyone holding a role (anyone of them may take it).
ROLE_RULES = {OwnerRule.HR: "hr", OwnerRule.IT: IT, OwnerRule.FACILITIES: FACILITIES}


class Anchor(models.TextChoices):
    ACCEPTANCE = "acceptance", _("The acceptance")
    START = "start", _("The start date")


class TaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    WAIVED = "waived", _("Waived by HR")
    CANCELLED = "cancelled", _("Cancelled")


# Tasks still to be done; tasks that no longer stand in the way of the start.
OPEN_TASK = (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)
SETTLED_TASK = (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE, TaskStatus.WAIVED)
# Statuses that need a written reason.
TASK_STATUS_NEEDS_REASON = (TaskStatus.BLOCKED, TaskStatus.NOT_APPLICABLE, TaskStatus.WAIVED)

TASK_TRANSITIONS: dict[str, set[str]] = {
    TaskStatus.TODO: {
        TaskStatus.IN_PROGRESS,
        TaskStatus.BLOCKED,
        TaskStatus.DONE,
        TaskStatus.NOT_APPLICABLE,
        TaskStatus.WAIVED,
        TaskStatus.CANCELLED,
    },
    TaskStatus.IN_PROGRESS: {
        TaskStatus.TODO,
        TaskStatus.BLOCKED,
        TaskStatus.DONE,
        TaskStatus.NOT_APPLICABLE,
        TaskStatus.WAIVED,
        TaskStatus.CANCELLED,
    },
    TaskStatus.BLOCKED: {
        TaskStatus.TODO,
        TaskStatus.IN_PROGRESS,
        TaskStatus.DONE,
        TaskStatus.NOT_APPLICABLE,
        TaskStatus.WAIVED,
        TaskStatus.CANCELLED,
    },
    TaskStatus.DONE: set(),
    TaskStatus.NOT_APPLICABLE: set(),
    TaskStatus.WAIVED: set(),
    TaskStatus.CANCELLED: set(),
}
# What a task's owner may set it to from its page (waiving is HR's; cancelling is the case's).
OWNER_STATUSES = (
    TaskStatus.TODO,
    TaskStatus.IN_PROGRESS,
    TaskStatus.BLOCKED,
    TaskStatus.DONE,
    TaskStatus.NOT_APPLICABLE,
)


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Pre-boarding")
    STARTED = "started", _("Started")
    NO_SHOW = "no_show", _("No-show")
    WITHDRAWN = "withdrawn", _("Withdrew before start")


CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPEN: {CaseStatus.STARTED, CaseStatus.NO_SHOW, CaseStatus.WITHDRAWN},
    CaseStatus.STARTED: set(),
    CaseStatus.NO_SHOW: set(),
    CaseStatus.WITHDRAWN: set(),
}


class CheckStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    REQUESTED = "requested", _("Requested")
    IN_PROGRESS = "in_progress", _("In progress")
    CLEAR = "clear", _("Clear")
    REVIEW_NEEDED = "review_needed", _("Review needed")
    ADVERSE = "adverse", _("Adverse")


# A check's decision: its report is reduced to outcome and date once it reaches one of these.
DECIDED_CHECK = (CheckStatus.CLEAR, CheckStatus.ADVERSE)
CHECK_TRANSITIONS: dict[str, set[str]] = {
    CheckStatus.NOT_STARTED: {CheckStatus.REQUESTED},
    CheckStatus.REQUESTED: {CheckStatus.IN_PROGRESS, CheckStatus.CLEAR, CheckStatus.REVIEW_NEEDED, CheckStatus.ADVERSE},
    CheckStatus.IN_PROGRESS: {CheckStatus.CLEAR, CheckStatus.REVIEW_NEEDED, CheckStatus.ADVERSE},
    CheckStatus.REVIEW_NEEDED: {CheckStatus.CLEAR, CheckStatus.ADVERSE},
    CheckStatus.CLEAR: set(),
    CheckStatus.ADVERSE: set(),
}

# The ledger categories a task's expected cost may fall in.
TASK_COST_CATEGORIES = (CostCategory.EQUIPMENT, CostCategory.BACKGROUND_CHECK, CostCategory.OTHER)


class StartChangeKind(models.TextChoices):
    MOVED = "moved", _("Start moved")
    CONFIRMED = "confirmed", _("Start confirmed")
    NO_SHOW = "no_show", _("No-show")
    WITHDRAWN = "withdrawn", _("Withdrew before start")


# Audit action codes, used as simple-history's change reason.
TEMPLATE_SAVED = "onboarding.template.saved"
CASE_OPENED = "onboarding.case.opened"
CASE_START_MOVED = "onboarding.case.start_moved"
CASE_STARTED = "onboarding.case.started"
CASE_NO_SHOW = "onboarding.case.no_show"
CASE_WITHDRAWN = "onboarding.case.withdrawn"
CASE_EDITED = "onboarding.case.edited"
TASK_CREATED = "onboarding.task.created"
TASK_UPDATED = "onboarding.task.updated"
TASK_RESCHEDULED = "onboarding.task.rescheduled"
TASK_CANCELLED = "onboarding.task.cancelled"
CHECK_CREATED = "onboarding.check.created"
CHECK_UPDATED = "onboarding.check.updated"
CHECK_REDUCED = "onboarding.check.reduced"
