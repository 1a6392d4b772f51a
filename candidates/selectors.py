"""Reads of the pipeline: each user's slice of applications and candidates, duplicates, risk flags.

Applications inherit visibility from their requisition: recruiters and hiring managers see the
applications of the requisitions they run (or that were shared with them); finance, HR and admins see
all. Interviewers see none until interviews exist (then only those they interview). Approving a
requisition does not show its candidates.
"""

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from candidates.choices import (
    SCORECARD_DUE_KIND,
    SCORING_PANEL_ROLES,
    UPCOMING_INTERVIEW_STATUSES,
    ApplicationStatus,
    InterviewStatus,
    PanelRole,
    Recommendation,
    ScorecardStatus,
    StageKind,
)
from candidates.models import (
    Activity,
    Application,
    Candidate,
    Debrief,
    Interview,
    InterviewerCap,
    InterviewParticipant,
    InterviewRound,
    Scorecard,
    ScorecardRating,
    StageTransition,
)
from candidates.permissions import PANEL_ROLES, can_see_scorecards, requisitions_run_by
from candidates.services import email_key, phone_key
from portal import clock
from portal.choices import Role
from portal.models import Decision, User
from portal.roles import group_name
from requisitions.models import Requisition
from requisitions.selectors import granted_to
from requisitions.selectors import requisitions_run_by as run_by

STUCK_DAYS = (7, 14)


def applications_for_user(user: User) -> QuerySet[Application]:
    if not user.is_authenticated or not user.is_active or not user.has_perm("candidates.view_application"):
        return Application.objects.none()
    if user.has_perm("requisitions.view_requisition"):
        return Application.objects.all()
    return Application.objects.filter(granted_to(user, field="requisition_id"))


def applications_run_by(user: User) -> QuerySet[Application]:
    """The user's applications whose requisition they run (requisitions' rule, a view-only share is not
    enough): those they may move, close and change in bulk, when their role moves applications at all."""
    return applications_for_user(user).filter(requisition__in=run_by(user).values("pk"))


def debriefs_for_user(user: User) -> QuerySet[Debrief]:
    """The debriefs a user may open: those of the applications they see, for those who read scorecards
    (recruiters, hiring managers, HR, admins); none for a panelist as such."""
    if not can_see_scorecards(user):
        return Debrief.objects.none()
    return Debrief.objects.filter(application__in=applications_for_user(user).values("pk"))


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
            "offers",  # their status and link, for those who may see offers
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


def requisition_pipeline(requisition: Requisition, user: User) -> dict:
    """What the requisition page shows of its pipeline, from the applications the user may see (two
    queries): per active stage in order, the active applications in it (the hired ones for the last
    stage, where nobody is active), and how many are active, hired, and closed otherwise:
    {"stages": [{"stage": Stage, "count": n}], "active": n, "hired": n, "closed": n, "total": n}."""
    from candidates.models import Stage

    rows = (
        applications_for_user(user)
        .filter(requisition=requisition)
        .order_by()
        .values_list("stage_id", "status")
        .annotate(n=Count("id"))
    )
    active, by_status = Counter(), Counter()
    for stage_id, status, n in rows:
        by_status[status] += n
        if status == ApplicationStatus.ACTIVE:
            active[stage_id] += n
    hired = by_status[ApplicationStatus.HIRED]
    stages = [
        {"stage": stage, "count": hired if stage.kind == StageKind.HIRED else active[stage.pk]}
        for stage in Stage.objects.active().order_by("position", "id")
    ]
    total = sum(by_status.values())
    return {
        "stages": stages,
        "active": by_status[ApplicationStatus.ACTIVE],
        "hired": hired,
        "closed": total - hired - by_status[ApplicationStatus.ACTIVE],
        "total": total,
    }


# --- Interviews ---------------------------------------------------------------------------------------


