"""The row sets the metrics share, each read through the slice (analytics.slices.Slice), and the columns
of the lists they open. A drill-down filter a list was given narrows the rows it concerns (a stage narrows
applications, a recruiter requisitions...), so a table row's link lists exactly what the row counted."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from analytics.tiles import ListColumn
from candidates.choices import ApplicationStatus
from candidates.models import Application, Interview, StageTransition
from portal.choices import DecisionStatus, Role
from portal.models import Decision
from portal.selectors import decisions_for_user, my_work
from requisitions.models import Requisition

# Boards whose decisions figures cover the whole organisation (what the viewer may see); the others count
# the viewer's own work.
WHOLE_ORGANISATION = ("organisation", "finance")


def requisitions(slice_) -> QuerySet[Requisition]:
    qs = Requisition.objects.filter(pk__in=slice_.requisition_ids())
    for name in ("recruiter", "hiring_manager"):
        if slice_.get(name) is not None:
            qs = qs.filter(**{name: slice_.get(name)})
    return qs


def applications(slice_) -> QuerySet[Application]:
    """The slice's applications, narrowed by the stage (current), recruiter and hiring manager filters."""
    qs = slice_.applications()
    if slice_.get("stage") is not None:
        qs = qs.filter(stage=slice_.get("stage"))
    for name in ("recruiter", "hiring_manager"):
        if slice_.get(name) is not None:
            qs = qs.filter(**{f"requisition__{name}": slice_.get(name)})
    return qs


def active_applications(slice_) -> QuerySet[Application]:
    return applications(slice_).filter(status=ApplicationStatus.ACTIVE)


def transitions(slice_) -> QuerySet[StageTransition]:
    """Stage transitions of the slice's applications (the stage filter is the stage moved into)."""
    qs = StageTransition.objects.filter(application__in=_unstaged_applications(slice_).values("pk"))
    if slice_.get("stage") is not None:
        qs = qs.filter(to_stage=slice_.get("stage"))
    return qs


def _unstaged_applications(slice_) -> QuerySet[Application]:
    qs = slice_.applications()
    for name in ("recruiter", "hiring_manager"):
        if slice_.get(name) is not None:
            qs = qs.filter(**{f"requisition__{name}": slice_.get(name)})
    return qs


def decisions(slice_) -> QuerySet[Decision]:
    """Open decisions the board counts: on the organisation's boards every one the viewer may see, on a
    personal board those the viewer must take (My work). The kind and owner filters narrow them."""
    if slice_.board.key in WHOLE_ORGANISATION:
        qs = decisions_for_user(slice_.user).filter(status=DecisionStatus.OPEN)
    else:
        qs = Decision.objects.filter(pk__in=my_work(slice_.user).values("pk"))
    if slice_.get("kind"):
        qs = qs.filter(kind=slice_.get("kind"))
    if slice_.get("owner") is not None:
        qs = qs.filter(owner=slice_.get("owner"))
    if slice_.get("owner_role"):
        qs = qs.filter(owner__isnull=True, owner_role=slice_.get("owner_role"))
    return qs


def interviews(slice_) -> QuerySet[Interview]:
    """Interviews of the slice's applications; on the interviewer's board only those they sit on; the
    interviewer filter narrows to one person's seats."""
    qs = Interview.objects.filter(application__in=_unstaged_applications(slice_).values("pk"))
    if slice_.board.key == "interviewer":
        qs = Interview.objects.filter(participants__user=slice_.user)
    if slice_.get("interviewer") is not None:
        qs = qs.filter(participants__user=slice_.get("interviewer"))
    return qs


def sees_costs(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(Role.FINANCE, Role.HR, Role.ADMIN))


def local(moment):
    return timezone.localtime(moment) if moment else None


# --- Columns -------------------------------------------------------------------------------------------------


def _url(obj) -> str | None:
    return obj.get_absolute_url() if obj is not None and hasattr(obj, "get_absolute_url") else None


APPLICATION_COLUMNS = (
    ListColumn("Candidate", lambda a: str(a.candidate), link=lambda a: _url(a.candidate)),
    ListColumn(
        "Requisition", lambda a: f"{a.requisition.reference} {a.requisition.title}", link=lambda a: _url(a.requisition)
    ),
    ListColumn("Stage", lambda a: a.stage.name),
    ListColumn("Status", lambda a: a.get_status_display()),
    ListColumn("Applied", lambda a: local(a.applied_at).date()),
    ListColumn("Last activity", lambda a: local(a.last_activity_at).date()),
    ListColumn("Owner", lambda a: str(a.owner) if a.owner else "—"),
)
APPLICATION_RELATED = ("candidate", "requisition", "stage", "owner")

REQUISITION_COLUMNS = (
    ListColumn("Requisition", lambda r: f"{r.reference} {r.title}", link=_url),
    ListColumn("Status", lambda r: r.get_status_display()),
    ListColumn("Department", lambda r: str(r.department) if r.department_id else "—"),
    ListColumn("Recruiter", lambda r: str(r.recruiter) if r.recruiter_id else "—"),
    ListColumn("Hiring manager", lambda r: str(r.hiring_manager) if r.hiring_manager_id else "—"),
    ListColumn("Opened", lambda r: local(r.opened_at).date() if r.opened_at else None),
    ListColumn("Openings", lambda r: r.openings, numeric=True),
    ListColumn("Hires", lambda r: r.hires, numeric=True),
)
REQUISITION_RELATED = ("department", "recruiter", "hiring_manager")

DECISION_COLUMNS = (
    ListColumn("Decision", lambda d: d.title, link=lambda d: reverse("portal:decision_detail", args=[d.pk])),
    ListColumn("Kind", lambda d: d.get_kind_display()),
    ListColumn("Owner", lambda d: str(d.owner) if d.owner_id else d.get_owner_role_display()),
    ListColumn("Due", lambda d: local(d.due_at)),
    ListColumn("Raised", lambda d: local(d.created_at)),
)
DECISION_RELATED = ("owner",)

TRANSITION_COLUMNS = (
    ListColumn("Candidate", lambda t: str(t.application.candidate), link=lambda t: _url(t.application.candidate)),
    ListColumn(
        "Requisition", lambda t: t.application.requisition.reference, link=lambda t: _url(t.application.requisition)
    ),
    ListColumn("From", lambda t: t.from_stage.name if t.from_stage_id else "—"),
    ListColumn("To", lambda t: t.to_stage.name),
    ListColumn("Status", lambda t: t.get_status_display()),
    ListColumn("When", lambda t: local(t.at)),
    ListColumn("By", lambda t: str(t.by) if t.by_id else "—"),
)
TRANSITION_RELATED = ("application__candidate", "application__requisition", "from_stage", "to_stage", "by")

# The first columns of every list of pre-boarding cases: the case, the person, the requisition.
CASE_COLUMNS = (
    ListColumn("Case", lambda c: c.reference, link=_url),
    ListColumn("Person", lambda c: str(c.candidate)),
    ListColumn(
        "Requisition", lambda c: f"{c.requisition.reference} {c.requisition.title}", link=lambda c: _url(c.requisition)
    ),
)
