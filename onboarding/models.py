"""Pre-boarding: checklist templates (admin-kept), one case per hire with its dated tasks (each a decision on
the spine), background checks, and the log of start-date changes. Cases, tasks and checks are written only
through onboarding.services."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from onboarding.choices import (
    OPEN_TASK,
    TASK_COST_CATEGORIES,
    Anchor,
    CaseStatus,
    CheckStatus,
    OwnerRule,
    StartChangeKind,
    TaskKind,
    TaskStatus,
)
from portal.choices import CostCategory, Currency
from portal.money import Money, amount_field
from requisitions.choices import EmploymentType

TEXT_LIMIT = 4000
# Offsets and durations are business days; a checklist spans at most a quarter either side of its anchor.
MAX_OFFSET = 60
MAX_DURATION = 60
MAX_TASK_COST = 100_000
REPORT_LIMIT = 20_000

COST_CATEGORY_CHOICES = [(c.value, c.label) for c in CostCategory if c in TASK_COST_CATEGORIES]


def note_field(verbose_name, **kwargs):
    return models.TextField(
        verbose_name, blank=True, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)], **kwargs
    )


# --- Templates (reference data) ---------------------------------------------------------------------


class ChecklistTemplate(models.Model):
    """The tasks a hire's case starts with, chosen by employment type and, when given, location and
    department: the most specific active template that matches wins."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    employment_type = models.CharField(_("employment type"), max_length=20, choices=EmploymentType.choices)
    location = models.ForeignKey(
        "portal.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: any location."),
    )
    department = models.ForeignKey(
        "portal.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: any department."),
    )
    equipment_profile = models.CharField(
        _("equipment profile"), max_length=120, blank=True, help_text=_("What IT prepares, e.g. “Standard laptop”.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["employment_type", "name"]
        verbose_name = _("pre-boarding template")

    def __str__(self):
        return self.name


class TemplateTask(models.Model):
    """One task of a template: what, who (an owner rule), when (business days from an anchor), how long,
    whether the start waits for it, what it waits on, and what it is expected to cost."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(_("position"), default=10)
    title = models.CharField(_("task"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices, default=TaskKind.CUSTOM)
    owner_rule = models.CharField(_("owner"), max_length=16, choices=OwnerRule.choices, default=OwnerRule.HR)
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For the owner “a named person”."),
    )
    anchor = models.CharField(_("anchor"), max_length=12, choices=Anchor.choices, default=Anchor.START)
    offset_days = models.SmallIntegerField(
        _("offset (business days)"),
        default=0,
        validators=[MinValueValidator(-MAX_OFFSET), MaxValueValidator(MAX_OFFSET)],
        help_text=_("Due this many business days after the anchor (negative: before it)."),
    )
    duration_days = models.PositiveSmallIntegerField(
        _("duration (business days)"),
        default=1,
        validators=[MaxValueValidator(MAX_DURATION)],
        help_text=_("How long the task takes once it can begin."),
    )
    blocks_start = models.BooleanField(_("blocks the start"), default=False)
    waits_on = models.ManyToManyField(
        "self", verbose_name=_("waits on"), symmetrical=False, blank=True, related_name="+"
    )
    expected_cost = amount_field(_("expected cost"), max_value=MAX_TASK_COST, null=True, blank=True)
    cost_category = models.CharField(_("ledger category"), max_length=20, choices=COST_CATEGORY_CHOICES, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner_rule=OwnerRule.PERSON) | Q(owner_person__isnull=False),
                name="templatetask_person_named",
                violation_error_message=_("Name the person who owns this task."),
            ),
            models.CheckConstraint(
                condition=Q(expected_cost__isnull=True) | ~Q(cost_category=""),
                name="templatetask_cost_has_category",
                violation_error_message=_("Choose the ledger category of the expected cost."),
            ),
        ]

    def __str__(self):
        return self.title


# --- Cases ------------------------------------------------------------------------------------------


class PreboardingCase(models.Model):
    """Everything that must happen before one hire's first day. Opened once per hire, in the same
    transaction as the accepted offer or the contractor's start (the database refuses a second case for
    the same application, offer or engagement)."""

    candidate = models.ForeignKey(
        "candidates.Candidate", verbose_name=_("person"), on_delete=models.PROTECT, related_name="preboarding_cases"
    )
    requisition = models.ForeignKey(
        "requisitions.Requisition",
        verbose_name=_("requisition"),
        on_delete=models.PROTECT,
        related_name="preboarding_cases",
    )
    application = models.OneToOneField(
        "candidates.Application",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="preboarding_case",
    )
    offer = models.OneToOneField(
        "offers.Offer", verbose_name=_("offer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    engagement = models.OneToOneField(
        "vendors.Engagement",
        verbose_name=_("engagement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("template"), null=True, blank=True, on_delete=models.PROTECT
    )
    job_title = models.CharField(_("role"), max_length=160)
    employment_type = models.CharField(_("employment type"), max_length=20, choices=EmploymentType.choices)
    location = models.ForeignKey(
        "portal.Location", verbose_name=_("location"), null=True, blank=True, on_delete=models.PROTECT
    )
    equipment_profile = models.CharField(_("equipment profile"), max_length=120, blank=True)
    work_email = models.EmailField(_("work email"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CAD)
    accepted_on = models.DateField(_("accepted on"))
    planned_start = models.DateField(_("start date"))
    original_start = models.DateField(_("first agreed start"))
    confirmed_start = models.DateField(_("confirmed start"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    status_note = note_field(_("status note"))
    created_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_start", "id"]
        verbose_name = _("pre-boarding case")
        indexes = [models.Index(fields=["status", "planned_start"], name="case_status_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(offer__isnull=False) | Q(engagement__isnull=False),
                name="case_has_a_cause",
                violation_error_message=_("A case is opened by an accepted offer or a contractor's start."),
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.STARTED) | Q(confirmed_start__isnull=False),
                name="case_started_has_date",
                violation_error_message=_("A started case has its confirmed start date."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.candidate}"

    def get_absolute_url(self):
        return reverse("onboarding:case", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"PB-{self.pk:04d}" if self.pk else "PB-new"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    @property
    def slip_days(self) -> int:
        """Calendar days the start moved from the first agreed date (negative: earlier)."""
        return ((self.confirmed_start or self.planned_start) - self.original_start).days


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_TASK)


class PreboardingTask(models.Model):
    """One task of a case, copied from its template task (later template edits do not change it). Who owns
    it is its decision's to say (the spine's owner, reassignable there); `owner_note` says how the owner
    rule was resolved when it fell back (an inactive person)."""

    case = models.ForeignKey(PreboardingCase, on_delete=models.PROTECT, related_name="tasks")
    template_task = models.ForeignKey(TemplateTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"), default=10)
    title = models.CharField(_("task"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    owner_rule = models.CharField(_("owner rule"), max_length=16, choices=OwnerRule.choices)
    owner_note = models.CharField(_("about the owner"), max_length=300, blank=True)
    anchor = models.CharField(_("anchor"), max_length=12, choices=Anchor.choices)
    offset_days = models.SmallIntegerField(_("offset (business days)"))
    duration_days = models.PositiveSmallIntegerField(_("duration (business days)"))
    blocks_start = models.BooleanField(_("blocks the start"), default=False)
    waits_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="needed_by")
    due_date = models.DateField(_("due"))
    due_set_by_hand = models.BooleanField(_("date set by hand"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.TODO)
    status_reason = note_field(_("reason"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CAD)
    expected_cost = amount_field(_("expected cost"), max_value=MAX_TASK_COST, null=True, blank=True)
    cost_category = models.CharField(_("ledger category"), max_length=20, choices=COST_CATEGORY_CHOICES, blank=True)
    actual_cost = amount_field(_("actual cost"), max_value=MAX_TASK_COST, null=True, blank=True)
    decision = models.OneToOneField(
        "portal.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["case", "due_date", "position", "id"]
        verbose_name = _("pre-boarding task")
        indexes = [
            models.Index(fields=["case", "status"], name="task_case_status"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("onboarding:task", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK

    @property
    def expected_money(self) -> Money | None:
        return Money(self.expected_cost, self.currency) if self.expected_cost is not None else None


class BackgroundCheck(models.Model):
    """The background check of a task of that kind. Its report is kept only until the check is decided
    (clear or adverse), then reduced to outcome and date; the history never holds it."""

    task = models.OneToOneField(PreboardingTask, on_delete=models.PROTECT, related_name="background_check")
    provider = models.CharField(_("vendor"), max_length=120, blank=True)
    package = models.CharField(_("package"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CheckStatus.choices, default=CheckStatus.NOT_STARTED)
    external_ref = models.CharField(_("vendor's reference"), max_length=80, blank=True)
    report = models.TextField(
        _("report"), blank=True, max_length=REPORT_LIMIT, validators=[MaxLengthValidator(REPORT_LIMIT)]
    )
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["report"])

    class Meta:
        verbose_name = _("background check")

    def __str__(self):
        return f"{self.get_status_display()} ({self.task.case.reference})"

    @property
    def is_clear(self) -> bool:
        return self.status == CheckStatus.CLEAR


class StartChange(models.Model):
    """One change of a case's start (moved, confirmed) or its end before the start (no-show, withdrawal),
    with who, when and why: appended, never changed. The requisition page shows the slips from here."""

    case = models.ForeignKey(PreboardingCase, on_delete=models.PROTECT, related_name="start_changes")
    kind = models.CharField(_("change"), max_length=12, choices=StartChangeKind.choices)
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("to"), null=True, blank=True)
    reason = note_field(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.from_date} → {self.to_date or '—'}"


class StartDigest(models.Model):
    """The one digest a hiring manager gets before a start with anything open; unique per case and start
    date, so a sweep run twice sends once (and a moved start gets its own)."""

    case = models.ForeignKey(PreboardingCase, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "start_date"], name="digest_once_per_start")]

    def __str__(self):
        return f"Digest for {self.case_id} ({self.start_date})"
