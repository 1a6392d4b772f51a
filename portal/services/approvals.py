"""Approval chains on any subject: start a round, approve a step, refuse it (reject or send back),
cancel the round, and save the rules.

A module declares its ApprovalPolicy (portal.policy) and decision kind (`approval_kind`), then calls
these from its own services, inside its transaction and after locking its subject's row. The chain
row is locked here as well, so two approvers at once can never both take one step or both complete
the chain, whatever the caller locked.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from portal import clock, registry
from portal.choices import RULE_SAVED, ChainStatus, DecisionStatus, Outcome, Role
from portal.exceptions import PortalError
from portal.models import ApprovalChain, ApprovalRule, ApprovalStep, Decision, User
from portal.permissions import can_take_decision, is_addressed_to
from portal.policy import ApprovalPolicy, plan_chain
from portal.services.decisions import cancel_decision, raise_decision, resolve_decision
from portal.services.records import save_with_history

CHAIN_OUTCOMES = (Outcome.APPROVED, Outcome.REJECTED, Outcome.SENT_BACK)


class ApprovalError(PortalError):
    pass


# --- The decision kind of a policy's steps, and who may hold one ----------------------------------


def approval_kind(policy: ApprovalPolicy, *, label: str) -> registry.DecisionKind:
    """The decision kind of `policy`'s steps: approved, rejected or sent back on the subject's page,
    held only as `step_hold_rule` says."""
    return registry.DecisionKind(
        key=policy.decision_kind, label=label, outcomes=CHAIN_OUTCOMES, hold_rule=step_hold_rule, action_label="Review"
    )


def step_hold_rule(decision: Decision) -> registry.HoldRule:
    """Who may hold one step of a chain: members of the step's authority role (a finance step needs
    finance), or else of the policy's approver roles; never who created the subject or submitted any of
    its rounds, nor anyone who already took a decision in this round (one approval per person per round)."""
    step = ApprovalStep.objects.select_related("chain").filter(decision=decision).first()
    if step is None:
        return registry.HoldRule(roles=frozenset())  # not (yet) a step of any chain: nobody holds it
    return _step_rule(step, other_than=decision.pk)


def _step_rule(step: ApprovalStep, *, other_than: int | None = None) -> registry.HoldRule:
    policy = registry.approval_policy(step.chain.policy)
    roles = {step.authority} if step.authority else set(policy.approver_roles)
    if step.approver_role == Role.ADMIN:
        roles.add(Role.ADMIN)  # routed to the admins (a substitution): they stand in whatever the policy's roles
    decided = (
        Decision.objects.filter(approval_step__chain=step.chain, status=DecisionStatus.DONE)
        .exclude(pk=other_than)
        .values_list("decided_by_id", flat=True)
    )
    excluded = _excluded(step.chain, policy) | {pk for pk in decided if pk is not None}
    return registry.HoldRule(roles=frozenset(roles), excluded=frozenset(excluded))


def _excluded(chain: ApprovalChain, policy: ApprovalPolicy) -> set[int]:
    """Separation of duties: the subject's creators and whoever submitted any of its rounds."""
    submitters = ApprovalChain.objects.filter(
        subject_type_id=chain.subject_type_id, subject_id=chain.subject_id, submitted_by__isnull=False
    ).values_list("submitted_by_id", flat=True)
    return set(policy.creators(chain.subject)) | set(submitters) | ({chain.submitted_by_id} - {None})


# --- Reads ------------------------------------------------------------------------------------------


