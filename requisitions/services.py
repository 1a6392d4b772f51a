"""Every change to a requisition: intake, submission, the approval chain, and the moves after it.

Each function takes the acting user as `by`, checks that they may act, validates, writes inside
one transaction on a locked row, records the move in history, and raises or resolves decisions.
Views, admin actions, tasks and the demo seeder all come through here.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from portal import clock
from portal.choices import DecisionKind, Outcome, Role
from portal.exceptions import PortalError
from portal.models import HiringPlan, User
from portal.permissions import can_take_decision, has_perm
from portal.services.access import grant_object_permission, revoke_object_permission
from portal.services.decisions import cancel_decision, raise_decision, resolve_decision
from portal.services.notifications import notify
from requisitions import choices
from requisitions.choices import TRANSITIONS, Action, Status
from requisitions.models import ApprovalRule, ApprovalStep, Requisition
from requisitions.permissions import can_create_requisition, can_edit_requisition, can_move_requisition
from requisitions.policy import compute_chain
from requisitions.selectors import band_for, open_approval_decisions, steps_approved_by
from requisitions.validation import submission_problems

CENT = Decimal("0.01")
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
        _save(req, by=by, reason=choices.CREATED, validate=True)
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
            _check_move(req, Status.DRAFT)
            req.status = Status.DRAFT
        _save(req, by=by, reason=choices.EDITED, validate=True)
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
    if req.budget_owner_id is None and req.cost_center_id:
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


def first_year_cost(req: Requisition) -> tuple[Decimal | None, Decimal | None]:
    """(min, max) fully loaded first-year cost of one opening, or (None, None) while unknown.

    Salaried: base × (1 + bonus % + benefits %) + one-time costs. Contract: max bill rate ×
    first-year hours + one-time costs (a single figure: the bill rate is a ceiling).
    """
    one_time = req.one_time_costs
    if req.is_contract:
        if req.max_bill_rate is None or not req.contract_hours:
            return None, None
        cost = (req.max_bill_rate * req.contract_hours + one_time).quantize(CENT, ROUND_HALF_UP)
        return cost, cost
    if req.base_min is None or req.base_max is None:
        return None, None
    load = 1 + Decimal(req.bonus_pct or 0) / 100 + Decimal(req.benefits_load_pct or 0) / 100
    low = (req.base_min * load + one_time).quantize(CENT, ROUND_HALF_UP)
    high = (req.base_max * load + one_time).quantize(CENT, ROUND_HALF_UP)
    return low, high


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
    """Check everything, compute the approval chain, and raise the first step's decisions.

    Raises SubmissionRefused (with per-field problems) and leaves the draft as it is when
    anything is missing or wrong.
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
        req.approval_round += 1
        req.submitted_at = now
        req.first_submitted_at = req.first_submitted_at or now
        _move(req, Status.PENDING_APPROVAL, by=by, reason=choices.SUBMITTED)
        for planned in compute_chain(req):
            ApprovalStep.objects.create(
                requisition=req,
                round=req.approval_round,
                step=planned.step,
                approver=planned.approver,
                approver_role=planned.approver_role,
                reason=planned.reason[:500],
                sla_business_days=planned.sla_business_days,
            )
        _raise_next_step(req, by=by)
    return req


def _raise_next_step(req: Requisition, *, by: User | None) -> bool:
    """Raise decisions for the lowest waiting step of the current round. False when none is left."""
    waiting = list(
        req.approval_steps.filter(round=req.approval_round, decision__isnull=True)
        .select_related("approver")
        .order_by("step", "id")
    )
    if not waiting:
        return False
    current = waiting[0].step
    for step in (s for s in waiting if s.step == current):
        if step.approver is not None and not step.approver.is_active:
            # Deactivated since the chain was computed: the admins stand in, and the reason says so.
            step.reason = (
                step.reason + " " + _("(%(who)s was deactivated: routed to admins)") % {"who": step.approver}
            )[:500]
            step.approver, step.approver_role = None, Role.ADMIN
        step.decision = raise_decision(
            kind=DecisionKind.REQUISITION_APPROVAL,
            title=_("Approve %(ref)s %(title)s") % {"ref": req.reference, "title": req.title},
            # The reasons can name costs: they stay on the requisition page, where cost roles see them.
            detail=_("Step %(step)d of the approval chain. The requisition page shows why this step is yours.")
            % {"step": step.step},
            owner=step.approver,
            owner_role=step.approver_role,
            sla_business_days=step.sla_business_days,
            subject=req,
            sequence=step.step,
            by=None,  # the policy raises approvals, not whoever happened to trigger the step
            key=f"requisition:{req.pk}:round:{req.approval_round}:step:{step.pk}",
        )
        step.save(update_fields=["decision", "approver", "approver_role", "reason"])
    return True