def interviews_for_user(user: User) -> QuerySet[Interview]:
    """Interviews the user may open: those they sit on, and, for recruiters, hiring managers, HR and
    admins, those of the applications they see. Finance and interviewers see only their own seats."""
    if not user.is_authenticated or not user.is_active:
        return Interview.objects.none()
    seated = Exists(InterviewParticipant.objects.filter(interview=OuterRef("pk"), user=user))
    if not can_see_scorecards(user):
        return Interview.objects.filter(seated)
    if user.has_perm("requisitions.view_requisition") and user.has_perm("candidates.view_application"):
        return Interview.objects.all()
    visible = applications_for_user(user).filter(pk=OuterRef("application_id"))
    return Interview.objects.filter(seated | Exists(visible))


def sees_all_scorecards(user: User, application: Application) -> bool:
    """Bias control: someone who still owes a scorecard on this application (the interview has started,
    theirs is not submitted) sees only their own. Otherwise recruiters, hiring managers, HR and admins
    who see the application see every submitted scorecard, and a panelist sees them once theirs is in."""
    if not user.is_active:
        return False
    seats = InterviewParticipant.objects.filter(
        user=user, interview__application=application, panel_role__in=SCORING_PANEL_ROLES
    )
    submitted = Scorecard.objects.filter(
        interview=OuterRef("interview_id"), interviewer=user, status=ScorecardStatus.SUBMITTED
    )
    # Started, as Interview.has_started and .can_be_scored say it for one interview.
    started = Q(interview__status=InterviewStatus.COMPLETED) | Q(
        interview__status__in=UPCOMING_INTERVIEW_STATUSES, interview__starts_at__lte=clock.now()
    )
    if seats.filter(started).exclude(Exists(submitted)).exists():
        return False
    if can_see_scorecards(user) and applications_for_user(user).filter(pk=application.pk).exists():
        return True
    return seats.filter(Exists(submitted)).exists()


def upcoming_interviews(user: User) -> QuerySet[Interview]:
    """The booked interviews the user sits on, soonest first (with what My work shows)."""
    return (
        Interview.objects.filter(
            participants__user=user,
            status__in=UPCOMING_INTERVIEW_STATUSES,
            ends_at__gte=timezone.now(),
        )
        .select_related("application__candidate", "application__requisition", "round")
        .order_by("starts_at", "id")
    )


def my_interview_seats(user: User, *, days: int = 30, limit: int = 200) -> tuple[list, list]:
    """The user's seats on interviews still to happen (or to schedule), and on those of the last `days`
    days (latest first), each with `card`: the user's latest scorecard there, or None. Two queries."""
    now = timezone.now()
    seats = list(
        InterviewParticipant.objects.filter(user=user)
        .filter(
            Q(interview__starts_at__gte=now - timedelta(days=days)) | Q(interview__status=InterviewStatus.TO_SCHEDULE)
        )
        .select_related("interview__application__candidate", "interview__application__requisition", "interview__round")
        .order_by("interview__starts_at", "interview_id")[:limit]
    )
    latest = {
        card.interview_id: card  # ordered by revision: the latest is kept
        for card in Scorecard.objects.filter(interviewer=user, interview__in=[seat.interview_id for seat in seats])
        .order_by("interview_id", "revision")
        .only("interview_id", "status", "revision")
    }
    upcoming, past = [], []
    for seat in seats:
        seat.card = latest.get(seat.interview_id)
        interview = seat.interview
        ahead = interview.status == InterviewStatus.TO_SCHEDULE or (
            interview.status in UPCOMING_INTERVIEW_STATUSES and interview.ends_at >= now
        )
        (upcoming if ahead else past).append(seat)
    return upcoming, past[::-1]


# A panel as people read it: the lead first, then interviewers, shadows and the hiring manager.
PANEL_ORDER = (
    Case(*(When(panel_role=role, then=Value(n)) for n, role in enumerate(PanelRole.values)), default=Value(99)),
    "user__first_name",
)


