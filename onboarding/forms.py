"""Input of the pre-boarding pages: each form validates, none saves (the services do)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.choices import ReasonCategory
from candidates.models import ReasonCode
from onboarding.choices import OWNER_STATUSES, CaseStatus, CheckStatus, TaskStatus
from onboarding.models import MAX_TASK_COST, TEXT_LIMIT

DATE = forms.DateInput(attrs={"type": "date"})


def reason_field(required=True, label=None):
    return forms.CharField(
        label=label or _("Reason"), required=required, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveStartForm(forms.Form):
    start = forms.DateField(label=_("New start date"), widget=DATE)
    reason = reason_field()


class ConfirmStartForm(forms.Form):
    start = forms.DateField(label=_("Actual start date"), widget=DATE)
    note = reason_field(required=False, label=_("Note"))


class FellThroughForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=[(CaseStatus.NO_SHOW, _("Did not show up")), (CaseStatus.WITHDRAWN, _("Withdrew before the start"))],
    )
    reason = forms.ModelChoiceField(
        label=_("Reason code"),
        queryset=ReasonCode.objects.filter(
            is_active=True, category__in=[ReasonCategory.NO_SHOW, ReasonCategory.THEY_WITHDREW]
        ),
    )
    note = reason_field(required=False, label=_("Note"))


class WorkEmailForm(forms.Form):
    work_email = forms.EmailField(label=_("Work email"), max_length=254)


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))
    reason = reason_field(required=False, label=_("Reason (blocked, not applicable, waived)"))
    actual_cost = forms.DecimalField(
        label=_("What it cost"), required=False, min_value=0, max_value=MAX_TASK_COST, decimal_places=2, max_digits=9
    )

    def __init__(self, *args, task=None, may_waive=False, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [s for s in OWNER_STATUSES if task is None or s != task.status]
        if task is not None and task.blocks_start and not may_waive:
            # The start waits for it: only HR sets it aside (waiving, with a reason).
            statuses = [s for s in statuses if s != TaskStatus.NOT_APPLICABLE]
        if may_waive:
            statuses.append(TaskStatus.WAIVED)
        self.fields["status"].choices = [(s, TaskStatus(s).label) for s in statuses]
        if task is not None and task.expected_cost is None:
            del self.fields["actual_cost"]


class TaskDueForm(forms.Form):
    due = forms.DateField(label=_("Due on"), widget=DATE)
    reason = reason_field()


class CheckRequestForm(forms.Form):
    provider = forms.CharField(label=_("Vendor"), max_length=120)
    package = forms.CharField(label=_("Package"), max_length=120)


class CheckResultForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (s, CheckStatus(s).label)
            for s in (CheckStatus.IN_PROGRESS, CheckStatus.REVIEW_NEEDED, CheckStatus.CLEAR, CheckStatus.ADVERSE)
        ],
    )
    report = forms.CharField(
        label=_("Report (kept only until the check is decided)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
