"""Vendors and what they are paid for: the approved vendor list with its clauses and fee terms, rate
cards, agency placements, contractor engagements (their terms, one per renewal), timesheets and vendor
invoices with the lines matching checks. Written only through vendors.services."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.choices import Currency
from portal.money import Money, amount_field
from requisitions.models import long_text
from vendors.choices import (
    IN_FORCE,
    PLACES_HIRES,
    EngagementStatus,
    ExpiryKind,
    InvoiceStatus,
    LineFlag,
    PlacementStatus,
    RateApproval,
    RateUnit,
    TimesheetStatus,
    VendorKind,
    VendorStatus,
)

# A day rate of more than this, or an hourly one of a tenth of it, is a slipped key.
MAX_RATE = 10_000
MAX_MARKUP_PCT = 300
MAX_GUARANTEE_DAYS = 365
MAX_WEEK_HOURS = 80
MAX_INVOICE = 10_000_000


def rate_field(verbose_name, **kwargs):
    return amount_field(verbose_name, max_value=MAX_RATE, **kwargs)


def percent_field(verbose_name, *, maximum, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(maximum)],
        **kwargs,
    )


def hours_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_WEEK_HOURS)],
        **kwargs,
    )


# --- Vendors ---------------------------------------------------------------------------------------


class Vendor(models.Model):
    """An agency or contractor supplier on the approved vendor list.

    `source` is the application source recruiters pick for a candidate this vendor sent (agencies
    only, made when the vendor is saved): an application with that source names the vendor, and a
    hire through it forecasts the vendor's fee.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=VendorKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=VendorStatus.choices, default=VendorStatus.ON_HOLD)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact owner"),
        on_delete=models.PROTECT,
        related_name="vendors_owned",
        help_text=_("Who at the company looks after this vendor: reminders go to them."),
    )
    terms_template = long_text(_("terms template"), help_text=_("The standard terms this vendor signed."))
    fee_pct = percent_field(
        _("agency fee (% of first-year base)"), maximum=100, null=True, blank=True, help_text=_("Agencies only.")
    )
    guarantee_days = models.PositiveSmallIntegerField(
        _("guarantee period (days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_GUARANTEE_DAYS)],
        help_text=_("A placed hire who leaves within it is replaced or refunded."),
    )
    contract_expires_on = models.DateField(_("contract expires"), null=True, blank=True)
    insurance_expires_on = models.DateField(_("insurance expires"), null=True, blank=True)
    source = models.OneToOneField(
        "candidates.Source",
        verbose_name=_("application source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vendor",
        editable=False,
    )
    notes = long_text(_("notes"))
    created_at = models.DateTimeField(_("added"), editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=PLACES_HIRES) | Q(fee_pct__isnull=False),
                name="vendor_agency_has_fee",
                violation_error_message=_("An agency needs its fee terms (%% of first-year base)."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("vendors:vendor_detail", args=[self.pk])

    @property
    def places_hires(self) -> bool:
        return self.kind in PLACES_HIRES


class VendorContact(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_primary", "name"]

    def __str__(self):
        return self.name


class RequiredClause(models.Model):
    """A clause every vendor agreement must contain (admins keep the list); retired, never deleted."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.CharField(_("what to check"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ClauseCheck(models.Model):
    """Someone read a vendor's agreement and found the clause: when, and who."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="clause_checks")
    clause = models.ForeignKey(RequiredClause, on_delete=models.PROTECT, related_name="checks")
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["clause__position", "clause__name"]
        constraints = [models.UniqueConstraint(fields=["vendor", "clause"], name="clausecheck_once_per_vendor")]

    def __str__(self):
        return f"{self.vendor}: {self.clause}"


# --- Rate cards ------------------------------------------------------------------------------------


class RateCardQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(valid_from__lte=day, valid_to__gte=day)

    def overlapping(self, card: "RateCard"):
        """Other cards of the same vendor, role family, level and location whose dates overlap."""
        return self.filter(
            vendor_id=card.vendor_id,
            role_family_id=card.role_family_id,
            level_id=card.level_id,
            location_id=card.location_id,
            valid_from__lte=card.valid_to,
            valid_to__gte=card.valid_from,
        ).exclude(pk=card.pk)


class RateCard(models.Model):
    """What a vendor charges for a role family at a level in a location, between two dates.
    `bill_rate` is pay rate × (1 + markup) unless the vendor quoted it; the service fills it."""

    vendor = models.ForeignKey(Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="rate_cards")
    role_family = models.ForeignKey("portal.RoleFamily", verbose_name=_("role family"), on_delete=models.PROTECT)
    level = models.ForeignKey("portal.Level", verbose_name=_("level"), on_delete=models.PROTECT)
    location = models.ForeignKey("portal.Location", verbose_name=_("location"), on_delete=models.PROTECT)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CAD)
    unit = models.CharField(_("per"), max_length=4, choices=RateUnit.choices, default=RateUnit.HOUR)
    pay_rate = rate_field(_("pay rate"))
    markup_pct = percent_field(_("markup %"), maximum=MAX_MARKUP_PCT)
    bill_rate = rate_field(_("bill rate"))
    overtime_multiplier = models.DecimalField(
        _("overtime multiplier"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    history = HistoricalRecords()

    objects = RateCardQuerySet.as_manager()

    class Meta:
        ordering = ["vendor__name", "role_family__name", "level__rank", "location__city", "-valid_from"]
        indexes = [models.Index(fields=["vendor", "role_family", "level", "location"], name="ratecard_key")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")),
                name="ratecard_dates_ordered",
                violation_error_message=_("A rate card cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(bill_rate__gte=F("pay_rate")),
                name="ratecard_bill_covers_pay",
                violation_error_message=_("The bill rate cannot be below the pay rate."),
            ),
        ]

    def __str__(self):
        return f"{self.vendor} · {self.role_family} {self.level.code} {self.location.city}"


# --- Agency placements -----------------------------------------------------------------------------


class Placement(models.Model):
    """A permanent hire an agency placed: recorded when the offer is accepted, with the fee its terms
    give (fee % × first-year base) and the guarantee end."""

    vendor = models.ForeignKey(Vendor, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="placements")
    offer = models.OneToOneField("offers.Offer", on_delete=models.PROTECT, related_name="placement")
    requisition = models.ForeignKey("requisitions.Requisition", on_delete=models.PROTECT, related_name="placements")
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    base = amount_field(_("first-year base"))
    fee_pct = percent_field(_("fee %"), maximum=100)
    fee = amount_field(_("fee"))
    start_date = models.DateField(_("start date"))
    guarantee_until = models.DateField(_("guarantee until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlacementStatus.choices, default=PlacementStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("recorded"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self):
        return f"{self.reference} {self.vendor}"

    @property
    def reference(self) -> str:
        return f"PLC-{self.pk:04d}" if self.pk else "PLC-new"

    @property
    def fee_money(self) -> Money:
        return Money(self.fee, self.currency)


# --- Engagements -----------------------------------------------------------------------------------


class Engagement(models.Model):
    """A contractor or temp working against a requisition through a vendor.

    Its rates and dates live in terms (the first, then one per renewal); `start_date`, `end_date` and
    `bill_rate` repeat those of the terms in force, for lists and the ledger, and are kept by the
    service. An engagement starts only when its first terms are within the rate card or approved.
    """

    requisition = models.ForeignKey(
        "requisitions.Requisition", verbose_name=_("requisition"), on_delete=models.PROTECT, related_name="engagements"
    )
    worker = models.ForeignKey(
        "candidates.Candidate", verbose_name=_("worker"), on_delete=models.PROTECT, related_name="engagements"
    )
    vendor = models.ForeignKey(Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="engagements")
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    unit = models.CharField(_("per"), max_length=4, choices=RateUnit.choices)
    bill_rate = rate_field(_("bill rate"), editable=False)
    hours_per_week = models.DecimalField(
        _("expected hours per week"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("40"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WEEK_HOURS)],
    )
    po_reference = models.CharField(_("purchase order"), max_length=60, blank=True)
    start_date = models.DateField(_("start"), editable=False)
    end_date = models.DateField(_("end"), editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=EngagementStatus.choices, default=EngagementStatus.PLANNED
    )
    status_note = long_text(_("status note"), editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["end_date", "id"]
        indexes = [
            models.Index(fields=["status", "end_date"], name="engagement_status_end"),
            models.Index(fields=["requisition", "status"], name="engagement_req_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="engagement_dates_ordered",
                violation_error_message=_("An engagement cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.worker}"

    def get_absolute_url(self):
        return reverse("vendors:engagement_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"ENG-{self.pk:04d}" if self.pk else "ENG-new"


class EngagementTerm(models.Model):
    """One stretch of an engagement at one rate: the first terms, then one per renewal. A rate above
    its rate card needs a reason and an approval chain (on this row) before the terms are in force."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField(_("terms"))
    rate_card = models.ForeignKey(RateCard, verbose_name=_("rate card"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    pay_rate = rate_field(_("pay rate"))
    markup_pct = percent_field(_("markup %"), maximum=MAX_MARKUP_PCT)
    bill_rate = rate_field(_("bill rate"))
    overtime_multiplier = models.DecimalField(_("overtime multiplier"), max_digits=3, decimal_places=2)
    rate_approval = models.CharField(_("rate"), max_length=12, choices=RateApproval.choices)
    rate_reason = long_text(_("why above the rate card"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["engagement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "number"], name="engagementterm_number_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="engagementterm_dates_ordered",
                violation_error_message=_("Terms cannot end before they start."),
            ),
            models.CheckConstraint(
                condition=Q(rate_approval=RateApproval.WITHIN_CARD) | ~Q(rate_reason=""),
                name="engagementterm_reason_above_card",
                violation_error_message=_("A rate above the rate card needs a reason."),
            ),
        ]

    def __str__(self):
        return f"{self.engagement.reference} terms {self.number}"

    def get_absolute_url(self):
        return self.engagement.get_absolute_url()

    @property
    def in_force(self) -> bool:
        return self.rate_approval in IN_FORCE

    @property
    def above_card(self) -> bool:
        return self.rate_approval != RateApproval.WITHIN_CARD


# --- Timesheets --------------------------------------------------------------------------------------


class Timesheet(models.Model):
    """One week of one engagement: regular and overtime hours, approved by the hiring manager, then
    invoiced (the invoice that billed it)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="timesheets")
    week_start = models.DateField(_("week of"), help_text=_("The Monday the week starts."))
    hours = hours_field(_("hours"))
    overtime_hours = hours_field(_("overtime hours"))
    status = models.CharField(
        _("status"), max_length=10, choices=TimesheetStatus.choices, default=TimesheetStatus.SUBMITTED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    invoice = models.ForeignKey(
        "vendors.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="timesheets"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-week_start", "engagement"]
        indexes = [models.Index(fields=["engagement", "status", "week_start"], name="timesheet_eng_status_week")]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "week_start"],
                condition=~Q(status=TimesheetStatus.REJECTED),
                name="timesheet_one_per_week",
                violation_error_message=_("This week already has a timesheet."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) | Q(overtime_hours__gt=0),
                name="timesheet_has_hours",
                violation_error_message=_("A timesheet records some hours."),
            ),
            models.CheckConstraint(
                condition=~Q(status=TimesheetStatus.INVOICED) | Q(invoice__isnull=False),
                name="timesheet_invoiced_names_invoice",
            ),
        ]

    def __str__(self):
        return f"{self.engagement.reference} week of {self.week_start:%Y-%m-%d}"


# --- Invoices -----------------------------------------------------------------------------------------


class Invoice(models.Model):
    """A vendor's invoice for a period: its lines bill engagements (hours) or placements (fees).
    Matching sets each line's expected amount and flag; a flagged invoice is approved only by finance
    overriding with a reason. An approved invoice is actual spend in the ledger."""

    vendor = models.ForeignKey(Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=60)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    received_on = models.DateField(_("received"))
    amount = amount_field(_("amount"), max_value=MAX_INVOICE)
    expected_amount = amount_field(_("expected"), max_value=MAX_INVOICE, null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.SUBMITTED
    )
    override_reason = long_text(_("override reason"), editable=False)
    status_note = long_text(_("status note"), editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, editable=False)
    imported = models.BooleanField(_("imported"), default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(_("entered"), editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "received_on"], name="invoice_status_received")]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "number"],
                name="invoice_number_once_per_vendor",
                violation_error_message=_("This vendor already sent an invoice with this number."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="invoice_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[InvoiceStatus.APPROVED, InvoiceStatus.PAID])
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="invoice_approved_names_approver",
            ),
            models.CheckConstraint(
                condition=~Q(status=InvoiceStatus.PAID) | Q(paid_on__isnull=False), name="invoice_paid_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.vendor} {self.number}"

    def get_absolute_url(self):
        return reverse("vendors:invoice_detail", args=[self.pk])

    @property
    def difference(self) -> Money | None:
        return None if self.expected_amount is None else Money(self.amount - self.expected_amount, self.currency)


class InvoiceLine(models.Model):
    """One line of an invoice: hours on an engagement, or a placement's fee."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    engagement = models.ForeignKey(
        Engagement, null=True, blank=True, on_delete=models.PROTECT, related_name="invoice_lines"
    )
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.PROTECT, related_name="invoice_lines"
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    hours = models.DecimalField(
        _("hours"), max_digits=7, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    overtime_hours = models.DecimalField(
        _("overtime hours"), max_digits=7, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    amount = amount_field(_("amount"), max_value=MAX_INVOICE)
    expected = amount_field(_("expected"), max_value=MAX_INVOICE, null=True, blank=True, editable=False)
    flag = models.CharField(_("flag"), max_length=10, choices=LineFlag.choices, blank=True, editable=False)
    flag_note = models.CharField(_("finding"), max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["invoice", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(engagement__isnull=False, placement__isnull=True)
                | Q(engagement__isnull=True, placement__isnull=False),
                name="invoiceline_bills_one_thing",
                violation_error_message=_("A line bills an engagement or a placement, not both."),
            ),
        ]

    def __str__(self):
        return f"{self.invoice} line {self.pk}"

    @property
    def subject(self):
        return self.engagement or self.placement


# --- Expiry reminders ---------------------------------------------------------------------------------


class ExpiryNotice(models.Model):
    """One reminder that a rate card or vendor contract expires, claimed once per expiry date and
    notice (30 days, 14 days): the unique constraint keeps a task run twice from sending twice."""

    kind = models.CharField(max_length=10, choices=ExpiryKind.choices)
    object_id = models.PositiveBigIntegerField()
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "expires_on", "days_before"], name="expirynotice_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} expires {self.expires_on} ({self.days_before} days)"
