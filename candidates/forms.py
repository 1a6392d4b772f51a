"""Pipeline forms: validation only; views call the services with the cleaned data."""

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.models import ReasonCode, Stage


class MoveForm(forms.Form):
    """Move an application: the stage by its code (stable, readable in a URL or a test)."""

    stage = forms.ModelChoiceField(
        queryset=Stage.objects.active(), to_field_name="code", label=_("Move to"), empty_label=None
    )
    note = forms.CharField(max_length=500, required=False, label=_("Note"))


class CloseForm(forms.Form):
    """Reject or withdraw: a reason code is required (its category decides which)."""

    reason = forms.ModelChoiceField(
        queryset=ReasonCode.objects.active(),
        to_field_name="code",
        label=_("Reason"),
        error_messages={"required": _("Choose a reason: rejecting or withdrawing needs a reason code.")},
    )
    note = forms.CharField(max_length=500, required=False, label=_("Note"))
