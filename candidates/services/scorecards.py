"""Scorecards and debriefs: a panelist's scorecard (locked once submitted, corrected by revision), which
closes their scorecard-due decision; once a round's scorecards are in, the hiring manager's debrief
decision, whose outcome moves the application through the pipeline service (logged like any other move).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from candidates import choices, permissions, services
from candidates.choices import (
    DEBRIEF_KIND,
    HELD_INTERVIEW_STATUSES,
    SCORING_PANEL_ROLES,
    DebriefStatus,
    InterviewStatus,
    ReasonCategory,
    Recommendation,
    ScorecardStatus,
)
from candidates.models import (
    Application,
    Criterion,
    Debrief,
    Interview,
    InterviewParticipant,
    InterviewRound,
    ReasonCode,
    Scorecard,
    ScorecardRating,
    Stage,
)
from candidates.services.interviews import (
    InterviewError,
    active_application,
    clean,
    complete_interview,
    locked_interview,
    open_scorecard_decisions,
)
from portal import clock
from portal.choices import Outcome
from portal.models import User
from portal.services import decisions
from portal.services.records import save_with_history


@dataclass(frozen=True)
class RatingInput:
    rating: int | None  # None: not assessed
    evidence: str = ""


def current_scorecard(interview: Interview, user: User) -> Scorecard | None:
    return Scorecard.objects.filter(interview=interview, interviewer=user).order_by("-revision").first()


def save_scorecard(
    *,
    interview: Interview,
    by: User,
    ratings: dict[int, RatingInput],
    recommendation: str,
    private_note: str = "",
    submit: bool = False,
) -> Scorecard:
    """Save the user's scorecard for `interview` as a draft, or submit it (then it is locked).

    Submitting needs every criterion of the round rated or marked not assessed, evidence for every
    rating and an overall recommendation. A first submission on an interview still marked booked
    completes it (the panel says it happened)."""
    with transaction.atomic():
        current = locked_interview(interview)
        seat = _scoring_seat(current, by)
        if current.status not in HELD_INTERVIEW_STATUSES:
            raise InterviewError(
                _("This interview is %(status)s: there is nothing to score.")
                % {"status": current.get_status_display().lower()}
            )
        if not current.has_started:
            raise InterviewError(_("A scorecard is written once the interview has started."))
        card = _latest_card(current, by)
        if card is not None and card.is_submitted:
            raise InterviewError(
                _("Your scorecard is submitted and locked: correct it as a new revision, with a reason.")
            )
        if card is None:
            card = Scorecard(interview=current, interviewer=seat.user, created_at=clock.now())
        criteria = _fill(card, current, ratings, recommendation, private_note, submit=submit)
        if submit:
            card.status, card.submitted_at = ScorecardStatus.SUBMITTED, clock.now()
        clean(card, exclude=["interview", "interviewer", "supersedes"])
        card.save()
        _write_ratings(card, criteria, ratings)
        if submit:
            if current.status != InterviewStatus.COMPLETED:
                complete_interview(interview=current, by=None)
            _scorecard_in(current, by)
    return card


def revise_scorecard(
    *,
    scorecard: Scorecard,
    by: User,
    reason: str,
    ratings: dict[int, RatingInput],
    recommendation: str,
    private_note: str = "",
) -> Scorecard:
    """Correct a submitted scorecard: a new, submitted revision with its reason; the earlier one stays."""
    if scorecard.interviewer_id != by.pk:
        raise InterviewError(_("Only its author corrects a scorecard."))
    if not reason.strip():
        raise InterviewError(_("Say why the scorecard is corrected: the hiring team sees both versions."))
    with transaction.atomic():
        current = locked_interview(scorecard.interview)
        _scoring_seat(current, by)
        latest = _latest_card(current, by)
        if latest is None or latest.pk != scorecard.pk or not latest.is_submitted:
            raise InterviewError(_("Only the latest submitted scorecard can be corrected."))
        now = clock.now()
        card = Scorecard(
            interview=current,
            interviewer=by,
            revision=latest.revision + 1,
            supersedes=latest,
            revision_reason=reason.strip()[:500],
            created_at=now,
        )
        criteria = _fill(card, current, ratings, recommendation, private_note, submit=True)
        card.status, card.submitted_at = ScorecardStatus.SUBMITTED, now
        clean(card, exclude=["interview", "interviewer", "supersedes"])
        card.save()
        _write_ratings(card, criteria, ratings)
    return card


def _scoring_seat(interview: Interview, user: User) -> InterviewParticipant:
    seat = InterviewParticipant.objects.filter(interview=interview, user=user).select_related("user").first()
    if seat is None:
        raise InterviewError(_("You are not on this interview's panel."))
    if seat.panel_role not in SCORING_PANEL_ROLES:
        raise InterviewError(_("Shadows watch: they do not submit scorecards."))
    return seat


def _fill(card: Scorecard, interview: Interview, ratings, recommendation: str, private_note: str, *, submit: bool):
    criteria = list(interview.round.criteria.all())
    known = {c.pk for c in criteria}
    if set(ratings) - known:
        raise InterviewError(_("A rating names a criterion this round does not assess."))
    for value in ratings.values():
        if value.rating is not None and value.rating not in (1, 2, 3, 4):
            raise InterviewError(_("Ratings go from 1 to 4 (or not assessed)."))
        if len(value.evidence) > 4000:
            raise InterviewError(_("Keep each piece of evidence under 4,000 characters."))
    if len(private_note) > 4000:
        raise InterviewError(_("Keep the private note under 4,000 characters."))
    if recommendation and recommendation not in Recommendation.values:
        raise InterviewError(_("Choose an overall recommendation from the list."))
    if submit:
        missing = [c.name for c in criteria if c.pk not in ratings]
        if missing:
            raise InterviewError(
                _("Rate every criterion or mark it not assessed: %(names)s.") % {"names": ", ".join(missing)}
            )
        if criteria and all(ratings[c.pk].rating is None for c in criteria):
            raise InterviewError(_("Rate at least one criterion: a scorecard with nothing assessed says nothing."))
        bare = [c.name for c in criteria if ratings[c.pk].rating is not None and not ratings[c.pk].evidence.strip()]
        if bare:
            raise InterviewError(_("Give the evidence behind each rating: %(names)s.") % {"names": ", ".join(bare)})
        if not recommendation:
            raise InterviewError(_("Choose an overall recommendation."))
    card.recommendation, card.private_note = recommendation, private_note.strip()
    return criteria


def _write_ratings(card: Scorecard, criteria: list[Criterion], ratings: dict[int, RatingInput]) -> None:
    ScorecardRating.objects.filter(scorecard=card).delete()  # a draft is rewritten whole; a revision is new
    ScorecardRating.objects.bulk_create(
        ScorecardRating(
            scorecard=card,
            criterion=criterion,
            rating=ratings[criterion.pk].rating,
            evidence=ratings[criterion.pk].evidence.strip(),
        )
        for criterion in criteria
        if criterion.pk in ratings
    )


def _scorecard_in(interview: Interview, user: User) -> None:
    """Close the user's scorecard-due decision; raise the debrief once the round is complete."""
    for decision in open_scorecard_decisions(interview).filter(owner=user):
        decisions.resolve_decision(decision=decision, outcome=Outcome.DONE, by=None)
    if round_complete(interview.application, interview.round):
        raise_debrief(application=interview.application, round=interview.round)


