"""Conversion: how applications pass from stage to stage (definitions in docs/metrics.md, Dashboards).

Three views kept apart, as they answer different questions:
- the **cohort**: applications that applied in the period, by the furthest stage each has reached (its
  transitions' highest stage), pass-through counted on finished applications (closed, or accepted an
  offer) unless "include open" is on, which makes the figures provisional;
- the **activity**: what moved in the period (transitions into each stage, rejections, withdrawals);
- the **snapshot**: where the active applications stand now.
"""

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from analytics import stats
from analytics.metrics import common
from analytics.tiles import MetricTable, TableColumn, Tile, register_table, register_tile
from candidates.choices import ApplicationStatus, StageKind
from candidates.models import Application, Stage, StageTransition

FUNNEL_STAGES = ("applied", "screen", "interview", "offer")  # then the accepted (pre-start) stage


def funnel_stages(slice_) -> list[Stage]:
    """The funnel's steps: applied, screen, interview, offer (those of them that exist), then accepted:
    the pre-start stage an accepted offer enters."""
    stages = slice_.stages().values()
    by_code = {s.code: s for s in stages}
    steps = [by_code[code] for code in FUNNEL_STAGES if code in by_code]
    return steps + [s for s in stages if s.kind == StageKind.PRE_START]


def _accepted_position(slice_) -> int | None:
    return next((s.position for s in slice_.stages().values() if s.kind == StageKind.PRE_START), None)


def with_reach(qs: QuerySet[Application]) -> QuerySet[Application]:
    """Each application with `reached`: the highest position among the stages its transitions entered."""
    highest = (
        StageTransition.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(top=Max("to_stage__position"))
        .values("top")
    )
    return qs.annotate(reached=Coalesce(Subquery(highest, output_field=IntegerField()), 0))


def cohort(slice_) -> QuerySet[Application]:
    """Applications applied in the period; finished ones only unless "include open"; with a stage filter,
    those that reached it."""
    qs = with_reach(common._unstaged_applications(slice_).filter(applied_at__gte=slice_.start))
    if not slice_.include_open:
        accepted = _accepted_position(slice_)
        finished = ~Q(status=ApplicationStatus.ACTIVE)
        if accepted is not None:
            finished |= Q(reached__gte=accepted)
        qs = qs.filter(finished)
    if slice_.get("stage") is not None:
        qs = qs.filter(reached__gte=slice_.get("stage").position)
    return qs.order_by("-applied_at", "-pk")


register_tile(
    Tile(
        key="cohort",
        name="Applications in the cohort",
        group="conversion",
        definition=(
            "Applications that applied in the period and are finished (closed, or reached pre-start with an accepted "
            "offer); with “include open”, the active ones too. A stage filter keeps those that reached that stage."
        ),
        rows=cohort,
        columns=common.APPLICATION_COLUMNS,
        related=common.APPLICATION_RELATED,
        shown=False,
        warn_above=None,
        noun="application",
    )
)


def funnel(slice_) -> list[dict]:
    steps = funnel_stages(slice_)
    counts = cohort(slice_.replace(stage=None)).aggregate(
        **{f"s{stage.pk}": Count("pk", filter=Q(reached__gte=stage.position)) for stage in steps}
    )
    rows = []
    for index, stage in enumerate(steps):
        reached = counts[f"s{stage.pk}"]
        following = counts[f"s{steps[index + 1].pk}"] if index + 1 < len(steps) else None
        label = "Accepted" if stage.kind == StageKind.PRE_START else stage.name
        rows.append(
            {
                "label": label,
                "reached": reached,
                "through": stats.rate(following, reached) if following is not None else None,
                "drill": {"stage": stage.pk},
            }
        )
    return rows


register_table(
    MetricTable(
        key="funnel",
        name="Cohort funnel",
        group="conversion",
        definition=(
            "Applications that applied in the period, by the furthest stage reached (a stage counts when a transition "
            "entered it or a later one). Pass-through = reached the next step ÷ reached this one, on finished "
            "applications only unless “include open” is on (then provisional)."
        ),
        compute=funnel,
        columns=(TableColumn("reached", "Reached"), TableColumn("through", "Pass-through to next", unit="%")),
        tile="cohort",
        row_label="Step",
        chart={"type": "bar", "series": ["reached"], "unit": ""},
        counts="reached",
    )
)


# --- By source, role family and recruiter ----------------------------------------------------------------


def _by(slice_, group, names: dict, drill: str) -> list[dict]:
    """The cohort grouped by `group` (an expression), labelled by `names`: the label expressions read in the
    same query (name → expression), joined with spaces."""
    steps = {stage.code: stage for stage in funnel_stages(slice_)}
    accepted = _accepted_position(slice_)
    marks = {
        "interview": steps["interview"].position if "interview" in steps else None,
        "offer": steps["offer"].position if "offer" in steps else None,
        "accepted": accepted,
    }
    counts = {
        f"to_{key}": Count("pk", filter=Q(reached__gte=position))
        for key, position in marks.items()
        if position is not None
    }
    grouped = (
        cohort(slice_.replace(stage=None))
        .annotate(dimension=group, **names)
        .values("dimension", *names)
        .annotate(n=Count("pk"), **counts)
        .order_by()
    )
    rows = []
    for row in grouped:
        key = row["dimension"]
        label = " ".join(str(row[name]) for name in names if row[name]).strip()
        rows.append(
            {
                "label": label if key is not None else "None",
                "n": row["n"],
                "interview": stats.rate(row.get("to_interview", 0), row["n"]),
                "offer": stats.rate(row.get("to_offer", 0), row["n"]),
                "accepted": stats.rate(row.get("to_accepted", 0), row["n"]),
                "hires": row.get("to_accepted", 0),
                "drill": {drill: key} if key is not None else None,
            }
        )
    rows.sort(key=lambda r: (-r["n"], r["label"]))
    return rows


