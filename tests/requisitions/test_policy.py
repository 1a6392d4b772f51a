from decimal import Decimal

import pytest

from portal.choices import Role
from requisitions.choices import Approver, Condition
from requisitions.models import ApprovalRule
from requisitions.policy import compute_chain
from requisitions.services import create_requisition
from tests.factories import UserFactory, requisition_fields

pytestmark = pytest.mark.django_db


def _req(hm, **overrides):
    return create_requisition(by=hm, hiring_manager=hm, **requisition_fields(**overrides))


def _rule(condition, approver, step=1, **extra):
    return ApprovalRule(
        name=f"{condition} → {approver}", position=1, condition=condition, approver=approver, step=step, **extra
    )


def _chain(req, *rules):
    return [(s.step, s.label, s.reason) for s in compute_chain(req, list(rules))]


def test_each_condition_adds_its_approver_with_the_reason(hm, director):
    req = _req(hm, is_backfill=False, base_max=Decimal("120000"), justification="market")  # band max 110,000
    chain = _chain(
        req,
        _rule(Condition.ALWAYS, Approver.HM_MANAGER),
        _rule(Condition.NET_NEW, Approver.HR, step=2),
        _rule(Condition.COST_OVER, Approver.FINANCE, step=2, threshold=Decimal("150000")),
        _rule(Condition.ABOVE_BAND, Approver.HR, step=2),
        _rule(Condition.EMPLOYMENT_TYPE, Approver.FINANCE, step=3, employment_types="contract,intern"),
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
        _rule(Condition.BILL_RATE_OVER, Approver.FINANCE, threshold=Decimal("120")),
        _rule(Condition.EMPLOYMENT_TYPE, Approver.HR, employment_types="contract"),
        _rule(Condition.ABOVE_BAND, Approver.HR, step=2),
    )
    assert chain == [(1, "Finance", "max bill rate 135.00/h > 120.00/h"), (1, "HR", "employment type Contract")]


def test_plan_budget_overrun_routes_to_finance(hm):
    fields = requisition_fields()
    fields["hiring_plan"].approved_budget = Decimal("100000")
    fields["hiring_plan"].save()
    req = create_requisition(by=hm, hiring_manager=hm, **fields)

    chain = _chain(req, _rule(Condition.PLAN_BUDGET_EXCEEDED, Approver.FINANCE))

    assert chain == [(1, "Finance", f"plan {req.hiring_plan} has 100,000 left, this needs 136,500")]


def test_no_matching_rule_falls_back_to_the_hiring_managers_manager(hm, director):
    req = _req(hm)
    assert _chain(req, _rule(Condition.NET_NEW, Approver.HR)) == [(1, str(director), "default: no rule matched")]


def test_missing_people_are_routed_to_admins_with_a_note(hm):
    req = _req(hm)
    req.department.head = None
    chain = _chain(req, _rule(Condition.ALWAYS, Approver.DEPARTMENT_HEAD))
    assert chain == [(1, "Admin", "always → department_head (Department head not on record: routed to admins)")]


def test_the_same_approver_twice_in_a_step_is_asked_once(hm):
    req = _req(hm, is_backfill=False)
    chain = _chain(
        req,
        _rule(Condition.NET_NEW, Approver.FINANCE),
        _rule(Condition.COST_OVER, Approver.FINANCE, threshold=Decimal("1")),
    )
    assert chain == [(1, "Finance", "net-new role; first-year cost 136,500 > 1")]


def test_a_named_approver_who_created_it_is_replaced_by_their_manager(hm, director):
    named = UserFactory(username="named", roles=[Role.HIRING_MANAGER], manager=director)
    req = create_requisition(by=named, hiring_manager=hm, **requisition_fields())
    chain = _chain(req, _rule(Condition.ALWAYS, Approver.USER, user=named))
    assert chain == [(1, str(director), f"always → user ({named} created it: routed to their manager)")]


def test_rules_refuse_incomplete_settings(admin_user):
    from django.core.exceptions import ValidationError

    from requisitions.services import save_approval_rule

    for rule, message in [
        (_rule(Condition.COST_OVER, Approver.FINANCE), "need a threshold"),
        (_rule(Condition.ALWAYS, Approver.USER), "named approver"),
        (_rule(Condition.EMPLOYMENT_TYPE, Approver.HR, employment_types="contract,gig"), "List employment types"),
    ]:
        with pytest.raises(ValidationError, match=message):
            save_approval_rule(rule=rule, by=admin_user)


def test_a_new_installation_gets_the_default_policy_once():
    from requisitions.services import DEFAULT_POLICY, install_default_policy

    assert ApprovalRule.objects.count() == len(DEFAULT_POLICY)  # installed by migrate
    assert install_default_policy() == 0

    ApprovalRule.objects.all().delete()  # an admin empties the policy on purpose
    assert install_default_policy() == 0
    assert ApprovalRule.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_default_policy_comes_back_after_a_database_flush():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)

    assert ApprovalRule.objects.filter(is_active=True).count() == 6


def test_someone_asked_at_two_steps_approves_once_at_the_first(hm, director):
    req = _req(hm, is_backfill=False)
    req.department.head = director
    chain = _chain(
        req,
        _rule(Condition.ALWAYS, Approver.HM_MANAGER, step=1),
        _rule(Condition.NET_NEW, Approver.DEPARTMENT_HEAD, step=2),
        _rule(Condition.COST_OVER, Approver.FINANCE, step=2, threshold=Decimal("1")),
    )
    assert chain == [
        (1, str(director), "always → hm_manager; net-new role"),
        (2, "Finance", "first-year cost 136,500 > 1"),
    ]
