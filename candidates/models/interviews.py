"""Interviews: the criteria library, plan templates per role family, each requisition's plan (ordered
rounds, each with its panel roles and the criteria it assesses), interviews with their panels,
structured scorecards (revised, never edited once submitted) and debriefs.

Written only through candidates.services.interviews and .scorecards; scorecard-due and debrief are decisions on
the spine, raised and closed by that service.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from candidates.choices import (
    CHANGEABLE_INTERVIEW_STATUSES,
    HELD_INTERVIEW_STATUSES,
    TIMED_INTERVIEW_STATUSES,
    UPCOMING_INTERVIEW_STATUSES,
    DebriefStatus,
    InterviewStatus,
    PanelRole,
    Rating,
    Recommendation,
    ScorecardStatus,
)
from candidates.models.pipeline import TEXT_LIMIT, VocabularyQuerySet
from portal import clock

MAX_ROUNDS = 8


class Criterion(models.Model):
    """Something an interview assesses, with what good looks like. Admins edit it; retired, never deleted."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=1000, validators=[MaxLengthValidator(1000)])
    good_looks_like = models.TextField(
        _("what good looks like"), max_length=1000, validators=[MaxLengthValidator(1000)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=~Q(description="") & ~Q(good_looks_like=""), name="criterion_described")
        ]

    def __str__(self):
        return self.name


