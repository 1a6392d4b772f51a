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
