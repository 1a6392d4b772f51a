"""The decision spine: every workflow's to-do is a Decision with an owner, a due date and a next action."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import registry
from portal.choices import DecisionStatus, Outcome, ReminderKind

# The longest note or detail a decision keeps (a page of text); forms and services refuse longer.
TEXT_LIMIT = 4000


class DecisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=DecisionStatus.OPEN)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def owned_by(self, user):
        """Decisions the user must take: theirs by name, or their role's."""
        return self.filter(Q(owner=user) | Q(owner__isnull=True, owner_role__in=user.roles))

    def for_subject(self, subject):
        return self.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)


class Decision(models.Model):
    """One decision someone must take by a due date.

    Raised, resolved, reassigned and cancelled only through portal.services.decisions; never
    deleted. `owner` names a person; `owner_role` alone means anyone holding that role may take
    it (when both are set, the person owns it and the role says on whose behalf).
    """

    kind = models.CharField(_("kind"), max_length=32, choices=registry.decision_kind_choices)
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(
        _("detail"), blank=True, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)]
    )
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_owned",
    )
    owner_role = models.CharField(_("owner role"), max_length=20, choices=registry.role_choices, blank=True)
    sequence = models.PositiveSmallIntegerField(_("step"), null=True, blank=True, help_text=_("Order in a chain."))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)])
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_raised",
        help_text=_("Empty when the system raised it."),
    )
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    key = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("Idempotency key: raising again with the same key returns the open decision."),
    )
    history = HistoricalRecords()

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="decision_status_due"),
            models.Index(fields=["owner", "status"], name="decision_owner_status"),
            models.Index(fields=["owner_role", "status"], name="decision_role_status"),
            models.Index(fields=["subject_type", "subject_id"], name="decision_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(owner_role=""),
                name="decision_has_owner_or_role",
                violation_error_message=_("A decision needs an owner or an owner role."),
            ),
            models.CheckConstraint(
                condition=(Q(status=DecisionStatus.OPEN) & Q(decided_at__isnull=True))
                | (~Q(status=DecisionStatus.OPEN) & Q(decided_at__isnull=False)),
                name="decision_closed_iff_decided_at",
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status=DecisionStatus.OPEN) & ~Q(key=""),
                name="decision_one_open_per_key",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portal:decision_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == DecisionStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def owner_display(self) -> str:
        if self.owner_id:
            return str(self.owner)
        return registry.role_label(self.owner_role)

    @property
    def kind_spec(self) -> registry.DecisionKind:
        return registry.decision_kind(self.kind)

    @property
    def next_action_url(self) -> str:
        """Where the owner acts, as the decision's kind says (the subject's page, a form, this page)."""
        return self.kind_spec.next_action(self)


class ReminderLog(models.Model):
    """One reminder claimed for one recipient of one decision at one due date.

    The unique constraint is the idempotency guard: a sweep run twice, or on two workers at
    once, can claim a (decision, kind, due date, recipient) only once, so sends once.
    """

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    due_at = models.DateTimeField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "kind", "due_at", "recipient"], name="reminder_once_per_due_date"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} for decision {self.decision_id}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message for one user; the header shows the unread count."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.message
