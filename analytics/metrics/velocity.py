"""Velocity: how long hiring takes and where it waits (definitions in docs/metrics.md, Dashboards).

Durations are computed per subject in the database (one row each: a requisition's approval, a hire, a
stage left) and summarised here (median, nearest-rank p90: analytics.stats).
"""

import calendar
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from analytics import stats
from analytics.metrics import common
from analytics.tiles import ListColumn, MetricTable, TableColumn, Tile, register_table, register_tile
from candidates.choices import ApplicationStatus
from candidates.models import Application, StageTransition
from candidates.selectors import stuck as stuck_applications
from offers.choices import OfferStatus
from offers.models import Offer
from onboarding.choices import CaseStatus
from onboarding.models import PreboardingCase
from portal import registry
from portal.choices import Outcome
from portal.models import ApprovalStep, Decision
from requisitions.choices import APPROVAL_KIND, Status
from requisitions.models import Requisition

STUCK = (7, 14)
AGES = (3, 6, 9, 12)  # months a requisition has been open
DAYS = TableColumn("median", "Median days", unit="days")
P90 = TableColumn("p90", "p90 days", unit="days")
N = TableColumn("n", "Count")


# --- Stuck applications ------------------------------------------------------------------------------------


def stuck(days: int):
    def rows(slice_) -> QuerySet[Application]:
        # The pipeline's own rule (its "stuck" flags and reminders say the same).
        return stuck_applications(common.applications(slice_), days, now=slice_.now).order_by("last_activity_at", "pk")

    return rows


for days in STUCK:
    register_tile(
        Tile(
            key=f"stuck_{days}",
            name=f"Stuck {days}+ days",
            group="velocity",
            definition=(
                f"Active applications with no activity (a move, a note, an email, an interview) for {days} days or "
                "more, oldest first."
            ),
            rows=stuck(days),
            columns=common.APPLICATION_COLUMNS,
            related=common.APPLICATION_RELATED,
            action="Follow up or close them",
            noun="application",
        )
    )


# --- Requisitions open for months ------------------------------------------------------------------------


def _months_ago(slice_, months: int) -> datetime:
    """The local midnight after the same day `months` months ago (the last day of a shorter month): a
    requisition opened before it has been open that many months."""
    today = slice_.today
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return _start_of(date(year, month + 1, day) + timedelta(days=1))


def aging_requisitions(slice_) -> QuerySet[Requisition]:
    months = int(slice_.get("age") or AGES[0])
    return (
        common.requisitions(slice_)
        .filter(status__in=(Status.OPEN, Status.ON_HOLD), opened_at__lt=_months_ago(slice_, months))
        .order_by("opened_at", "pk")
    )


register_tile(
    Tile(
        key="aging_requisitions",
        name="Open 3+ months",
        group="velocity",
        definition=(
            "Open or on-hold requisitions opened 3 months ago or earlier (a requisition opened on 7 March has been "
            "open 3 months on 7 June); with an age filter, that many months."
        ),
        rows=aging_requisitions,
        columns=common.REQUISITION_COLUMNS,
        related=common.REQUISITION_RELATED,
        action="Review the search or close",
        noun="requisition",
    )
)


def requisition_ages(slice_) -> list[dict]:
    counts = aging_requisitions(slice_.replace(age=str(AGES[0]))).aggregate(
        **{f"m{months}": Count("pk", filter=Q(opened_at__lt=_months_ago(slice_, months))) for months in AGES}
    )
    return [{"label": f"{months}+ months", "n": counts[f"m{months}"], "drill": {"age": months}} for months in AGES]


register_table(
    MetricTable(
        key="requisition_ages",
        name="Requisitions open by age",
        group="velocity",
        definition="Open or on-hold requisitions by how long ago they opened: 3, 6, 9 and 12 months or more.",
        compute=requisition_ages,
        columns=(N,),
        tile="aging_requisitions",
        row_label="Open for",
        chart={"type": "bar", "series": ["n"], "unit": ""},
        counts="n",
    )
)


