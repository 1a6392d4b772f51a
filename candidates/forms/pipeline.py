"""Pipeline forms: validation only; views call the services with the cleaned data."""

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.choices import ActivityKind, BulkAction
from candidates.models import TEXT_LIMIT, ReasonCode, Stage
from portal.choices import Role
from portal.models import User


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


class BulkForm(forms.Form):
    """Several applications of the user's slice, one action and what it needs."""

    application = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Applications"), error_messages={"required": _("Tick the applications to change.")}
    )
    action = forms.ChoiceField(choices=BulkAction.choices, label=_("Action"))
    stage = forms.ModelChoiceField(
        queryset=Stage.objects.active(), to_field_name="code", required=False, label=_("Stage")
    )
    reason = forms.ModelChoiceField(
        queryset=ReasonCode.objects.active(), to_field_name="code", required=False, label=_("Reason")
    )
    owner = forms.ModelChoiceField(queryset=None, required=False, label=_("New owner"))
    note = forms.CharField(max_length=500, required=False, label=_("Note"))

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["owner"].queryset = User.objects.with_role(Role.RECRUITER).order_by("first_name", "last_name")

    def clean(self):
        cleaned = super().clean()
        needs = {BulkAction.MOVE: "stage", BulkAction.CLOSE: "reason", BulkAction.REASSIGN: "owner"}
        field = needs.get(cleaned.get("action"))
        if field and not cleaned.get(field):
            messages = {
                "stage": _("Choose the stage to move them to."),
                "reason": _("Choose a reason: rejecting or withdrawing needs a reason code."),
                "owner": _("Choose the recruiter who takes them over."),
            }
            self.add_error(field, messages[field])
        return cleaned


class ResumeForm(forms.Form):
    """The upload only; what the file is, is decided by candidates.resumes from its content."""

    file = forms.FileField(
        label=_("Resume"),
        allow_empty_file=False,
        max_length=255,
        error_messages={"required": _("Choose a file to upload."), "empty": _("The file is empty.")},
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV export"),
        allow_empty_file=False,
        max_length=255,
        error_messages={"required": _("Choose a CSV file to upload."), "empty": _("The file is empty.")},
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(choices=ActivityKind.choices, label=_("Kind"))
    body = forms.CharField(
        max_length=TEXT_LIMIT,
        label=_("What happened"),
        error_messages={"required": _("Write what happened.")},
    )
