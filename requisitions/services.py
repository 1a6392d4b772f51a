"""Every change to a requisition: intake, submission, the approval chain, and the moves after it.

Each function takes the acting user as `by`, checks that they may act, validates, writes inside
one transaction on a locked row, records the move in history, and raises or resolves decisions.
Views, admin actions, tasks and the demo seeder all come through here.
"""

from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import clock
from portal.choices import CostKind, Outcome, Role
from portal.exceptions import PortalError
from portal.models import CostEvent, Decision, HiringPlan, User
from portal.permissions import can_take_decision
from portal.services import approvals, ledger
from portal.services.access import grant_object_permission, revoke_object_permission
from portal.services.decisions import cancel_decision, raise_decision, resolve_decision
from portal.services.notifications import notify
from portal.services.records import check_move, move, save_with_history
from requisitions import choices
from requisitions.choices import POLICY, REVISION_KIND, TRANSITIONS, Action, Status
from requisitions.costs import first_year_cost, forecast_lines
from requisitions.models import Requisition
from requisitions.permissions import (
    can_create_requisition,
    can_edit_requisition,
    can_move_requisition,
    can_own_budget,
    runs_requisition,
)
from requisitions.selectors import band_for
from requisitions.validation import submission_problems

OBJECT_PERMS = ("requisitions.view_requisition", "requisitions.change_requisition")

# Fields a person may set on a requisition (forms list exactly these); the rest are derived.
INTAKE_FIELDS = [
    "title",
    "role_family",
    "level",
    "department",
    "cost_center",
    "location",
    "employment_type",
    "openings",
    "hiring_manager",
    "recruiter",
    "budget_owner",
    "target_start_date",
    "hiring_plan",
    "is_backfill",
    "backfill_for",
    "business_case",
    "justification",
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
]


class RequisitionError(PortalError):
    pass


# Moves along the requisition's transition table (requisitions.choices.TRANSITIONS).
_move = partial(move, transitions=TRANSITIONS, error=RequisitionError)


class SubmissionRefused(RequisitionError):
    """The requisition is saved but cannot be submitted; `problems` says why, per field."""

    def __init__(self, problems: dict[str, list[str]]):
        self.problems = problems
        super().__init__(_("The requisition is saved as a draft but cannot be submitted yet."))


# --- Intake -----------------------------------------------------------------------------------


def create_requisition(*, by: User, **fields) -> Requisition:
    """Save a new draft. Only `INTAKE_FIELDS` are taken; drafts may be incomplete."""
    if not can_create_requisition(by):
        raise RequisitionError(_("Your role may not open requisitions."))
    req = Requisition(created_by=by, created_at=clock.now())
    _assign(req, fields)
    with transaction.atomic():
        _derive(req)
        save_with_history(req, by=by, reason=choices.CREATED, validate=True, exclude=["created_by"])
        _sync_grants(req, by=by, before=None)
    return req


def update_requisition(*, requisition: Requisition, by: User, **fields) -> Requisition:
    """Change a draft (or a requisition sent back, which becomes a draft again)."""
    with transaction.atomic():
        req = _locked(requisition)
        if not can_edit_requisition(by, req):
            raise RequisitionError(
                _("Only drafts and requisitions sent back can be edited, by the people who run them.")
            )
        before = {"hiring_manager": req.hiring_manager, "recruiter": req.recruiter}
        _assign(req, fields)
        _derive(req)
        if req.status == Status.SENT_BACK:
            check_move(req, Status.DRAFT, transitions=TRANSITIONS, error=RequisitionError)
            req.status = Status.DRAFT
        save_with_history(req, by=by, reason=choices.EDITED, validate=True, exclude=["created_by"])
        _sync_grants(req, by=by, before=before)
    return req


