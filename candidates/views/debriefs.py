"""The debrief page: a round's scorecards side by side, aggregated per criterion, where the hiring manager
decides; and calling a debrief before every scorecard is in."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from candidates import selectors
from candidates.forms.interviews import DebriefForm
from candidates.models import (
    Debrief,
    InterviewRound,
)
from candidates.permissions import (
    can_decide_debrief,
    can_proceed_to_debrief,
    can_see_scorecards,
)
from candidates.services import PipelineError, scorecards


def _debrief_for(request, pk) -> Debrief:
    user = request.user
    if not can_see_scorecards(user):
        raise PermissionDenied
    return get_object_or_404(
        selectors.debriefs_for_user(user).select_related(
            "application__candidate",
            "application__requisition__hiring_manager",
            "application__stage",
            "round",
            "decision",
            "reason",
            "to_stage",
            "decided_by",
        ),  # fmt: skip
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def debrief_detail(request, pk):
    """The round's scorecards side by side, aggregated per criterion; the hiring manager decides here."""
    debrief = _debrief_for(request, pk)
    application = debrief.application
    can_decide = can_decide_debrief(request.user, debrief)
    if request.method == "POST" and not can_decide:
        raise PermissionDenied
    form = DebriefForm(request.POST if request.method == "POST" else None, application=application)
    if form.is_valid():
        try:
            scorecards.decide_debrief(debrief=debrief, by=request.user, **form.cleaned_data)
        except PipelineError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Debrief recorded."))
            return redirect("candidates:debrief", pk=debrief.pk)
    sees_all = selectors.sees_all_scorecards(request.user, application)
    cards = selectors.debrief_cards(debrief) if sees_all else []
    context = {
        "debrief": debrief,
        "application": application,
        "sees_all": sees_all,
        "cards": cards,
        "summary": selectors.debrief_summary(debrief.round, cards),
        "recommendations": selectors.recommendation_counts(cards),
        "can_decide": can_decide,
        "form": form,
    }
    return render(request, "candidates/debrief.html", context, status=400 if form.errors else 200)


@require_POST
def debrief_proceed(request, pk, round_pk):
    """The hiring manager calls the round's debrief before every scorecard is in."""
    application = get_object_or_404(
        selectors.applications_for_user(request.user).select_related("requisition", "candidate"), pk=pk
    )
    round_ = get_object_or_404(InterviewRound, pk=round_pk, plan__requisition=application.requisition_id)
    if not can_proceed_to_debrief(request.user, application):
        raise PermissionDenied
    try:
        debrief = scorecards.proceed_to_debrief(application=application, round=round_, by=request.user)
    except PipelineError as exc:
        messages.error(request, str(exc))
        return redirect(application.candidate)
    return redirect("candidates:debrief", pk=debrief.pk)