def team_interviews(user: User, *, days: int = 30, limit: int = 100) -> dict[str, list[Interview]]:
    """The interviews of the applications the user oversees (recruiters and hiring managers: those of the
    requisitions they see, run or shared with them; HR and admins: all), in three lists: still to
    schedule, coming up in the next `days` days, and held in the last `days` days with scorecards still
    owed. Each interview carries `panel` (its participants) and `expected` / `submitted` scorecard counts.
    Four queries."""
    if not can_see_scorecards(user):
        return {"to_schedule": [], "upcoming": [], "awaiting": []}
    now = timezone.now()
    scoring = InterviewParticipant.objects.filter(interview=OuterRef("pk"), panel_role__in=SCORING_PANEL_ROLES)
    submitted = Scorecard.objects.filter(interview=OuterRef("pk"), status=ScorecardStatus.SUBMITTED)
    base = (
        interviews_for_user(user)
        .annotate(
            expected=Coalesce(Subquery(_count_per_interview(scoring, "user")), 0),
            submitted=Coalesce(Subquery(_count_per_interview(submitted, "interviewer")), 0),
        )
        .select_related("application__candidate", "application__requisition", "round")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=InterviewParticipant.objects.select_related("user").order_by(*PANEL_ORDER),
                to_attr="panel",
            )
        )
    )
    return {
        "to_schedule": list(base.filter(status=InterviewStatus.TO_SCHEDULE).order_by("created_at", "id")[:limit]),
        "upcoming": list(
            base.filter(
                status__in=UPCOMING_INTERVIEW_STATUSES, ends_at__gte=now, starts_at__lt=now + timedelta(days=days)
            ).order_by("starts_at", "id")[:limit]
        ),
        "awaiting": list(
            base.filter(
                status=InterviewStatus.COMPLETED,
                starts_at__gte=now - timedelta(days=days),
                submitted__lt=F("expected"),
            ).order_by("starts_at", "id")[:limit]
        ),
    }


def _count_per_interview(rows: QuerySet, person: str) -> QuerySet:
    """How many distinct people `rows` (filtered on OuterRef("pk")) hold, as a one-value subquery."""
    return rows.order_by().values("interview").annotate(n=Count(person, distinct=True)).values("n")


def _with_ratings(scorecards: QuerySet[Scorecard]) -> QuerySet[Scorecard]:
    return scorecards.select_related("interviewer", "interview__round").prefetch_related(
        Prefetch("ratings", queryset=ScorecardRating.objects.select_related("criterion"))
    )


def scorecards_shown(user: User, application: Application, *, sees_all: bool) -> list[Scorecard]:
    """The scorecards of an application the user may read: every submitted one and their own drafts when
    `sees_all` (sees_all_scorecards), else only their own; every revision, oldest interview first."""
    cards = Scorecard.objects.filter(interview__application=application)
    if sees_all:
        cards = cards.filter(Q(status=ScorecardStatus.SUBMITTED) | Q(interviewer=user))
    else:
        cards = cards.filter(interviewer=user)
    return list(_with_ratings(cards).order_by("interview__starts_at", "interviewer__first_name", "revision"))


def debrief_cards(debrief: Debrief) -> list[Scorecard]:
    """The latest submitted revision of each interviewer's scorecard in the debrief's round."""
    submitted = Scorecard.objects.filter(
        interview__application=debrief.application_id,
        interview__round=debrief.round_id,
        status=ScorecardStatus.SUBMITTED,
    )
    cards, seen = [], set()
    for card in _with_ratings(submitted).order_by("interviewer__first_name", "interview_id", "-revision"):
        if (card.interview_id, card.interviewer_id) not in seen:
            seen.add((card.interview_id, card.interviewer_id))
            cards.append(card)
    return cards


def debrief_summary(round_: InterviewRound, cards: list[Scorecard]) -> list[dict]:
    """Per criterion of the round (and any other the cards rated): how many rated 1..4, how many did not
    assess it, and the mean of the ratings given."""

    def empty(criterion):
        return {"criterion": criterion, "counts": [0, 0, 0, 0], "not_assessed": 0, "total": 0}

    rows = {criterion.pk: empty(criterion) for criterion in round_.criteria.order_by("name")}
    for card in cards:
        for rating in card.ratings.all():
            row = rows.setdefault(rating.criterion_id, empty(rating.criterion))
            if rating.rating:
                row["counts"][rating.rating - 1] += 1
                row["total"] += rating.rating
            else:
                row["not_assessed"] += 1
    for row in rows.values():
        row["rated"] = sum(row["counts"])
        row["mean"] = round(row["total"] / row["rated"], 2) if row["rated"] else None
    return list(rows.values())


