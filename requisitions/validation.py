"""What a requisition must satisfy before it can be submitted, and what is worth a warning.

Drafts may be saved incomplete; `submission_problems` lists, per field, what stops submission.
`intake_warnings` lists what is allowed but worth a look. Both read, never write.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from portal import clock
from requisitions.models import Requisition
from requisitions.permissions import can_own_budget
from requisitions.policy import above_band_reason, plan_budget_reason
from requisitions.selectors import bands_on_file, plan_capacity, similar_requisitions

REQUIRED_TO_SUBMIT = [
    "title",
    "role_family",
    "level",
    "department",
    "cost_center",
    "location",
    "hiring_manager",
    "recruiter",
    "budget_owner",
    "target_start_date",
    "hiring_plan",
]


def _money(value) -> str:
    return f"{Decimal(value):,.0f}"


def submission_problems(req: Requisition) -> dict[str, list[str]]:
    """{field name or "__all__": [messages]}; empty when the requisition may be submitted."""
    problems: dict[str, list[str]] = {}

    def problem(field, message):
        problems.setdefault(field, []).append(message)

    for name in REQUIRED_TO_SUBMIT:
        if not getattr(req, name if not hasattr(req, f"{name}_id") else f"{name}_id", None):
            problem(name, _("Required to submit."))
    if req.target_start_date and req.target_start_date <= timezone.localtime(clock.now()).date():
        problem("target_start_date", _("The target start date must be in the future."))
    if req.openings is None or req.openings < 1:
        problem("openings", _("At least one opening."))
    _check_cost(req, problem)
    _check_plan(req, problem)
    if not req.is_backfill and not req.business_case.strip():
        problem("business_case", _("A net-new role needs a business case."))
    if req.is_backfill and not req.backfill_for.strip():
        problem("backfill_for", _("Say who left: a backfill names the person it replaces."))
    if (above_band_reason(req) or plan_budget_reason(req)) and not req.justification.strip():
        problem(
            "justification",
            _("Justify the cost: %(why)s.") % {"why": above_band_reason(req) or plan_budget_reason(req)},
        )
    for user_field in ("hiring_manager", "recruiter", "budget_owner"):
        person = getattr(req, user_field) if getattr(req, f"{user_field}_id") else None
        if person is not None and not person.is_active:
            problem(user_field, _("%(person)s is deactivated.") % {"person": person})
    if req.budget_owner_id and req.budget_owner.is_active and not can_own_budget(req.budget_owner):
        problem(
            "budget_owner",
            _("%(person)s cannot own a budget: choose a hiring manager, finance or HR.") % {"person": req.budget_owner},
        )
    return problems


def _check_cost(req: Requisition, problem) -> None:
    band_currencies = bands_on_file(req)
    if band_currencies and req.currency not in band_currencies:
        problem(
            "currency",
            _("The band for this role is in %(currencies)s: state the pay in that currency so it can be compared.")
            % {"currencies": ", ".join(sorted(band_currencies))},
        )
    if req.is_contract:
        if req.max_bill_rate is None:
            problem("max_bill_rate", _("A contract role needs a maximum bill rate."))
        if not req.contract_hours:
            problem("contract_hours", _("Estimate the contract hours in the first year."))
        return
    if req.base_min is None:
        problem("base_min", _("Required to submit."))
    if req.base_max is None:
        problem("base_max", _("Required to submit."))
    if req.base_min is not None and req.base_max is not None and req.base_min > req.base_max:
        problem("base_max", _("The maximum cannot be below the minimum."))


def _check_plan(req: Requisition, problem) -> None:
    plan = req.hiring_plan if req.hiring_plan_id else None
    if plan is None:
        return
    if plan.currency != req.currency:
        problem("currency", _("The plan is in %(plan)s: state the cost in %(plan)s too.") % {"plan": plan.currency})
    if req.cost_center_id and plan.cost_center_id != req.cost_center_id:
        problem(
            "hiring_plan",
            _("This plan belongs to %(cc)s, not to the requisition's cost center.") % {"cc": plan.cost_center},
        )
        return
    capacity = plan_capacity(plan, excluding=req)
    if req.openings and req.openings > capacity.remaining_headcount:
        problem(
            "openings",
            _("Plan %(plan)s has %(left)d of %(total)d headcount left; this asks for %(asked)d.")
            % {
                "plan": plan,
                "left": max(capacity.remaining_headcount, 0),
                "total": capacity.headcount,
                "asked": req.openings,
            },
        )


def similar_summary(req: Requisition, visible=None) -> str:
    """Similar live requisitions, named when `visible` (the reader's slice) holds them, else only counted."""
    similar = similar_requisitions(req)
    shown = list(
        (similar.filter(pk__in=visible.values("pk")) if visible is not None else similar).values_list("pk", "title")[:5]
    )
    hidden = similar.exclude(pk__in=visible.values("pk")).count() if visible is not None else 0
    parts = [f"REQ-{pk:04d} {title}" for pk, title in shown]
    if hidden:
        parts.append(_("%(n)d more run by other teams") % {"n": hidden})
    return "; ".join(parts)


def intake_warnings(req: Requisition, visible=None) -> list[str]:
    """Allowed, but someone should know: duplicates, a missing band, budget overrun, quarter mismatch.

    `visible` is the reader's slice of requisitions: others' similar requisitions are counted, not named.
    """
    warnings = []
    similar = similar_summary(req, visible)
    if similar:
        warnings.append(
            _("Similar requisitions are already live for this role, level and department: %(refs)s.")
            % {"refs": similar}
        )
    if not req.is_contract and req.role_family_id and req.level_id and req.location_id and req.comp_band_id is None:
        warnings.append(_("No compensation band is on file for this role family, level and location."))
    budget = plan_budget_reason(req)
    if budget:
        warnings.append(_("Over the plan budget (%(why)s): finance approval will be needed.") % {"why": budget})
    plan = req.hiring_plan if req.hiring_plan_id else None
    if plan is not None and req.target_start_date:
        quarter = f"{req.target_start_date.year}-Q{(req.target_start_date.month - 1) // 3 + 1}"
        if quarter != plan.period:
            warnings.append(
                _("The target start falls in %(quarter)s but the plan is for %(period)s.")
                % {"quarter": quarter, "period": plan.period}
            )
    return warnings
