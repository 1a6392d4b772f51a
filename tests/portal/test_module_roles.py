"""A module adds a role through the registry: the test-only purchases module (tests/chainapp) registers Procurement
from its spine.py, and the role works everywhere a core role does, with nothing in portal/ naming it."""

import ast
import pathlib
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from portal import registry
from portal.choices import REQUEST, DecisionStatus, Outcome, Role
from portal.exceptions import DecisionError, PortalError
from portal.forms import RequestForm
from portal.models import ApprovalRule, Decision
from portal.permissions import can_take_decision
from portal.roles import apply_roles
from portal.selectors import decisions_for_user
from portal.services.approvals import approve, open_chain_decisions, save_approval_rule, start_chain
from portal.services.decisions import raise_decision, resolve_decision
from portal.services.users import set_roles
from tests.chainapp.models import Purchase
from tests.chainapp.policy import PROCUREMENT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_person(admin_user):
    person = UserFactory(username="ines", first_name="Ines", last_name="Tech")
    return set_roles(user=person, roles=[PROCUREMENT], by=admin_user)


def test_the_registry_lists_the_core_roles_then_the_modules():
    assert registry.role_choices() == [
        ("recruiter", "Recruiter"),
        ("hiring_manager", "Hiring manager"),
        ("interviewer", "Interviewer"),
        ("finance", "Finance"),
        ("hr", "HR"),
        ("admin", "Admin"),
        ("it", "IT"),
        ("facilities", "Facilities"),
        ("procurement", "Procurement"),
    ]


def test_a_module_role_gets_its_group_with_exactly_its_permissions():
    Group.objects.filter(name="Procurement").delete()

    counts = apply_roles()

    group = Group.objects.get(name="Procurement")
    assert counts[PROCUREMENT] == 1
    assert [f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()] == ["chainapp.view_purchase"]


def test_a_person_can_be_given_a_module_role_and_its_permissions(it_person):
    assert list(it_person.groups.values_list("name", flat=True)) == ["Procurement"]
    assert it_person.roles == {PROCUREMENT}
    assert it_person.has_role(PROCUREMENT)
    assert it_person.has_perm("chainapp.view_purchase")
    assert not it_person.has_perm("portal.view_costcenter")  # nothing of the core's roles comes with it


def test_a_decision_owned_by_a_module_role_is_taken_by_its_member(it_person, recruiter, finance):
    decision = raise_decision(kind=REQUEST, title="Order the new team's monitors", owner_role=PROCUREMENT, by=recruiter)

    assert decision.owner_display == "Procurement"
    assert list(decisions_for_user(it_person)) == [decision]
    assert not can_take_decision(finance, decision)
    with pytest.raises(DecisionError):
        resolve_decision(decision=decision, outcome=Outcome.DONE, by=finance)
    assert can_take_decision(it_person, decision)
    resolve_decision(decision=decision, outcome=Outcome.DONE, by=it_person)

    decision.refresh_from_db()
    assert (decision.status, decision.decided_by) == (DecisionStatus.DONE, it_person)


def test_an_approval_rule_can_name_a_module_role_whose_member_approves(it_person, hiring_manager, admin_user):
    rule = ApprovalRule(
        policy="purchase",
        name="Procurement",
        position=1,
        condition="flag",
        fact="urgent",
        approver="role",
        approver_role=PROCUREMENT,
    )
    save_approval_rule(rule=rule, by=admin_user)
    purchase = Purchase.objects.create(title="Laptops", amount=Decimal("900"), urgent=True, created_by=hiring_manager)

    chain = start_chain(subject=purchase, policy_key="purchase", by=hiring_manager)

    assert [(s.approver_role, s.approver_display) for s in chain.steps.all()] == [(PROCUREMENT, "Procurement")]
    [step] = open_chain_decisions(purchase)
    assert step.owner_role == PROCUREMENT
    assert approve(subject=purchase, by=it_person).status == "approved"


def test_forms_offer_the_module_role():
    field = ApprovalRule._meta.get_field("approver_role").formfield()

    assert (PROCUREMENT, "Procurement") in field.choices
    assert (PROCUREMENT, "Procurement") in RequestForm().fields["owner_role"].choices


def test_the_admin_lists_the_module_role_among_the_groups(client, admin_user, it_person):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)

    page = client.get(reverse("admin:portal_user_change", args=[it_person.pk]))

    groups = page.context["adminform"].form.fields["groups"].queryset
    assert sorted(groups.values_list("name", flat=True)) == sorted(str(spec.label) for spec in registry.roles())


def test_a_role_no_module_registers_is_refused_everywhere(admin_user, recruiter):
    with pytest.raises(PortalError, match="Unknown roles: security"):
        set_roles(user=UserFactory(username="sec"), roles=["security"], by=admin_user)
    with pytest.raises(DecisionError, match="Unknown role: security"):
        raise_decision(kind=REQUEST, title="Guard the door", owner_role="security", by=recruiter)
    rule = ApprovalRule(
        policy="purchase", name="Guards", position=1, condition="always", approver="role", approver_role="security"
    )
    with pytest.raises(ValidationError) as refused:
        save_approval_rule(rule=rule, by=admin_user)
    assert list(refused.value.message_dict) == ["approver_role"]
    assert not Decision.objects.exists() and not ApprovalRule.objects.filter(name="Guards").exists()


def test_permissions_granted_to_a_role_no_module_registers_stop_apply_roles(monkeypatch):
    monkeypatch.setitem(registry._role_permissions, "ghost", {"security": {"chainapp.purchase": ("view",)}})

    with pytest.raises(ImproperlyConfigured, match="roles no module registers: security"):
        apply_roles()
    assert not Group.objects.filter(name__iexact="security").exists()


def test_a_role_that_cannot_be_stored_or_takes_another_roles_group_is_refused():
    before = registry.roles()
    with pytest.raises(ImproperlyConfigured, match="1-20 lowercase"):
        registry.register_role(registry.RoleSpec("Facilities Team", "Facilities"))
    with pytest.raises(ImproperlyConfigured, match="1-20 lowercase"):
        registry.register_role(registry.RoleSpec("facilities_and_workplace", "Facilities"))
    with pytest.raises(ImproperlyConfigured, match="already role 'finance'"):
        registry.register_role(registry.RoleSpec("money", Role.FINANCE.label))

    assert registry.roles() == before


def test_the_core_names_no_module_role():
    """The role's key and label live in the module: no string in portal/ is either."""
    root = pathlib.Path(__file__).resolve().parents[2] / "portal"
    named = [
        f"{path.relative_to(root.parent)}:{node.lineno}"
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and node.value in (PROCUREMENT, "Procurement")
    ]
    assert named == []
