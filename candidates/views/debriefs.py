"""The debrief page: a round's scorecards side by side, aggregated per criterion, where the hiring manager
decides; and calling a debrief before every scorecard is in."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from candidates import selectors
from candidates.choices import (
    DebriefStatus,
    ReasonCategory,
)
from candidates.models import (
    Debrief,
    InterviewRound,
    ReasonCode,
    Stage,
)
from candidates.permissions import (
    can_proceed_to_debrief,
    can_see_scorecards,
)
from candidates.services import PipelineError, scorecards
from portal.permissions import can_take_decision


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
    can_decide = (
        debrief.status == DebriefStatus.OPEN
        and debrief.decision is not None
        and can_take_decision(request.user, debrief.decision)
    )
    errors = []
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        outcome = request.POST.get("outcome", "")
        stage_id = request.POST.get("to_stage", "")
        stage = Stage.objects.active().filter(pk=stage_id).first() if stage_id.isdigit() else None
        reason = ReasonCode.objects.active().filter(code=request.POST.get("reason", "")).first()
        try:
            scorecards.decide_debrief(
                debrief=debrief,
                by=request.user,
                outcome=outcome,
                to_stage=stage,
                reason=reason,
                note=request.POST.get("note", "")[:4000],
            )
        except PipelineError as exc:
            errors.append(str(exc))
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
        "errors": errors,
        "later_stages": scorecards.later_stages(application.stage),
        "next_stage": scorecards.next_stage(application.stage),
        "reasons": ReasonCode.objects.active().filter(category=ReasonCategory.WE_REJECTED),
        "posted": request.POST if request.method == "POST" else {},
    }
    return render(request, "candidates/debrief.html", context, status=400 if errors else 200)


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
