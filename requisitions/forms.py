"""Requisition forms: field validation and narrowed choices; views pass cleaned data to services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.choices import Role
from portal.models import CostCenter, Department, HiringPlan, Level, Location, RoleFamily, User
from portal.roles import group_name
from requisitions.models import Requisition
from requisitions.permissions import BUDGET_OWNER_ROLES
from requisitions.services import INTAKE_FIELDS
from requisitions.validation import REQUIRED_TO_SUBMIT


def _people_with(*roles: str):
    return User.objects.with_role(*roles).order_by("first_name", "last_name")


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.period} · {obj.cost_center.code} {obj.cost_center.name}"


# Marked on the form before anyone presses a button: what submission will ask for ({field: words
# for screen readers}). The checks themselves are requisitions.validation.submission_problems.
# The budget owner is not marked: left empty, saving takes the cost center's.
REQUIRED_TO_SUBMIT_NOTES = {
    **{name: _("required to submit") for name in REQUIRED_TO_SUBMIT if name != "budget_owner"},
    "base_min": _("required to submit a salaried role"),
    "base_max": _("required to submit a salaried role"),
    "max_bill_rate": _("required to submit a contract role"),
    "contract_hours": _("required to submit a contract role"),
}


# Loads and one-time costs: left empty, they are nothing (and the form does not mark them required).
ZERO_WHEN_EMPTY = ("bonus_pct", "benefits_load_pct", "agency_fee", "signing_bonus", "relocation", "equipment")


class RequisitionForm(forms.ModelForm):
    """Intake. Drafts need only a title and a hiring manager; submission checks the rest."""

    required_to_submit = REQUIRED_TO_SUBMIT_NOTES

    hiring_plan = PlanChoiceField(queryset=HiringPlan.objects.none(), required=False, label=_("Hiring plan"))

    class Meta:
        model = Requisition
        fields = INTAKE_FIELDS
        widgets = {
            "target_start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "business_case": forms.Textarea(attrs={"rows": 3}),
            "justification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hiring_manager"].queryset = _people_with(Role.HIRING_MANAGER)
        self.fields["recruiter"].queryset = _people_with(Role.RECRUITER)
        # Only people who may own a budget: the one named here approves the budget step.
        self.fields["budget_owner"].queryset = _people_with(*BUDGET_OWNER_ROLES)
        self.fields["hiring_plan"].queryset = HiringPlan.objects.select_related("cost_center").order_by(
            "-period", "cost_center__code"
        )
        self.fields["role_family"].queryset = RoleFamily.objects.all()
        self.fields["level"].queryset = Level.objects.all()
        self.fields["department"].queryset = Department.objects.all()
        self.fields["cost_center"].queryset = CostCenter.objects.filter(is_active=True)
        self.fields["location"].queryset = Location.objects.all()
        self.fields["budget_owner"].help_text = _("Leave empty to use the cost center's budget owner.")
        for name in ZERO_WHEN_EMPTY:
            self.fields[name].required = False
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = _("Choose…")
        self.fields["budget_owner"].empty_label = _("The cost center's budget owner")
        for name in ("title", "hiring_manager"):
            self.fields[name].error_messages["required"] = _("Required, even for a draft.")

    def clean(self):
        cleaned = super().clean()
        for name in ZERO_WHEN_EMPTY:
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = Decimal("0")
        return cleaned

    def intake_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in INTAKE_FIELDS}


class CommentForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
        label=_("Comment"),
    )


class IntakeHintsForm(forms.Form):
    """The fields the intake hints look at; unknown or bad values are simply ignored."""

    role_family = forms.ModelChoiceField(queryset=RoleFamily.objects.all(), required=False)
    level = forms.ModelChoiceField(queryset=Level.objects.all(), required=False)
    location = forms.ModelChoiceField(queryset=Location.objects.all(), required=False)
    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False)
    hiring_plan = forms.ModelChoiceField(queryset=HiringPlan.objects.all(), required=False)
    target_start_date = forms.DateField(required=False)
    employment_type = forms.CharField(required=False)
    currency = forms.CharField(required=False)


class ShareForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, label=_("Share with"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(
                is_active=True, groups__name__in=[group_name(Role.RECRUITER), group_name(Role.HIRING_MANAGER)]
            )
            .distinct()
            .order_by("first_name", "last_name")
        )
