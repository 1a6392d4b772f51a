"""The core's roles, and which model permissions each role's group holds, defined in code.

The roles themselves are in the registry: the core's six (CORE_ROLES below, registered by portal/spine.py)
and those modules register (portal.registry.register_role). The core's own grants are CORE_PERMISSIONS
below; every module contributes its own through portal.registry.register_role_permissions. `apply_roles`
gives every registered role its group and makes the groups hold exactly the merged table (permissions not
listed are removed), so it is safe to run any number of times: the data migration, every `migrate`
(post_migrate) and the `setup_roles` command all call it. Permissions of apps not migrated yet are skipped
and picked up by the next run.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.choices import Role

# The core's roles, registered by portal/spine.py; modules register theirs the same way.
ROLE_DESCRIPTIONS = {
    Role.RECRUITER: _("Finds people and moves them through hiring, for the needs they run."),
    Role.HIRING_MANAGER: _("Asks for people and chooses whom to hire; approves as a manager or department head."),
    Role.INTERVIEWER: _("Sits on interview panels and writes scorecards."),
    Role.FINANCE: _("Sees cost and spend; approves budgets and spend when asked."),
    Role.HR: _("Sees people's details; approves the steps given to HR."),
    Role.ADMIN: _("Keeps people, reference data and rules; stands in for anyone."),
}
CORE_ROLES = [registry.RoleSpec(role.value, role.label, ROLE_DESCRIPTIONS[role]) for role in Role]

VIEW = ("view",)
ALL = ("add", "change", "delete", "view")

# Row-level grants (django-guardian) add to these: modules grant view and change on the single
# objects a person runs or approves.

# Reference data every office role reads (interviewers see no cost centers, bands or plans).
REFERENCE = {
    f"portal.{model}": VIEW for model in ("department", "costcenter", "location", "rolefamily", "level", "compband")
}
WORKFLOW = {"portal.decision": ("add", "view")}

# app_label.model -> actions, per role: the core's own models. Modules add theirs through the registry.
CORE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.RECRUITER: {**REFERENCE, "portal.hiringplan": VIEW, **WORKFLOW},
    Role.HIRING_MANAGER: {**REFERENCE, "portal.hiringplan": VIEW, **WORKFLOW},
    Role.INTERVIEWER: {f"portal.{model}": VIEW for model in ("department", "location", "rolefamily", "level")},
    Role.FINANCE: {**REFERENCE, "portal.hiringplan": VIEW, **WORKFLOW, "portal.costevent": VIEW},
    Role.HR: {**REFERENCE, "portal.hiringplan": VIEW, **WORKFLOW},
    Role.ADMIN: {
        **{
            f"portal.{model}": ALL
            for model in (
                "user",
                "department",
                "costcenter",
                "location",
                "rolefamily",
                "level",
                "compband",
                "hiringplan",
                "holiday",
            )
        },
        "portal.decision": ("add", "change", "view"),
        "portal.notification": VIEW,
        "portal.reminderlog": VIEW,
        "portal.accesslog": VIEW,
        "portal.approvalrule": ALL,
        "portal.approvalchain": VIEW,
        "portal.costevent": VIEW,
        "portal.exportlog": VIEW,
    },
}


def group_name(role: str) -> str:
    """The Django group that stands for a registered role (its readable label)."""
    return str(registry.role(role).label)


def apply_roles(apps=None, *, using: str = "default") -> dict[str, int]:
    """Make every role's group hold exactly the permissions the registry merges for it.

    Takes a migration's `apps` registry or, by default, the real one. Returns the number of
    permissions each group ended with.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    grants = registry.role_permissions()
    unknown = sorted(set(grants) - registry.role_keys())
    if unknown:
        raise ImproperlyConfigured(f"Permissions granted to roles no module registers: {', '.join(unknown)}.")
    counts = {}
    for spec in registry.roles():
        role, models = spec.key, grants.get(spec.key, {})
        group, _created = Group.objects.using(using).get_or_create(name=group_name(role))
        wanted = [
            (label.split(".")[0], f"{action}_{label.split('.')[1]}")
            for label, actions in models.items()
            for action in actions
        ]
        perms = []
        for app_label, codename in wanted:
            perm = Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
        counts[role] = len(perms)
    return counts
