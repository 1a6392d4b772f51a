import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from portal import registry
from portal.choices import Role
from portal.exceptions import PortalError
from portal.models import AccessLog, CostCenter
from portal.permissions import has_perm
from portal.registry import role_permissions
from portal.roles import apply_roles, group_name
from portal.services.access import grant_object_permission, revoke_object_permission
from portal.services.users import set_roles
from tests.factories import CostCenterFactory, UserFactory

pytestmark = pytest.mark.django_db


def _perms(role):
    group = Group.objects.get(name=group_name(role))
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type"))


def test_every_role_is_a_group_holding_exactly_its_permissions():
    for role, models in role_permissions().items():
        expected = sorted(
            f"{label.split('.')[0]}.{a}_{label.split('.')[1]}" for label, actions in models.items() for a in actions
        )
        assert _perms(role) == expected


def test_setup_roles_is_idempotent_and_repairs_drift():
    expected = {role: _perms(role) for role in role_permissions()}
    finance = Group.objects.get(name=group_name(Role.FINANCE))
    finance.permissions.clear()
    finance.permissions.add(*Group.objects.get(name=group_name(Role.ADMIN)).permissions.all())  # drift: too much

    call_command("setup_roles", stdout=io.StringIO())
    once = {role: _perms(role) for role in role_permissions()}
    apply_roles()
    twice = {role: _perms(role) for role in role_permissions()}

    assert once == twice == expected
    assert Group.objects.filter(name__in=[group_name(r) for r in Role.values]).count() == len(Role.values)


def test_a_person_may_hold_several_roles():
    person = UserFactory(username="both", roles=[Role.RECRUITER, Role.HR])
    assert person.roles == {Role.RECRUITER, Role.HR}
    assert person.has_perm("portal.view_hiringplan")  # from HR, not from recruiter


def test_only_admins_change_roles(admin_user, recruiter):
    target = UserFactory(username="target")

    with pytest.raises(PortalError, match="Only an admin"):
        set_roles(user=target, roles=[Role.ADMIN], by=recruiter)
    set_roles(user=target, roles=[Role.FINANCE], by=admin_user)

    target.refresh_from_db()
    assert target.roles == {Role.FINANCE}


def test_unknown_roles_are_refused(admin_user):
    with pytest.raises(PortalError, match="Unknown roles: emperor"):
        set_roles(user=UserFactory(username="t"), roles=["emperor"], by=admin_user)


def test_has_perm_checks_the_role_and_the_object(hiring_manager, admin_user):
    cc = CostCenterFactory()
    other = CostCenterFactory()
    assert not has_perm(hiring_manager, "portal.change_costcenter", cc)

    grant_object_permission(perm="portal.change_costcenter", user=hiring_manager, obj=cc, by=admin_user, reason="owner")

    # guardian's row answers for that object only; the role answers globally.
    assert has_perm(hiring_manager, "portal.change_costcenter", cc)
    assert not has_perm(hiring_manager, "portal.change_costcenter", other)
    assert has_perm(hiring_manager, "portal.view_costcenter", other)
    assert has_perm(admin_user, "portal.change_costcenter", other)


def test_grants_and_revocations_are_logged(hiring_manager, admin_user):
    cc = CostCenterFactory()
    grant_object_permission(perm="portal.change_costcenter", user=hiring_manager, obj=cc, by=admin_user, reason="owner")
    revoke_object_permission(
        perm="portal.change_costcenter", user=hiring_manager, obj=cc, by=admin_user, reason="moved"
    )

    fresh = type(hiring_manager).objects.get(pk=hiring_manager.pk)  # no permission cache
    assert not has_perm(fresh, "portal.change_costcenter", cc)
    rows = list(AccessLog.objects.order_by("at", "id").values_list("action", "permission", "object_id", "by", "reason"))
    assert rows == [
        ("granted", "portal.change_costcenter", str(cc.pk), admin_user.pk, "owner"),
        ("revoked", "portal.change_costcenter", str(cc.pk), admin_user.pk, "moved"),
    ]


def test_a_deactivated_person_has_no_permission(finance):
    finance.is_active = False
    finance.save()
    assert not has_perm(finance, "portal.view_costcenter", CostCenter())


@pytest.mark.django_db(transaction=True)
def test_role_groups_come_back_after_a_database_flush():
    call_command("flush", interactive=False, verbosity=0)

    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(group_name(r) for r in registry.role_keys())
    assert _perms(Role.FINANCE) != []


def test_the_docs_list_each_roles_permissions_exactly_as_the_code_grants_them():
    """docs/roles-and-permissions.md once said recruiters could not read hiring plans while the code let
    them (they must: a requisition names its plan). Now the list is compared with the code."""
    import pathlib
    import re

    docs = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "roles-and-permissions.md").read_text()
    listed = re.search(r"<!-- role-permissions:start -->\n(.*?)\n<!-- role-permissions:end -->", docs, re.S).group(1)
    from onboarding.spine import ROLES as ONBOARDING_ROLES

    roles = [(role.value, role.label) for role in Role] + [(spec.key, spec.label) for spec in ONBOARDING_ROLES]
    expected = "\n".join(
        f"- **{label}**: " + ", ".join(f"`{model}` ({', '.join(actions)})" for model, actions in sorted(grants.items()))
        for key, label in roles
        for grants in [role_permissions().get(key, {})]
    )
    assert listed == expected, "update the list in docs/roles-and-permissions.md to:\n" + expected
    assert "reads reference data except hiring plans" not in docs
