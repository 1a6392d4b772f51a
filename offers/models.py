"""The offer: one application's offer, its versions of terms (each fixed once submitted), their
allowances, and the letter template offers are printed from."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from offers.choices import LIVE, SENT, AllowanceKind, BonusKind, OfferStatus, PayBasis, VersionStatus
from portal.choices import Currency
from portal.money import Money, amount_field
from requisitions.choices import CONTRACT_TYPES, EmploymentType
from requisitions.models import MAX_BILL_RATE, long_text, pay_field

MAX_WEEKS = 260  # five years: a contract offer longer than that is a slipped key
LETTER_LIMIT = 20_000


class Offer(models.Model):
    """One offer to one application. Its terms live in versions; `current_version` is the one being
    worked on, `approved_version` the last one whose chain approved it, `extended_version` the one sent
    to the candidate. Written only through offers.services.

    The database refuses an offer that reached the candidate (extended and after) unless the version
    sent is the current one and the approved one: no offer goes out before its approvals.
    """

    application = models.ForeignKey(
        "candidates.Application", verbose_name=_("application"), on_delete=models.PROTECT, related_name="offers"
    )
    requisition = models.ForeignKey(
        "requisitions.Requisition", verbose_name=_("requisition"), on_delete=models.PROTECT, related_name="offers"
    )
    status = models.CharField(_("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.DRAFT)
    current_version = models.ForeignKey(
        "offers.OfferVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_version = models.ForeignKey(
        "offers.OfferVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    extended_version = models.ForeignKey(
        "offers.OfferVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    status_note = long_text(
        _("status note"), editable=False, help_text=_("Why it was last sent back, rejected, rescinded or withdrawn.")
    )
    decline_reason = models.ForeignKey(
        "candidates.ReasonCode",
        verbose_name=_("decline reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), editable=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True, editable=False)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "requisition"], name="offer_status_requisition")]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=LIVE),
                name="offer_one_live_per_application",
                violation_error_message=_("This application already has a live offer."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=SENT)
                | (
                    Q(current_version__isnull=False, approved_version__isnull=False, extended_version__isnull=False)
                    & Q(approved_version=F("current_version"), extended_version=F("current_version"))
                ),
                name="offer_sent_only_as_approved_version",
                violation_error_message=_("An offer reaches the candidate only as its approved current version."),
            ),
            models.CheckConstraint(
                condition=~Q(status=OfferStatus.APPROVED)
                | Q(approved_version__isnull=False, approved_version=F("current_version")),
                name="offer_approved_is_current_version",
                violation_error_message=_("An approved offer's current version is its approved version."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.application.candidate}"

    def get_absolute_url(self):
        return reverse("offers:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"OFF-{self.pk:04d}" if self.pk else "OFF-new"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE


class OfferVersion(models.Model):
    """One set of an offer's terms. Fixed once submitted: a change makes the next version, which
    supersedes this one (and voids its approvals) and needs approving again."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by", editable=False
    )
    status = models.CharField(_("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)

    # The role as offered.
    title = models.CharField(_("job title"), max_length=160)
    level = models.ForeignKey("portal.Level", verbose_name=_("level"), null=True, blank=True, on_delete=models.PROTECT)
    location = models.ForeignKey(
        "portal.Location", verbose_name=_("location"), null=True, blank=True, on_delete=models.PROTECT
    )
    employment_type = models.CharField(
        _("employment type"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    # Pay.
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CAD)
    pay_basis = models.CharField(_("pay basis"), max_length=8, choices=PayBasis.choices, default=PayBasis.ANNUAL)
    base_amount = pay_field(_("base pay"), help_text=_("Per year, or per hour for hourly pay."))
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("40"),
        validators=[MinValueValidator(1), MaxValueValidator(80)],
    )
    bonus_kind = models.CharField(_("bonus"), max_length=8, choices=BonusKind.choices, default=BonusKind.NONE)
    bonus_value = amount_field(
        _("bonus target"), max_value=1_000_000, default=Decimal("0"), help_text=_("A percentage of base or an amount.")
    )
    equity_note = models.TextField(
        _("equity"), blank=True, max_length=1000, validators=[MaxLengthValidator(1000)], help_text=_("As offered.")
    )
    signing_bonus = pay_field(_("signing bonus"), default=Decimal("0"))
    relocation = pay_field(_("relocation"), default=Decimal("0"))
    start_date = models.DateField(_("start date"))
    expires_on = models.DateField(_("offer expires on"))
    # Contract offers: what the vendor bills and for how long.
    bill_rate = amount_field(_("bill rate (per hour)"), max_value=MAX_BILL_RATE, null=True, blank=True)
    duration_weeks = models.PositiveSmallIntegerField(
        _("expected duration (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WEEKS)],
    )

    follows_approval = models.BooleanField(
        _("changed after approval"), default=False, editable=False, help_text=_("An earlier version was approved.")
    )
    change_note = long_text(_("what changed and why"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), editable=False)

    class Meta:
        ordering = ["offer", "number"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "number"], name="offerversion_number_unique"),
            models.CheckConstraint(condition=Q(expires_on__lte=F("start_date")), name="offerversion_expires_by_start"),
            models.CheckConstraint(
                condition=~Q(bonus_kind=BonusKind.PERCENT) | Q(bonus_value__lte=200),
                name="offerversion_bonus_percent_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.offer.reference} v{self.number}"

    def get_absolute_url(self):
        return f"{self.offer.get_absolute_url()}#v{self.number}"

    @property
    def is_contract(self) -> bool:
        return self.employment_type in CONTRACT_TYPES

    @property
    def is_fixed(self) -> bool:
        """Submitted at least once: a change makes a new version."""
        return self.status != VersionStatus.DRAFT

    def money(self, amount) -> Money:
        return Money(amount or 0, self.currency)


class OfferAllowance(models.Model):
    """A recurring allowance of a version, per year."""

    version = models.ForeignKey(OfferVersion, on_delete=models.PROTECT, related_name="allowances")
    kind = models.CharField(_("kind"), max_length=12, choices=AllowanceKind.choices)
    amount = pay_field(_("amount per year"))

    class Meta:
        ordering = ["version", "kind"]
        constraints = [models.UniqueConstraint(fields=["version", "kind"], name="offerallowance_one_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class OfferLetterTemplate(models.Model):
    """The text offer letters are printed from, with {placeholders} for the offer's fields."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    body = models.TextField(_("body"), max_length=LETTER_LIMIT, validators=[MaxLengthValidator(LETTER_LIMIT)])
    is_default = models.BooleanField(_("default"), default=False)
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="letter_one_default")
        ]

    def __str__(self):
        return self.name
