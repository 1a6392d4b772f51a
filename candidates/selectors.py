"""Reads of the pipeline: each user's slice of applications and candidates, duplicates, risk flags.

Applications inherit visibility from their requisition: recruiters and hiring managers see the
applications of the requisitions they run (or that were shared with them); finance, HR and admins see
all. Interviewers see none until interviews exist (then only those they interview). Approving a
requisition does not show its candidates.
"""

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from candidates.models import Activity, Application, Candidate, StageTransition
from candidates.services import email_key, phone_key
from portal.models import User
from requisitions.models import Requisition
from requisitions.selectors import granted_to

STUCK_DAYS = (7, 14)


def applications_for_user(user: User) -> QuerySet[Application]:
    if not user.is_authenticated or not user.is_active or not user.has_perm("candidates.view_application"):
        return Application.objects.none()
    if user.has_perm("requisitions.view_requisition"):
        return Application.objects.all()
    return Application.objects.filter(granted_to(user, field="requisition_id"))


def candidates_for_user(user: User) -> QuerySet[Candidate]:
    """The people behind the user's applications, and those the user added who have none yet."""
    if not user.is_authenticated or not user.is_active or not user.has_perm("candidates.view_candidate"):
        return Candidate.objects.none()
    if user.has_perm("requisitions.view_requisition"):
        return Candidate.objects.all()
    # Each condition a correlated EXISTS: a person is checked by their own applications (no join, no
    # DISTINCT), so finding one candidate reads a handful of rows, not the user's whole slice.
    applied = applications_for_user(user).filter(candidate=OuterRef("pk"))
    any_application = Application.objects.filter(candidate=OuterRef("pk"))
    return Candidate.objects.filter(Exists(applied) | (Q(created_by=user) & ~Exists(any_application)))


def possible_duplicates(candidate: Candidate) -> QuerySet[Candidate]:
    """Other, unmerged candidates with the same normalised email or phone."""
    match = Q()
    if candidate.email_key:
        match |= Q(email_key=email_key(candidate.email))
    if candidate.phone_key:
        match |= Q(phone_key=phone_key(candidate.phone))
    if not match:
        return Candidate.objects.none()
    return Candidate.objects.filter(match, merged_into__isnull=True).exclude(pk=candidate.pk)


def stuck(qs: QuerySet[Application], days: int, now=None) -> QuerySet[Application]:
    """Active applications with no activity for `days` days or more."""
    return qs.active().filter(last_activity_at__lte=(now or timezone.now()) - timedelta(days=days))


def risk_flags(application: Application, now=None) -> list[str]:
    """Computed, never typed: "stuck 14", "stuck 7" (no activity for that many days), "over SLA" (longer in
    its stage than the stage allows). Reads `application.stage` (select_related it for lists)."""
    if application.status != "active":
        return []
    now = now or timezone.now()
    idle = now - application.last_activity_at
    flags = [f"stuck {days}" for days in sorted(STUCK_DAYS, reverse=True) if idle >= timedelta(days=days)][:1]
    if now - application.stage_entered_at > timedelta(days=application.stage.sla_days):
        flags.append("over SLA")
    return flags


def pipeline(user: User) -> QuerySet[Application]:
    """The user's applications with what the pipeline list shows, most recently active first."""
    return (
        applications_for_user(user)
        .select_related("candidate", "requisition", "stage", "owner", "source__parent", "disposition")
        .order_by("-last_activity_at", "-id")
    )


def candidate_applications(candidate: Candidate, user: User) -> list[Application]:
    """The candidate's applications the user may see, with their transitions and activities (four queries)."""
    return list(
        applications_for_user(user)
        .filter(candidate=candidate)
        .select_related("requisition", "stage", "owner", "source__parent", "disposition")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=StageTransition.objects.select_related("from_stage", "to_stage", "reason", "by"),
            ),
            Prefetch("activities", queryset=Activity.objects.select_related("by")),
        )
        .order_by("-applied_at")
    )


def board(requisition: Requisition, user: User, *, per_column: int | None = None) -> list[dict]:
    """The requisition's active applications the user may see, by active stage in order (two queries):
    [{"stage": Stage, "cards": [Application, ...]}].

    With `per_column`, each column holds only its first `per_column` cards (longest in the stage
    first) and its "more" says how many it leaves out (three queries): a requisition with thousands
    of candidates renders in the time of a small one."""
    from candidates.models import Stage

    active = applications_for_user(user).filter(requisition=requisition, status="active")
    order = [F("stage_entered_at").asc(), F("id").asc()]
    shown = active.select_related("candidate", "owner", "stage").order_by(*order)
    totals = {}
    if per_column is not None:
        shown = shown.annotate(place=Window(RowNumber(), partition_by=F("stage_id"), order_by=order))
        shown = shown.filter(place__lte=per_column)
        totals = dict(active.order_by().values_list("stage_id").annotate(n=Count("id")))
    cards = list(shown)
    for card in cards:
        card.flags = risk_flags(card)
    columns = []
    for stage in Stage.objects.active().order_by("position", "id"):
        column = {"stage": stage, "cards": [card for card in cards if card.stage_id == stage.pk]}
        if per_column is not None:
            column["more"] = totals.get(stage.pk, 0) - len(column["cards"])
        columns.append(column)
    return columns


