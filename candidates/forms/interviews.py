"""Forms of the interview pages. They check shape (types, lengths, choices); the rules live in
candidates.services.interviews, whose refusals the pages show the same way."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates import selectors
from candidates.choices import DEBRIEF_OUTCOMES, PanelRole, Rating, ReasonCategory
from candidates.models import Criterion, InterviewRound, ReasonCode, Stage
from candidates.models.interviews import MAX_ROUNDS
from candidates.services.interviews import RoundInput, Seat
from candidates.services.scorecards import RatingInput
from portal.choices import Outcome
from portal.models import User

NOT_ASSESSED = "na"
RATING_CHOICES = [(str(value), label) for value, label in Rating.choices] + [(NOT_ASSESSED, _("Not assessed"))]


class RoundForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Round"), max_length=80)
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=15, max_value=480, initial=45)
    panel_roles = forms.MultipleChoiceField(
        label=_("Panel"), choices=PanelRole.choices, widget=forms.CheckboxSelectMultiple
    )
    criteria = forms.ModelMultipleChoiceField(
        label=_("Criteria"), queryset=Criterion.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, criteria=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = criteria if criteria is not None else Criterion.objects.active()


class BaseRoundFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "criteria": self.criteria}

    def __init__(self, *args, criteria=None, **kwargs):
        self.criteria = criteria
        super().__init__(*args, **kwargs)

    def rounds(self) -> list[RoundInput]:
        """The rounds in the order asked (ORDER), removed ones flagged; untouched blank rows left out."""
        chosen = []
        for index, form in enumerate(self.forms):
            if not form.has_changed() and not form.cleaned_data.get("id"):
                continue
            data = form.cleaned_data
            order = data.get("ORDER") or (1000 + index)
            chosen.append(
                (
                    order,
                    index,
                    RoundInput(
                        pk=data.get("id"),
                        name=data.get("name", ""),
                        duration_minutes=data.get("duration_minutes") or 45,
                        panel_roles=list(data.get("panel_roles", [])),
                        criteria=list(data.get("criteria", [])),
                        remove=bool(data.get("DELETE")),
                    ),
                )
            )
        return [r for _order, _index, r in sorted(chosen, key=lambda item: item[:2])]


RoundFormSet = forms.formset_factory(
    RoundForm, formset=BaseRoundFormSet, extra=1, can_order=True, can_delete=True, max_num=MAX_ROUNDS, absolute_max=20
)


class InterviewForm(forms.Form):
    """Schedule (or change) an interview: its round, panel, time and place."""

    round = forms.ModelChoiceField(label=_("Round"), queryset=InterviewRound.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to book the panel now and the time later."),
    )
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=15, max_value=480, required=False)
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=User.objects.none(), required=False)
    interviewers = forms.ModelMultipleChoiceField(label=_("Interviewers"), queryset=User.objects.none(), required=False)
    shadows = forms.ModelMultipleChoiceField(label=_("Shadows"), queryset=User.objects.none(), required=False)
    with_hiring_manager = forms.BooleanField(label=_("The hiring manager sits on the panel"), required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), max_length=500, required=False, assume_scheme="https")
    reason = forms.CharField(
        label=_("Why it moves"), max_length=500, required=False, help_text=_("Needed when a booked time changes.")
    )
    confirm = forms.BooleanField(label=_("Book it despite the warnings above"), required=False)

    def __init__(self, *args, rounds, requisition, **kwargs):
        super().__init__(*args, **kwargs)
        self.requisition = requisition
        self.fields["round"].queryset = rounds
        people = selectors.panel_people()
        for name in ("lead", "interviewers", "shadows"):
            self.fields[name].queryset = people
        self.fields["interviewers"].widget.attrs["size"] = 6
        self.fields["shadows"].widget.attrs["size"] = 4

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and not (data.get("duration_minutes") or data.get("round")):
            raise forms.ValidationError(_("Say how long the interview lasts."))
        return data

    def panel(self) -> list[Seat]:
        data = self.cleaned_data
        seats = []
        if data.get("lead"):
            seats.append(Seat(data["lead"], PanelRole.LEAD))
        seats += [Seat(user, PanelRole.INTERVIEWER) for user in data.get("interviewers") or []]
        seats += [Seat(user, PanelRole.SHADOW) for user in data.get("shadows") or []]
        if data.get("with_hiring_manager"):
            seats.append(Seat(self.requisition.hiring_manager, PanelRole.HIRING_MANAGER))
        return seats

    def times(self):
        data = self.cleaned_data
        if not data.get("starts_at"):
            return None, None
        minutes = data.get("duration_minutes") or data["round"].duration_minutes
        return data["starts_at"], data["starts_at"] + timedelta(minutes=minutes)


class DebriefForm(forms.Form):
    """The hiring manager's call on a debrief: advance to a later active stage a person may move to (never
    Pre-start or Hired; the next one when none is chosen), reject with one of our active "we rejected"
    reasons, or hold; and a note. The choices are narrowed to what the application can take;
    decide_debrief applies the rest of the rule."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(outcome.value, outcome.label) for outcome in DEBRIEF_OUTCOMES],
        error_messages={"required": _("Choose advance, reject or hold.")},
    )
    to_stage = forms.ModelChoiceField(label=_("Advance to"), queryset=Stage.objects.none(), required=False)
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=ReasonCode.objects.none(), to_field_name="code", required=False
    )
    note = forms.CharField(label=_("Note"), max_length=4000, required=False)

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        stages = Stage.objects.active().movable()
        later = stages.filter(position__gt=application.stage.position).order_by("position", "id")
        self.fields["to_stage"].queryset = later
        self.fields["reason"].queryset = ReasonCode.objects.active().filter(category=ReasonCategory.WE_REJECTED)
        self.initial.setdefault("outcome", Outcome.ADVANCED)
        self.initial.setdefault("to_stage", later.first())

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.REJECTED and not data.get("reason"):
            self.add_error("reason", _("Choose why we reject: a reason code of ours."))
        return data


def parse_scorecard(post, criteria, *, submit: bool) -> tuple[dict[int, RatingInput], list[str]]:
    """The ratings a scorecard form sent, criterion by criterion, and what was wrong with them.

    Each criterion sends `rating-<id>` (1-4, or "na" for not assessed; empty when unanswered, which
    the service refuses on submission) and `evidence-<id>`. A draft keeps evidence written before a
    rating (as not assessed, until rated)."""
    ratings, errors = {}, []
    for criterion in criteria:
        raw = post.get(f"rating-{criterion.pk}", "").strip()
        evidence = post.get(f"evidence-{criterion.pk}", "")
        if raw == "":
            if evidence.strip() and not submit:
                ratings[criterion.pk] = RatingInput(None, evidence)
            continue
        if raw == NOT_ASSESSED:
            ratings[criterion.pk] = RatingInput(None, evidence)
        elif raw in {"1", "2", "3", "4"}:
            ratings[criterion.pk] = RatingInput(int(raw), evidence)
        else:
            errors.append(_("%(c)s: choose a rating from 1 to 4, or not assessed.") % {"c": criterion.name})
    return ratings, errors
