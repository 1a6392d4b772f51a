"""Candidates (the people) and applications (a person on one requisition), the controlled vocabulary
the pipeline speaks (stages, reason codes, sources), and the append-only record of stage changes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from candidates.choices import (
    RESERVED_STAGE_KINDS,
    ActivityKind,
    ApplicationStatus,
    ImportStatus,
    MappingKind,
    ReasonCategory,
    ResumeKind,
    SourceKind,
    StageKind,
    WorkEligibility,
)
from portal.emails import EmailField

TEXT_LIMIT = 4000


class VocabularyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class StageQuerySet(VocabularyQuerySet):
    def movable(self):
        """The stages a person may move an application into: not those a workflow enters (Pre-start, Hired)."""
        return self.exclude(kind__in=RESERVED_STAGE_KINDS)


class Stage(models.Model):
    """A step of the pipeline with its written definition and the days an application may sit in it.

    Admins edit stages; they are retired (is_active), never deleted: transitions point at them. The stages
    of a reserved kind (Pre-start, Hired) belong to workflows: one of each, never retired, their kind fixed.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    definition = models.TextField(
        _("definition"), max_length=1000, validators=[MaxLengthValidator(1000)], help_text=_("What being here means.")
    )
    position = models.PositiveSmallIntegerField(_("position"), help_text=_("Stages are shown in this order."))
    sla_days = models.PositiveSmallIntegerField(
        _("SLA (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    kind = models.CharField(_("kind"), max_length=12, choices=StageKind.choices, default=StageKind.IN_PROGRESS)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = StageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(definition=""), name="stage_has_definition"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind__in=RESERVED_STAGE_KINDS),
                name="stage_one_of_each_reserved_kind",
                violation_error_message=_(
                    "A stage of this kind already exists: Pre-start and Hired belong to workflows, one stage each."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_reserved(self) -> bool:
        """Entered only by a workflow (an accepted offer, a contractor's start, the start confirmation)."""
        return self.kind in RESERVED_STAGE_KINDS

    @property
    def entry_refusal(self) -> str:
        """Why no person moves an application into this stage, naming the path that does ("" when anyone may).
        The one wording, read by the pipeline's services, the board, the import and the forms."""
        if self.kind == StageKind.PRE_START:
            return _(
                "%(stage)s is reached only by recording an accepted offer (or a contractor's start on the opening)."
            ) % {"stage": self.name}
        if self.kind == StageKind.HIRED:
            return _("%(stage)s is reached only by confirming the start in pre-boarding.") % {"stage": self.name}
        return ""

    @property
    def exit_refusal(self) -> str:
        """Why no person moves or closes an application in this stage: a hire is undone only by its own
        workflow ("" when anyone may)."""
        if not self.is_reserved:
            return ""
        return _(
            "The application is in %(stage)s: a hire is undone only by its own workflow (the offer rescinded, "
            "or a no-show recorded at the start), never moved or closed by hand."
        ) % {"stage": self.name}

    def clean(self):
        """A reserved stage keeps its kind and stays active: the offer and onboarding workflows move
        applications into it, and would otherwise find no stage (or a second one)."""
        super().clean()
        stored = Stage.objects.filter(pk=self.pk).values_list("kind", flat=True).first() if self.pk else None
        if stored in RESERVED_STAGE_KINDS and self.kind != stored:
            raise ValidationError(
                {"kind": _("%(name)s belongs to a workflow: its kind cannot change.") % {"name": self.name}}
            )
        if self.is_reserved and not self.is_active:
            raise ValidationError(
                {"is_active": _("%(name)s belongs to a workflow: it cannot be retired.") % {"name": self.name}}
            )


class ReasonCode(models.Model):
    """Why an application closed without a hire: a coded reason in one of three categories."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=80)
    category = models.CharField(_("category"), max_length=16, choices=ReasonCategory.choices)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        ordering = ["category", "label"]
        constraints = [
            models.UniqueConstraint(fields=["category", "label"], name="reasoncode_label_unique_in_category")
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.label}"


class Source(models.Model):
    """Where a candidate came from, normalised: one of six kinds, optionally a sub-source of another."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.parent.name} · {self.name}" if self.parent_id else self.name


class Candidate(models.Model):
    """A person who applies, once, whatever the number of requisitions they apply to.

    `email_key` and `phone_key` are the normalised forms duplicates are found by. A candidate merged
    into another keeps its row (history) and points at the one kept.
    """

    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    email = EmailField(_("email"), max_length=254, blank=True)
    email_key = models.CharField(max_length=254, blank=True, editable=False, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_key = models.CharField(max_length=20, blank=True, editable=False, db_index=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    work_eligibility = models.CharField(
        _("work eligibility"), max_length=20, choices=WorkEligibility.choices, default=WorkEligibility.UNKNOWN
    )
    links = models.TextField(
        _("links"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)], help_text=_("One per line.")
    )
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Comma-separated."))
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    retain_until = models.DateField(_("retain until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="candidate_not_merged_into_self")
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self):
        return reverse("candidates:detail", args=[self.pk])


class ApplicationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=ApplicationStatus.ACTIVE)


class Application(models.Model):
    """One candidate on one requisition: where they are, who owns them, where they came from.

    Changed only through candidates.services; every stage or status change appends a StageTransition.
    """

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="applications")
    requisition = models.ForeignKey("requisitions.Requisition", on_delete=models.PROTECT, related_name="applications")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    stage_entered_at = models.DateTimeField(_("in this stage since"))
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.ACTIVE
    )
    disposition = models.ForeignKey(
        ReasonCode, verbose_name=_("disposition"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications_owned",
    )
    source = models.ForeignKey(Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.PROTECT)
    referrer = models.CharField(_("referred by"), max_length=120, blank=True)
    agency_name = models.CharField(_("agency"), max_length=120, blank=True)
    external_id = models.CharField(_("external id"), max_length=120, blank=True, help_text=_("From an ATS import."))
    applied_at = models.DateTimeField(_("applied"))
    last_activity_at = models.DateTimeField(_("last activity"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["requisition", "status", "stage"], name="application_req_status_stage"),
            models.Index(fields=["owner", "status", "last_activity_at"], name="application_owner_activity"),
            models.Index(fields=["status", "last_activity_at"], name="application_status_activity"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "requisition"], name="application_one_per_requisition"),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="application_external_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[ApplicationStatus.ACTIVE, ApplicationStatus.HIRED])
                | Q(disposition__isnull=False),
                name="application_closed_with_a_reason",
                violation_error_message=_("A rejected or withdrawn application needs a reason code."),
            ),
        ]

    def __str__(self):
        return f"{self.candidate} · {self.requisition.reference}"

    def get_absolute_url(self):
        return self.candidate.get_absolute_url()

    @property
    def days_in_stage(self) -> int:
        return (timezone.now() - self.stage_entered_at).days

    def clean(self):
        """No form (Administration's change and history pages included) puts an application into or takes it
        out of Pre-start or Hired, or makes it a hire: their workflows do, through candidates.services
        (enter_pre_start, confirm_hire), which never validate a move through here."""
        super().clean()
        stored = Application.objects.filter(pk=self.pk).values_list("stage", "status").first() if self.pk else None
        stage_before, status_before = stored or (None, None)
        if self.stage_id and self.stage_id != stage_before:
            before = Stage.objects.filter(pk=stage_before).first() if stage_before else None
            refusal = (before.exit_refusal if before else "") or self.stage.entry_refusal
            if refusal:
                raise ValidationError({"stage": refusal})
        if self.status != status_before and ApplicationStatus.HIRED in (self.status, status_before):
            raise ValidationError(
                {"status": _("An application becomes a hire only by confirming the start in pre-boarding.")}
            )


class StageTransition(models.Model):
    """One change of an application's stage or status, appended and never changed: the analytics read this."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="transitions")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ApplicationStatus.choices)
    reason = models.ForeignKey(ReasonCode, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["application", "at"], name="transition_application_at"),
            models.Index(fields=["to_stage", "at"], name="transition_stage_at"),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.from_stage_id} → {self.to_stage_id} ({self.status})"


class Activity(models.Model):
    """A touch on an application (a note, a call, an email or message logged): it moves last activity."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(max_length=10, choices=ActivityKind.choices)
    body = models.TextField(max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)])
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["application", "at"], name="activity_application_at")]
        verbose_name_plural = _("activities")

    def __str__(self):
        return f"{self.get_kind_display()} on {self.application_id}"


