"""Organisation reference data, maintained by admins and tracked in history."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.choices import Currency, Province
from portal.money import Money, amount_field

# A slipped key, not a salary: no band goes beyond five million a year.
MAX_BAND = 5_000_000
MAX_PLAN_HEADCOUNT = 10_000

PERIOD_RE = re.compile(r"^(20\d\d)-Q([1-4])$")
period_validator = RegexValidator(PERIOD_RE, _("Use a quarter such as 2027-Q1."))
code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{0,19}$", _("Use capital letters, digits and dashes, e.g. CC-4100.")
)


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments_headed",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CostCenter(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    budget_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("budget owner"),
        on_delete=models.PROTECT,
        related_name="cost_centers_owned",
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("cost center")

    def __str__(self):
        return f"{self.code} {self.name}"


class Location(models.Model):
    city = models.CharField(_("city"), max_length=120)
    province = models.CharField(
        _("province or territory"),
        max_length=2,
        choices=Province.choices,
        blank=True,
        help_text=_("Required for locations in Canada."),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        default="CA",
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter country code such as CA."))],
    )
    is_remote = models.BooleanField(_("remote"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "province", "city"]
        constraints = [
            models.UniqueConstraint(
                Lower("city"),
                "province",
                "country",
                name="location_unique_place",
                violation_error_message=_("This location already exists."),
            ),
            models.CheckConstraint(
                condition=Q(country="CA") | Q(province=""),
                name="location_province_only_in_canada",
                violation_error_message=_("Provinces and territories are for locations in Canada."),
            ),
            models.CheckConstraint(
                condition=~Q(country="CA") | ~Q(province=""),
                name="location_canada_needs_province",
                violation_error_message=_("A location in Canada needs its province or territory."),
            ),
        ]

    def __str__(self):
        return ", ".join(part for part in (self.city, self.province, self.country) if part)


class RoleFamily(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("role family")
        verbose_name_plural = _("role families")

    def __str__(self):
        return self.name


class Level(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("Orders levels, junior first."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return f"{self.code} {self.name}"


class CompBandQuerySet(models.QuerySet):
    def effective_on(self, day):
        return self.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day), effective_from__lte=day)

    def overlapping(self, band: "CompBand"):
        """Other bands for the same role family, level and location (in any currency) whose dates overlap."""
        qs = self.filter(
            role_family_id=band.role_family_id,
            level_id=band.level_id,
            location_id=band.location_id,
        ).exclude(pk=band.pk)
        qs = qs.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=band.effective_from))
        if band.effective_to:
            qs = qs.filter(effective_from__lte=band.effective_to)
        return qs


class CompBand(models.Model):
    """Annual base pay range for a role family at a level in a location, for a span of dates."""

    role_family = models.ForeignKey(RoleFamily, verbose_name=_("role family"), on_delete=models.PROTECT)
    level = models.ForeignKey(Level, verbose_name=_("level"), on_delete=models.PROTECT)
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT)
    minimum = amount_field(_("minimum"), max_value=MAX_BAND)
    midpoint = amount_field(_("midpoint"), max_value=MAX_BAND)
    maximum = amount_field(_("maximum"), max_value=MAX_BAND)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CAD)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True, help_text=_("Empty: open-ended."))
    history = HistoricalRecords()

    objects = CompBandQuerySet.as_manager()

    class Meta:
        ordering = ["role_family__name", "level__rank", "location__city", "-effective_from"]
        verbose_name = _("compensation band")
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum__lte=F("midpoint")) & Q(midpoint__lte=F("maximum")),
                name="compband_min_mid_max_ordered",
                violation_error_message=_("The band must satisfy minimum ≤ midpoint ≤ maximum."),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="compband_dates_ordered",
                violation_error_message=_("The band cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.role_family} {self.level.code} {self.location.city} {self.currency}"

    def clean(self):
        super().clean()
        if None in (self.role_family_id, self.level_id, self.location_id, self.effective_from):
            return
        if self.effective_to and self.effective_to < self.effective_from:
            return  # reported by the constraint's message
        clash = CompBand.objects.overlapping(self).first()
        if clash is not None:
            ends = clash.effective_to.isoformat() if clash.effective_to else _("open-ended")
            raise ValidationError(
                _("These dates overlap the band effective %(start)s to %(end)s for the same role, level and place.")
                % {"start": clash.effective_from.isoformat(), "end": ends}
            )


class HiringPlan(models.Model):
    """Headcount and budget approved for a cost center in one quarter."""

    period = models.CharField(_("period"), max_length=7, validators=[period_validator], help_text="2027-Q1")
    cost_center = models.ForeignKey(CostCenter, verbose_name=_("cost center"), on_delete=models.PROTECT)
    approved_headcount = models.PositiveIntegerField(
        _("approved headcount"), validators=[MaxValueValidator(MAX_PLAN_HEADCOUNT)]
    )
    approved_budget = amount_field(_("approved budget"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CAD)
    notes = models.TextField(_("notes"), blank=True, max_length=4000, validators=[MaxLengthValidator(4000)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "cost_center__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "cost_center"],
                name="hiringplan_one_per_cost_center_and_period",
                violation_error_message=_("This cost center already has a hiring plan for that period."),
            ),
            models.CheckConstraint(
                condition=Q(approved_headcount__gte=0),
                name="hiringplan_headcount_not_negative",
                violation_error_message=_("Approved headcount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(approved_budget__gte=0),
                name="hiringplan_budget_not_negative",
                violation_error_message=_("Approved budget cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.period} {self.cost_center.code}"

    @property
    def budget(self) -> Money:
        return Money(self.approved_budget, self.currency)


class Holiday(models.Model):
    """A statutory holiday: no business day, so no SLA clock runs on it."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date.isoformat()} {self.name}"
