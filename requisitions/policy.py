"""How a requisition is approved: the facts its rules test and the people it names as approvers.

The chain itself (steps, parallel approvals, separation of duties, rounds, races) is the core's
(portal.services.approvals); this module only says what a requisition supplies to it, and installs
the default rules on a new installation.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.choices import Role
from portal.policy import ROLE_APPROVER, ApprovalPolicy, Condition, Fact, FactKind, FactSpec
from portal.services.approvals import install_default_rules
from requisitions.choices import APPROVAL_KIND, POLICY, EmploymentType
from requisitions.models import Requisition
from requisitions.selectors import plan_capacity

# Roles whose members may approve a requisition at all (recruiters and interviewers never do).
APPROVER_ROLES = frozenset({Role.HIRING_MANAGER, Role.FINANCE, Role.HR, Role.ADMIN})


def _money(value) -> str:
    return f"{Decimal(value):,.0f}"


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


def band_position(req: Requisition) -> Decimal | None:
    """The base maximum as a percentage of the band's midpoint (a compa-ratio): 100 is the midpoint."""
    band = req.comp_band
    if band is None or req.is_contract or req.base_max is None or not band.midpoint:
        return None
    return (req.base_max * 100 / band.midpoint).quantize(Decimal("0.1"))


def read_facts(req: Requisition) -> dict[str, Fact]:
    total = req.total_cost_max
    if total is None or req.openings == 1:
        cost_text = ""
    else:
        # All openings together: ten hires at 149,000 are a 1.49M commitment.
        cost_text = f"{req.openings} × {_money(req.cost_max)} = {_money(total)}"
    rate = req.max_bill_rate if req.is_contract else None
    return {
        "first_year_cost": Fact(total, cost_text),
        "bill_rate": Fact(rate),
        "net_new": Fact(not req.is_backfill, _("net-new role")),
        "employment_type": Fact(req.employment_type),
        "above_band": Fact(bool(above_band_reason(req)), above_band_reason(req) or ""),
        "band_position": Fact(band_position(req)),
        "plan_budget_exceeded": Fact(bool(plan_budget_reason(req)), plan_budget_reason(req) or ""),
    }


# The people a requisition names, whom any policy over something of the requisition (an offer, an
# engagement's rate) may route an approval to.
REQUISITION_PEOPLE = {
    "hiring_manager": gettext_lazy("Hiring manager"),
    "hm_manager": gettext_lazy("Hiring manager's manager"),
    "department_head": gettext_lazy("Department head"),
}


def requisition_people(req: Requisition) -> dict:
    """{key of REQUISITION_PEOPLE: the person, or None} for `req`."""
    return {
        "hiring_manager": req.hiring_manager,
        "hm_manager": req.hiring_manager.manager if req.hiring_manager_id else None,
        "department_head": req.department.head if req.department_id else None,
    }


def read_people(req: Requisition) -> dict:
    people = requisition_people(req)
    return {
        "hm_manager": people["hm_manager"],
        "department_head": people["department_head"],
        # The requisition's budget owner, defaulted from its cost center and chosen only among people
        # who may own a budget: the person named on the requisition is the person who approves.
        "budget_owner": req.budget_owner if req.budget_owner_id else None,
    }


REQUISITION_POLICY = ApprovalPolicy(
    key=POLICY,
    label=gettext_lazy("Requisition approval"),
    subject_label=gettext_lazy("requisition"),
    decision_kind=APPROVAL_KIND,
    facts=(
        FactSpec("first_year_cost", gettext_lazy("first-year cost"), FactKind.AMOUNT),
        FactSpec("bill_rate", gettext_lazy("max bill rate"), FactKind.AMOUNT, unit="/h", places=2),
        FactSpec("net_new", gettext_lazy("net-new role"), FactKind.FLAG),
        FactSpec("employment_type", gettext_lazy("employment type"), FactKind.CHOICE, choices=EmploymentType.choices),
        FactSpec("above_band", gettext_lazy("base pay above the band"), FactKind.FLAG),
        FactSpec("band_position", gettext_lazy("band position"), FactKind.AMOUNT, unit="% of midpoint", places=1),
        FactSpec("plan_budget_exceeded", gettext_lazy("hiring plan budget exceeded"), FactKind.FLAG),
    ),
    people={
        "hm_manager": gettext_lazy("Hiring manager's manager"),
        "department_head": gettext_lazy("Department head"),
        "budget_owner": gettext_lazy("Budget owner"),
    },
    approver_roles=APPROVER_ROLES,
    read_facts=read_facts,
    read_people=read_people,
    # Whoever created it and the hiring manager it is for: nobody approves their own need.
    creators=lambda req: {req.created_by_id, req.hiring_manager_id} - {None},
    title=lambda req: _("Approve %(ref)s %(title)s") % {"ref": req.reference, "title": req.title},
    fallback="hm_manager",
)


# position, name, condition, fact, threshold, approver, role, step
DEFAULT_POLICY = [
    (10, "The hiring manager's manager approves every requisition", Condition.ALWAYS, "", None, "hm_manager", "", 1),
    (20, "The department head approves net-new roles", Condition.FLAG, "net_new", None, "department_head", "", 2),
    (30, "Finance approves a first-year cost over 150,000", Condition.OVER, "first_year_cost", Decimal("150000"),
     ROLE_APPROVER, Role.FINANCE, 2),
    (40, "Finance approves contractor rates over 120/h", Condition.OVER, "bill_rate", Decimal("120"),
     ROLE_APPROVER, Role.FINANCE, 2),
    (50, "HR approves pay above the band", Condition.FLAG, "above_band", None, ROLE_APPROVER, Role.HR, 2),
    (60, "Finance approves when the plan budget would be exceeded", Condition.FLAG, "plan_budget_exceeded", None,
     ROLE_APPROVER, Role.FINANCE, 2),
]  # fmt: skip


def install_default_policy() -> int:
    """Give a new installation the default requisition rules (see approvals.install_default_rules)."""
    return install_default_rules(
        policy_key=POLICY, rules=DEFAULT_POLICY, reason="requisitions.approvalrule.default_policy"
    )
