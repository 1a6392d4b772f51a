"""Candidate pipeline vocabulary that is code, not configuration: statuses, kinds, audit codes.

Stages, reason codes and sources themselves are configuration (admins edit them); their categories
and kinds are fixed here because analytics reads them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StageKind(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    HIRED = "hired", _("Hired (the last stage)")


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


# Which reason categories close an application with which status.
STATUS_FOR_CATEGORY = {
    ReasonCategory.WE_REJECTED: ApplicationStatus.REJECTED,
    ReasonCategory.NO_SHOW: ApplicationStatus.REJECTED,
    ReasonCategory.THEY_WITHDREW: ApplicationStatus.WITHDRAWN,
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