def approve_requisition(*, requisition: Requisition, by: User, note: str = "") -> Requisition:
    """Approve `by`'s open step. When the step's last approval is in, the next step is raised;
    after the last step the requisition is approved."""
    with transaction.atomic():
        # Lock the requisition: two approvers at once must not both complete the chain or both take one step.
        req = _locked(requisition)
        decision = _decision_for_approver(req, by)
        resolve_decision(decision=decision, outcome=Outcome.APPROVED, by=by, note=note)
        _audit(req, by=by, reason=choices.STEP_APPROVED)
        if not open_approval_decisions(req).exists() and not _raise_next_step(req, by=by):
            req.approved_at = clock.now()
            _move(req, Status.APPROVED, by=by, reason=choices.APPROVED)
            _tell_owners(req, _("%(ref)s %(title)s is approved.") % {"ref": req.reference, "title": req.title}, by)
    return req


def reject_requisition(*, requisition: Requisition, by: User, note: str) -> Requisition:
    return _refuse(requisition, by=by, note=note, outcome=Outcome.REJECTED, to=Status.REJECTED, reason=choices.REJECTED)


def send_back_requisition(*, requisition: Requisition, by: User, note: str) -> Requisition:
    """Return it to its authors for changes; resubmitting computes a new chain."""
    return _refuse(
        requisition, by=by, note=note, outcome=Outcome.SENT_BACK, to=Status.SENT_BACK, reason=choices.SENT_BACK
    )


def _refuse(requisition: Requisition, *, by: User, note: str, outcome: str, to: str, reason: str) -> Requisition:
    if not note.strip():
        raise RequisitionError(_("Say why: a comment is required."))
    with transaction.atomic():
        req = _locked(requisition)
        decision = _decision_for_approver(req, by)
        resolve_decision(decision=decision, outcome=outcome, by=by, note=note)
        _cancel_open_steps(
            req, note=_("Closed: %(who)s chose “%(outcome)s”.") % {"who": by, "outcome": Outcome(outcome).label}
        )
        if to == Status.REJECTED:
            req.closed_at = clock.now()
        req.status_note = note.strip()
        _move(req, to, by=by, reason=reason)
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


def _decision_for_approver(req: Requisition, by: User):
    if req.status != Status.PENDING_APPROVAL:
        raise RequisitionError(
            _("This requisition is not awaiting approval (it is %(status)s).") % {"status": req.get_status_display()}
        )
    if req.created_by_id == by.pk:
        raise RequisitionError(_("You created this requisition, so you may not approve it."))
    mine = [d for d in open_approval_decisions(req).select_for_update(of=("self",)) if can_take_decision(by, d)]
    taken = steps_approved_by(req, by)
    if mine and all(d.sequence in taken for d in mine):
        raise RequisitionError(_("You already approved this step: another person must take its other approval."))
    mine = [d for d in mine if d.sequence not in taken]
    if not mine:
        raise RequisitionError(_("No approval of this requisition is waiting on you: it may have just been decided."))
    # A person named on a step goes before a role step they could also take.
    mine.sort(key=lambda d: (d.owner_id != by.pk, d.sequence or 0, d.pk))
    return mine[0]


def _cancel_open_steps(req: Requisition, *, note: str) -> None:
    for decision in open_approval_decisions(req):
        cancel_decision(decision=decision, by=None, note=note)


# --- After approval ------------------------------------------------------------------------------

MOVES = {
    Action.OPEN: (Status.OPEN, choices.OPENED),
    Action.HOLD: (Status.ON_HOLD, choices.HELD),
    Action.RESUME: (Status.OPEN, choices.RESUMED),
    Action.FILL: (Status.FILLED, choices.FILLED),
    Action.CANCEL: (Status.CANCELLED, choices.CANCELLED),
}


def move_requisition(*, requisition: Requisition, action: str, by: User, note: str = "") -> Requisition:
    """Open, hold, resume, fill or cancel. Cancelling needs a reason and closes any open approvals."""
    if action not in MOVES:
        raise RequisitionError(_("Unknown action."))
    if action in (Action.CANCEL, Action.HOLD) and not note.strip():
        raise RequisitionError(_("Say why: a comment is required."))
    to, reason = MOVES[action]
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
            _cancel_open_steps(req, note=_("Requisition cancelled by %(who)s.") % {"who": by})
        req.status_note = note.strip()
        _move(req, to, by=by, reason=reason)
    return req


