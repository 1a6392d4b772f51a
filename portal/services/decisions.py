"""Raise, resolve, reassign and cancel decisions. The only writers of portal.Decision."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import calendar, clock, registry
from portal.choices import (
    DECISION_CANCELLED,
    DECISION_RAISED,
    DECISION_REASSIGNED,
    DECISION_RESCHEDULED,
    DECISION_RESOLVED,
    OUTCOMES_NEEDING_NOTE,
    DecisionStatus,
    Outcome,
)
from portal.exceptions import DecisionError
from portal.models import Decision, User
from portal.models.decisions import TEXT_LIMIT
from portal.permissions import can_cancel_decision, can_reassign_decision, can_take_decision, hold_rule
from portal.selectors import decision_recipients
from portal.services.notifications import after_commit, clear_for_decision, notify
from portal.services.records import save_with_history

DEFAULT_SLA_BUSINESS_DAYS = 2


def raise_decision(
    *,
    kind: str,
    title: str,
    owner: User | None = None,
    owner_role: str = "",
    due_at: datetime | None = None,
    sla_business_days: int = DEFAULT_SLA_BUSINESS_DAYS,
    subject=None,
    detail: str = "",
    sequence: int | None = None,
    by: User | None = None,
    key: str = "",
) -> Decision:
    """Open a decision for `owner` (a person) or `owner_role` (anyone holding it).

    `due_at` defaults to the end of the business day `sla_business_days` from now. With a `key`,
    raising again while a decision with that key is open returns the open one unchanged.
    The owner (or the role's members) is notified once the transaction commits.
    """
    _check_owner(owner, owner_role)
    registry.decision_kind(kind)  # raises DecisionError for a kind no module declared
    title = " ".join(title.split())  # one line: titles go into email subjects
    if not title:
        raise DecisionError(_("A decision needs a title."))
    if len(title) > 200:
        raise DecisionError(_("Keep the title under 200 characters; put the rest in the details."))
    _check_length(detail, _("details"))
    if by is not None and owner is not None and owner.pk == by.pk:
        raise DecisionError(_("You cannot ask yourself for a decision: choose someone else."))
    if key:
        existing = Decision.objects.open().filter(key=key).first()
        if existing is not None:
            return existing
    decision = Decision(
        kind=kind,
        title=title,
        detail=detail,
        owner=owner,
        owner_role=owner_role,
        due_at=due_at or calendar.due_at_after(sla_business_days, start=clock.now()),
        sequence=sequence,
        raised_by=by,
        key=key,
        created_at=clock.now(),
    )
    if subject is not None:
        decision.subject_type = ContentType.objects.get_for_model(subject)
        decision.subject_id = subject.pk
    try:
        with transaction.atomic():
            save_with_history(decision, by=by, reason=DECISION_RAISED)
    except IntegrityError:
        # Another request raised the same key between our check and our insert.
        existing = Decision.objects.open().filter(key=key).first() if key else None
        if existing is None:
            raise
        return existing
    _notify_owners(
        decision, _("%(who)s asked you to decide: %(title)s") % {"who": by or _("The portal"), "title": title}
    )
    return decision


def _check_length(text: str, what) -> None:
    if len(text) > TEXT_LIMIT:
        raise DecisionError(
            _("The %(what)s are %(n)d characters long; keep them under %(limit)d.")
            % {"what": what, "n": len(text), "limit": TEXT_LIMIT}
        )


def resolve_decision(*, decision: Decision, outcome: str, by: User | None, note: str = "") -> Decision:
    """Close an open decision with `outcome`. `by=None` is the system (a workflow closing its own step).

    Raises DecisionError when the outcome is not one the decision's kind allows, the decision is no
    longer open (someone else took it first) or `by` may not take it (can_take_decision, the same rule
    the pages use). Outcomes that refuse or send back need a note. Notifications that asked for the
    decision are cleared; whoever raised it is told after commit.
    """
    kind = registry.decision_kind(decision.kind)
    if outcome not in kind.outcomes:
        raise DecisionError(
            _("“%(outcome)s” is not an outcome of a %(kind)s.") % {"outcome": outcome, "kind": str(kind.label).lower()}
        )
    if outcome in OUTCOMES_NEEDING_NOTE and not note.strip():
        raise DecisionError(_("Say why: a note is required for “%(outcome)s”.") % {"outcome": Outcome(outcome).label})
    _check_length(note, _("notes"))
    with transaction.atomic():
        # Lock the row: two people taking the same decision at once must not both win.
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if not locked.is_open:
            raise DecisionError(
                _("This decision was already closed (%(status)s).") % {"status": locked.get_status_display()}
            )
        if by is not None and by.pk == locked.raised_by_id:
            raise DecisionError(_("You raised this decision, so someone else must take it."))
        if by is not None and not can_take_decision(by, locked):
            raise DecisionError(_("This decision is not yours to take."))
        locked.status = DecisionStatus.DONE
        locked.outcome = outcome
        locked.decided_by = by
        locked.decided_at = clock.now()
        locked.note = note.strip()
        save_with_history(locked, by=by, reason=DECISION_RESOLVED)
        clear_for_decision(decision=locked)
    if locked.raised_by_id and locked.raised_by_id != getattr(by, "pk", None):
        notify(
            users=[locked.raised_by],
            message=_("%(who)s decided “%(title)s”: %(outcome)s")
            % {"who": by or _("The portal"), "title": locked.title, "outcome": locked.get_outcome_display()},
            url=locked.get_absolute_url(),
            decision=locked,
        )
    return locked


def reassign_decision(
    *,
    decision: Decision,
    by: User,
    owner: User | None = None,
    owner_role: str = "",
    due_at: datetime | None = None,
    note: str,
) -> Decision:
    """Hand an open decision to another person or role, optionally with a new due date.

    The new owner must be someone the decision's kind lets hold it (a finance step goes only to
    finance, never to someone who cannot see what it is about). Reminders restart for the new owner
    (they are keyed by due date and recipient); the old owners' notifications are cleared.
    """
    _check_owner(owner, owner_role)
    if not note.strip():
        raise DecisionError(_("Say why you are handing this decision on."))
    _check_length(note, _("notes"))
    if due_at is not None and due_at <= clock.now():
        raise DecisionError(_("A new due date must be in the future."))
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if not can_reassign_decision(by, locked):
            raise DecisionError(_("You may not reassign this decision."))
        if locked.owner_id == getattr(owner, "pk", None) and locked.owner_role == owner_role and due_at is None:
            raise DecisionError(_("That is already who owns this decision."))
        if owner is not None and owner.pk == locked.raised_by_id:
            raise DecisionError(_("The person who raised a decision cannot also take it."))
        _check_holder(locked, owner, owner_role)
        locked.owner = owner
        locked.owner_role = owner_role
        if due_at is not None:
            locked.due_at = due_at
        locked.note = note.strip()
        save_with_history(locked, by=by, reason=DECISION_REASSIGNED)
        clear_for_decision(decision=locked, keep_user_ids=[owner.pk] if owner else [])
    _notify_owners(locked, _("%(who)s handed you a decision: %(title)s") % {"who": by, "title": locked.title})
    return locked


def reschedule_decision(
    *, decision: Decision, due_at: datetime, by: User | None, note: str, title: str | None = None
) -> Decision:
    """Move an open decision's due date because its subject's schedule moved (a start date that slipped
    moves the tasks anchored to it), and its title when that names the schedule. Called by the workflow that
    owns the subject, which has authorised `by`; reminders restart for the new date (they are keyed by due
    date). A closed decision stays as it is."""
    if title is not None:
        title = " ".join(title.split())[:200]
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if not locked.is_open or (locked.due_at == due_at and title in (None, locked.title)):
            return locked
        locked.due_at = due_at
        if title:
            locked.title = title
        locked.note = note.strip()[:TEXT_LIMIT]
        save_with_history(locked, by=by, reason=DECISION_RESCHEDULED)
    return locked


def cancel_decision(*, decision: Decision, by: User | None, note: str) -> Decision:
    """Close an open decision without an outcome (its subject was withdrawn, or it was raised in error)."""
    if not note.strip():
        raise DecisionError(_("Say why the decision is cancelled."))
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if not locked.is_open:
            raise DecisionError(
                _("This decision was already closed (%(status)s).") % {"status": locked.get_status_display()}
            )
        if by is not None and not can_cancel_decision(by, locked):
            raise DecisionError(_("You may not cancel this decision."))
        locked.status = DecisionStatus.CANCELLED
        locked.decided_by = by
        locked.decided_at = clock.now()
        locked.note = note.strip()
        save_with_history(locked, by=by, reason=DECISION_CANCELLED)
        clear_for_decision(decision=locked)
    return locked


def _check_holder(decision: Decision, owner: User | None, owner_role: str) -> None:
    """Refuse a new owner the decision's kind does not let hold it."""
    rule = hold_rule(decision)
    kind = str(decision.kind_spec.label).lower()
    if owner is not None and not rule.allows(owner):
        raise DecisionError(
            _("%(who)s may not hold a %(kind)s: hand it to someone with the authority to take it.")
            % {"who": owner, "kind": kind}
        )
    if owner_role and not rule.allows_role(owner_role):
        raise DecisionError(
            _("The %(role)s role may not hold a %(kind)s.") % {"role": registry.role_label(owner_role), "kind": kind}
        )


def _check_owner(owner: User | None, owner_role: str) -> None:
    if owner is None and not owner_role:
        raise DecisionError(_("Choose who owns the decision: a person or a role."))
    if owner is not None and owner_role:
        raise DecisionError(_("Choose a person or a role, not both."))
    if owner is not None and not owner.is_active:
        raise DecisionError(_("%(user)s is deactivated and cannot own a decision.") % {"user": owner})
    if owner_role and owner_role not in registry.role_keys():
        raise DecisionError(_("Unknown role: %(role)s.") % {"role": owner_role})


def _notify_owners(decision: Decision, message: str) -> None:
    """Tell whoever may take the decision, once it has committed (and whatever its workflow linked to it
    in the same transaction is in place: who may hold a chain step depends on its chain)."""
    after_commit(_notify_current_owners, decision.pk, message)


def _notify_current_owners(decision_id: int, message: str) -> None:
    decision = Decision.objects.open().select_related("owner").filter(pk=decision_id).first()
    if decision is not None:
        notify(users=decision_recipients(decision), message=message, url=decision.next_action_url, decision=decision)