def _assign(req: Requisition, fields: dict) -> None:
    unknown = set(fields) - set(INTAKE_FIELDS)
    if unknown:
        raise RequisitionError(_("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(req, name, value)


def _derive(req: Requisition) -> None:
    """Budget owner from the cost center, the band from role family × level × location, the cost range."""
    if req.budget_owner_id is None and req.cost_center_id and can_own_budget(req.cost_center.budget_owner):
        req.budget_owner = req.cost_center.budget_owner
    req.comp_band = None
    if not req.is_contract:
        req.comp_band = band_for(
            role_family_id=req.role_family_id,
            level_id=req.level_id,
            location_id=req.location_id,
            on=req.target_start_date,
            currency=req.currency,
        )
    req.cost_min, req.cost_max = first_year_cost(req)


def _sync_grants(req: Requisition, *, by: User, before: dict | None) -> None:
    """The creator, hiring manager and recruiter may see and change the requisition; people replaced lose it.

    `before` holds the hiring manager and recruiter before an edit; None for a new requisition.
    """
    people = {"creator": req.created_by, "hiring manager": req.hiring_manager, "recruiter": req.recruiter}
    current = {person.pk for person in people.values() if person is not None}
    if before is None:  # new: nobody holds anything on it yet
        for why, person in {p.pk: (w, p) for w, p in people.items() if p is not None}.values():
            for perm in OBJECT_PERMS:
                grant_object_permission(perm=perm, user=person, obj=req, by=by, reason=why)
        return
    for field, old in before.items():
        if old is not None and old.pk not in current:
            for perm in OBJECT_PERMS:
                revoke_object_permission(
                    perm=perm, user=old, obj=req, by=by, reason=f"no longer {field.replace('_', ' ')}"
                )
    for why, person in people.items():
        for perm in OBJECT_PERMS:
            if person is not None and not person.has_perm(perm, req):
                grant_object_permission(perm=perm, user=person, obj=req, by=by, reason=why)


# --- Submission and the approval chain ----------------------------------------------------------


def submit_requisition(*, requisition: Requisition, by: User) -> Requisition:
    """Check everything, then start a new approval round (the core's chain raises the first step).

    Raises SubmissionRefused (with per-field problems) and leaves the draft as it is when
    anything is missing or wrong. A requisition sent back is resubmitted the same way; its
    "revise and resubmit" decision is then done.
    """
    with transaction.atomic():
        req = _locked(requisition)
        if not can_edit_requisition(by, req):
            raise RequisitionError(
                _("Only a draft or a requisition sent back can be submitted, by the people who run it.")
            )
        _derive(req)
        if req.hiring_plan_id:
            # Lock the plan: two submissions at once must not both take its last headcount.
            HiringPlan.objects.select_for_update().get(pk=req.hiring_plan_id)
        problems = submission_problems(req)
        if problems:
            raise SubmissionRefused(problems)
        now = clock.now()
        req.approval_round += 1  # the chain's round number: the chains count the same rounds
        req.submitted_at = now
        req.first_submitted_at = req.first_submitted_at or now
        _move(req, Status.PENDING_APPROVAL, by=by, reason=choices.SUBMITTED)
        approvals.start_chain(subject=req, policy_key=POLICY, by=by)
        _close_revision(req, by=by, note=_("Resubmitted by %(who)s.") % {"who": by})
    return req


def approve_requisition(*, requisition: Requisition, by: User, note: str = "") -> Requisition:
    """Approve `by`'s open step. After the chain's last step the requisition is approved and its
    forecast is recorded in the ledger."""
    with transaction.atomic():
        # Lock the requisition, then (in the chain service) its round: two approvers at once must not
        # both take one step or both complete the chain.
        req = _locked(requisition)
        _check_pending(req)
        chain = approvals.approve(subject=req, by=by, note=note)
        save_with_history(req, by=by, reason=choices.STEP_APPROVED)
        if not chain.is_open:
            req.approved_at = clock.now()
            _move(req, Status.APPROVED, by=by, reason=choices.APPROVED)
            _record_forecast(req, by=by, start=req.target_start_date)
            _tell_owners(req, _("%(ref)s %(title)s is approved.") % {"ref": req.reference, "title": req.title}, by)
    return req


def reject_requisition(*, requisition: Requisition, by: User, note: str) -> Requisition:
    return _refuse(requisition, by=by, note=note, outcome=Outcome.REJECTED, to=Status.REJECTED, reason=choices.REJECTED)


def send_back_requisition(*, requisition: Requisition, by: User, note: str) -> Requisition:
    """Return it to its authors for changes: its hiring manager gets a "revise and resubmit" decision,
    and resubmitting computes a new chain."""
    return _refuse(
        requisition, by=by, note=note, outcome=Outcome.SENT_BACK, to=Status.SENT_BACK, reason=choices.SENT_BACK
    )


def _refuse(requisition: Requisition, *, by: User, note: str, outcome: str, to: str, reason: str) -> Requisition:
    if not note.strip():
        raise RequisitionError(_("Say why: a comment is required."))
    with transaction.atomic():
        req = _locked(requisition)
        _check_pending(req)
        approvals.refuse(subject=req, by=by, note=note, outcome=outcome)
        if to == Status.REJECTED:
            req.closed_at = clock.now()
        req.status_note = note.strip()
        _move(req, to, by=by, reason=reason)
        if to == Status.SENT_BACK:
            _raise_revision(req, by=by)
        _tell_owners(
            req,
            _("%(ref)s %(title)s: %(outcome)s by %(who)s: %(note)s")
            % {
                "ref": req.reference,
                "title": req.title,
                "outcome": Outcome(outcome).label,
                "who": by,
                "note": note.strip(),
            },
            by,
        )
    return req


def _check_pending(req: Requisition) -> None:
    if req.status != Status.PENDING_APPROVAL:
        raise RequisitionError(
            _("This requisition is not awaiting approval (it is %(status)s).") % {"status": req.get_status_display()}
        )


REVISION_SLA_BUSINESS_DAYS = 5


def _raise_revision(req: Requisition, *, by: User) -> None:
    """A sent-back requisition is a decision for the people who run it: revise and resubmit (or cancel)."""
    owner = next((p for p in (req.hiring_manager, req.recruiter, req.created_by) if p and p.is_active), None)
    if owner is None or owner.pk == by.pk:
        return
    raise_decision(
        kind=REVISION_KIND,
        title=_("Revise and resubmit %(ref)s %(title)s") % {"ref": req.reference, "title": req.title},
        detail=req.status_note,
        owner=owner,
        sla_business_days=REVISION_SLA_BUSINESS_DAYS,
        subject=req,
        by=by,
        key=f"requisition:{req.pk}:revise:{req.approval_round}",
    )


def _close_revision(req: Requisition, *, by: User | None, note: str, cancel: bool = False) -> None:
    for decision in Decision.objects.open().for_subject(req).filter(kind=REVISION_KIND):
        if cancel:
            cancel_decision(decision=decision, by=None, note=note)
        else:
            # Whoever resubmits does the revision; the workflow closes it for them when it was not theirs.
            taker = by if by is not None and can_take_decision(by, decision) else None
            resolve_decision(decision=decision, outcome=Outcome.DONE, by=taker, note=note)


# --- The ledger ----------------------------------------------------------------------------------


def _record_forecast(req: Requisition, *, by: User | None, start) -> bool:
    """Record the first-year cost of every opening as a forecast from the start month (or this month,
    when the start has passed), unless a forecast of it stands already. True when it recorded one."""
    if req.cost_center_id is None or not req.openings_left:
        return False
    if ledger.has_outstanding(source=req, kind=CostKind.FORECAST):
        return False
    this_month = timezone.localtime(clock.now()).date().replace(day=1)
    first = max(start or this_month, this_month)
    ledger.record_lines(
        lines=forecast_lines(req),
        kind=CostKind.FORECAST,
        first_month=first,
        cost_center=req.cost_center,
        by=by,
        need=req,
        source=req,
        memo=ngettext(
            "%(ref)s approved: first-year cost of %(n)d opening",
            "%(ref)s approved: first-year cost of %(n)d openings",
            req.openings_left,
        )
        % {"ref": req.reference, "n": req.openings_left},
    )
    return True


def record_missing_forecasts() -> int:
    """Record the forecast of every approved or open requisition that has none standing (those approved
    before the ledger existed). Idempotent: run after every `migrate`. Returns how many were recorded."""
    standing = CostEvent.objects.filter(
        kind=CostKind.FORECAST,
        source_type=ContentType.objects.get_for_model(Requisition),
        source_id=OuterRef("pk"),
        reverses__isnull=True,
        reversal__isnull=True,
    )
    missing = Requisition.objects.filter(
        status__in=choices.FORECAST, cost_max__isnull=False, hires__lt=F("openings")
    ).exclude(Exists(standing))
    recorded = 0
    for pk in missing.values_list("pk", flat=True):
        with transaction.atomic():
            req = _locked(Requisition(pk=pk))
            # Checked again under the lock: it may have been held or filled since the query above.
            if req.status in choices.FORECAST and _record_forecast(req, by=None, start=req.target_start_date):
                recorded += 1
    return recorded


def _reverse_forecast(req: Requisition, *, by: User | None, why: str) -> None:
    ledger.reverse_outstanding(
        source=req, kind=CostKind.FORECAST, by=by, memo=_("%(ref)s %(why)s") % {"ref": req.reference, "why": why}
    )


def opening_refusal(req: Requisition) -> str:
    """Why `req` has no opening to give ("" when it has one left)."""
    return "" if req.openings_left else _("%(ref)s has no opening left.") % {"ref": req.reference}


def hire_refusal(req: Requisition) -> str:
    """Why no hire can be recorded on `req` now ("" when one can): it must be open, with an opening left."""
    if req.status != Status.OPEN:
        return _("%(ref)s is %(status)s: a hire is recorded only on an open requisition.") % {
            "ref": req.reference,
            "status": req.get_status_display().lower(),
        }
    return opening_refusal(req)


def record_hire(*, requisition: Requisition, by: User | None, what: str) -> Requisition:
    """One opening is taken by a hire (`what` names it, for the ledger's memo): the hire is counted, the
    forecast is re-recorded for the openings left, and the last hire fills the requisition.

    Called inside the caller's transaction (offers.services.accept_offer, and
    vendors.services.start_engagement for a contractor on a contract requisition); refused unless the
    requisition is open with an opening left (`hire_refusal`)."""
    with transaction.atomic():
        req = _locked(requisition)
        refusal = hire_refusal(req)
        if refusal:
            raise RequisitionError(refusal)
        req.hires += 1
        _reverse_forecast(req, by=by, why=_("hire: %(what)s") % {"what": what})
        if req.openings_left:
            save_with_history(req, by=by, reason=choices.HIRED)
            _record_forecast(req, by=by, start=req.target_start_date)
            return req
        req.filled_at = clock.now()
        _move(req, Status.FILLED, by=by, reason=choices.FILLED)
        _tell_owners(
            req,
            _("%(ref)s %(title)s is filled: %(what)s.") % {"ref": req.reference, "title": req.title, "what": what},
            by,
        )
    return req


def release_hire(*, requisition: Requisition, by: User | None, what: str) -> Requisition:
    """A hire fell through before the start (a no-show, a withdrawal): the opening it took is free again.
    A requisition the hire had filled opens again; on an open one the forecast is recorded again for the
    openings left (from the target start, or this month when it has passed). Called inside the caller's
    transaction (onboarding's no-show), which has authorised `by`."""
    with transaction.atomic():
        req = _locked(requisition)
        if not req.hires:
            raise RequisitionError(_("%(ref)s has no hire to release.") % {"ref": req.reference})
        req.hires -= 1
        why = _("hire released: %(what)s") % {"what": what}
        if req.status == Status.FILLED:
            req.filled_at = None
            _move(req, Status.OPEN, by=by, reason=choices.HIRE_RELEASED)
        else:
            save_with_history(req, by=by, reason=choices.HIRE_RELEASED)
        if req.status in choices.FORECAST:
            _reverse_forecast(req, by=by, why=why)
            _record_forecast(req, by=by, start=req.target_start_date)
        _tell_owners(
            req,
            _("%(ref)s %(title)s: an opening is free again (%(what)s).")
            % {"ref": req.reference, "title": req.title, "what": what},
            by,
        )
    return req


# --- After approval ------------------------------------------------------------------------------

# The audit code of each move after approval; the status it moves to is choices.ACTION_MOVES'.
MOVE_REASONS = {
    Action.OPEN: choices.OPENED,
    Action.HOLD: choices.HELD,
    Action.RESUME: choices.RESUMED,
    Action.FILL: choices.FILLED,
    Action.CANCEL: choices.CANCELLED,
}


def move_requisition(*, requisition: Requisition, action: str, by: User, note: str = "") -> Requisition:
    """Open, hold, resume, fill or cancel. Cancelling needs a reason and closes any open approvals."""
    if action not in MOVE_REASONS:
        raise RequisitionError(_("Unknown action."))
    if action in (Action.CANCEL, Action.HOLD) and not note.strip():
        raise RequisitionError(_("Say why: a comment is required."))
    to, reason = choices.ACTION_MOVES[action], MOVE_REASONS[action]
    with transaction.atomic():
        req = _locked(requisition)
        if not can_move_requisition(by, req, action):
            raise RequisitionError(
                _("%(action)s is not possible: the requisition is %(status)s.")
                % {"action": Action(action).label, "status": req.get_status_display()}
            )
        now = clock.now()
        if action == Action.OPEN:
            req.opened_at = now
        elif action == Action.FILL:
            req.filled_at = now
        elif action == Action.CANCEL:
            req.closed_at = now
            cancelled = _("Requisition cancelled by %(who)s.") % {"who": by}
            approvals.cancel_chain(subject=req, note=cancelled)
            _close_revision(req, by=by, note=cancelled, cancel=True)
        req.status_note = note.strip()
        _move(req, to, by=by, reason=reason)
        _keep_forecast_in_step(req, action, by=by, note=note)
    return req


# What each move does to the forecast: holding, filling or cancelling takes it out of the ledger
# (a filled need's cost arrives as commitments from its offers); resuming puts it back.
FORECAST_REVERSALS = {
    Action.HOLD: _("put on hold"),
    Action.FILL: _("filled: the forecast gives way to committed costs"),
    Action.CANCEL: _("cancelled"),
}


def _keep_forecast_in_step(req: Requisition, action: str, *, by: User, note: str) -> None:
    if action in FORECAST_REVERSALS:
        why = FORECAST_REVERSALS[action] + (f": {note.strip()}" if note.strip() else "")
        _reverse_forecast(req, by=by, why=why)
    elif action == Action.RESUME:
        _record_forecast(req, by=by, start=req.target_start_date)


# --- Plumbing ------------------------------------------------------------------------------------


def _locked(requisition: Requisition) -> Requisition:
    return (
        Requisition.objects.select_for_update(of=("self",))
        .select_related("hiring_plan", "cost_center")
        .get(pk=requisition.pk)
    )


def _tell_owners(req: Requisition, message: str, by: User | None) -> None:
    """Tell the people who run the requisition, after commit."""
    people = [p for p in (req.hiring_manager, req.created_by, req.recruiter) if p is not None and p != by]
    notify(users=people, message=message, url=req.get_absolute_url())


# --- Sharing ---------------------------------------------------------------------------------------

SHAREABLE_ROLES = (Role.RECRUITER, Role.HIRING_MANAGER)


def share_requisition(*, requisition: Requisition, user: User, by: User, reason: str = "") -> None:
    """Let another recruiter or hiring manager see the requisition (view only), logged in AccessLog."""
    if not runs_requisition(by, requisition):
        raise RequisitionError(_("Only the people who run a requisition may share it."))
    if not user.is_active or not user.has_role(*SHAREABLE_ROLES):
        raise RequisitionError(_("Requisitions are shared with active recruiters and hiring managers."))
    if user.has_perm("requisitions.view_requisition", requisition):
        raise RequisitionError(_("%(user)s can already see this requisition.") % {"user": user})
    grant_object_permission(
        perm="requisitions.view_requisition", user=user, obj=requisition, by=by, reason=reason or "shared"
    )


def unshare_requisition(*, requisition: Requisition, user: User, by: User) -> None:
    """Take back a share. The people who run the requisition keep their access."""
    if not runs_requisition(by, requisition):
        raise RequisitionError(_("Only the people who run a requisition may stop sharing it."))
    if user.pk in {requisition.created_by_id, requisition.hiring_manager_id, requisition.recruiter_id}:
        raise RequisitionError(_("%(user)s runs this requisition and keeps access.") % {"user": user})
    revoke_object_permission(perm="requisitions.view_requisition", user=user, obj=requisition, by=by, reason="unshared")
