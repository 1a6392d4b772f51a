"""What each module contributes to the core: decision kinds, approval policies, navigation, role
permissions, My work panels, panels on other modules' pages, and who writes each of its models' rows.

Apps register from their AppConfig.ready() (each through its own `spine.py`), so adding a module
edits nothing in portal/. The core registers its own entries the same way (portal/spine.py).
Registration happens once per process, before any request or task runs; registering a key twice
replaces the entry (module reloads in development).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from portal.exceptions import DecisionError

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
        from portal.choices import Role

        return [(role.value, role.label) for role in Role if self.allows_role(role.value)]

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


# --- Panels on another module's page ---------------------------------------------------------------


@dataclass(frozen=True)
class ObjectPanel:
    """A section a module adds to the page of another module's object (a higher module's work on a lower
    module's record, shown on the record's page), so the lower page shows that work, and the higher
    module's rule of what may be done there, without importing it. `model`: the object's "app_label.model";
    `context(user, obj)` returns the template's context, or None when the user may see nothing of it. It
    must cost a fixed number of queries per object."""

    model: str
    key: str
    template: str
    context: Callable
    order: int = 100


_object_panels: dict[tuple[str, str], ObjectPanel] = {}


def register_object_panel(panel: ObjectPanel) -> ObjectPanel:
    _object_panels[(panel.model, panel.key)] = panel
    return panel


def object_panels(obj, user) -> list[dict]:
    """The panels of `obj` that `user` may see, in order: [{"template": ..., "data": context}]."""
    label = obj._meta.label_lower
    panels = sorted(
        (p for (model, _key), p in _object_panels.items() if model == label), key=lambda p: (p.order, p.key)
    )
    shown = [(panel, panel.context(user, obj)) for panel in panels]
    return [{"template": panel.template, "data": data} for panel, data in shown if data is not None]


# --- Lists whose filters can be saved ---------------------------------------------------------------

_saved_view_pages: dict[str, tuple[type, Callable]] = {}


def register_saved_view_page(url_name: str, filterset_class: type, allowed: Callable = lambda user: True) -> None:
    """The list at `url_name` lets the people `allowed` accepts save its filters; only what
    `filterset_class` reads is kept."""
    _saved_view_pages[url_name] = (filterset_class, allowed)


def saved_view_page(url_name: str) -> tuple[type, Callable] | None:
    """(filterset class, allowed) of a list whose filters can be saved, or None."""
    return _saved_view_pages.get(url_name)