# --- Time to approve ------------------------------------------------------------------------------------------


def approved_requisitions(slice_) -> QuerySet[Requisition]:
    return (
        common.requisitions(slice_)
        .filter(approved_at__gte=slice_.start, first_submitted_at__isnull=False)
        .order_by("-approved_at", "pk")
    )


register_tile(
    Tile(
        key="approved_requisitions",
        name="Requisitions approved",
        group="velocity",
        definition="Requisitions approved in the period: time to approve is their first submission to approval.",
        rows=approved_requisitions,
        columns=(
            *common.REQUISITION_COLUMNS[:5],
            ListColumn("First submitted", lambda r: common.local(r.first_submitted_at)),
            ListColumn("Approved", lambda r: common.local(r.approved_at)),
            ListColumn(
                "Days to approve",
                lambda r: stats.one_decimal(stats.days(r.approved_at - r.first_submitted_at)),
                numeric=True,
            ),
        ),
        related=common.REQUISITION_RELATED,
        shown=False,
        warn_above=None,
        noun="requisition",
    )
)


def time_to_approve(slice_) -> list[dict]:
    overall = [
        stats.days(approved - submitted)
        for submitted, approved in approved_requisitions(slice_).values_list("first_submitted_at", "approved_at")
    ]
    rows = [{"label": "Submitted → approved", **stats.spread(overall), "drill": {}}]
    steps = (
        ApprovalStep.objects.filter(
            chain__subject_type__model="requisition",
            chain__subject_id__in=common.requisitions(slice_).values("pk"),
            decision__kind=APPROVAL_KIND,
            decision__outcome=Outcome.APPROVED,
            decision__decided_at__gte=slice_.start,
        )
        .values_list("step", "approver_role", "authority", "decision__created_at", "decision__decided_at")
        .order_by()
    )
    by_step, by_role = defaultdict(list), defaultdict(list)
    for step, role, authority, raised, decided in steps:
        spent = stats.days(decided - raised)
        by_step[step].append(spent)
        by_role[role or authority or ""].append(spent)
    for step in sorted(by_step):
        rows.append({"label": f"Step {step}", **stats.spread(by_step[step]), "drill": None})
    for role in sorted(by_role, key=lambda r: (r == "", r)):
        label = _role_label(role) if role else "A named approver"
        rows.append({"label": f"Approver: {label}", **stats.spread(by_role[role]), "drill": None})
    return rows


def _role_label(role: str) -> str:
    return str(registry.role_label(role))


def _kind_label(kind: str) -> str:
    return dict(registry.decision_kind_choices()).get(kind, kind)


register_table(
    MetricTable(
        key="time_to_approve",
        name="Time to approve",
        group="velocity",
        definition=(
            "Requisitions approved in the period: first submission to approval (a send-back and resubmission count "
            "inside it). Each approval step decided in the period: its decision raised to approved, by step number "
            "and by the role the approver was asked as."
        ),
        compute=time_to_approve,
        columns=(N, DAYS, P90),
        tile="approved_requisitions",
        row_label="Measure",
        counts="n",
    )
)


# --- Time to fill and to start ------------------------------------------------------------------------------


def accepted_offers(slice_) -> QuerySet[Offer]:
    return (
        Offer.objects.filter(
            requisition__in=common.requisitions(slice_).values("pk"),
            status=OfferStatus.ACCEPTED,
            responded_at__gte=slice_.start,
            requisition__opened_at__isnull=False,
        )
        .filter(slice_.source_q("application__source"))
        .order_by("-responded_at", "pk")
    )


OFFER_COLUMNS = (
    ListColumn("Offer", lambda o: o.reference, link=lambda o: o.get_absolute_url()),
    ListColumn(
        "Candidate", lambda o: str(o.application.candidate), link=lambda o: o.application.candidate.get_absolute_url()
    ),
    ListColumn(
        "Requisition",
        lambda o: f"{o.requisition.reference} {o.requisition.title}",
        link=lambda o: o.requisition.get_absolute_url(),
    ),
    ListColumn("Status", lambda o: o.get_status_display()),
    ListColumn("Extended", lambda o: common.local(o.extended_at)),
    ListColumn("Answered", lambda o: common.local(o.responded_at)),
)
OFFER_RELATED = ("application__candidate", "requisition")