class StuckReminder(models.Model):
    """One stall of one application reported to its owner at one threshold (7 or 14 days without activity).

    The unique constraint is the idempotency guard: a digest job run twice, or on two workers, claims a
    stall once. `since` is the last activity the stall counts from, so a new stall after a touch is new.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    threshold = models.PositiveSmallIntegerField()
    since = models.DateTimeField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "threshold", "since"], name="stuck_reminder_once_per_stall")
        ]

    def __str__(self):
        return f"{self.application_id} stuck {self.threshold} days since {self.since:%Y-%m-%d}"


class WeeklySummary(models.Model):
    """One weekly pipeline summary claimed for one hiring manager (unique per week: sent once)."""

    hiring_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    week = models.DateField(help_text=_("The Monday the week starts on."))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hiring_manager", "week"], name="weekly_summary_once_a_week")]
        verbose_name_plural = _("weekly summaries")

    def __str__(self):
        return f"{self.hiring_manager_id} week of {self.week:%Y-%m-%d}"


class Resume(models.Model):
    """One resume file uploaded for a candidate; the newest is the current one, earlier ones are kept.

    The file lives in the private "resumes" storage under `storage_name`, a generated name: never a
    public URL, never the uploader's file name (kept in `original_name` only to name the download).
    """

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="resumes")
    storage_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=4, choices=ResumeKind.choices)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["candidate", "uploaded_at"], name="resume_candidate_uploaded")]

    def __str__(self):
        return f"{self.original_name} ({self.candidate_id})"


class ImportMapping(models.Model):
    """How a label of an ATS export reads in our terms, saved by one import and reused by the next.

    `kind` "column": a column heading onto one of our fields; otherwise a label of that kind (a stage,
    source, reason, status, recruiter or job name) onto our code or id. `label` is kept case-folded.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=MappingKind.choices)
    label = models.CharField(_("their label"), max_length=200)
    value = models.CharField(_("ours"), max_length=120)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "label"]
        constraints = [models.UniqueConstraint(fields=["kind", "label"], name="import_mapping_unique_label")]

    def __str__(self):
        return f"{self.kind}: {self.label} → {self.value}"


class CandidateImport(models.Model):
    """One uploaded ATS export, from mapping through preview to the one transaction that writes it."""

    file_name = models.CharField(_("file"), max_length=120)
    content = models.TextField(editable=False)
    headers = models.JSONField(default=list, editable=False)
    columns = models.JSONField(default=dict, editable=False, help_text="Our field → their column heading.")
    total_rows = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.MAPPING)
    skip_errors = models.BooleanField(default=False)
    checked_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, editable=False, help_text="[[row number, message], ...]")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("candidates:import_detail", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING)
