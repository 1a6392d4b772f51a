"""Capacity: who carries the work (definitions in docs/metrics.md, Dashboards).

Open requisitions and active applications per recruiter and per hiring manager, booked interviews per
interviewer per week against their weekly cap, open and overdue decisions per owner.
"""

from collections import Counter, defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from analytics.metrics import common
from analytics.tiles import ListColumn, MetricTable, TableColumn, Tile, register_table, register_tile
from candidates.choices import UPCOMING_INTERVIEW_STATUSES
from candidates.models import Interview, InterviewParticipant
from candidates.selectors import week_bounds
from portal import registry
from requisitions.choices import Status
from requisitions.models import Requisition

WEEKS = 4  # this week and the three after


def open_requisitions(slice_) -> QuerySet[Requisition]:
    return common.requisitions(slice_).filter(status=Status.OPEN).order_by("opened_at", "pk")


register_tile(
    Tile(
        key="open_requisitions",
        name="Open requisitions",
        group="capacity",
        definition="Requisitions open now (approved and opened for candidates, not on hold, filled or closed).",
        rows=open_requisitions,
        columns=common.REQUISITION_COLUMNS,
        related=common.REQUISITION_RELATED,
        action="Open the list",
        warn_above=None,
        noun="requisition",
    )
)


def _load(slice_, field: str) -> list[dict]:
    """Per person in `field` of the slice's requisitions: open requisitions, active applications on them,
    and the open and overdue decisions that person must take."""
    base = slice_.replace(recruiter=None, hiring_manager=None)
    names, reqs, apps = {}, {}, {}
    for counts, qs, path in (
        (reqs, open_requisitions(base), field),
        (apps, common.active_applications(base), f"requisition__{field}"),
    ):
        person = (path, f"{path}__first_name", f"{path}__last_name", f"{path}__username")
        for pk, first, last, username, n in (
            qs.values(*person).annotate(n=Count("pk")).values_list(*person, "n").order_by()
        ):
            if pk is not None:
                counts[pk], names[pk] = n, f"{first} {last}".strip() or username
    owed = _decisions_per_owner(slice_)
    rows = []
    for pk, name in names.items():
        rows.append(
            {
                "label": name,
                "requisitions": reqs.get(pk, 0),
                "applications": apps.get(pk, 0),
                "decisions": owed[pk][0],
                "overdue": owed[pk][1],
                "drill": {field: pk},
            }
        )
    rows.sort(key=lambda r: (-r["requisitions"], -r["applications"], r["label"]))
    return rows


def _decisions_per_owner(slice_) -> dict[int, tuple[int, int]]:
    """Open and overdue decisions addressed to each person by name (one query a page)."""
    from portal.choices import DecisionStatus
    from portal.models import Decision

    def read():
        counts = defaultdict(lambda: (0, 0))
        for row in (
            Decision.objects.filter(status=DecisionStatus.OPEN, owner__isnull=False)
            .values("owner_id")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=slice_.now)))
            .order_by()
        ):
            counts[row["owner_id"]] = (row["n"], row["late"])
        return counts

    return slice_.once("decisions_per_owner", read)


LOAD_COLUMNS = (
    TableColumn("requisitions", "Open requisitions"),
    TableColumn("applications", "Active applications"),
    TableColumn("decisions", "Open decisions"),
    TableColumn("overdue", "Overdue"),
)


def recruiter_load(slice_) -> list[dict]:
    return _load(slice_, "recruiter")


def hiring_manager_load(slice_) -> list[dict]:
    return _load(slice_, "hiring_manager")


for key, field, label in (
    ("recruiter_load", "recruiter", "Recruiter"),
    ("hiring_manager_load", "hiring_manager", "Hiring manager"),
):
    register_table(
        MetricTable(
            key=key,
            name=f"Load per {label.lower()}",
            group="capacity",
            definition=(
                f"Per {label.lower()} of the requisitions in view: requisitions open now, active applications on "
                "them, and the decisions addressed to them by name that are open and overdue."
            ),
            compute=recruiter_load if field == "recruiter" else hiring_manager_load,
            columns=LOAD_COLUMNS,
            tile="open_requisitions",
            row_label=label,
            chart={"type": "bar", "series": ["requisitions", "applications"], "unit": "", "horizontal": True},
            counts="requisitions",
        )
    )


# --- Interviews per interviewer per week ------------------------------------------------------------------


def upcoming_interviews(slice_) -> QuerySet[Interview]:
    start = week_bounds(slice_.now)[0]
    return (
        common.interviews(slice_)
        .filter(
            status__in=UPCOMING_INTERVIEW_STATUSES,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=7 * WEEKS),
        )
        .distinct()
        .order_by("starts_at", "pk")
    )