# --- Plumbing ------------------------------------------------------------------------------------


def _locked(requisition: Requisition) -> Requisition:
    return (
        Requisition.objects.select_for_update(of=("self",))
        .select_related("hiring_plan", "cost_center")
        .get(pk=requisition.pk)
    )


def _check_move(req: Requisition, to: str) -> None:
    if to not in TRANSITIONS[req.status]:
        raise RequisitionError(
            _("A requisition cannot go from %(from)s to %(to)s.")
            % {"from": req.get_status_display(), "to": Status(to).label}
        )


def _move(req: Requisition, to: str, *, by: User | None, reason: str) -> None:
    _check_move(req, to)
    req.status = to
    _save(req, by=by, reason=reason)


def _save(req: Requisition, *, by: User | None, reason: str, validate: bool = False) -> None:
    """Save with its history row. `validate` re-checks every field (after intake edits; moves change none)."""
    clock.stamp_history(req)
    req._history_user = by
    req._change_reason = reason
    if validate:
        req.full_clean(exclude=["created_by"], validate_unique=False)
    req.save()


def _audit(req: Requisition, *, by: User, reason: str) -> None:
    """A history row for an event that changes no field of the requisition (one approval of several)."""
    _save(req, by=by, reason=reason)


def _tell_owners(req: Requisition, message: str, by: User | None) -> None:
    people = [p for p in (req.hiring_manager, req.created_by, req.recruiter) if p is not None and p != by]
    notify(users=people, message=message, url=req.get_absolute_url())


# --- Policy ----------------------------------------------------------------------------------------


def save_approval_rule(*, rule, by: User | None):
    """Validate and save an approval rule with its history row (admins edit the policy in Administration)."""
    rule.full_clean()
    with transaction.atomic():
        clock.stamp_history(rule)
        rule._history_user = by
        rule._change_reason = choices.RULE_SAVED
        rule.save()
    return rule


DEFAULT_POLICY = [
    # position, name, condition, threshold, approver, step
    (10, "The hiring manager's manager approves every requisition", "always", None, "hm_manager", 1),
    (20, "The department head approves net-new roles", "net_new", None, "department_head", 2),
    (30, "Finance approves a first-year cost over 150,000", "cost_over", Decimal("150000"), "finance", 2),
    (40, "Finance approves contractor rates over 120/h", "bill_rate_over", Decimal("120"), "finance", 2),
    (50, "HR approves pay above the band", "above_band", None, "hr", 2),
    (60, "Finance approves when the plan budget would be exceeded", "plan_budget_exceeded", None, "finance", 2),
]


def install_default_policy() -> int:
    """Give a new installation the default approval policy. Returns how many rules were created.

    Does nothing once any rule exists or ever existed (its history is kept), so a policy admins
    emptied on purpose stays empty (requisitions then go to the hiring manager's manager).
    """
    if ApprovalRule.objects.exists() or ApprovalRule.history.exists():
        return 0
    for position, name, condition, threshold, approver, step in DEFAULT_POLICY:
        rule = ApprovalRule(
            name=name, position=position, condition=condition, threshold=threshold, approver=approver, step=step
        )
        rule._change_reason = "requisitions.approvalrule.default_policy"
        rule.save()
    return len(DEFAULT_POLICY)


# --- Sharing ---------------------------------------------------------------------------------------

SHAREABLE_ROLES = (Role.RECRUITER, Role.HIRING_MANAGER)


def share_requisition(*, requisition: Requisition, user: User, by: User, reason: str = "") -> None:
    """Let another recruiter or hiring manager see the requisition (view only), logged in AccessLog."""
    if not has_perm(by, "requisitions.change_requisition", requisition):
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
    if not has_perm(by, "requisitions.change_requisition", requisition):
        raise RequisitionError(_("Only the people who run a requisition may stop sharing it."))
    if user.pk in {requisition.created_by_id, requisition.hiring_manager_id, requisition.recruiter_id}:
        raise RequisitionError(_("%(user)s runs this requisition and keeps access.") % {"user": user})
    revoke_object_permission(perm="requisitions.view_requisition", user=user, obj=requisition, by=by, reason="unshared")
