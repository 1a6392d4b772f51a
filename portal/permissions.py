"""Predicates: may this user do this to this object? Lists are selectors, not here."""

from portal.choices import OUTCOMES_ON_DECISION_PAGE, DecisionKind


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


def can_take_decision(user, decision) -> bool:
    """The owner, or anyone holding the owner role when no person is named; never whoever raised it."""
    if not decision.is_open or decision.raised_by_id == user.pk:
        return False
    if decision.owner_id:
        return decision.owner_id == user.pk
    return decision.owner_role in user.roles


def can_resolve_on_decision_page(user, decision) -> bool:
    return decision.kind in OUTCOMES_ON_DECISION_PAGE and can_take_decision(user, decision)


def can_reassign_decision(user, decision) -> bool:
    return decision.is_open and (
        can_take_decision(user, decision)
        or decision.raised_by_id == user.pk
        or is_owners_manager(user, decision)
        or user.is_portal_admin
    )


def can_cancel_decision(user, decision) -> bool:
    """Requests are cancelled by whoever raised them, or an admin. Workflow decisions (an approval
    step, a scorecard) are cancelled only by their workflow, or its chain would be left hanging."""
    return (
        decision.is_open
        and decision.kind == DecisionKind.REQUEST
        and (user.is_portal_admin or decision.raised_by_id == user.pk)
    )


def can_raise_request(user) -> bool:
    return has_perm(user, "portal.add_decision")


def can_see_all_decisions(user) -> bool:
    return user.is_portal_admin
