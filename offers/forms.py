"""Offer forms: field validation and narrowed choices; views pass cleaned data to offers.services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.choices import ReasonCategory
from candidates.models import ReasonCode
from offers.choices import AllowanceKind
from offers.models import OfferVersion
from offers.services import TERM_FIELDS, AllowanceInput
from portal.models.decisions import TEXT_LIMIT
from requisitions.models import MAX_PAY

# Amounts a person may leave empty: they then take the model's default (no bonus, 40 hours a week).
OPTIONAL_WITH_DEFAULT = ("bonus_value", "signing_bonus", "relocation", "hours_per_week")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfferForm(forms.ModelForm):
    """An offer's terms, its allowances (one optional amount per kind) and what changed."""

    class Meta:
        model = OfferVersion
        fields = [*TERM_FIELDS, "change_note"]
        widgets = {
            "start_date": DATE,
            "expires_on": DATE,
            "equity_note": forms.Textarea(attrs={"rows": 2}),
            "change_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, needs_note: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_note = needs_note
        self.fields["change_note"].required = needs_note
        if needs_note:
            self.fields["change_note"].help_text = _("Required: the approvers read it with the new version.")
        for name in OPTIONAL_WITH_DEFAULT:
            self.fields[name].required = False
        existing = {a.kind: a.amount for a in self.instance.allowances.all()} if self.instance.pk else {}
        for kind, label in AllowanceKind.choices:
            self.fields[f"allowance_{kind}"] = forms.DecimalField(
                label=_("%(kind)s allowance (per year)") % {"kind": label},
                required=False,
                min_value=Decimal("0"),
                max_value=MAX_PAY,
                decimal_places=2,
                initial=existing.get(kind),
            )

    @property
    def allowance_fields(self):
        return [self[f"allowance_{kind}"] for kind in AllowanceKind.values]

    def clean(self):
        cleaned = super().clean()
        for name in OPTIONAL_WITH_DEFAULT:  # left empty: the model's default
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = OfferVersion._meta.get_field(name).default
        return cleaned

    def _post_clean(self):
        # The service validates the version as a whole (and builds it); the form checks fields only.
        pass

    def terms(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in TERM_FIELDS}

    def allowances(self) -> list[AllowanceInput]:
        return [
            AllowanceInput(kind, self.cleaned_data[f"allowance_{kind}"])
            for kind in AllowanceKind.values
            if self.cleaned_data.get(f"allowance_{kind}")
        ]


class NoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    reason = forms.ModelChoiceField(
        queryset=ReasonCode.objects.none(), label=_("Why the candidate declined"), empty_label=_("Choose a reason…")
    )
    note = forms.CharField(required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = ReasonCode.objects.active().filter(category=ReasonCategory.OFFER_DECLINED)
        self.fields["reason"].to_field_name = "code"
