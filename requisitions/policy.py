"""The approval policy: which rules apply to a requisition, and who approves at which step.

`compute_chain` is called at submission. It reads the requisition and the active rules and
returns the planned steps, each with the reasons it is there ("Finance: first-year cost
182,000 > 150,000"). It writes nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from portal.choices import Role
from portal.models import User
from requisitions.choices import Approver, Condition, EmploymentType
from requisitions.models import ApprovalRule, Requisition
from requisitions.selectors import plan_capacity


@dataclass
class PlannedStep:
    step: int
    approver: User | None
    approver_role: str
    reasons: list[str] = field(default_factory=list)
    sla_business_days: int = 2

    @property
    def label(self) -> str:
        return str(self.approver) if self.approver else str(Role(self.approver_role).label)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _money(value) -> str:
    return f"{Decimal(value):,.0f}"


def why_rule_applies(rule: ApprovalRule, req: Requisition) -> str | None:
    """The reason `rule` applies to `req`, or None when it does not."""
    if rule.condition == Condition.ALWAYS:
        return rule.name
    if rule.condition == Condition.NET_NEW:
        return _("net-new role") if not req.is_backfill else None
    if rule.condition == Condition.EMPLOYMENT_TYPE:
        if req.employment_type in rule.employment_type_list():
            return _("employment type %(type)s") % {"type": EmploymentType(req.employment_type).label}
        return None
    if rule.condition == Condition.COST_OVER:
        # All openings together: ten hires at 149,000 are a 1.49M commitment.
        total = req.total_cost_max
        if total is None or total <= rule.threshold:
            return None
        cost = _money(total) if req.openings == 1 else f"{req.openings} × {_money(req.cost_max)} = {_money(total)}"
        return _("first-year cost %(cost)s > %(limit)s") % {"cost": cost, "limit": _money(rule.threshold)}
    if rule.condition == Condition.BILL_RATE_OVER:
        if req.is_contract and req.max_bill_rate is not None and req.max_bill_rate > rule.threshold:
            return _("max bill rate %(rate)s/h > %(limit)s/h") % {
                "rate": f"{req.max_bill_rate:,.2f}",
                "limit": f"{rule.threshold:,.2f}",
            }
        return None
    if rule.condition == Condition.ABOVE_BAND:
        return above_band_reason(req)
    if rule.condition == Condition.PLAN_BUDGET_EXCEEDED:
        return plan_budget_reason(req)
    return None


def above_band_reason(req: Requisition) -> str | None:
    band = req.comp_band
    if band is None or req.is_contract or req.base_max is None or req.base_max <= band.maximum:
        return None
    return _("base maximum %(base)s above band maximum %(band)s") % {
        "base": _money(req.base_max),
        "band": _money(band.maximum),
    }


def plan_budget_reason(req: Requisition) -> str | None:
    if req.hiring_plan is None or req.total_cost_max is None:
        return None
    capacity = plan_capacity(req.hiring_plan, excluding=req)
    if req.total_cost_max <= capacity.remaining_budget:
        return None
    return _("plan %(plan)s has %(left)s left, this needs %(needed)s") % {
        "plan": req.hiring_plan,
        "left": _money(capacity.remaining_budget),
        "needed": _money(req.total_cost_max),
    }


def _resolve(rule: ApprovalRule, req: Requisition) -> tuple[User | None, str, str]:
    """(person, role, note) for the rule's approver; a note explains any substitution."""
    if rule.approver == Approver.FINANCE:
        return None, Role.FINANCE, ""
    if rule.approver == Approver.HR:
        return None, Role.HR, ""
    person = {
        Approver.HM_MANAGER: req.hiring_manager.manager if req.hiring_manager_id else None,
        Approver.DEPARTMENT_HEAD: req.department.head if req.department_id else None,
        # The cost center's owner, not the requisition's field: the requester must not pick their approver.
        Approver.BUDGET_OWNER: req.cost_center.budget_owner if req.cost_center_id else None,
        Approver.USER: rule.user,
    }[Approver(rule.approver)]
    if person is None or not person.is_active:
        return None, Role.ADMIN, _("(%(who)s not on record: routed to admins)") % {"who": Approver(rule.approver).label}
    if person.pk == req.created_by_id:
        # Separation of duties: nobody approves a requisition they created.
        manager = person.manager if person.manager and person.manager.is_active else None
        if manager is not None and manager.pk != req.created_by_id:
            return manager, "", _("(%(who)s created it: routed to their manager)") % {"who": person}
        return None, Role.ADMIN, _("(%(who)s created it: routed to admins)") % {"who": person}
    return person, "", ""


def compute_chain(req: Requisition, rules: list[ApprovalRule] | None = None) -> list[PlannedStep]:
    """The planned approval steps for `req`, ordered by step. Never empty."""
    if rules is None:
        rules = list(ApprovalRule.objects.filter(is_active=True).select_related("user").order_by("position", "id"))
    planned: dict[tuple, PlannedStep] = {}
    for rule in rules:
        why = why_rule_applies(rule, req)
        if why is None:
            continue
        person, role, note = _resolve(rule, req)
        key = (rule.step, getattr(person, "pk", None), role)
        step = planned.setdefault(key, PlannedStep(rule.step, person, role, sla_business_days=rule.sla_business_days))
        step.sla_business_days = min(step.sla_business_days, rule.sla_business_days)
        step.reasons.append(" ".join(part for part in (why, note) if part))
    if not planned:
        default = ApprovalRule(
            name=_("default: no rule matched"), condition=Condition.ALWAYS, approver=Approver.HM_MANAGER
        )
        person, role, note = _resolve(default, req)
        planned[(1, None, None)] = PlannedStep(1, person, role, [" ".join(p for p in (default.name, note) if p)])
    return _once_per_approver(sorted(planned.values(), key=lambda s: (s.step, s.label)))


def _once_per_approver(steps: list[PlannedStep]) -> list[PlannedStep]:
    """Someone asked at several steps approves once, at the first, having seen every reason."""
    first: dict[tuple, PlannedStep] = {}
    kept = []
    for step in steps:
        who = (getattr(step.approver, "pk", None), step.approver_role)
        if who in first:
            first[who].reasons.extend(step.reasons)
            first[who].sla_business_days = min(first[who].sla_business_days, step.sla_business_days)
            continue
        first[who] = step
        kept.append(step)
    return kept