def _subject_filter(subject) -> dict:
    return {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": subject.pk}


def open_chain(subject) -> ApprovalChain | None:
    return _open_rounds(subject).first()


def _open_rounds(subject):
    """The subject's open round (at most one: a unique constraint), as a queryset to read or lock."""
    return ApprovalChain.objects.filter(status=ChainStatus.OPEN, **_subject_filter(subject))


def open_chain_decisions(subject):
    """The open decisions of the subject's open round (one query)."""
    return Decision.objects.open().filter(
        approval_step__chain__status=ChainStatus.OPEN,
        approval_step__chain__subject_type=ContentType.objects.get_for_model(subject),
        approval_step__chain__subject_id=subject.pk,
    )


def chain_timeline(subject) -> list[ApprovalStep]:
    """Every step of every round, newest round first, with its decision and approver."""
    return chain_timelines([subject])[subject.pk]


def chain_timelines(subjects) -> dict[int, list[ApprovalStep]]:
    """chain_timeline of each of `subjects` (all of one model), by subject id, in one query."""
    subjects = list(subjects)
    timelines: dict[int, list[ApprovalStep]] = {subject.pk: [] for subject in subjects}
    if not subjects:
        return timelines
    steps = (
        ApprovalStep.objects.filter(
            chain__subject_type=ContentType.objects.get_for_model(subjects[0]), chain__subject_id__in=list(timelines)
        )
        .select_related("chain", "approver", "decision", "decision__decided_by")
        .order_by("-chain__round", "step", "id")
    )
    for step in steps:
        timelines[step.chain.subject_id].append(step)
    return timelines


def latest_chain(subject) -> ApprovalChain | None:
    """The subject's newest round, open or closed."""
    return ApprovalChain.objects.filter(**_subject_filter(subject)).order_by("-round").first()


def can_decide(user: User, open_decisions) -> bool:
    """May `user` approve, reject or send back one of these open step decisions? The same rule the
    services apply (can_take_decision), so a button is shown exactly when the action would succeed."""
    return any(can_take_decision(user, decision) for decision in open_decisions)


# --- Writes -----------------------------------------------------------------------------------------


def start_chain(*, subject, policy_key: str, by: User) -> ApprovalChain:
    """Open the subject's next round: plan its steps from the policy's active rules and the subject's
    facts, and raise the first step's decisions. Refuses while a round is open."""
    policy = registry.approval_policy(policy_key)
    with transaction.atomic():
        if open_chain(subject) is not None:
            raise ApprovalError(_("This %(subject)s is already in approval.") % {"subject": policy.subject_label})
        last = ApprovalChain.objects.filter(**_subject_filter(subject)).order_by("-round").first()
        chain = ApprovalChain.objects.create(
            policy=policy.key,
            round=(last.round + 1) if last else 1,
            submitted_by=by,
            submitted_at=clock.now(),
            **_subject_filter(subject),
        )
        rules = list(
            ApprovalRule.objects.filter(policy=policy.key, is_active=True).select_related("user").order_by("position")
        )
        for planned in plan_chain(policy, subject, rules, excluded=_excluded(chain, policy)):
            ApprovalStep.objects.create(
                chain=chain,
                step=planned.step,
                approver=planned.approver,
                approver_role=planned.approver_role,
                authority=planned.authority,
                reason=planned.reason[:500],
                sla_business_days=planned.sla_business_days,
            )
        _raise_next_step(chain, subject, policy)
    return chain


def approve(*, subject, by: User, note: str = "") -> ApprovalChain:
    """Approve `by`'s open step. When a step's last approval is in, the next step is raised; after the
    last step the chain is approved (the caller then moves its subject)."""
    with transaction.atomic():
        chain, policy = _locked_open_chain(subject)
        decision = _decision_for(chain, policy, by)
        resolve_decision(decision=decision, outcome=Outcome.APPROVED, by=by, note=note)
        if not _open_decisions(chain).exists() and not _raise_next_step(chain, subject, policy):
            _close(chain, ChainStatus.APPROVED)
    return chain


def refuse(*, subject, by: User, note: str, outcome: str) -> ApprovalChain:
    """Reject or send back: `by`'s step takes `outcome` and the round's other open steps close."""
    if outcome not in (Outcome.REJECTED, Outcome.SENT_BACK):
        raise ApprovalError(_("Unknown outcome: %(outcome)s.") % {"outcome": outcome})
    if not note.strip():
        raise ApprovalError(_("Say why: a comment is required."))
    with transaction.atomic():
        chain, policy = _locked_open_chain(subject)
        decision = _decision_for(chain, policy, by)
        resolve_decision(decision=decision, outcome=outcome, by=by, note=note)
        _cancel_open(chain, _("Closed: %(who)s chose “%(outcome)s”.") % {"who": by, "outcome": Outcome(outcome).label})
        _close(chain, ChainStatus.REJECTED if outcome == Outcome.REJECTED else ChainStatus.SENT_BACK)
    return chain


def cancel_chain(*, subject, note: str) -> ApprovalChain | None:
    """Close the subject's open round, if any, without an outcome (the subject was withdrawn)."""
    with transaction.atomic():
        chain = _open_rounds(subject).select_for_update().first()
        if chain is None:
            return None
        _cancel_open(chain, note)
        _close(chain, ChainStatus.CANCELLED)
    return chain


def save_approval_rule(*, rule: ApprovalRule, by: User | None) -> ApprovalRule:
    """Validate (the fact belongs to the policy, the condition fits it...) and save a rule with its history row."""
    rule.full_clean()
    with transaction.atomic():
        save_with_history(rule, by=by, reason=RULE_SAVED)
    return rule


def install_default_rules(*, policy_key: str, rules: list[tuple], reason: str) -> int:
    """Give a new installation a policy's default rules: `rules` are (position, name, condition, fact,
    threshold, approver, approver role, step). Returns how many were created.

    Does nothing once any rule of the policy exists or ever existed (its history is kept), so a policy
    admins emptied on purpose stays empty (its subjects then go to the policy's fallback approver).
    """
    existing = ApprovalRule.objects.filter(policy=policy_key)
    if existing.exists() or ApprovalRule.history.filter(policy=policy_key).exists():
        return 0
    for position, name, condition, fact, threshold, approver, role, step in rules:
        rule = ApprovalRule(
            policy=policy_key,
            name=name,
            position=position,
            condition=condition,
            fact=fact,
            threshold=threshold,
            approver=approver,
            approver_role=role,
            step=step,
        )
        save_with_history(rule, by=None, reason=reason)
    return len(rules)


# --- Plumbing ----------------------------------------------------------------------------------------


def _locked_open_chain(subject) -> tuple[ApprovalChain, ApprovalPolicy]:
    # Lock the round: two approvers at once must not both take one step or both complete the chain.
    chain = _open_rounds(subject).select_for_update().first()
    if chain is None:
        raise ApprovalError(_("This is not awaiting approval: it may have just been decided."))
    return chain, registry.approval_policy(chain.policy)


def _open_decisions(chain: ApprovalChain):
    return Decision.objects.open().filter(approval_step__chain=chain)


def _decision_for(chain: ApprovalChain, policy: ApprovalPolicy, by: User) -> Decision:
    """The open step decision `by` takes, or ApprovalError saying why there is none."""
    subject = policy.subject_label
    if by.pk in set(policy.creators(chain.subject)):
        raise ApprovalError(_("You created this %(subject)s, so you may not approve it.") % {"subject": subject})
    if by.pk in _excluded(chain, policy):
        raise ApprovalError(_("You submitted this %(subject)s, so you may not approve it.") % {"subject": subject})
    waiting = list(_open_decisions(chain).select_for_update(of=("self",)))
    mine = [decision for decision in waiting if can_take_decision(by, decision)]
    if not mine:
        addressed = any(is_addressed_to(by, decision) for decision in waiting)
        if addressed and Decision.objects.filter(approval_step__chain=chain, decided_by=by).exists():
            raise ApprovalError(_("You already took a decision in this round: another person must take this approval."))
        if addressed:
            raise ApprovalError(_("This approval needs an authority you do not hold: hand it to someone who does."))
        raise ApprovalError(
            _("No approval of this %(subject)s is waiting on you: it may have just been decided.")
            % {"subject": subject}
        )
    # A person named on a step goes before a role step they could also take.
    mine.sort(key=lambda d: (d.owner_id != by.pk, d.sequence or 0, d.pk))
    return mine[0]


def _raise_next_step(chain: ApprovalChain, subject, policy: ApprovalPolicy) -> bool:
    """Raise decisions for the lowest waiting step of the round. False when none is left."""
    waiting = list(chain.steps.filter(decision__isnull=True).select_related("approver").order_by("step", "id"))
    if not waiting:
        return False
    current = waiting[0].step
    for step in (s for s in waiting if s.step == current):
        if step.approver is not None and not _step_rule(step).allows(step.approver):
            # Deactivated, or already decided in this round, since the chain was planned: the admins
            # stand in, and the reason says so.
            why = _("was deactivated") if not step.approver.is_active else _("may not take this step now")
            note = _("(%(who)s %(why)s: routed to admins)") % {"who": step.approver, "why": why}
            step.reason = f"{step.reason} {note}"[:500]
            step.approver, step.approver_role = None, Role.ADMIN
        step.decision = raise_decision(
            kind=policy.decision_kind,
            title=policy.title(subject),
            # The reasons can name costs: they stay on the subject's page, where those who may see costs see them.
            detail=_("Step %(step)d of the approval chain. The %(subject)s's page shows why this step is yours.")
            % {"step": step.step, "subject": policy.subject_label},
            owner=step.approver,
            owner_role=step.approver_role,
            sla_business_days=step.sla_business_days,
            subject=subject,
            sequence=step.step,
            by=None,  # the policy raises approvals, not whoever happened to trigger the step
            key=f"chain:{chain.pk}:step:{step.pk}",
        )
        step.save(update_fields=["decision", "approver", "approver_role", "reason"])
    return True


def _cancel_open(chain: ApprovalChain, note: str) -> None:
    for decision in _open_decisions(chain):
        cancel_decision(decision=decision, by=None, note=note)


def _close(chain: ApprovalChain, status: str) -> None:
    chain.status = status
    chain.closed_at = clock.now()
    chain.save(update_fields=["status", "closed_at"])
