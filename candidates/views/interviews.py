"""Interview pages: my interviews, the interview kit with its scorecard, scheduling, a requisition's
plan and interviewer load (the debrief has its own module). Every refusal of the service is shown,
never a 500."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates import ics, selectors
from candidates.choices import (
    SCORING_PANEL_ROLES,
    DebriefStatus,
    InterviewStatus,
    Rating,
    Recommendation,
)
from candidates.forms.interviews import (
    NOT_ASSESSED,
    RATING_CHOICES,
    InterviewForm,
    RoundFormSet,
    parse_scorecard,
)
from candidates.models import (
    Criterion,
    Interview,
    InterviewPlan,
    InterviewRound,
)
from candidates.permissions import (
    can_edit_plan,
    can_manage_interviews,
    can_proceed_to_debrief,
    can_see_scorecards,
    can_sit_on_panel,
    can_view_interview_load,
)
from candidates.services import PipelineError, interviews, scorecards
from requisitions.selectors import requisitions_for_user

LOAD_WEEKS = 4


# --- My interviews and the interview kit ---------------------------------------------------------


@require_GET
def interview_list(request):
    """Two views of the interviews: the ones I sit on, and (for those who oversee hiring) the team's on
    the requisitions I run: to schedule, coming up, and scorecards still owed."""
    user = request.user
    if not can_sit_on_panel(user):
        raise PermissionDenied
    team = can_see_scorecards(user)
    scope = request.GET.get("scope", "team" if team else "mine")
    if scope not in ("team", "mine") or (scope == "team" and not team):
        scope = "mine"
    context = {"scope": scope, "team": team, "can_view_load": can_view_interview_load(user)}
    if scope == "team":
        context.update(selectors.team_interviews(user))
    else:
        context["upcoming"], context["past"] = selectors.my_interview_seats(user)
    return render(request, "candidates/interviews.html", context)


def _interview_for(request, pk) -> Interview:
    return get_object_or_404(
        selectors.interviews_for_user(request.user).select_related(
            "application__candidate", "application__requisition__hiring_manager", "application__stage", "round"
        ),
        pk=pk,
    )


@require_GET
def interview_detail(request, pk):
    interview = _interview_for(request, pk)
    return _render_kit(request, interview)


def _render_kit(request, interview, *, status=200, posted=None, errors=None, revising=False, revise_reason=""):
    user = request.user
    participants = list(interview.participants.select_related("user").order_by(*selectors.PANEL_ORDER))
    seat = next((p for p in participants if p.user_id == user.pk), None)
    criteria = list(interview.round.criteria.order_by("name"))
    application = interview.application
    sees_all = selectors.sees_all_scorecards(user, application)
    cards = selectors.scorecards_shown(user, application, sees_all=sees_all)
    mine = [c for c in cards if c.interview_id == interview.pk and c.interviewer_id == user.pk]
    my_card = mine[-1] if mine else None
    others = [c for c in cards if not (c.interview_id == interview.pk and c.interviewer_id == user.pk)]
    can_score = seat is not None and seat.panel_role in SCORING_PANEL_ROLES and interview.can_be_scored
    editing = can_score and (my_card is None or not my_card.is_submitted or revising)
    values = _form_values(criteria, my_card, posted)
    manage = can_manage_interviews(user, application)
    context = {
        "interview": interview,
        "application": application,
        "participants": participants,
        "seat": seat,
        "criteria": criteria,
        "rows": [{"criterion": c, **values["rows"].get(c.pk, {})} for c in criteria],
        "values": values,
        "my_card": my_card,
        "my_revisions": mine,
        "others": others,
        "sees_all": sees_all,
        "can_score": can_score,
        "editing": editing,
        "revising": revising and my_card is not None and my_card.is_submitted,
        "revise_reason": revise_reason,
        "errors": errors or [],
        "rating_choices": RATING_CHOICES,
        "anchors": Rating.choices,
        "recommendations": Recommendation.choices,
        "reschedules": list(interview.reschedules.select_related("by")),
        "can_manage": manage,
        "can_complete": manage and interview.can_complete,
        "can_change": manage and interview.can_change,
        "can_no_show": manage and interview.can_be_scored,
        # Linked only for those who may open it (the same slice as the debrief page), never the panel as such.
        "debrief": selectors.debriefs_for_user(user)
        .filter(application=application, round=interview.round)
        .exclude(status=DebriefStatus.CANCELLED)
        .first(),
        "can_proceed": can_proceed_to_debrief(user, application) and sees_all,
    }
    return render(request, "candidates/interview_detail.html", context, status=status)


def _form_values(criteria, card, posted) -> dict:
    """What the scorecard form shows: what was just posted (after a refusal), else the saved card."""
    rows = {}
    if posted is not None:
        for c in criteria:
            rows[c.pk] = {"rating": posted.get(f"rating-{c.pk}", ""), "evidence": posted.get(f"evidence-{c.pk}", "")}
        return {
            "rows": rows,
            "recommendation": posted.get("recommendation", ""),
            "private_note": posted.get("private_note", ""),
        }
    if card is not None:
        for rating in card.ratings.all():
            value = str(rating.rating) if rating.rating else NOT_ASSESSED
            rows[rating.criterion_id] = {"rating": value, "evidence": rating.evidence}
        return {"rows": rows, "recommendation": card.recommendation, "private_note": card.private_note}
    return {"rows": rows, "recommendation": "", "private_note": ""}


def _my_interview(request, pk) -> Interview:
    """The interview, when the user sits on its panel in a scoring role (else 403; 404 when unseen)."""
    interview = _interview_for(request, pk)
    seated = interview.participants.filter(user=request.user, panel_role__in=SCORING_PANEL_ROLES).exists()
    if not seated:
        raise PermissionDenied
    return interview


@require_POST
def scorecard_save(request, pk):
    """Save my scorecard as a draft, submit it, or (once submitted) correct it as a new revision."""
    interview = _my_interview(request, pk)
    criteria = list(interview.round.criteria.order_by("name"))
    action = request.POST.get("action", "save")
    submit = action in ("submit", "revise")
    ratings, errors = parse_scorecard(request.POST, criteria, submit=submit)
    revising = action == "revise"
    reason = request.POST.get("revision_reason", "")
    if not errors:
        try:
            if revising:
                card = scorecards.current_scorecard(interview, request.user)
                if card is None:
                    raise interviews.InterviewError(_("There is no submitted scorecard to correct."))
                scorecards.revise_scorecard(
                    scorecard=card,
                    by=request.user,
                    reason=reason,
                    ratings=ratings,
                    recommendation=request.POST.get("recommendation", ""),
                    private_note=request.POST.get("private_note", ""),
                )
            else:
                scorecards.save_scorecard(
                    interview=interview,
                    by=request.user,
                    ratings=ratings,
                    recommendation=request.POST.get("recommendation", ""),
                    private_note=request.POST.get("private_note", ""),
                    submit=submit,
                )
        except PipelineError as exc:
            errors = [str(exc)]
    if errors:
        interview.refresh_from_db()
        return _render_kit(
            request, interview, status=400, posted=request.POST, errors=errors, revising=revising, revise_reason=reason
        )
    done = {
        "save": _("Draft saved: only you see it."),
        "submit": _("Scorecard submitted. You now see the others' scorecards."),
        "revise": _("Correction saved as a new revision."),
    }
    messages.success(request, done.get(action, done["save"]))
    return redirect(interview)


@require_GET
def interview_revise(request, pk):
    """The scorecard form again, prefilled from my submitted card, to correct it with a reason."""
    interview = _my_interview(request, pk)
    return _render_kit(request, interview, revising=True)


@require_GET
def interview_calendar(request, pk):
    """The interview's calendar file (for the panel and those who run the requisition)."""
    interview = _interview_for(request, pk)
    if interview.starts_at is None:
        messages.error(request, _("This interview has no time yet."))
        return redirect(interview)
    cancel = interview.status == InterviewStatus.CANCELLED
    response = HttpResponse(ics.interview_calendar(interview, cancel=cancel), content_type=ics.MIME_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ics.file_name(interview)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Scheduling --------------------------------------------------------------------------------------


def _application_to_manage(request, pk):
    application = get_object_or_404(
        selectors.applications_for_user(request.user).select_related(
            "candidate", "requisition__hiring_manager", "stage"
        ),
        pk=pk,
    )
    if not can_manage_interviews(request.user, application):
        raise PermissionDenied
    return application


@require_http_methods(["GET", "POST"])
def interview_schedule(request, pk):
    """Book an interview for an application: round, panel, time (or later), place."""
    application = _application_to_manage(request, pk)
    plan = InterviewPlan.objects.filter(requisition=application.requisition).first()
    if plan is None:
        if request.method == "POST" and request.POST.get("start_plan"):
            plan = interviews.ensure_plan(requisition=application.requisition, by=request.user)
            return redirect("candidates:schedule", pk=application.pk)
        return render(request, "candidates/interview_form.html", {"application": application, "no_plan": True})
    rounds = plan.rounds.filter(is_active=True)
    initial = {"round": request.GET.get("round")} if request.GET.get("round", "").isdigit() else {}
    form = InterviewForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        rounds=rounds,
        requisition=application.requisition,
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            interview = interviews.schedule_interview(
                application=application,
                round=form.cleaned_data["round"],
                panel=form.panel(),
                by=request.user,
                starts_at=starts_at,
                ends_at=ends_at,
                location=form.cleaned_data["location"],
                video_link=form.cleaned_data["video_link"],
                confirm=form.cleaned_data["confirm"],
            )
        except interviews.ConflictWarning as exc:
            warnings = exc.warnings
        except PipelineError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Interview booked; the panel has the invitation.")
                if interview.starts_at
                else _("Panel booked; choose the time when you have it."),
            )
            return redirect(interview)
    status = 400 if request.method == "POST" else 200
    context = {"application": application, "form": form, "warnings": warnings, "rounds": rounds}
    return render(request, "candidates/interview_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def interview_edit(request, pk):
    """Reschedule an interview, change its panel or place."""
    interview = _interview_for(request, pk)
    application = interview.application
    if not can_manage_interviews(request.user, application):
        raise PermissionDenied
    seats = list(interview.participants.select_related("user"))
    by_role = defaultdict(list)
    for seat in seats:
        by_role[seat.panel_role].append(seat.user)
    initial = {
        "round": interview.round,
        "starts_at": timezone.localtime(interview.starts_at) if interview.starts_at else None,
        "duration_minutes": int((interview.ends_at - interview.starts_at).total_seconds() // 60)
        if interview.starts_at
        else interview.round.duration_minutes,
        "lead": (by_role["lead"] or [None])[0],
        "interviewers": by_role["interviewer"],
        "shadows": by_role["shadow"],
        "with_hiring_manager": bool(by_role["hiring_manager"]),
        "location": interview.location,
        "video_link": interview.video_link,
    }
    rounds = InterviewRound.objects.filter(pk=interview.round_id)
    form = InterviewForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        rounds=rounds,
        requisition=application.requisition,
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            interviews.update_interview(
                interview=interview,
                by=request.user,
                panel=form.panel(),
                starts_at=starts_at,
                ends_at=ends_at,
                location=form.cleaned_data["location"],
                video_link=form.cleaned_data["video_link"],
                reason=form.cleaned_data["reason"],
                confirm=form.cleaned_data["confirm"],
            )
        except interviews.ConflictWarning as exc:
            warnings = exc.warnings
        except PipelineError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Interview updated; the panel has the new invitation."))
            return redirect(interview)
    status = 400 if request.method == "POST" else 200
    context = {"application": application, "form": form, "warnings": warnings, "interview": interview}
    return render(request, "candidates/interview_form.html", context, status=status)


@require_POST
def interview_action(request, pk, action):
    """Complete, cancel or record a no-show."""
    interview = _interview_for(request, pk)
    if not can_manage_interviews(request.user, interview.application):
        raise PermissionDenied
    note = request.POST.get("note", "")[:500]
    act = {
        "complete": lambda: interviews.complete_interview(interview=interview, by=request.user),
        "cancel": lambda: interviews.cancel_interview(interview=interview, by=request.user, reason=note),
        "no-show": lambda: interviews.mark_no_show(interview=interview, by=request.user, note=note),
    }.get(action)
    if act is None:
        raise Http404
    try:
        act()
    except PipelineError as exc:
        messages.error(request, str(exc))
    else:
        said = {
            "complete": _("Marked completed: the panel's scorecards are due."),
            "cancel": _("Interview cancelled; the panel's calendars drop it."),
            "no-show": _("Recorded as a no-show."),
        }
        messages.success(request, said[action])
    return redirect(interview)


# --- The plan --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_detail(request, pk):
    """A requisition's interview plan: its rounds, panels and criteria; edited by those who run it."""
    requisition = get_object_or_404(requisitions_for_user(request.user), pk=pk)
    if not request.user.has_perm("candidates.view_interviewplan"):
        raise PermissionDenied
    editable = can_edit_plan(request.user, requisition)
    plan = InterviewPlan.objects.filter(requisition=requisition).select_related("template").first()
    if request.method == "POST" and not editable:
        raise PermissionDenied
    if request.method == "POST" and plan is None:
        interviews.ensure_plan(requisition=requisition, by=request.user)
        messages.success(request, _("Plan started from the template: adjust it to this role."))
        return redirect("candidates:plan", pk=requisition.pk)
    criteria = Criterion.objects.active()
    formset = None
    status = 200
    if plan is not None:
        rounds = list(plan.rounds.filter(is_active=True).prefetch_related("criteria"))
        if request.method == "POST":
            formset = RoundFormSet(request.POST, criteria=criteria)
            if formset.is_valid():
                try:
                    interviews.save_plan(plan=plan, rounds=formset.rounds(), by=request.user)
                except PipelineError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, _("Interview plan saved."))
                    return redirect("candidates:plan", pk=requisition.pk)
            status = 400
        elif editable:
            initial = [
                {
                    "id": r.pk,
                    "name": r.name,
                    "duration_minutes": r.duration_minutes,
                    "panel_roles": r.panel_roles,
                    "criteria": list(r.criteria.all()),
                    "ORDER": r.position,
                }
                for r in rounds
            ]
            formset = RoundFormSet(initial=initial, criteria=criteria)
    else:
        rounds = []
    context = {
        "requisition": requisition,
        "plan": plan,
        "rounds": rounds if plan is not None else [],
        "formset": formset,
        "editable": editable,
        "template": interviews.template_for(requisition) if plan is None else plan.template,
    }
    return render(request, "candidates/plan.html", context, status=status)


# --- Interviewer load ----------------------------------------------------------------------------------


@require_GET
def interviewer_load(request):
    """Upcoming interviews per interviewer per week against their cap, and their pending scorecards."""
    if not can_view_interview_load(request.user):
        raise PermissionDenied
    weeks, rows = selectors.interviewer_load(weeks=LOAD_WEEKS)
    return render(request, "candidates/interviewer_load.html", {"rows": rows, "weeks": weeks})
