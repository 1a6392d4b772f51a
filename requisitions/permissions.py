"""Predicates for requisitions. The object slice itself comes from selectors.requisitions_for_user."""

from portal.choices import Role
from portal.models import User
from portal.permissions import has_perm
from portal.services.approvals import can_decide
from portal.services.records import moves_allowed
from requisitions.choices import ACTION_MOVES, CHAIN_ACTIONS, CLOSED, EDITABLE, TRANSITIONS, Action, Status
from requisitions.models import Requisition

CHANGE = "requisitions.change_requisition"
# Fields only cost roles see, on pages, in history and in exports (one list, used everywhere).
COST_FIELDS = [
    "comp_band",
    "currency",
    "base_min",
    "base_max",
    "bonus_pct",
    "benefits_load_pct",
    "max_bill_rate",
    "contract_hours",
    "agency_fee",
    "signing_bonus",
    "relocation",
    "equipment",
    "cost_min",
    "cost_max",
    "justification",
    "hiring_plan",
]

# Roles that may see money: pay ranges, costs, budgets. Interviewers never do.
COST_ROLES = (Role.HIRING_MANAGER, Role.RECRUITER, Role.FINANCE, Role.HR, Role.ADMIN)
# Roles whose members may own a cost center's budget (and so approve the budget-owner step).
BUDGET_OWNER_ROLES = (Role.HIRING_MANAGER, Role.FINANCE, Role.HR)


def can_own_budget(user: User) -> bool:
    return user.is_active and user.has_role(*BUDGET_OWNER_ROLES)


def can_create_requisition(user: User) -> bool:
    return has_perm(user, "requisitions.add_requisition")


def can_view_costs(user: User, req: Requisition | None = None) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(*COST_ROLES))


def can_export_requisitions(user: User) -> bool:
    return can_view_costs(user)


# Who may run a requisition at all: its recruiter or hiring manager (the change grant on it says which).
RUNNER_ROLES = (Role.RECRUITER, Role.HIRING_MANAGER)


def runs_requisition(user: User, req: Requisition) -> bool:
    """The one rule of who runs a requisition (plans its interviews, drafts its offers, plans its
    contractors, moves it): an admin, or a recruiter or hiring manager holding the change permission on it
    (granted to its creator, hiring manager and recruiter). A view-only share lets a person see it, never
    run it. `requisitions.selectors.requisitions_run_by` is the same rule as a query."""
    if not user.is_active:
        return False
    if user.is_portal_admin:
        return True
    return user.has_role(*RUNNER_ROLES) and has_perm(user, CHANGE, req)


def can_edit_requisition(user: User, req: Requisition) -> bool:
    return req.status in EDITABLE and runs_requisition(user, req)


def can_approve_requisition(user: User, req: Requisition, open_decisions) -> bool:
    """`open_decisions`: the requisition's open approval decisions (the caller has them already).
    The chain's own rule (can_take_decision) decides: the button shows exactly when approving would succeed."""
    return req.status == Status.PENDING_APPROVAL and can_decide(user, open_decisions)


def actions_from(status: str) -> list[str]:
    """The actions whose move the transition table allows from `status` (choices.ACTION_MOVES): opening from
    approved, resuming from on hold."""
    actions = moves_allowed(status, transitions=TRANSITIONS, moves=ACTION_MOVES)
    opens_from = {Action.OPEN: Status.APPROVED, Action.RESUME: Status.ON_HOLD}
    # A filled requisition opens again only when a hire falls through (services.release_hire): no person does it.
    return [a for a in actions if a not in opens_from or opens_from[a] == status]


# Moves made by the people who run the requisition (requisitions.services.move_requisition); where each
# may be made from is the transition table's to say.
MANAGED_MOVES = (Action.OPEN, Action.HOLD, Action.RESUME, Action.FILL, Action.CANCEL)


def can_move_requisition(user: User, req: Requisition, action: str) -> bool:
    return action in MANAGED_MOVES and action in actions_from(req.status) and runs_requisition(user, req)


def allowed_actions(user: User, req: Requisition, open_decisions) -> list[str]:
    """The actions to offer `user` on `req`, in the order the page shows them: those whose move the
    transition table allows from its status, the chain's to whoever may take an open step, the rest to
    the people who run it (one permission look-up)."""
    runs = runs_requisition(user, req)
    approves = can_approve_requisition(user, req, open_decisions)
    return [action for action in actions_from(req.status) if (approves if action in CHAIN_ACTIONS else runs)]


def can_share_requisition(user: User, req: Requisition) -> bool:
    """The people who run a requisition (and admins) may let other recruiters and hiring managers see it."""
    return req.status not in CLOSED and runs_requisition(user, req)
