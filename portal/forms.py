"""Forms of the core app: input validation only; views call services with the cleaned data."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import calendar, registry
from portal.choices import OUTCOMES_NEEDING_NOTE, Outcome
from portal.models.decisions import TEXT_LIMIT
from portal.permissions import hold_rule
from portal.selectors import assignable_users

MAX_SLA_BUSINESS_DAYS = 60


class OwnerFields(forms.Form):
    """A decision goes to a person or to a role, never both."""

    owner = forms.ModelChoiceField(queryset=None, required=False, label=_("Person"), empty_label=_("Choose a person…"))
    owner_role = forms.ChoiceField(
        choices=lambda: [("", _("Choose a role…")), *registry.role_choices()], required=False, label=_("or role")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable_users()

    def clean(self):
        cleaned = super().clean()
        owner, role = cleaned.get("owner"), cleaned.get("owner_role")
        if not owner and not role:
            raise forms.ValidationError(_("Choose a person or a role to own the decision."))
        if owner and role:
            raise forms.ValidationError(_("Choose a person or a role, not both."))
        return cleaned


class RequestForm(OwnerFields):
    """Ask someone for a decision by a date: a request, resolved done or declined."""

    title = forms.CharField(
        max_length=200, label=_("What needs deciding"), error_messages={"required": _("Say what needs deciding.")}
    )
    detail = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=TEXT_LIMIT, label=_("Details")
    )
    business_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_SLA_BUSINESS_DAYS,
        initial=2,
        label=_("Due in (business days)"),
        help_text=_("Weekends and statutory holidays are not counted."),
    )

    field_order = ["title", "detail", "owner", "owner_role", "business_days"]


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=(), label=_("Outcome"))
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=TEXT_LIMIT, label=_("Note")
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = registry.decision_kind(kind).page_outcomes
        self.fields["outcome"].choices = [(o, Outcome(o).label) for o in allowed]

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome and Outcome(outcome) in OUTCOMES_NEEDING_NOTE and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why: a note is required for this outcome."))
        return cleaned


class ReassignForm(OwnerFields):
    """Hand a decision on: only to the people and roles its kind lets hold it (the service checks the same rule)."""

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        rule = hold_rule(decision)
        self.fields["owner"].queryset = rule.people()
        self.fields["owner"].help_text = _("Only the people who may take a %(kind)s are offered.") % {
            "kind": str(decision.kind_spec.label).lower()
        }
        self.fields["owner_role"].choices = [("", _("Choose a role…")), *rule.role_choices()]

    due_in_business_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_SLA_BUSINESS_DAYS,
        required=False,
        label=_("New due date (business days from now)"),
        help_text=_("Leave empty to keep the current due date."),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        label=_("Why"),
        error_messages={"required": _("Say why you are handing this decision on.")},
    )

    def new_due_at(self):
        days = self.cleaned_data.get("due_in_business_days")
        return calendar.due_at_after(days, start=timezone.now()) if days else None


class CancelForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        label=_("Why cancel"),
        error_messages={"required": _("Say why the decision is cancelled.")},
    )
