"""How an engagement's rate above its rate card is approved: the facts its rules test and the people
it names. The chain is the core's (portal.services.approvals) on the engagement's terms: each
renewal above the card is a new terms row with its own chain."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.choices import Role
from portal.policy import ROLE_APPROVER, ApprovalPolicy, Condition, Fact, FactKind, FactSpec
from requisitions.policy import REQUISITION_PEOPLE, requisition_people
from vendors.choices import RATE_APPROVAL_KIND, RATE_POLICY
from vendors.costs import weekly_cost
from vendors.models import EngagementTerm

APPROVER_ROLES = frozenset({Role.HIRING_MANAGER, Role.FINANCE, Role.ADMIN})


def over_card_pct(term: EngagementTerm) -> Decimal:
    card = term.rate_card.bill_rate
    return ((term.bill_rate - card) / card * 100).quantize(Decimal("0.1")) if card else Decimal("0")


def read_facts(term: EngagementTerm) -> dict[str, Fact]:
    engagement = term.engagement
    pct = over_card_pct(term)
    weekly = weekly_cost(
        rate=term.bill_rate,
        currency=engagement.currency,
        hours_per_week=engagement.hours_per_week,
        unit=engagement.unit,
    )
    return {
        "above_card": Fact(
            term.bill_rate > term.rate_card.bill_rate,
            _("bill rate %(rate)s is %(pct)s%% above the rate card's %(card)s")
            % {
                "rate": f"{term.bill_rate:,.2f}",
                "pct": f"{pct.normalize():f}",
                "card": f"{term.rate_card.bill_rate:,.2f}",
            },
        ),
        "over_card_pct": Fact(pct),
        "weekly_cost": Fact(weekly.amount),
        "renewal": Fact(term.number > 1, _("a renewal")),
    }


def read_people(term: EngagementTerm) -> dict:
    return requisition_people(term.engagement.requisition)


RATE_APPROVAL_POLICY = ApprovalPolicy(
    key=RATE_POLICY,
    label=gettext_lazy("Engagement rate above the rate card"),
    subject_label=gettext_lazy("engagement rate"),
    decision_kind=RATE_APPROVAL_KIND,
    facts=(
        FactSpec("above_card", gettext_lazy("bill rate above the rate card"), FactKind.FLAG),
        FactSpec("over_card_pct", gettext_lazy("% above the rate card"), FactKind.AMOUNT, unit=" %", places=1),
        FactSpec("weekly_cost", gettext_lazy("engagement weekly cost"), FactKind.AMOUNT),
        FactSpec("renewal", gettext_lazy("a renewal"), FactKind.FLAG),
    ),
    people=REQUISITION_PEOPLE,
    approver_roles=APPROVER_ROLES,
    read_facts=read_facts,
    read_people=read_people,
    # Whoever set this rate (and whoever created the engagement) does not approve it.
    creators=lambda term: {term.created_by_id, term.engagement.created_by_id} - {None},
    title=lambda term: (
        _("Approve the rate of %(ref)s (terms %(n)d): %(who)s")
        % {"ref": term.engagement.reference, "n": term.number, "who": term.engagement.worker}
    ),
    fallback="department_head",
)

# position, name, condition, fact, threshold, approver, role, step
DEFAULT_RULES = [
    (10, "The hiring manager approves a rate above the card", Condition.FLAG, "above_card", None,
     "hiring_manager", "", 1),
    (20, "Finance approves a rate above the card", Condition.FLAG, "above_card", None, ROLE_APPROVER,
     Role.FINANCE, 2),
    (30, "The department head: more than 15% above the card", Condition.OVER, "over_card_pct", Decimal("15"),
     "department_head", "", 3),
]  # fmt: skip


def install_default_policy() -> int:
    from portal.services.approvals import install_default_rules

    return install_default_rules(
        policy_key=RATE_POLICY, rules=DEFAULT_RULES, reason="vendors.approvalrule.default_policy"
    )
