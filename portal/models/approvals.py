"""Approval chains on any subject: the rules admins write, and each subject's rounds of steps."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import registry
from portal.choices import ChainStatus
from portal.money import amount_field
from portal.policy import CONDITION_FOR, ROLE_APPROVER, USER_APPROVER, Condition, FactKind


class ApprovalRule(models.Model):
    """One line of an approval policy: when `condition` holds for a subject's `fact`, `approver`
    approves at `step`. Steps run in order; rules sharing a step approve in parallel."""

    policy = models.CharField(_("policy"), max_length=40, choices=registry.policy_choices)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), help_text=_("Rules are evaluated in this order."))
    is_active = models.BooleanField(_("active"), default=True)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    fact = models.CharField(
        _("fact"), max_length=40, blank=True, choices=registry.fact_choices, help_text=_("Empty for “Always”.")
    )
    threshold = amount_field(_("threshold"), null=True, blank=True, help_text=_("For amounts: over this."))
    values = models.CharField(
        _("values"), max_length=200, blank=True, help_text=_("For lists: comma-separated codes, e.g. contract,intern.")
    )
    approver = models.CharField(_("approver"), max_length=40, choices=registry.approver_choices)
    approver_role = models.CharField(_("approving role"), max_length=20, choices=registry.role_choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step = models.PositiveSmallIntegerField(
        _("step"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    sla_business_days = models.PositiveSmallIntegerField(
        _("SLA (business days)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(condition=Condition.OVER) | Q(threshold__isnull=False),
                name="rule_threshold_when_over",
                violation_error_message=_("An “over” condition needs a threshold."),
            ),
            models.CheckConstraint(
                condition=~Q(approver=USER_APPROVER) | Q(user__isnull=False),
                name="rule_user_when_named",
                violation_error_message=_("Choose the named approver."),
            ),
            models.CheckConstraint(
                condition=~Q(approver=ROLE_APPROVER) | ~Q(approver_role=""),
                name="rule_role_when_role",
                violation_error_message=_("Choose the approving role."),
            ),
        ]

    def __str__(self):
        return self.name

    def value_list(self) -> list[str]:
        return [code.strip() for code in self.values.split(",") if code.strip()]

    def clean(self):
        super().clean()
        if not self.policy:
            return
        policy = registry.approval_policy(self.policy)
        errors = {}
        if self.condition == Condition.ALWAYS:
            if self.fact:
                errors["fact"] = _("“Always” tests no fact: leave it empty.")
        else:
            spec = policy.fact(self.fact)
            if spec is None:
                errors["fact"] = _("Choose one of this policy's facts: %(facts)s.") % {
                    "facts": ", ".join(str(f.label) for f in policy.facts)
                }
            elif CONDITION_FOR[FactKind(spec.kind)] != self.condition:
                errors["condition"] = _("“%(fact)s” takes the condition “%(condition)s”.") % {
                    "fact": spec.label,
                    "condition": CONDITION_FOR[FactKind(spec.kind)].label,
                }
            elif spec.kind == FactKind.CHOICE:
                allowed = [code for code, _label in spec.choices]
                unknown = sorted(set(self.value_list()) - set(allowed))
                if not self.value_list() or unknown:
                    errors["values"] = _("List codes from: %(codes)s.") % {"codes": ", ".join(allowed)}
        if self.approver not in (ROLE_APPROVER, USER_APPROVER, *policy.people):
            errors["approver"] = _("Choose an approver this policy knows.")
        if self.approver == ROLE_APPROVER and self.approver_role and self.approver_role not in policy.approver_roles:
            errors["approver_role"] = _("This role may not approve a %(subject)s.") % {"subject": policy.subject_label}
        if errors:
            raise ValidationError(errors)


class ApprovalChain(models.Model):
    """One round of approvals of one subject, under one policy: computed at submission, its steps in
    order. Sending back or rejecting closes the round; resubmitting opens the next one."""

    policy = models.CharField(_("policy"), max_length=40, choices=registry.policy_choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    round = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(_("status"), max_length=12, choices=ChainStatus.choices, default=ChainStatus.OPEN)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["subject_type", "subject_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "round"], name="chain_one_per_round"),
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(status=ChainStatus.OPEN),
                name="chain_one_open_per_subject",
            ),
        ]

    def __str__(self):
        return f"{self.policy} {self.subject_type_id}:{self.subject_id} round {self.round}"

    @property
    def is_open(self) -> bool:
        return self.status == ChainStatus.OPEN


class ApprovalStep(models.Model):
    """One approver's place in a chain: planned at submission with the reason it is there; its
    Decision is raised when its step number comes up, so a waiting step has no decision yet.

    `authority`: the role a holder of this step must have (a finance step needs finance); empty when
    any of the policy's approver roles will do.
    """

    chain = models.ForeignKey(ApprovalChain, on_delete=models.PROTECT, related_name="steps")
    step = models.PositiveSmallIntegerField()
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approver_role = models.CharField(max_length=20, choices=registry.role_choices, blank=True)
    authority = models.CharField(max_length=20, choices=registry.role_choices, blank=True)
    reason = models.CharField(max_length=500)
    sla_business_days = models.PositiveSmallIntegerField(default=2)
    decision = models.OneToOneField(
        "portal.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="approval_step"
    )

    class Meta:
        ordering = ["chain", "step", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approver__isnull=False) | ~Q(approver_role=""), name="chain_step_has_approver"
            )
        ]

    def __str__(self):
        return f"{self.chain} step {self.step}: {self.approver_display}"

    @property
    def approver_display(self) -> str:
        return str(self.approver) if self.approver_id else registry.role_label(self.approver_role)