def _latest_card(interview: Interview, user: User) -> Scorecard | None:
    """The user's latest scorecard revision on the interview, locked."""
    return (
        Scorecard.objects.select_for_update()
        .filter(interview=interview, interviewer=user)
        .order_by("-revision")
        .first()
    )


def round_complete(application: Application, round: InterviewRound) -> bool:
    """Every interview of the round has happened or was called off, at least one happened, and every
    scoring panelist of those that happened has submitted a scorecard."""
    interviews = Interview.objects.filter(application=application, round=round).exclude(
        status__in=[InterviewStatus.CANCELLED, InterviewStatus.NO_SHOW]
    )
    if not interviews.exists() or interviews.exclude(status=InterviewStatus.COMPLETED).exists():
        return False
    owed = InterviewParticipant.objects.filter(interview__in=interviews, panel_role__in=SCORING_PANEL_ROLES)
    submitted = Scorecard.objects.filter(
        interview=OuterRef("interview_id"), interviewer=OuterRef("user_id"), status=ScorecardStatus.SUBMITTED
    )
    return not owed.exclude(Exists(submitted)).exists()


def raise_debrief(*, application: Application, round: InterviewRound, early_by: User | None = None) -> Debrief | None:
    """Open the round's debrief for the requisition's hiring manager, once: None when the round already
    has one open or decided. `early_by`: the hiring manager proceeding before every scorecard is in."""
    if Debrief.objects.filter(application=application, round=round).exclude(status=DebriefStatus.CANCELLED).exists():
        return None
    requisition = application.requisition
    debrief = Debrief.objects.create(
        application=application, round=round, early=early_by is not None, raised_at=clock.now()
    )
    decision = decisions.raise_decision(
        kind=DEBRIEF_KIND,
        title=_("Debrief: %(who)s after %(round)s") % {"who": application.candidate, "round": round.name},
        owner=requisition.hiring_manager,
        sla_business_days=2,
        subject=debrief,
        detail=_("%(role)s (%(ref)s). Advance, reject or hold.")
        % {"role": requisition.title, "ref": requisition.reference},
        key=f"debrief:{application.pk}:{round.pk}",
    )
    debrief.decision = decision
    debrief.save(update_fields=["decision"])
    return debrief


