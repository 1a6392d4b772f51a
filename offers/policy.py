"""How an offer version is approved: the facts its rules test and the people it names as approvers.

The chain itself is the core's (portal.services.approvals) on the offer's version: a new version
starts a new chain, so a change voids the approvals of the one before.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offers.checks import band_check, budget_check, equity_check
from offers.choices import APPROVAL_KIND, POLICY, CheckStatus
from offers.costs import breakdown, first_year_cost
from offers.models import OfferVersion
from portal.choices import Role
from portal.policy import ROLE_APPROVER, ApprovalPolicy, Condition, Fact, FactKind, FactSpec
from requisitions.choices import EmploymentType
from requisitions.policy import REQUISITION_PEOPLE, requisition_people

# Roles whose members may approve an offer at all (recruiters and interviewers never do).
APPROVER_ROLES = frozenset({Role.HIRING_MANAGER, Role.FINANCE, Role.HR, Role.ADMIN})


def read_facts(version: OfferVersion) -> dict[str, Fact]:
    band = band_check(version)
    cost = first_year_cost(breakdown(version), version.currency)
    budget = budget_check(version, cost)
    equity = equity_check(version)
    above = bool(band.values.get("above"))
    below = bool(band.values.get("below"))
    return {
        "above_band": Fact(above, band.summary.rstrip(".") if above else ""),
        "below_band": Fact(below, band.summary.rstrip(".") if below else ""),
        "compa_ratio": Fact(band.values.get("compa")),
        "signing_bonus": Fact(version.signing_bonus),
        "equity_warns": Fact(equity.status == CheckStatus.WARN, equity.summary.rstrip(".")),
        "over_budget": Fact(budget.status == CheckStatus.FAIL, budget.summary.rstrip(".")),
        "first_year_cost": Fact(cost.amount),
        "changed_after_approval": Fact(
            version.follows_approval,
            _("changed after approval: %(note)s") % {"note": version.change_note[:200].rstrip(".")},
        ),
        "employment_type": Fact(version.employment_type),
    }


def read_people(version: OfferVersion) -> dict:
    return requisition_people(version.offer.requisition)


OFFER_POLICY = ApprovalPolicy(
    key=POLICY,
    label=gettext_lazy("Offer approval"),
    subject_label=gettext_lazy("offer"),
    decision_kind=APPROVAL_KIND,
    facts=(
        FactSpec("above_band", gettext_lazy("base above the band maximum"), FactKind.FLAG),
        FactSpec("below_band", gettext_lazy("base below the band minimum"), FactKind.FLAG),
        FactSpec("compa_ratio", gettext_lazy("compa-ratio"), FactKind.AMOUNT, unit=" %", places=1),
        FactSpec("signing_bonus", gettext_lazy("signing bonus"), FactKind.AMOUNT),
        FactSpec("equity_warns", gettext_lazy("internal equity warns"), FactKind.FLAG),
        FactSpec("over_budget", gettext_lazy("first-year cost over the requisition's range"), FactKind.FLAG),
        FactSpec("first_year_cost", gettext_lazy("offer first-year cost"), FactKind.AMOUNT),
        FactSpec("changed_after_approval", gettext_lazy("changed after approval"), FactKind.FLAG),
        FactSpec(
            "employment_type", gettext_lazy("offer employment type"), FactKind.CHOICE, choices=EmploymentType.choices
        ),
    ),
    people=REQUISITION_PEOPLE,
    approver_roles=APPROVER_ROLES,
    read_facts=read_facts,
    read_people=read_people,
    # Whoever drafted the offer or this version: nobody approves their own offer.
    creators=lambda version: {version.created_by_id, version.offer.created_by_id} - {None},
    title=lambda version: (
        _("Approve offer %(ref)s v%(n)d: %(who)s")
        % {"ref": version.offer.reference, "n": version.number, "who": version.offer.application.candidate}
    ),
    fallback="department_head",
)


# position, name, condition, fact, threshold, approver, role, step
DEFAULT_RULES = [
    (10, "HR reviews every offer", Condition.ALWAYS, "", None, ROLE_APPROVER, Role.HR, 1),
    (20, "HR: base above the band", Condition.FLAG, "above_band", None, ROLE_APPROVER, Role.HR, 1),
    (30, "HR: base below the band", Condition.FLAG, "below_band", None, ROLE_APPROVER, Role.HR, 1),
    (40, "HR: internal equity warns", Condition.FLAG, "equity_warns", None, ROLE_APPROVER, Role.HR, 1),
    (50, "Finance approves every offer", Condition.ALWAYS, "", None, ROLE_APPROVER, Role.FINANCE, 2),
    (60, "Finance: base above the band", Condition.FLAG, "above_band", None, ROLE_APPROVER, Role.FINANCE, 2),
    (70, "Finance: compa-ratio over 110", Condition.OVER, "compa_ratio", Decimal("110"), ROLE_APPROVER,
     Role.FINANCE, 2),
    (80, "Finance: signing bonus over 10,000", Condition.OVER, "signing_bonus", Decimal("10000"), ROLE_APPROVER,
     Role.FINANCE, 2),
    (90, "Finance: over the requisition's budget", Condition.FLAG, "over_budget", None, ROLE_APPROVER,
     Role.FINANCE, 2),
    (100, "Finance: changed after approval", Condition.FLAG, "changed_after_approval", None, ROLE_APPROVER,
     Role.FINANCE, 2),
    (110, "The department head approves every offer", Condition.ALWAYS, "", None, "department_head", "", 3),
]  # fmt: skip


def install_default_policy() -> int:
    from portal.services.approvals import install_default_rules

    return install_default_rules(policy_key=POLICY, rules=DEFAULT_RULES, reason="offers.approvalrule.default_policy")
