"""Vendor, rate card, engagement, timesheet and invoice forms: field validation and narrowed choices;
views pass cleaned data to vendors.services, which validates the rules."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate
from portal.choices import Currency
from portal.models import User
from portal.models.decisions import TEXT_LIMIT
from vendors.choices import SUPPLIES_CONTRACTORS, VendorStatus
from vendors.models import MAX_INVOICE, MAX_RATE, MAX_WEEK_HOURS, Engagement, Placement, RateCard, Vendor, VendorContact
from vendors.selectors import parse_reference

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_LINES = 20


def note_field(*, required: bool, label=None):
    return forms.CharField(
        label=label or _("Note"), required=required, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )


WHY_ABOVE = _("Why above the rate card")


def bill_rate_field(*, required: bool, help_text=""):
    return forms.DecimalField(
        label=_("Bill rate"),
        required=required,
        min_value=Decimal("0.01"),
        max_value=MAX_RATE,
        decimal_places=2,
        help_text=help_text,
    )


class VendorForm(forms.ModelForm):
    class Meta:
        model = Vendor
        fields = [
            "name",
            "kind",
            "status",
            "owner",
            "fee_pct",
            "guarantee_days",
            "contract_expires_on",
            "insurance_expires_on",
            "terms_template",
            "notes",
        ]
        widgets = {
            "contract_expires_on": DATE,
            "insurance_expires_on": DATE,
            "terms_template": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.people().order_by("first_name", "last_name", "username")


class ContactForm(forms.ModelForm):
    class Meta:
        model = VendorContact
        fields = ["name", "role", "email", "phone", "is_primary"]


class ClauseForm(forms.Form):
    checked_on = forms.DateField(label=_("Checked on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def clean_checked_on(self):
        day = self.cleaned_data["checked_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A clause cannot be checked in the future."))
        return day


class RateCardForm(forms.ModelForm):
    class Meta:
        model = RateCard
        fields = [
            "role_family",
            "level",
            "location",
            "currency",
            "unit",
            "pay_rate",
            "markup_pct",
            "bill_rate",
            "overtime_multiplier",
            "valid_from",
            "valid_to",
        ]
        widgets = {"valid_from": DATE, "valid_to": DATE}
        help_texts = {"bill_rate": _("Leave empty: pay rate × (1 + markup).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bill_rate"].required = False


class EngagementForm(forms.Form):
    """A new engagement on one requisition: the worker is one of its candidates, the rate card one of an
    approved contractor supplier's for its role family."""

    worker = forms.ModelChoiceField(label=_("Worker"), queryset=Candidate.objects.none())
    rate_card = forms.ModelChoiceField(label=_("Rate card"), queryset=RateCard.objects.none())
    start_date = forms.DateField(label=_("Start"), widget=DATE)
    end_date = forms.DateField(label=_("End"), widget=DATE)
    hours_per_week = forms.DecimalField(
        label=_("Expected hours per week"), min_value=1, max_value=MAX_WEEK_HOURS, decimal_places=1, initial=40
    )
    bill_rate = bill_rate_field(
        required=False, help_text=_("Empty: the rate card's. Above it needs a reason and goes for approval.")
    )
    rate_reason = note_field(required=False, label=WHY_ABOVE)
    po_reference = forms.CharField(label=_("Purchase order"), required=False, max_length=60)

    def __init__(self, *args, requisition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = Candidate.objects.filter(
            applications__requisition=requisition, merged_into__isnull=True
        ).order_by("last_name", "first_name")
        cards = RateCard.objects.filter(
            vendor__status=VendorStatus.APPROVED,
            vendor__kind__in=SUPPLIES_CONTRACTORS,
            valid_to__gte=timezone.localdate(),
        ).select_related("vendor", "role_family", "level", "location")
        if requisition.role_family_id:
            cards = cards.filter(role_family=requisition.role_family_id)
        self.fields["rate_card"].queryset = cards
        self.fields["rate_card"].label_from_instance = lambda card: (
            f"{card.vendor} · {card.level.code} {card.location.city} · {card.bill_rate:,.2f} {card.currency}/"
            f"{card.get_unit_display().lower()} · {card.valid_from:%Y-%m-%d} to {card.valid_to:%Y-%m-%d}"
        )

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The end date is before the start date."))
        return data


class RateForm(forms.Form):
    bill_rate = bill_rate_field(required=True)
    rate_reason = note_field(required=False, label=WHY_ABOVE)


class RenewForm(forms.Form):
    end_date = forms.DateField(label=_("New end date"), widget=DATE)
    bill_rate = bill_rate_field(required=False, help_text=_("Empty: the current rate, or the card's if lower."))
    rate_reason = note_field(required=False, label=WHY_ABOVE)
    note = note_field(required=False)


class EndForm(forms.Form):
    end_date = forms.DateField(label=_("Last day"), required=False, widget=DATE)
    note = note_field(required=True, label=_("Why it ends"))


class NoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=TEXT_LIMIT)


class TimesheetForm(forms.Form):
    week_start = forms.DateField(label=_("Week of (Monday)"), widget=DATE)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=MAX_WEEK_HOURS, decimal_places=2)
    overtime_hours = forms.DecimalField(
        label=_("Overtime hours"), min_value=0, max_value=MAX_WEEK_HOURS, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class InvoiceForm(forms.Form):
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    number = forms.CharField(label=_("Invoice number"), max_length=60)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    received_on = forms.DateField(label=_("Received"), widget=DATE)


class InvoiceLineForm(forms.Form):
    reference = forms.CharField(label=_("Engagement or placement"), max_length=20, help_text=_("ENG-0001 or PLC-0001"))
    description = forms.CharField(label=_("Description"), required=False, max_length=200)
    hours = forms.DecimalField(label=_("Hours"), required=False, min_value=0, max_digits=7, decimal_places=2)
    overtime_hours = forms.DecimalField(
        label=_("Overtime hours"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), max_value=MAX_INVOICE, decimal_places=2)

    def clean_reference(self):
        subject = resolve_reference(self.cleaned_data["reference"])
        if subject is None:
            raise forms.ValidationError(_("No engagement or placement has this reference."))
        return subject


InvoiceLineFormSet = forms.formset_factory(
    InvoiceLineForm, extra=3, min_num=1, validate_min=True, max_num=MAX_LINES, validate_max=True
)


def resolve_reference(text: str):
    """The engagement (ENG-nnnn) or placement (PLC-nnnn) a reference names, or None."""
    parsed = parse_reference(text)
    if parsed is None:
        return None
    kind, pk = parsed
    return (Engagement if kind == "ENG" else Placement).objects.filter(pk=pk).first()


class ApproveInvoiceForm(forms.Form):
    override_reason = forms.CharField(required=False, max_length=TEXT_LIMIT)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Accounts-payable export (CSV)"))
