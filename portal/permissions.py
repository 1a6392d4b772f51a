"""Predicates: may this user do this to this object? Lists are selectors, not here."""

from portal.registry import HoldRule


def has_perm(user, perm: str, obj=None) -> bool:
    """True when the user holds `perm` globally (a role's group) or on `obj` (a guardian row).

    guardian's `user.has_perm(perm, obj)` looks at object rows only, and Django's model backend
    answers False whenever an object is given, so both must be asked.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(perm):
        return True
    return obj is not None and user.has_perm(perm, obj)


def is_owners_manager(user, decision) -> bool:
    return bool(decision.owner_id) and decision.owner.manager_id == user.pk


def hold_rule(decision) -> HoldRule:
    """Who may own and take `decision`: its kind's rule, and never whoever raised it."""
    return decision.kind_spec.hold_rule(decision).without(decision.raised_by_id)


def is_addressed_to(user, decision) -> bool:
    """The decision names the user, or names no one and goes to one of the user's roles."""
    if decision.owner_id:
        return decision.owner_id == user.pk
    return decision.owner_role in user.roles


def can_take_decision(user, decision) -> bool:
    """The one rule for acting on a decision, used by the pages that show a button and by the
    services that refuse: it is open, it is addressed to the user, and the user may hold its kind
    (for an approval step: the step's authority, not its subject's creator, one approval a round)."""
    return decision.is_open and user.is_active and is_addressed_to(user, decision) and hold_rule(decision).allows(user)


def can_resolve_on_decision_page(user, decision) -> bool:
    return bool(decision.kind_spec.page_outcomes) and can_take_decision(user, decision)


def can_reassign_decision(user, decision) -> bool:
    """Who may hand an open decision on: whoever may take it, whoever raised it, an admin, and the
    owner's manager when they could hold it themselves (a manager outside finance does not pick who
    takes a finance step). The new holder must satisfy the kind's hold rule (see reassign_decision)."""
    return decision.is_open and (
        decision.raised_by_id == user.pk
        or user.is_portal_admin
        or can_take_decision(user, decision)
        or (is_owners_manager(user, decision) and hold_rule(decision).allows(user))
    )


def can_cancel_decision(user, decision) -> bool:
    """Decisions chosen on their own page (requests) are cancelled by whoever raised them, or an admin.
    Workflow decisions (an approval step, a revision) are closed only by their workflow, or its chain
    would be left hanging."""
    return (
        decision.is_open
        and bool(decision.kind_spec.page_outcomes)
        and (user.is_portal_admin or decision.raised_by_id == user.pk)
    )


def can_see_decision(user, decision) -> bool:
    """Beyond the slice of decisions_for_user, the kind may narrow who opens it."""
    return decision.kind_spec.visible_to(user, decision)


def can_raise_request(user) -> bool:
    return has_perm(user, "portal.add_decision")


def can_see_all_decisions(user) -> bool:
    return user.is_portal_admin


def can_view_ledger(user) -> bool:
    return has_perm(user, "portal.view_costevent")


def can_see_cost_centers(user) -> bool:
    """Cost centers are cost data: the roles given their view permission see them, interviewers never."""
    return has_perm(user, "portal.view_costcenter")