register_tile(
    Tile(
        key="accepted_offers",
        name="Offers accepted",
        group="velocity",
        definition=(
            "Offers accepted in the period (the hires): time to fill runs from the requisition's opening to the "
            "acceptance."
        ),
        rows=accepted_offers,
        columns=OFFER_COLUMNS,
        related=OFFER_RELATED,
        shown=False,
        warn_above=None,
        noun="offer",
    )
)


def hold_history(requisition_ids) -> dict[int, list[tuple[str, datetime]]]:
    """The status history (status, from when) of those of the requisitions that were ever on hold, in
    time order: one query."""
    history = Requisition.history.model.objects
    held = history.filter(id__in=requisition_ids, status=Status.ON_HOLD).values("id")
    rows: dict[int, list] = defaultdict(list)
    for pk, status, at in (
        history.filter(id__in=held)
        .values_list("id", "status", "history_date")
        .order_by("id", "history_date", "history_id")
    ):
        rows[pk].append((status, at))
    return rows


def held_before(history: list[tuple[str, datetime]], until: datetime) -> float:
    """Days on hold before `until`: each on-hold row of the history lasts until the next row (or `until`)."""
    spent = 0.0
    for index, (status, since) in enumerate(history):
        if status != Status.ON_HOLD or since >= until:
            continue
        end = history[index + 1][1] if index + 1 < len(history) else until
        spent += max(0.0, stats.days(min(end, until) - since))
    return spent


def started_cases(slice_) -> QuerySet[PreboardingCase]:
    return (
        PreboardingCase.objects.filter(
            requisition__in=common.requisitions(slice_).values("pk"),
            status=CaseStatus.STARTED,
            confirmed_start__gte=slice_.start_date,
            confirmed_start__lte=slice_.today,
            requisition__opened_at__isnull=False,
        )
        .filter(slice_.source_q("application__source"))
        .order_by("-confirmed_start", "pk")
    )


register_tile(
    Tile(
        key="started_cases",
        name="Starts confirmed",
        group="velocity",
        definition=(
            "Hires whose start was confirmed in the period: time to start runs from the requisition's opening to "
            "the confirmed start."
        ),
        rows=started_cases,
        columns=(
            *common.CASE_COLUMNS,
            ListColumn("Confirmed start", lambda c: c.confirmed_start),
        ),
        related=("candidate", "requisition"),
        shown=False,
        warn_above=None,
        noun="start",
    )
)


def time_to_fill(slice_) -> list[dict]:
    """Per role family and overall: days to fill (opening → acceptance) and to start (opening → confirmed
    start), on-hold time excluded."""
    fills = list(
        accepted_offers(slice_).values_list(
            "requisition_id",
            "requisition__role_family_id",
            "requisition__role_family__name",
            "requisition__opened_at",
            "responded_at",
        )
    )
    starts = list(
        started_cases(slice_).values_list(
            "requisition_id",
            "requisition__role_family_id",
            "requisition__role_family__name",
            "requisition__opened_at",
            "confirmed_start",
        )
    )
    start_moments = [(r, f, n, o, _start_of(day)) for r, f, n, o, day in starts]
    history = hold_history({r for r, *_ in fills} | {r for r, *_ in start_moments})
    groups: dict[tuple, dict[str, list]] = defaultdict(lambda: {"fill": [], "start": []})
    names = {}
    for rows, key in ((fills, "fill"), (start_moments, "start")):
        for req, family, name, opened, done in rows:
            spent = max(0.0, stats.days(done - opened) - held_before(history.get(req, []), done))
            names[family] = name or "No role family"
            groups[family][key].append(spent)
            groups["all"][key].append(spent)
    out = []
    order = ["all", *sorted((k for k in groups if k != "all"), key=lambda k: str(names.get(k)))]
    for family in order:
        if family not in groups:
            continue
        fill, start = stats.spread(groups[family]["fill"]), stats.spread(groups[family]["start"])
        out.append(
            {
                "label": "All role families" if family == "all" else names[family],
                "n": fill["n"],
                "median": fill["median"],
                "p90": fill["p90"],
                "starts": start["n"],
                "start_median": start["median"],
                "start_p90": start["p90"],
                "drill": {} if family == "all" else ({"role_family": family} if family is not None else None),
            }
        )
    return out


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


