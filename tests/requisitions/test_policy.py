"""The requisition policy: its facts and people, evaluated by the core's generic rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.choices import Role
from portal.models import ApprovalRule
from portal.policy import plan_chain
from portal.services.approvals import save_approval_rule
from requisitions.choices import POLICY
from requisitions.policy import DEFAULT_POLICY, REQUISITION_POLICY, install_default_policy
from requisitions.services import create_requisition
from tests.factories import UserFactory, requisition_fields

pytestmark = pytest.mark.django_db


def _req(hm, **overrides):
    return create_requisition(by=hm, hiring_manager=hm, **requisition_fields(**overrides))


def _rule(condition, approver, step=1, fact="", role="", **extra):
    name = f"{fact or condition} → {role or approver}"
    return ApprovalRule(
        policy=POLICY,
        name=name,
        position=1,
        condition=condition,
        fact=fact,
        approver=approver,
        approver_role=role,
        step=step,
        **extra,
    )


FINANCE = {"approver": "role", "role": Role.FINANCE}
HR = {"approver": "role", "role": Role.HR}


def _chain(req, *rules):
    steps = plan_chain(REQUISITION_POLICY, req, list(rules), excluded={req.created_by_id})
    return [(s.step, s.label, s.reason) for s in steps]


def test_each_condition_adds_its_approver_with_the_reason(hm, director):
    req = _req(hm, is_backfill=False, base_max=Decimal("120000"), justification="market")  # band max 110,000
    chain = _chain(
        req,
        _rule("always", "hm_manager"),
        _rule("flag", fact="net_new", step=2, **HR),
        _rule("over", fact="first_year_cost", step=2, threshold=Decimal("150000"), **FINANCE),
        _rule("flag", fact="above_band", step=2, **HR),
        _rule("one_of", fact="employment_type", step=3, values="contract,intern", **FINANCE),
    )
    assert chain == [
        (1, str(director), "always → hm_manager"),
        (2, "Finance", "first-year cost 156,000 > 150,000"),
        (2, "HR", "net-new role; base maximum 120,000 above band maximum 110,000"),
    ]


def test_contract_rates_route_on_the_bill_rate(hm):
    req = _req(
        hm, employment_type="contract", base_min=None, base_max=None, max_bill_rate=Decimal("135"), contract_hours=1000
    )
    chain = _chain(
        req,
        _rule("over", fact="bill_rate", threshold=Decimal("120"), **FINANCE),
        _rule("one_of", fact="employment_type", values="contract", **HR),
        _rule("flag", fact="above_band", step=2, **HR),
    )
    assert chain == [(1, "Finance", "max bill rate 135.00/h > 120.00/h"), (1, "HR", "employment type Contract")]


def test_plan_budget_overrun_routes_to_finance(hm):
    fields = requisition_fields()
    fields["hiring_plan"].approved_budget = Decimal("100000")
    fields["hiring_plan"].save()
    req = create_requisition(by=hm, hiring_manager=hm, **fields)

    chain = _chain(req, _rule("flag", fact="plan_budget_exceeded", **FINANCE))

    assert chain == [(1, "Finance", f"plan {req.hiring_plan} has 100,000 left, this needs 136,500")]


def test_no_matching_rule_falls_back_to_the_hiring_managers_manager(hm, director):
    req = _req(hm)
    assert _chain(req, _rule("flag", fact="net_new", **HR)) == [(1, str(director), "default: no rule matched")]


def test_missing_people_are_routed_to_admins_with_a_note(hm):
    req = _req(hm)
    req.department.head = None
    chain = _chain(req, _rule("always", "department_head"))
    assert chain == [(1, "Admin", "always → department_head (Department head not on record: routed to admins)")]


def test_someone_who_may_not_approve_a_requisition_is_routed_to_admins(hm):
    req = _req(hm)
    req.department.head = UserFactory(username="head_interviewer", roles=[Role.INTERVIEWER])
    chain = _chain(req, _rule("always", "department_head"))
    assert chain == [
        (
            1,
            "Admin",
            f"always → department_head ({req.department.head} may not approve a requisition: routed to admins)",
        )
    ]


def test_the_same_approver_twice_in_a_step_is_asked_once(hm):
    req = _req(hm, is_backfill=False)
    chain = _chain(
        req,
        _rule("flag", fact="net_new", **FINANCE),
        _rule("over", fact="first_year_cost", threshold=Decimal("1"), **FINANCE),
    )
    assert chain == [(1, "Finance", "net-new role; first-year cost 136,500 > 1")]


def test_a_named_approver_who_created_it_is_replaced_by_their_manager(hm, director):
    named = UserFactory(username="named", roles=[Role.HIRING_MANAGER], manager=director)
    req = create_requisition(by=named, hiring_manager=hm, **requisition_fields())
    chain = _chain(req, _rule("always", "user", user=named))
    assert chain == [(1, str(director), f"always → user ({named} created it: routed to their manager)")]


@pytest.mark.parametrize(
    "rule, message",
    [
        (_rule("over", fact="first_year_cost", **FINANCE), "needs a threshold"),
        (_rule("always", "user"), "named approver"),
        (_rule("one_of", fact="employment_type", values="contract,gig", **HR), "List codes from"),
        (_rule("flag", fact="first_year_cost", **HR), "takes the condition"),
        (_rule("flag", fact="shoe_size", **HR), "not a valid choice"),
        (_rule("always", "role"), "Choose the approving role"),
        (_rule("always", "role", role=Role.INTERVIEWER), "may not approve a requisition"),
        (_rule("always", "grand_vizier"), "not a valid choice"),
    ],
)
def test_rules_refuse_incomplete_or_foreign_settings(admin_user, rule, message):
    with pytest.raises(ValidationError, match=message):
        save_approval_rule(rule=rule, by=admin_user)
    assert not ApprovalRule.objects.filter(name=rule.name).exists()


def test_a_new_installation_gets_the_default_policy_once():
    assert ApprovalRule.objects.filter(policy=POLICY).count() == len(DEFAULT_POLICY)  # installed by migrate
    assert install_default_policy() == 0

    ApprovalRule.objects.all().delete()  # an admin empties the policy on purpose
    assert install_default_policy() == 0
    assert ApprovalRule.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_default_policy_comes_back_after_a_database_flush():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)

    assert ApprovalRule.objects.filter(policy=POLICY, is_active=True).count() == 6


def test_someone_asked_at_two_steps_approves_once_at_the_first(hm, director):
    req = _req(hm, is_backfill=False)
    req.department.head = director
    chain = _chain(
        req,
        _rule("always", "hm_manager", step=1),
        _rule("flag", "department_head", fact="net_new", step=2),
        _rule("over", fact="first_year_cost", step=2, threshold=Decimal("1"), **FINANCE),
    )
    assert chain == [
        (1, str(director), "always → hm_manager; net-new role"),
        (2, "Finance", "first-year cost 136,500 > 1"),
    ]


def test_rules_can_test_the_band_position(hm):
    """Base max 105,000 against a 95,000 midpoint is at 110.5 % of it: over 110 asks HR, over 115 does not."""
    req = _req(hm)
    chain = _chain(
        req,
        _rule("over", fact="band_position", threshold=Decimal("110"), **HR),
        _rule("over", fact="band_position", threshold=Decimal("115"), step=2, **FINANCE),
    )
    assert chain == [(1, "HR", "band position 110.5% of midpoint > 110.0% of midpoint")]
    contract = _req(
        hm, employment_type="contract", base_min=None, base_max=None, max_bill_rate=Decimal("90"), contract_hours=1000
    )
    assert _chain(contract, _rule("over", fact="band_position", threshold=Decimal("1"), **HR))[0][2] == (
        "default: no rule matched"
    )