def proceed_to_debrief(*, application: Application, round: InterviewRound, by: User) -> Debrief:
    """The hiring manager debriefs before every scorecard is in (at least one must be)."""
    if not permissions.can_proceed_to_debrief(by, application):
        raise InterviewError(_("Only the requisition's hiring manager can call the debrief early."))
    with transaction.atomic():
        app = active_application(application)
        has_card = Scorecard.objects.filter(
            interview__application=app, interview__round=round, status=ScorecardStatus.SUBMITTED
        ).exists()
        if not has_card:
            raise InterviewError(_("No scorecard of this round is in yet: there is nothing to debrief."))
        debrief = raise_debrief(application=app, round=round, early_by=by)
        if debrief is None:
            raise InterviewError(_("This round already has its debrief."))
    return debrief


def decide_debrief(
    *,
    debrief: Debrief,
    by: User,
    outcome: str,
    to_stage: Stage | None = None,
    reason: ReasonCode | None = None,
    note: str = "",
) -> Debrief:
    """Record the hiring manager's call and act on it: advance moves the application to `to_stage`
    (a later stage; the next one by default), reject closes it with a reason code of ours, hold leaves
    it where it is. The stage change is logged with the hiring manager as its author."""
    if outcome not in choices.DEBRIEF_OUTCOMES:
        raise InterviewError(_("Choose advance, reject or hold."))
    with transaction.atomic():
        locked = Debrief.objects.select_for_update(of=("self",)).select_related("decision", "round").get(pk=debrief.pk)
        if locked.status != DebriefStatus.OPEN:
            raise InterviewError(_("This debrief was already decided."))
        if not permissions.can_decide_debrief(by, locked):
            raise InterviewError(_("This debrief is not yours to decide."))
        app = Application.objects.select_related("stage", "requisition", "candidate").get(pk=locked.application_id)
        services.check_active(app)
        label = _("Debrief after %(round)s") % {"round": locked.round.name}
        text = f"{label}: {note.strip()}" if note.strip() else label
        if outcome == Outcome.ADVANCED:
            to_stage = to_stage or next_stage(app.stage)
            if to_stage is None or to_stage.position <= app.stage.position:
                raise InterviewError(_("Advance moves the candidate to a later stage: choose one."))
            services.move_application(application=app, to_stage=to_stage, by=by, note=text, debrief=locked)
            locked.to_stage = to_stage
        elif outcome == Outcome.REJECTED:
            if reason is None or reason.category != ReasonCategory.WE_REJECTED:
                raise InterviewError(_("Choose why we reject: a reason code of ours."))
            services.close_application(application=app, reason=reason, by=by, note=text, debrief=locked)
            locked.reason = reason
        else:
            services.log_activity(application=app, kind=choices.ActivityKind.NOTE, body=text, by=by)
        locked.status, locked.outcome = DebriefStatus.DECIDED, outcome
        locked.note, locked.decided_at, locked.decided_by = note.strip()[:4000], clock.now(), by
        save_with_history(locked, by=by, reason=f"candidates.debrief.{outcome}")
        decisions.resolve_decision(
            decision=locked.decision, outcome=outcome, by=by, note=note.strip() or (reason.label if reason else "")
        )
    return locked


def next_stage(stage: Stage) -> Stage | None:
    """The next stage a debrief may advance to (never one a workflow enters: Pre-start, Hired)."""
    return later_stages(stage).first()


def later_stages(stage: Stage):
    """The stages after `stage` a debrief may advance to, in order."""
    return Stage.objects.active().movable().filter(position__gt=stage.position).order_by("position", "id")