register_tile(
    Tile(
        key="upcoming_interviews",
        name="Interviews booked",
        group="capacity",
        definition=(
            f"Interviews booked from the start of this week for {WEEKS} weeks (the interviewer filter: one person's "
            "seats)."
        ),
        rows=upcoming_interviews,
        columns=(
            ListColumn("Interview", lambda i: i.round.name, link=lambda i: i.get_absolute_url()),
            ListColumn("Requisition", lambda i: i.application.requisition.reference),
            ListColumn("Starts", lambda i: common.local(i.starts_at)),
            ListColumn("Status", lambda i: i.get_status_display()),
        ),
        related=("round", "application__requisition"),
        action="See the schedule",
        warn_above=None,
        noun="interview",
    )
)


def interviewer_load(slice_) -> list[dict]:
    start = week_bounds(slice_.now)[0]
    mondays = [start + timedelta(days=7 * week) for week in range(WEEKS)]
    seats = InterviewParticipant.objects.filter(
        interview__in=upcoming_interviews(slice_.replace(interviewer=None)).values("pk")
    )
    if slice_.board.key == "interviewer":
        seats = seats.filter(user=slice_.user)
    counts: dict[int, Counter] = defaultdict(Counter)
    names = {}
    caps = {}
    for user_id, first, last, username, cap, starts_at in seats.values_list(
        "user_id",
        "user__first_name",
        "user__last_name",
        "user__username",
        "user__interview_cap__weekly_cap",
        "interview__starts_at",
    ).order_by():
        counts[user_id][week_bounds(starts_at)[0]] += 1
        names[user_id] = f"{first} {last}".strip() or username
        caps[user_id] = settings.INTERVIEWS_PER_WEEK if cap is None else cap
    rows = []
    for pk, name in names.items():
        row = {"label": name, "cap": caps[pk], "drill": {"interviewer": pk}}
        for index, monday in enumerate(mondays):
            row[f"w{index}"] = counts[pk][monday]
        row["over"] = sum(1 for index in range(WEEKS) if row[f"w{index}"] > row["cap"])
        row["n"] = sum(row[f"w{index}"] for index in range(WEEKS))
        rows.append(row)
    rows.sort(key=lambda r: (-r["over"], -sum(r[f"w{i}"] for i in range(WEEKS)), r["label"]))
    return rows


register_table(
    MetricTable(
        key="interviewer_load",
        name="Interviews per interviewer per week",
        group="capacity",
        definition=(
            f"Booked interviews per person for this week and the {WEEKS - 1} after, against their weekly cap "
            "(Administration → Interviewer caps, the default otherwise); “weeks over” counts the weeks above the cap."
        ),
        compute=interviewer_load,
        columns=(
            TableColumn("cap", "Cap"),
            TableColumn("w0", "This week"),
            TableColumn("w1", "Next week"),
            TableColumn("w2", "In 2 weeks"),
            TableColumn("w3", "In 3 weeks"),
            TableColumn("over", "Weeks over"),
            TableColumn("n", "Booked"),
        ),
        tile="upcoming_interviews",
        row_label="Interviewer",
        counts="n",
        chart={"type": "bar", "series": ["w0", "w1"], "unit": "", "horizontal": True},
    )
)


# --- Decisions per owner ------------------------------------------------------------------------------------


def open_decisions(slice_):
    return common.decisions(slice_).order_by("due_at", "pk")


register_tile(
    Tile(
        key="open_decisions",
        name="Open decisions",
        group="capacity",
        definition=(
            "Open decisions: on the organisation's boards every one you may see, on your own board those you must take "
            "(My work). An owner filter narrows to one person's, by name or by a role they hold."
        ),
        rows=open_decisions,
        columns=common.DECISION_COLUMNS,
        related=common.DECISION_RELATED,
        shown=False,
        warn_above=None,
        noun="decision",
    )
)


def decision_owners(slice_) -> list[dict]:
    grouped = (
        common.decisions(slice_)
        # A named person owns a decision whatever role it also names (on whose behalf): one row per person, as
        # their list (the owner filter) shows; a role's row holds the decisions nobody is named on.
        .annotate(role=Case(When(owner__isnull=True, then=F("owner_role")), default=Value("")))
        .values("owner_id", "owner__first_name", "owner__last_name", "owner__username", "role")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=slice_.now)))
        .order_by()
    )
    rows = []
    for row in grouped:
        if row["owner_id"]:
            name = f"{row['owner__first_name']} {row['owner__last_name']}".strip() or row["owner__username"]
            label, drill = name, {"owner": row["owner_id"]}
        else:
            label, drill = f"Anyone in {registry.role_label(row['role'])}", {"owner_role": row["role"]}
        rows.append({"label": label, "n": row["n"], "late": row["late"], "drill": drill})
    rows.sort(key=lambda r: (-r["late"], -r["n"], r["label"]))
    return rows


register_table(
    MetricTable(
        key="decision_owners",
        name="Open decisions per owner",
        group="capacity",
        definition=(
            "Open decisions in view, per owner: a named person, or a role when nobody is named; how many are overdue."
        ),
        compute=decision_owners,
        columns=(TableColumn("n", "Open"), TableColumn("late", "Overdue")),
        tile="open_decisions",
        row_label="Owner",
        counts="n",
    )
)
