"""What each module contributes to the core: roles, decision kinds, approval policies, navigation, role
permissions, My work panels, panels on other modules' detail pages, and who writes each of its models' rows.

Apps register from their AppConfig.ready() (each through its own `spine.py`), so adding a module
edits nothing in portal/. The core registers its own entries the same way (portal/spine.py).
Registration happens once per process, before any request or task runs; registering a key twice
replaces the entry (module reloads in development).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DecisionError, PortalError

# --- Roles -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleSpec:
    """A role people hold. `key` is what rows store (a decision's owner role, an approval rule's role:
    at most 20 lowercase letters, digits and underscores); `label` names the role and its Django group;
    `description` says what the role is for (`setup_roles` prints it beside the group).

    The core registers its six (portal.choices.Role); a module registers the ones it needs (pre-boarding:
    IT and facilities) from its spine.py, and grants them permissions like any other role.
    """

    key: str
    label: str
    description: str = ""


ROLE_KEY = re.compile(r"[a-z][a-z0-9_]{0,19}")
_roles: dict[str, RoleSpec] = {}


def register_role(role: RoleSpec) -> RoleSpec:
    """Register a role. Refused (at start-up) when the key cannot be stored or the label, which names the
    group, is another role's."""
    if not ROLE_KEY.fullmatch(role.key):
        raise ImproperlyConfigured(f"Role key {role.key!r}: 1-20 lowercase letters, digits or underscores.")
    taken = [other.key for other in _roles.values() if other.key != role.key and str(other.label) == str(role.label)]
    if taken:
        raise ImproperlyConfigured(f"Role {role.key!r}: the label {role.label!s} is already role {taken[0]!r}'s.")
    _roles[role.key] = role
    return role


def roles() -> list[RoleSpec]:
    """Every role, the core's first, then the modules' in the order their apps are installed."""
    return list(_roles.values())


def role(key: str) -> RoleSpec:
    try:
        return _roles[key]
    except KeyError:
        raise PortalError(_("Unknown role: %(role)s.") % {"role": key}) from None


def role_keys() -> frozenset[str]:
    return frozenset(_roles)


def role_choices() -> list[tuple[str, str]]:
    """Choices of every field that stores a role (a callable, so modules add roles without a migration)."""
    return [(spec.key, spec.label) for spec in _roles.values()]


def role_label(key: str) -> str:
    """The role's label; the key itself for a role no module registers any more (an old row)."""
    spec = _roles.get(key)
    return str(spec.label) if spec is not None else key


# --- Who may hold a decision ---------------------------------------------------------------------


@dataclass(frozen=True)
class HoldRule:
    """Who may own and take one decision: active members of `roles` (any active person when None),
    only the people in `only` when it is given (a decision that is one person's own work), never the
    people in `excluded`.

    The one source for the check (`allows`) and for the choices offered when handing the decision
    on (`people`, `role_choices`), so the page and the service cannot disagree.
    """

    roles: frozenset[str] | None = None
    excluded: frozenset[int] = frozenset()
    only: frozenset[int] | None = None

    def allows(self, user) -> bool:
        if user is None or not user.is_active or user.pk in self.excluded:
            return False
        if self.only is not None and user.pk not in self.only:
            return False
        return self.roles is None or bool(self.roles & user.roles)

    def allows_role(self, role: str) -> bool:
        return self.roles is None or role in self.roles

    def people(self):
        """Active people this rule allows, for a form's choices."""
        from portal.models import User
        from portal.roles import group_name

        qs = User.objects.people().exclude(pk__in=self.excluded)
        if self.only is not None:
            qs = qs.filter(pk__in=self.only)
        if self.roles is not None:
            qs = qs.filter(groups__name__in=[group_name(role) for role in self.roles]).distinct()
        return qs.order_by("first_name", "last_name", "username")

    def role_choices(self) -> list[tuple[str, str]]:
        return [(key, label) for key, label in role_choices() if self.allows_role(key)]

    def without(self, *user_ids) -> "HoldRule":
        return HoldRule(self.roles, self.excluded | {pk for pk in user_ids if pk is not None}, self.only)


def anyone(decision) -> HoldRule:
    return HoldRule()


def subject_page(decision) -> str:
    """The subject's own page when it has one, else the decision's page."""
    subject = decision.subject if decision.subject_type_id else None
    if subject is not None and hasattr(subject, "get_absolute_url"):
        return subject.get_absolute_url()
    return decision.get_absolute_url()