register_table(
    MetricTable(
        key="time_to_fill",
        name="Time to fill and to start",
        group="velocity",
        definition=(
            "Hires (offers accepted) in the period: days from the requisition's opening to the acceptance, less the "
            "days it spent on hold. Starts confirmed in the period: days from the opening to the start date (local "
            "midnight), less time on hold. Median and nearest-rank p90, by role family."
        ),
        compute=time_to_fill,
        columns=(
            TableColumn("n", "Hires"),
            TableColumn("median", "Fill: median days", unit="days"),
            TableColumn("p90", "Fill: p90", unit="days"),
            TableColumn("starts", "Starts"),
            TableColumn("start_median", "Start: median days", unit="days"),
            TableColumn("start_p90", "Start: p90", unit="days"),
        ),
        tile="accepted_offers",
        row_label="Role family",
        chart={"type": "bar", "series": ["median", "p90"], "unit": "days"},
        counts="n",
    )
)


# --- Days per stage --------------------------------------------------------------------------------------


def stage_exits(slice_) -> QuerySet[StageTransition]:
    """Moves out of a stage in the period (the stage filter: the stage left), each with `entered`: when the
    application last moved into that stage before (a move with none on record is left out)."""
    entry = StageTransition.objects.filter(
        application=OuterRef("application"), to_stage=OuterRef("from_stage"), at__lte=OuterRef("at")
    ).exclude(pk=OuterRef("pk"))
    qs = StageTransition.objects.annotate(entered=Subquery(entry.order_by("-at", "-pk").values("at")[:1])).filter(
        application__in=common._unstaged_applications(slice_).values("pk"),
        at__gte=slice_.start,
        from_stage__isnull=False,
    )
    qs = qs.filter(entered__isnull=False)
    if slice_.get("stage") is not None:
        qs = qs.filter(from_stage=slice_.get("stage"))
    return qs.order_by("-at", "-pk")


register_tile(
    Tile(
        key="stage_exits",
        name="Moves out of a stage",
        group="velocity",
        definition="Stage transitions in the period out of a stage (the stage filter names the stage left).",
        rows=stage_exits,
        columns=common.TRANSITION_COLUMNS,
        related=common.TRANSITION_RELATED,
        shown=False,
        warn_above=None,
        noun="move",
    )
)


def days_per_stage(slice_) -> list[dict]:
    """Each move out of a stage in the period, timed from the move into it (the application's transition
    before), by stage left."""
    moves = stage_exits(slice_.replace(stage=None)).values_list("from_stage_id", "entered", "at")
    spent = defaultdict(list)
    for stage, since, at in moves:
        spent[stage].append(stats.days(at - since))
    rows = []
    for stage in (stage for stage in slice_.stages().values() if stage.pk in spent):
        rows.append({"label": stage.name, **stats.spread(spent[stage.pk]), "drill": {"stage": stage.pk}})
    return rows


register_table(
    MetricTable(
        key="days_per_stage",
        name="Days in each stage",
        group="velocity",
        definition=(
            "Each move out of a stage in the period, timed from the application's move into that stage: median and "
            "nearest-rank p90 days, by the stage left."
        ),
        compute=days_per_stage,
        columns=(N, DAYS, P90),
        tile="stage_exits",
        row_label="Stage",
        chart={"type": "bar", "series": ["median", "p90"], "unit": "days", "horizontal": True},
        counts="n",
    )
)


# --- Service levels ---------------------------------------------------------------------------------------