class RoundFields(models.Model):
    """What a round is, in a template and in a requisition's plan."""

    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("round"), max_length=80)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=45, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    panel_roles = models.JSONField(
        _("panel roles"), default=list, help_text=_("Which panel roles the round needs (lead, interviewer, ...).")
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    @property
    def panel_role_labels(self) -> list[str]:
        return [str(PanelRole(role).label) for role in self.panel_roles if role in PanelRole.values]


class InterviewPlanTemplate(models.Model):
    """The rounds a requisition's plan starts from: one per role family, and one default (no family)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    role_family = models.OneToOneField(
        "portal.RoleFamily",
        verbose_name=_("role family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: the default for role families without their own template."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(role_family__isnull=True, is_active=True),
                name="one_default_plan_template",
                violation_error_message=_("Only one active template can be the default (no role family)."),
            )
        ]

    def __str__(self):
        return self.name


class InterviewRoundTemplate(RoundFields):
    template = models.ForeignKey(InterviewPlanTemplate, on_delete=models.CASCADE, related_name="rounds")
    criteria = models.ManyToManyField(Criterion, verbose_name=_("criteria"), blank=True, related_name="+")

    class Meta(RoundFields.Meta):
        verbose_name = _("round")


class InterviewPlan(models.Model):
    """A requisition's interview plan: copied from a template, then edited by its recruiter or hiring manager."""

    requisition = models.OneToOneField(
        "requisitions.Requisition", on_delete=models.PROTECT, related_name="interview_plan"
    )
    template = models.ForeignKey(
        InterviewPlanTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self):
        return f"Interview plan of {self.requisition_id}"

    def get_absolute_url(self):
        return reverse("candidates:plan", args=[self.requisition_id])


class InterviewRound(RoundFields):
    """One round of a requisition's plan. A round with interviews is retired, not removed."""

    plan = models.ForeignKey(InterviewPlan, on_delete=models.PROTECT, related_name="rounds")
    criteria = models.ManyToManyField(Criterion, verbose_name=_("criteria"), blank=True, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[criteria])

    class Meta(RoundFields.Meta):
        pass


class Interview(models.Model):
    """One interview of one application in one round: its panel, its time and where it happens."""

    application = models.ForeignKey("candidates.Application", on_delete=models.PROTECT, related_name="interviews")
    round = models.ForeignKey(InterviewRound, on_delete=models.PROTECT, related_name="interviews")
    status = models.CharField(
        _("status"), max_length=12, choices=InterviewStatus.choices, default=InterviewStatus.TO_SCHEDULE
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    note = models.CharField(_("why (cancelled, no-show)"), max_length=500, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sequence = models.PositiveIntegerField(default=0, help_text=_("Calendar revision: raised at every change."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="interview_status_start"),
            models.Index(fields=["application", "round"], name="interview_application_round"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__gt=models.F("starts_at")),
                name="interview_ends_after_it_starts",
                violation_error_message=_("An interview ends after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=TIMED_INTERVIEW_STATUSES) | Q(starts_at__isnull=False),
                name="interview_booked_has_a_time",
                violation_error_message=_("A scheduled interview needs a time."),
            ),
        ]

    def __str__(self):
        return f"{self.round.name} · {self.application.candidate}"

    def get_absolute_url(self):
        return reverse("candidates:interview", args=[self.pk])

    # The rules of what can happen to an interview next, for the service that enforces them and the
    # page that offers them.

    @property
    def has_started(self) -> bool:
        return self.starts_at is not None and self.starts_at <= clock.now()

    @property
    def can_change(self) -> bool:
        """Still to happen: reschedule, change the panel or place, cancel."""
        return self.status in CHANGEABLE_INTERVIEW_STATUSES

    @property
    def can_complete(self) -> bool:
        return self.status in UPCOMING_INTERVIEW_STATUSES and self.has_started

    @property
    def can_be_scored(self) -> bool:
        """Booked or held, and started: scorecards can be written (or a no-show recorded)."""
        return self.status in HELD_INTERVIEW_STATUSES and self.has_started


class InterviewParticipant(models.Model):
    """One person on an interview's panel, in one panel role."""

    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interview_seats")
    panel_role = models.CharField(_("panel role"), max_length=16, choices=PanelRole.choices)

    class Meta:
        ordering = ["interview", "panel_role", "id"]
        constraints = [models.UniqueConstraint(fields=["interview", "user"], name="participant_once_per_interview")]
        indexes = [models.Index(fields=["user", "interview"], name="participant_user_interview")]

    def __str__(self):
        return f"{self.user} ({self.get_panel_role_display()})"


class InterviewReschedule(models.Model):
    """A time an interview was moved from, kept when it is rescheduled."""

    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, related_name="reschedules")
    previous_starts_at = models.DateTimeField()
    previous_ends_at = models.DateTimeField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.interview_id}: {self.previous_starts_at:%Y-%m-%d %H:%M} → {self.starts_at:%Y-%m-%d %H:%M}"


class InterviewerCap(models.Model):
    """How many interviews a week one person takes at most (settings.INTERVIEWS_PER_WEEK without one)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interview_cap")
    weekly_cap = models.PositiveSmallIntegerField(
        _("interviews a week at most"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("interviewer load cap")

    def __str__(self):
        return f"{self.user}: {self.weekly_cap} a week"


class Scorecard(models.Model):
    """One interviewer's assessment of one interview. Locked once submitted: a correction is a new
    revision (with its reason) that supersedes it, and both are kept."""

    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, related_name="scorecards")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards")
    revision = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    status = models.CharField(max_length=10, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT)
    recommendation = models.CharField(
        _("overall recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    private_note = models.TextField(
        _("private note to the hiring team"),
        blank=True,
        max_length=TEXT_LIMIT,
        validators=[MaxLengthValidator(TEXT_LIMIT)],
    )
    revision_reason = models.CharField(_("why it is corrected"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["interview", "interviewer", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "interviewer", "revision"], name="scorecard_one_per_interviewer_revision"
            ),
            models.CheckConstraint(
                condition=Q(status=ScorecardStatus.DRAFT, submitted_at__isnull=True)
                | (Q(status=ScorecardStatus.SUBMITTED, submitted_at__isnull=False) & ~Q(recommendation="")),
                name="scorecard_submitted_complete",
            ),
            models.CheckConstraint(
                condition=Q(revision=1, supersedes__isnull=True)
                | (Q(revision__gt=1, supersedes__isnull=False) & ~Q(revision_reason="")),
                name="scorecard_revision_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["interviewer", "status"], name="scorecard_interviewer_status")]

    def __str__(self):
        return f"Scorecard {self.interview_id}/{self.interviewer_id} r{self.revision}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ScorecardStatus.SUBMITTED


class ScorecardRating(models.Model):
    """A scorecard's rating of one criterion (none: not assessed) and the evidence for it."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    evidence = models.TextField(blank=True, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)])

    class Meta:
        ordering = ["scorecard", "criterion__name"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="rating_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=4), name="rating_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.rating or 'not assessed'}"


class Debrief(models.Model):
    """The hiring manager's call on one application after one round: advance, reject or hold.

    Raised when every scorecard of the round is in (or the hiring manager proceeds without them); its
    Decision is the to-do, this row keeps what was decided and the move it made."""

    application = models.ForeignKey("candidates.Application", on_delete=models.PROTECT, related_name="debriefs")
    round = models.ForeignKey(InterviewRound, on_delete=models.PROTECT, related_name="debriefs")
    decision = models.ForeignKey("portal.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=DebriefStatus.choices, default=DebriefStatus.OPEN)
    early = models.BooleanField(
        _("before every scorecard was in"), default=False, help_text=_("The hiring manager chose to proceed.")
    )
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    reason = models.ForeignKey(
        "candidates.ReasonCode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey("candidates.Stage", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)])
    raised_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round"],
                condition=Q(status=DebriefStatus.OPEN),
                name="debrief_one_open_per_round",
            )
        ]

    def __str__(self):
        return f"Debrief of {self.application_id} after {self.round_id}"

    def get_absolute_url(self):
        return reverse("candidates:debrief", args=[self.pk])