# --- Decision kinds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionKind:
    """A kind of decision, declared by the app that raises it.

    `outcomes`: what resolving it may record (resolve_decision refuses any other);
    `page_outcomes`: those chosen on the decision page itself (others are taken on the subject's page);
    `next_action`: where the owner acts; `hold_rule`: who may own and take it (see HoldRule);
    `visible_to`: narrows who may open it beyond the owner, raiser, owner's manager and admins.
    """

    key: str
    label: str
    outcomes: tuple[str, ...]
    page_outcomes: tuple[str, ...] = ()
    next_action: Callable = subject_page
    hold_rule: Callable = anyone
    visible_to: Callable = field(default=lambda user, decision: True)
    action_label: str = "Open"


_kinds: dict[str, DecisionKind] = {}


def register_kind(kind: DecisionKind) -> DecisionKind:
    _kinds[kind.key] = kind
    return kind


def decision_kind(key: str) -> DecisionKind:
    try:
        return _kinds[key]
    except KeyError:
        raise DecisionError(_("Unknown decision kind: %(kind)s.") % {"kind": key}) from None


def decision_kinds() -> list[DecisionKind]:
    return sorted(_kinds.values(), key=lambda kind: str(kind.label))


def decision_kind_choices() -> list[tuple[str, str]]:
    """Choices of Decision.kind (a callable, so modules can add kinds without a migration)."""
    return [(kind.key, kind.label) for kind in decision_kinds()]


# --- Approval policies ---------------------------------------------------------------------------

_policies: dict = {}


def register_policy(policy):
    """Register an approval policy (portal.policy.ApprovalPolicy) under its key."""
    _policies[policy.key] = policy
    return policy


def approval_policy(key: str):
    try:
        return _policies[key]
    except KeyError:
        raise DecisionError(_("Unknown approval policy: %(policy)s.") % {"policy": key}) from None


def approval_policies() -> list:
    return sorted(_policies.values(), key=lambda policy: str(policy.label))


def policy_choices() -> list[tuple[str, str]]:
    return [(policy.key, policy.label) for policy in approval_policies()]


def fact_choices() -> list[tuple[str, str]]:
    """Every fact of every policy, labelled with its policy (ApprovalRule.fact)."""
    return [(f.key, f"{policy.label}: {f.label}") for policy in approval_policies() for f in policy.facts]


def approver_choices() -> list[tuple[str, str]]:
    from portal.policy import GENERIC_APPROVERS

    people = {key: label for policy in approval_policies() for key, label in policy.people.items()}
    return [*GENERIC_APPROVERS, *sorted(people.items())]