# --- Interviews ---------------------------------------------------------------------------------------


def interviews_for_user(user: User) -> QuerySet:
    """Interviews the user may open: those they sit on, and, for recruiters, hiring managers, HR and
    admins, those of the applications they see. Finance and interviewers see only their own seats."""
    from candidates.models import Interview, InterviewParticipant
    from candidates.permissions import SCORECARD_ROLES

    if not user.is_authenticated or not user.is_active:
        return Interview.objects.none()
    seated = Exists(InterviewParticipant.objects.filter(interview=OuterRef("pk"), user=user))
    if not (user.is_superuser or user.has_role(*SCORECARD_ROLES)):
        return Interview.objects.filter(seated)
    if user.has_perm("requisitions.view_requisition") and user.has_perm("candidates.view_application"):
        return Interview.objects.all()
    visible = applications_for_user(user).filter(pk=OuterRef("application_id"))
    return Interview.objects.filter(seated | Exists(visible))


def sees_all_scorecards(user: User, application: Application) -> bool:
    """Bias control: someone who still owes a scorecard on this application (the interview has started,
    theirs is not submitted) sees only their own. Otherwise recruiters, hiring managers, HR and admins
    who see the application see every submitted scorecard, and a panelist sees them once theirs is in."""
    from candidates.choices import SCORING_PANEL_ROLES, ScorecardStatus
    from candidates.models import InterviewParticipant, Scorecard
    from candidates.permissions import SCORECARD_ROLES

    if not user.is_active:
        return False
    seats = InterviewParticipant.objects.filter(
        user=user, interview__application=application, panel_role__in=SCORING_PANEL_ROLES
    )
    submitted = Scorecard.objects.filter(
        interview=OuterRef("interview_id"), interviewer=user, status=ScorecardStatus.SUBMITTED
    )
    started = Q(interview__status="completed") | Q(
        interview__status__in=["scheduled", "rescheduled"], interview__starts_at__lte=timezone.now()
    )
    if seats.filter(started).exclude(Exists(submitted)).exists():
        return False
    if (user.is_superuser or user.has_role(*SCORECARD_ROLES)) and (
        applications_for_user(user).filter(pk=application.pk).exists()
    ):
        return True
    return seats.filter(Exists(submitted)).exists()


def upcoming_interviews(user: User) -> QuerySet:
    """The booked interviews the user sits on, soonest first (with what My work shows)."""
    from candidates.choices import UPCOMING_INTERVIEW_STATUSES
    from candidates.models import Interview

    return (
        Interview.objects.filter(
            participants__user=user,
            status__in=UPCOMING_INTERVIEW_STATUSES,
            ends_at__gte=timezone.now(),
        )
        .select_related("application__candidate", "application__requisition", "round")
        .order_by("starts_at", "id")
    )


def sees_interviews(user: User) -> bool:
    """Whether a candidate's page lists interviews to this user (finance sees none)."""
    from candidates.permissions import SCORECARD_ROLES

    return user.is_active and (user.is_superuser or user.has_role(*SCORECARD_ROLES))


def attach_interviews(applications: list[Application], user: User) -> None:
    """Give each application `interview_rows` (with `cards_in`/`cards_owed`), `debrief_rows` and
    `can_schedule` (three queries, however many applications)."""
    from candidates.choices import SCORING_PANEL_ROLES, ScorecardStatus
    from candidates.models import Debrief, Interview
    from candidates.permissions import runs_requisition

    ids = [a.pk for a in applications]
    interviews = (
        Interview.objects.filter(application_id__in=ids)
        .select_related("round")
        .annotate(
            cards_owed=Count("participants", filter=Q(participants__panel_role__in=SCORING_PANEL_ROLES), distinct=True),
            cards_in=Count(
                "scorecards__interviewer", filter=Q(scorecards__status=ScorecardStatus.SUBMITTED), distinct=True
            ),
        )
        .order_by("starts_at", "id")
    )
    debriefs = Debrief.objects.filter(application_id__in=ids).select_related("round").order_by("raised_at")
    by_app: dict[int, list] = {pk: [] for pk in ids}
    for interview in interviews:
        by_app[interview.application_id].append(interview)
    debriefs_by_app: dict[int, list] = {pk: [] for pk in ids}
    for debrief in debriefs:
        debriefs_by_app[debrief.application_id].append(debrief)
    runs: dict[int, bool] = {}
    for application in applications:
        application.interview_rows = by_app[application.pk]
        application.debrief_rows = debriefs_by_app[application.pk]
        if application.requisition_id not in runs:
            runs[application.requisition_id] = runs_requisition(user, application.requisition)
        application.can_schedule = application.status == "active" and runs[application.requisition_id]