def overdue_decisions(slice_) -> QuerySet[Decision]:
    return common.decisions(slice_).filter(due_at__lt=slice_.now).order_by("due_at", "pk")


register_tile(
    Tile(
        key="overdue_decisions",
        name="Decisions overdue",
        group="velocity",
        definition=(
            "Open decisions past their due date: on the organisation's boards every one you may see, on your own "
            "board those you must take (My work)."
        ),
        rows=overdue_decisions,
        columns=common.DECISION_COLUMNS,
        related=common.DECISION_RELATED,
        action="Take or hand them on",
        noun="decision",
    )
)


def late_decisions(slice_) -> QuerySet[Decision]:
    qs = Decision.objects.filter(decided_at__gte=slice_.start, decided_at__gt=F("due_at"))
    if slice_.board.key in common.WHOLE_ORGANISATION:
        from portal.selectors import decisions_for_user

        qs = qs.filter(pk__in=decisions_for_user(slice_.user).values("pk"))
    else:
        qs = qs.filter(decided_by=slice_.user)
    if slice_.get("kind"):
        qs = qs.filter(kind=slice_.get("kind"))
    return qs.order_by("-decided_at", "pk")


register_tile(
    Tile(
        key="late_decisions",
        name="Decided late",
        group="velocity",
        definition="Decisions taken in the period after their due date (on your own board: taken by you).",
        rows=late_decisions,
        columns=(*common.DECISION_COLUMNS, ListColumn("Decided", lambda d: common.local(d.decided_at))),
        related=common.DECISION_RELATED,
        shown=False,
        warn_above=None,
        noun="decision",
    )
)


def sla_breaches(slice_) -> list[dict]:
    """Overdue now and decided late, per kind, counted together in one query."""
    whole = slice_.replace(kind=None)
    overdue = Q(pk__in=overdue_decisions(whole).values("pk"))
    late = Q(pk__in=late_decisions(whole).values("pk"))
    grouped = (
        Decision.objects.filter(overdue | late)
        .values("kind")
        .annotate(overdue=Count("pk", filter=overdue), late=Count("pk", filter=late))
        .order_by()
    )
    return sorted(
        (
            {
                "label": _kind_label(row["kind"]),
                "overdue": row["overdue"],
                "late": row["late"],
                "drill": {"kind": row["kind"]},
            }
            for row in grouped
        ),
        key=lambda row: row["label"],
    )


register_table(
    MetricTable(
        key="sla_breaches",
        name="Service-level breaches by decision kind",
        group="velocity",
        definition=(
            "Per kind of decision: those open and past due now, and those decided in the period after their due "
            "date. A row opens the overdue ones."
        ),
        compute=sla_breaches,
        columns=(TableColumn("overdue", "Overdue now"), TableColumn("late", "Decided late in the period")),
        tile="overdue_decisions",
        row_label="Decision kind",
        chart={"type": "bar", "series": ["overdue", "late"], "unit": "", "horizontal": True},
        counts="overdue",
    )
)


# --- Needs action: stuck requisitions ---------------------------------------------------------------------


def stuck_requisitions(slice_) -> QuerySet[Requisition]:
    """Open requisitions where nothing moved for 14 days: no active application touched since."""
    since = slice_.now - timedelta(days=14)
    touched = Application.objects.filter(
        requisition=OuterRef("pk"), status=ApplicationStatus.ACTIVE, last_activity_at__gt=since
    )
    return (
        common.requisitions(slice_)
        .filter(status=Status.OPEN, opened_at__lte=since)
        .filter(~Exists(touched))
        .order_by("opened_at", "pk")
    )


register_tile(
    Tile(
        key="stuck_requisitions",
        name="Requisitions with no movement",
        group="ops",
        definition=(
            "Open requisitions, opened 14 days ago or earlier, none of whose active applications had any activity in "
            "the last 14 days (or that have none)."
        ),
        rows=stuck_requisitions,
        columns=common.REQUISITION_COLUMNS,
        related=common.REQUISITION_RELATED,
        action="Source candidates or revisit the brief",
        noun="requisition",
    )
)