def recommendation_counts(cards: list[Scorecard]) -> list[tuple[str, int]]:
    counts = Counter(card.recommendation for card in cards)
    return [(label, counts.get(value, 0)) for value, label in Recommendation.choices]


def week_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The Monday 00:00 and the next Monday 00:00 (local time) around `moment`."""
    local = timezone.localtime(moment)
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday, monday + timedelta(days=7)


def weekly_caps(users) -> dict[int, int]:
    """Each person's weekly interview cap: their own, else settings.INTERVIEWS_PER_WEEK."""
    ids = [user.pk for user in users]
    own = dict(InterviewerCap.objects.filter(user_id__in=ids).values_list("user_id", "weekly_cap"))
    return {pk: own.get(pk, settings.INTERVIEWS_PER_WEEK) for pk in ids}


def interviewer_load(*, weeks: int = 4) -> tuple[list[datetime], list[dict]]:
    """Booked interviews per person per week (from this week, `weeks` weeks) against their cap, and the
    scorecards they owe (and how many are overdue): everyone in the interviewer role, and anyone else with
    a booked interview or a scorecard owed. Over cap first, then the most overdue. Four queries."""
    start = week_bounds(timezone.now())[0]
    mondays = [start + timedelta(days=7 * i) for i in range(weeks)]
    booked = InterviewParticipant.objects.filter(
        interview__status__in=UPCOMING_INTERVIEW_STATUSES,
        interview__starts_at__gte=start,
        interview__starts_at__lt=mondays[-1] + timedelta(days=7),
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    for user_id, starts_at in booked.values_list("user_id", "interview__starts_at").order_by():
        counts[user_id][week_bounds(starts_at)[0]] += 1
    owed = {
        row["owner_id"]: row
        for row in Decision.objects.open()
        .filter(kind=SCORECARD_DUE_KIND)
        .values("owner_id")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_at__lt=timezone.now())))
        .order_by()
    }
    everyone = Q(pk__in=counts.keys()) | Q(pk__in=owed.keys()) | Q(groups__name=group_name(Role.INTERVIEWER))
    people = list(panel_people().filter(everyone))
    caps = weekly_caps(people)
    rows = []
    for person in people:
        cells = [
            {"week": w, "n": counts[person.pk][w], "over": counts[person.pk][w] > caps[person.pk]} for w in mondays
        ]
        mine = owed.get(person.pk, {})
        rows.append(
            {
                "person": person,
                "cap": caps[person.pk],
                "cells": cells,
                "pending": mine.get("n", 0),
                "late": mine.get("late", 0),
                "over": any(cell["over"] for cell in cells),
            }
        )
    rows.sort(key=lambda r: (not r["over"], -r["late"], -sum(c["n"] for c in r["cells"]), str(r["person"])))
    return mondays, rows


def panel_people() -> QuerySet[User]:
    """Active people who may sit on a panel, by name."""
    names = [group_name(role) for role in PANEL_ROLES]
    return User.objects.people().filter(groups__name__in=names).distinct().order_by("first_name", "last_name")


def attach_interviews(applications: list[Application], user: User, *, run: set[int] | None = None) -> None:
    """Give each application `interview_rows` (with `cards_in`/`cards_owed`), `debrief_rows` and
    `can_schedule` (three queries, however many applications; two when the caller gives `run`, the ids of
    their requisitions the user runs)."""
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
    rows: dict[int, list] = defaultdict(list)
    for interview in interviews:
        rows[interview.application_id].append(interview)
    debriefs: dict[int, list] = defaultdict(list)
    for debrief in Debrief.objects.filter(application_id__in=ids).select_related("round").order_by("raised_at"):
        debriefs[debrief.application_id].append(debrief)
    if run is None:
        run = requisitions_run_by(user, {a.requisition_id for a in applications})
    for application in applications:
        application.interview_rows = rows[application.pk]
        application.debrief_rows = debriefs[application.pk]
        application.can_schedule = application.status == ApplicationStatus.ACTIVE and application.requisition_id in run
