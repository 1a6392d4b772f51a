"""The requisition: a business need for one or more people, its cost, its plan and its approval chain."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.choices import Currency
from portal.money import Money, amount_field
from requisitions.choices import CONTRACT_TYPES, EmploymentType, Status

# Caps keep every derived figure within its column (cost = base × up to 3 + one-time costs) and
# catch a slipped key: no one pay figure of a single hire is over five million.
MAX_PAY = 5_000_000
MAX_BILL_RATE = 5_000
MAX_CONTRACT_HOURS = 4_000
MAX_OPENINGS = 100
# The longest business case, justification or note a requisition keeps (about a page).
TEXT_LIMIT = 4000


def long_text(verbose_name, **kwargs):
    return models.TextField(
        verbose_name, blank=True, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)], **kwargs
    )


def pay_field(verbose_name, **kwargs):
    return amount_field(verbose_name, max_value=MAX_PAY, **kwargs)


PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "default": Decimal("0"),
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


class RequisitionQuerySet(models.QuerySet):
    def counting_against_plan(self):
        from requisitions.choices import COUNTS_AGAINST_PLAN

        return self.filter(status__in=COUNTS_AGAINST_PLAN)

    def with_list_relations(self):
        return self.select_related(
            "role_family", "level", "department", "cost_center", "location", "hiring_manager", "recruiter"
        )


class Requisition(models.Model):
    """One approved (or to-be-approved) need to hire `openings` people into one role.

    Written only through requisitions.services. Drafts may be incomplete; submission checks
    everything and computes the approval chain.
    """

    title = models.CharField(_("role title"), max_length=160)
    role_family = models.ForeignKey(
        "portal.RoleFamily", verbose_name=_("role family"), null=True, blank=True, on_delete=models.PROTECT
    )
    level = models.ForeignKey("portal.Level", verbose_name=_("level"), null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(
        "portal.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    cost_center = models.ForeignKey(
        "portal.CostCenter", verbose_name=_("cost center"), null=True, blank=True, on_delete=models.PROTECT
    )
    location = models.ForeignKey(
        "portal.Location", verbose_name=_("location"), null=True, blank=True, on_delete=models.PROTECT
    )
    employment_type = models.CharField(
        _("employment type"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    openings = models.PositiveSmallIntegerField(
        _("openings"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_OPENINGS)]
    )
    hires = models.PositiveSmallIntegerField(
        _("hires"), default=0, editable=False, help_text=_("Openings taken by an accepted offer.")
    )
    hiring_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("hiring manager"), on_delete=models.PROTECT, related_name="+"
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recruiter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    budget_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("budget owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Defaults to the cost center's budget owner."),
    )
    target_start_date = models.DateField(_("target start date"), null=True, blank=True)
    hiring_plan = models.ForeignKey(
        "portal.HiringPlan",
        verbose_name=_("hiring plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requisitions",
    )
    is_backfill = models.BooleanField(_("backfill"), default=False, help_text=_("Replaces someone who left."))
    backfill_for = models.CharField(_("backfill for"), max_length=120, blank=True, help_text=_("Who left."))
    business_case = long_text(_("business case"), help_text=_("Required for a net-new role."))
    justification = long_text(
        _("justification"), help_text=_("Required when the pay range is above the band or the plan budget is exceeded.")
    )

    # Cost: salaried roles give a base range and loads; contract roles a maximum bill rate and hours.
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CAD)
    comp_band = models.ForeignKey(
        "portal.CompBand",
        verbose_name=_("compensation band"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    base_min = pay_field(_("base pay minimum (per year)"), null=True, blank=True)
    base_max = pay_field(_("base pay maximum (per year)"), null=True, blank=True)
    bonus_pct = models.DecimalField(_("target bonus (% of base)"), **PERCENT)
    benefits_load_pct = models.DecimalField(_("benefits load (% of base)"), **PERCENT)
    max_bill_rate = amount_field(_("maximum bill rate (per hour)"), max_value=MAX_BILL_RATE, null=True, blank=True)
    contract_hours = models.PositiveIntegerField(
        _("contract hours in the first year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CONTRACT_HOURS)],
    )
    agency_fee = pay_field(_("agency fee"), default=Decimal("0"))
    signing_bonus = pay_field(_("signing bonus"), default=Decimal("0"))
    relocation = pay_field(_("relocation"), default=Decimal("0"))
    equipment = pay_field(_("equipment"), default=Decimal("0"))
    cost_min = amount_field(_("first-year cost minimum (per opening)"), null=True, blank=True, editable=False)
    cost_max = amount_field(_("first-year cost maximum (per opening)"), null=True, blank=True, editable=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_note = long_text(
        _("status note"), editable=False, help_text=_("Why it was last sent back, rejected, put on hold or cancelled.")
    )
    approval_round = models.PositiveSmallIntegerField(_("approval round"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), editable=False)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    filled_at = models.DateTimeField(_("filled"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(
        _("closed"), null=True, blank=True, editable=False, help_text=_("Rejected or cancelled.")
    )
    history = HistoricalRecords()

    objects = RequisitionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "target_start_date"], name="req_status_start"),
            models.Index(fields=["hiring_manager", "status"], name="req_hm_status"),
            models.Index(fields=["recruiter", "status"], name="req_recruiter_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(base_min__isnull=True) | Q(base_max__isnull=True) | Q(base_min__lte=F("base_max")),
                name="req_base_min_le_max",
                violation_error_message=_("The base pay minimum cannot be above the maximum."),
            ),
            models.CheckConstraint(condition=Q(openings__gte=1), name="req_at_least_one_opening"),
            models.CheckConstraint(condition=Q(hires__lte=F("openings")), name="req_hires_within_openings"),
            models.CheckConstraint(
                condition=Q(cost_min__isnull=True) | Q(cost_max__isnull=True) | Q(cost_min__lte=F("cost_max")),
                name="req_cost_min_le_max",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("requisitions:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"REQ-{self.pk:04d}" if self.pk else "REQ-new"

    @property
    def is_contract(self) -> bool:
        return self.employment_type in CONTRACT_TYPES

    @property
    def openings_left(self) -> int:
        """Openings no hire has taken yet (an accepted offer, or a contractor started on a contract requisition)."""
        return max(self.openings - self.hires, 0)

    @property
    def one_time_costs(self) -> Decimal:
        return sum(
            (self.agency_fee or 0, self.signing_bonus or 0, self.relocation or 0, self.equipment or 0), Decimal("0")
        )

    @property
    def total_cost_max(self) -> Decimal | None:
        """First-year cost of all openings at the top of the range."""
        return self.cost_max * self.openings if self.cost_max is not None else None

    def money(self, amount) -> Money:
        """An amount of this requisition as Money, in its currency."""
        return Money(amount or 0, self.currency)
