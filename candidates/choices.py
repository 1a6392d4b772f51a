"""Candidate pipeline vocabulary that is code, not configuration: statuses, kinds, audit codes.

Stages, reason codes and sources themselves are configuration (admins edit them); their categories
and kinds are fixed here because analytics reads them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.choices import Outcome


class StageKind(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    PRE_START = "pre_start", _("Pre-start (reached by an accepted offer or a contractor's start)")
    HIRED = "hired", _("Hired (the last stage, reached by confirming the start)")


# Stages that belong to a workflow, not to people moving cards: an accepted offer (or a contractor's start on
# an opening) enters Pre-start, and only the start confirmation enters Hired. One stage of each kind; no move,
# bulk action or import enters or leaves them (candidates.services.pipeline says why, naming the path).
RESERVED_STAGE_KINDS = (StageKind.PRE_START, StageKind.HIRED)


class PreStartCause(models.TextChoices):
    """What moved an application to Pre-start: the two sanctioned paths."""

    OFFER = "offer", _("Offer accepted")
    ENGAGEMENT = "engagement", _("Contractor started")


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_STATUSES = {ApplicationStatus.HIRED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}


class ReasonCategory(models.TextChoices):
    WE_REJECTED = "we_rejected", _("We rejected")
    THEY_WITHDREW = "they_withdrew", _("They withdrew")
    NO_SHOW = "no_show", _("No show")
    OFFER_DECLINED = "offer_declined", _("Offer declined")


# Which reason categories close an application with which status.
STATUS_FOR_CATEGORY = {
    ReasonCategory.WE_REJECTED: ApplicationStatus.REJECTED,
    ReasonCategory.NO_SHOW: ApplicationStatus.REJECTED,
    ReasonCategory.THEY_WITHDREW: ApplicationStatus.WITHDRAWN,
    ReasonCategory.OFFER_DECLINED: ApplicationStatus.WITHDRAWN,
}


class SourceKind(models.TextChoices):
    DIRECT = "direct", _("Direct")
    REFERRAL = "referral", _("Referral")
    JOB_BOARD = "job_board", _("Job board")
    AGENCY = "agency", _("Agency")
    CAMPUS = "campus", _("Campus")
    INTERNAL = "internal_mobility", _("Internal mobility")


class WorkEligibility(models.TextChoices):
    UNKNOWN = "unknown", _("Not stated")
    CITIZEN_OR_PR = "citizen_or_pr", _("Citizen or permanent resident")
    WORK_PERMIT = "work_permit", _("Holds a work permit")
    NEEDS_SPONSORSHIP = "needs_sponsorship", _("Needs sponsorship")


class ActivityKind(models.TextChoices):
    NOTE = "note", _("Note")
    EMAIL = "email", _("Email logged")
    CALL = "call", _("Call")
    MESSAGE = "message", _("Message")


# Audit action codes, used as simple-history's change reason.
CANDIDATE_CREATED = "candidates.candidate.created"
CANDIDATE_MERGED = "candidates.candidate.merged"
APPLICATION_CREATED = "candidates.application.created"
APPLICATION_MOVED = "candidates.application.moved"
APPLICATION_REJECTED = "candidates.application.rejected"
APPLICATION_WITHDRAWN = "candidates.application.withdrawn"
APPLICATION_TOUCHED = "candidates.application.touched"
APPLICATION_REASSIGNED = "candidates.application.reassigned"
APPLICATION_LINKED = "candidates.application.linked"
APPLICATION_PRE_START = "candidates.application.pre_start"
VOCABULARY_SAVED = "candidates.{model}.saved"  # a stage, reason code, source, criterion or plan template
APPLICATION_HIRED = "candidates.application.hired"


class BulkAction(models.TextChoices):
    MOVE = "move", _("Move to a stage")
    CLOSE = "close", _("Reject or withdraw")
    REASSIGN = "reassign", _("Reassign the owner")


class ResumeKind(models.TextChoices):
    """The only kinds of resume file accepted, each recognised by its content (candidates.resumes)."""

    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word document (DOCX)")
    TEXT = "txt", _("Plain text")


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Mapping")
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking rows")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Nothing imported")


class MappingKind(models.TextChoices):
    """What an import mapping translates: a column of the file, or one of its labels onto our vocabulary."""

    COLUMN = "column", _("Column")
    JOB = "job", _("Job or requisition")
    STAGE = "stage", _("Stage")
    STATUS = "status", _("Status")
    SOURCE = "source", _("Source")
    REASON = "reason", _("Rejection reason")
    RECRUITER = "recruiter", _("Recruiter")


# --- Interviews ------------------------------------------------------------------------------------


class PanelRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    INTERVIEWER = "interviewer", _("Interviewer")
    SHADOW = "shadow", _("Shadow")
    HIRING_MANAGER = "hiring_manager", _("Hiring manager")


# Who on a panel owes a scorecard: everyone but a shadow (who watches and learns).
SCORING_PANEL_ROLES = (PanelRole.LEAD, PanelRole.INTERVIEWER, PanelRole.HIRING_MANAGER)


class InterviewStatus(models.TextChoices):
    TO_SCHEDULE = "to_schedule", _("To schedule")
    SCHEDULED = "scheduled", _("Scheduled")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


# Booked and still to happen: these hold a slot in the interviewers' calendars and weekly load.
UPCOMING_INTERVIEW_STATUSES = (InterviewStatus.SCHEDULED, InterviewStatus.RESCHEDULED)
# Still to happen: its time, panel and place can change, and it can be cancelled.
CHANGEABLE_INTERVIEW_STATUSES = (InterviewStatus.TO_SCHEDULE, *UPCOMING_INTERVIEW_STATUSES)
# Booked or held: once started, it can be scored (or recorded as a no-show).
HELD_INTERVIEW_STATUSES = (*UPCOMING_INTERVIEW_STATUSES, InterviewStatus.COMPLETED)
# An interview with a time: booked, or happened (or was missed) at that time.
TIMED_INTERVIEW_STATUSES = (*UPCOMING_INTERVIEW_STATUSES, InterviewStatus.COMPLETED, InterviewStatus.NO_SHOW)


class Rating(models.IntegerChoices):
    """A criterion's rating, each with its anchor. "Not assessed" is no rating (null)."""

    WELL_BELOW = 1, _("1 · Well below the bar: clear evidence against")
    BELOW = 2, _("2 · Below the bar: some evidence, not enough")
    MEETS = 3, _("3 · Meets the bar: solid evidence")
    ABOVE = 4, _("4 · Above the bar: strong, repeated evidence")


class Recommendation(models.TextChoices):
    STRONG_NO = "strong_no", _("Strong no")
    NO = "no", _("No")
    YES = "yes", _("Yes")
    STRONG_YES = "strong_yes", _("Strong yes")


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class DebriefStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the hiring manager")
    DECIDED = "decided", _("Decided")
    CANCELLED = "cancelled", _("Cancelled")


# Decision kinds candidates registers on the spine.
SCORECARD_DUE_KIND = "scorecard_due"
DEBRIEF_KIND = "debrief"
# What a debrief decides: advance (to a later stage), reject (with a reason of ours) or hold.
DEBRIEF_OUTCOMES = (Outcome.ADVANCED, Outcome.REJECTED, Outcome.HELD)

INTERVIEW_SCHEDULED = "candidates.interview.scheduled"
INTERVIEW_RESCHEDULED = "candidates.interview.rescheduled"
INTERVIEW_CANCELLED = "candidates.interview.cancelled"
INTERVIEW_COMPLETED = "candidates.interview.completed"
INTERVIEW_NO_SHOW = "candidates.interview.no_show"
INTERVIEW_PLANNED = "candidates.interview.planned"
PLAN_CHANGED = "candidates.plan.changed"