# --- Navigation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation, shown to the users `visible` accepts, in `order`. An entry for a
    `section` leads to the first of its tabs the user may see (and is hidden when they see none); it is
    current on any of them."""

    key: str
    label: str
    url_name: str
    order: int
    visible: Callable = field(default=lambda user: True)
    section: str = ""


_nav: dict[str, NavEntry] = {}


def register_nav(entry: NavEntry) -> NavEntry:
    _nav[entry.key] = entry
    return entry


def nav_entries() -> list[NavEntry]:
    return sorted(_nav.values(), key=lambda entry: (entry.order, entry.key))


@dataclass(frozen=True)
class SectionTab:
    """One page of a section several modules contribute to (the spend pages: the core's ledger and the
    modules' reports), shown as a tab on each of them and reached through the section's one nav entry."""

    section: str
    key: str
    label: str
    url_name: str
    order: int
    visible: Callable = field(default=lambda user: True)
    args: tuple = ()


_tabs: dict[tuple[str, str], SectionTab] = {}


def register_tab(tab: SectionTab) -> SectionTab:
    _tabs[(tab.section, tab.key)] = tab
    return tab


def section_tabs(section: str, user) -> list[SectionTab]:
    """The tabs of `section` that `user` may see, in order."""
    tabs = [tab for (name, _key), tab in _tabs.items() if name == section and tab.visible(user)]
    return sorted(tabs, key=lambda tab: (tab.order, tab.key))


# --- Role permissions ------------------------------------------------------------------------------

_role_permissions: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}


def register_role_permissions(source: str, grants: dict[str, dict[str, tuple[str, ...]]]) -> None:
    """`grants`: role -> {"app_label.model": ("view", "add", ...)}, contributed by `source` (an app label)."""
    _role_permissions[source] = grants


def role_permissions() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every role's model permissions, merged over all contributing apps."""
    merged: dict[str, dict[str, tuple[str, ...]]] = {}
    for grants in _role_permissions.values():
        for role, models in grants.items():
            mine = merged.setdefault(role, {})
            for label, actions in models.items():
                mine[label] = tuple(sorted(set(mine.get(label, ())) | set(actions)))
    return merged


# --- Append-only tables ------------------------------------------------------------------------------

_append_only: set[str] = set()


def register_append_only(model_label: str) -> None:
    """A model ("app_label.Model") whose rows are only ever added: PostgreSQL refuses UPDATE and DELETE."""
    _append_only.add(model_label)


def append_only_models() -> list[str]:
    return sorted(_append_only)


# --- Who writes a model's rows ------------------------------------------------------------------------
# Every model of the project is declared one or the other (a test says so), and so is every model shown
# in the admin: a new module's models are covered by the admin matrix (tests/test_admin_matrix.py)
# without editing it.

_workflow_owned: set[str] = set()
_reference_data: set[str] = set()


def register_workflow_owned(*model_labels: str) -> None:
    """Models ("app_label.Model") whose rows only their module's services write, from its own pages and
    jobs: a workflow's state, its steps and its logs. The admin shows them read-only on every page, history
    included, to everyone, superusers too (portal.admin.ReadOnlyAdmin)."""
    _workflow_owned.update(model_labels)


def register_reference_data(*model_labels: str) -> None:
    """Models admins keep in the admin (organisation data, vocabularies, rules, people): saved there
    through the same service, with the same checks, as anywhere else. Their history is read, not reverted."""
    _reference_data.update(model_labels)


def workflow_owned_models() -> list[str]:
    return sorted(_workflow_owned)


def reference_data_models() -> list[str]:
    return sorted(_reference_data)


# --- My work panels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkPanel:
    """A section of My work below the decisions: `context(user)` returns the template's context, or
    None when there is nothing to show. It must cost a fixed number of queries."""

    key: str
    template: str
    context: Callable
    order: int = 100


_panels: dict[str, WorkPanel] = {}


def register_work_panel(panel: WorkPanel) -> WorkPanel:
    _panels[panel.key] = panel
    return panel


def work_panels() -> list[WorkPanel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


# --- Panels on other apps' detail pages ----------------------------------------------------------------


@dataclass(frozen=True)
class DetailPanel:
    """A section a module adds to another app's detail page, so the page shows the module's data without
    naming the module (the page of a staffing need shows its pipeline, its hires to come and its
    contractors; a person's page shows what each of their applications led to).

    `model_label` is the page's model ("app_label.Model"); `visible(user, obj)` says who may see the panel
    (the predicate of the module's own pages, never looser); `context(user, obj)` returns the template's
    `data`, or None when there is nothing to show. Together they must cost a fixed number of queries,
    whatever the data size. Panels are shown in `order`."""

    key: str
    model_label: str
    template: str
    context: Callable
    order: int = 100
    visible: Callable = field(default=lambda user, obj: True)


_detail_panels: dict[tuple[str, str], DetailPanel] = {}


def register_detail_panel(panel: DetailPanel) -> DetailPanel:
    _detail_panels[(panel.model_label, panel.key)] = panel
    return panel


def detail_panels(obj, user) -> list[dict]:
    """The panels registered for `obj`'s page that `user` may see and that have something to show, in
    order: [{"key", "template", "data"}] (the page includes each template with its data)."""
    label = obj._meta.label
    panels = sorted(
        (panel for (model, _key), panel in _detail_panels.items() if model == label),
        key=lambda panel: (panel.order, panel.key),
    )
    shown = []
    for panel in panels:
        data = panel.context(user, obj) if panel.visible(user, obj) else None
        if data is not None:
            shown.append({"key": panel.key, "template": panel.template, "data": data})
    return shown


# --- Lists whose filters can be saved ---------------------------------------------------------------

_saved_view_pages: dict[str, tuple[type, Callable]] = {}


def register_saved_view_page(url_name: str, filterset_class: type, allowed: Callable = lambda user: True) -> None:
    """The list at `url_name` lets the people `allowed` accepts save its filters; only what
    `filterset_class` reads is kept."""
    _saved_view_pages[url_name] = (filterset_class, allowed)


def saved_view_page(url_name: str) -> tuple[type, Callable] | None:
    """(filterset class, allowed) of a list whose filters can be saved, or None."""
    return _saved_view_pages.get(url_name)