BY_COLUMNS = (
    TableColumn("n", "Applications"),
    TableColumn("interview", "Reached interview", unit="%"),
    TableColumn("offer", "Reached offer", unit="%"),
    TableColumn("accepted", "Accepted an offer", unit="%"),
)


def by_source(slice_) -> list[dict]:
    rows = _by(
        slice_,
        Coalesce("source__parent_id", "source_id"),
        {"name": Coalesce("source__parent__name", "source__name")},
        "source",
    )
    chosen = slice_.get("source")
    if chosen is not None and chosen.parent_id is not None:
        # Narrowed to a sub-source: its parent's row counts that sub-source only, so it opens that sub-source's
        # list, not the parent's (which holds the parent's own applications and its other sub-sources' too).
        for row in rows:
            if row["drill"] == {"source": chosen.parent_id}:
                row["drill"] = {"source": chosen.pk}
    return rows


def by_role_family(slice_) -> list[dict]:
    return _by(slice_, F("requisition__role_family_id"), {"name": F("requisition__role_family__name")}, "role_family")


def by_recruiter(slice_) -> list[dict]:
    names = {"first": F("requisition__recruiter__first_name"), "last": F("requisition__recruiter__last_name")}
    return _by(slice_, F("requisition__recruiter_id"), names, "recruiter")


for key, name, compute, label, note in (
    ("by_source", "Source quality", by_source, "Source", " A source counts with the sources under it."),
    ("by_role_family", "Conversion by role family", by_role_family, "Role family", ""),
    ("by_recruiter", "Conversion by recruiter", by_recruiter, "Recruiter", " The recruiter is the requisition's."),
):
    register_table(
        MetricTable(
            key=key,
            name=name,
            group="conversion",
            definition=(
                "The cohort (applications that applied in the period, finished ones unless “include open”) by "
                f"{label.lower()}: the share that reached the interview, the offer, and that accepted an offer.{note}"
            ),
            compute=compute,
            columns=BY_COLUMNS,
            tile="cohort",
            row_label=label,
            chart={"type": "bar", "series": ["interview", "offer", "accepted"], "unit": "%", "horizontal": True},
            counts="n",
        )
    )


# --- Activity and snapshot ------------------------------------------------------------------------------


def moves(slice_) -> QuerySet[StageTransition]:
    return common.transitions(slice_).filter(at__gte=slice_.start).order_by("-at", "-pk")


register_tile(
    Tile(
        key="moves",
        name="Moves in the period",
        group="conversion",
        definition="Stage transitions in the period (the stage filter names the stage entered).",
        rows=moves,
        columns=common.TRANSITION_COLUMNS,
        related=common.TRANSITION_RELATED,
        shown=False,
        warn_above=None,
        noun="move",
    )
)


def activity(slice_) -> list[dict]:
    grouped = (
        moves(slice_.replace(stage=None))
        .values("to_stage_id")
        .annotate(
            n=Count("pk"),
            rejected=Count("pk", filter=Q(status=ApplicationStatus.REJECTED)),
            withdrawn=Count("pk", filter=Q(status=ApplicationStatus.WITHDRAWN)),
        )
        .order_by()
    )
    by_stage = {row["to_stage_id"]: row for row in grouped}
    stages = [stage for stage in slice_.stages().values() if stage.pk in by_stage]
    return [
        {
            "label": stage.name,
            "n": by_stage[stage.pk]["n"],
            "rejected": by_stage[stage.pk]["rejected"],
            "withdrawn": by_stage[stage.pk]["withdrawn"],
            "drill": {"stage": stage.pk},
        }
        for stage in stages
    ]


register_table(
    MetricTable(
        key="activity",
        name="What moved in the period (activity)",
        group="conversion",
        definition=(
            "Transitions in the period by the stage entered, whatever the application's applied date; rejected and "
            "withdrawn are the closings among them (a closing stays in its stage)."
        ),
        compute=activity,
        columns=(TableColumn("n", "Moves"), TableColumn("rejected", "Rejected"), TableColumn("withdrawn", "Withdrawn")),
        tile="moves",
        row_label="Stage entered",
        chart={"type": "bar", "series": ["n"], "unit": ""},
        counts="n",
    )
)


def active_applications(slice_) -> QuerySet[Application]:
    return common.active_applications(slice_).order_by("stage__position", "stage_entered_at", "pk")


register_tile(
    Tile(
        key="active_applications",
        name="Active applications",
        group="conversion",
        definition="Applications active now, in the stage they stand in (the stage filter narrows to one).",
        rows=active_applications,
        columns=common.APPLICATION_COLUMNS,
        related=common.APPLICATION_RELATED,
        action="Open the pipeline",
        warn_above=None,
        noun="application",
    )
)


def snapshot(slice_) -> list[dict]:
    grouped = dict(
        common.active_applications(slice_.replace(stage=None))
        .values("stage_id")
        .annotate(n=Count("pk"))
        .values_list("stage_id", "n")
        .order_by()
    )
    return [
        {"label": stage.name, "n": grouped[stage.pk], "drill": {"stage": stage.pk}}
        for stage in slice_.stages().values()
        if stage.pk in grouped
    ]


register_table(
    MetricTable(
        key="snapshot",
        name="Where applications stand now (snapshot)",
        group="conversion",
        definition="Active applications now, by their current stage.",
        compute=snapshot,
        columns=(TableColumn("n", "Active"),),
        tile="active_applications",
        row_label="Stage",
        chart={"type": "bar", "series": ["n"], "unit": ""},
        counts="n",
    )
)
