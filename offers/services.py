"""Every change to an offer: drafting and revising its terms (versions), the approval chain on the
current version, extending it, the candidate's answer, and closing it.

Each function takes the acting user as `by`, checks that they may act, validates, writes inside one
transaction on the locked offer row, and records the move in history. The extension rule is stated
once, in `extension_problem`: the page, the admin and every caller go through `extend_offer`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.choices import PreStartCause, ReasonCategory
from candidates.models import Application, ReasonCode, Stage
from candidates.services import PipelineError, close_application, enter_pre_start, move_application
from offers import choices
from offers.choices import LIVE, POLICY, RESPONSE_KIND, OfferStatus, VersionStatus
from offers.costs import commitment_lines
from offers.letters import check_placeholders
from offers.models import Offer, OfferAllowance, OfferLetterTemplate, OfferVersion
from offers.permissions import can_manage_offer, offer_refusal
from offers.signals import offer_accepted
from portal import clock
from portal.choices import ChainStatus, CostKind, DecisionStatus, Outcome
from portal.exceptions import PortalError
from portal.models import Decision, User
from portal.permissions import can_take_decision
from portal.services import approvals, ledger
from portal.services.decisions import cancel_decision, raise_decision, resolve_decision
from portal.services.notifications import notify
from portal.services.records import check_move, move, save_with_history
from requisitions.services import RequisitionError, record_hire

# The terms a version holds; changing any of them makes a new version once one was submitted.
TERM_FIELDS = [
    "title",
    "level",
    "location",
    "employment_type",
    "currency",
    "pay_basis",
    "base_amount",
    "hours_per_week",
    "bonus_kind",
    "bonus_value",
    "equity_note",
    "signing_bonus",
    "relocation",
    "start_date",
    "expires_on",
    "bill_rate",
    "duration_weeks",
]
OFFER_STAGE = "offer"


class OfferError(PortalError):
    pass


# Moves along the offer's transition table (offers.choices.TRANSITIONS).
_move = partial(move, transitions=choices.TRANSITIONS, error=OfferError)


@dataclass(frozen=True)
class AllowanceInput:
    kind: str
    amount: Decimal


# --- Drafting and revising ---------------------------------------------------------------------------


def create_offer(*, application: Application, by: User, terms: dict, allowances=(), change_note: str = "") -> Offer:
    """Draft an offer (its version 1) for an active application on an open requisition; the application
    moves to the Offer stage when it is not there yet."""
    with transaction.atomic():
        # Locked: two drafts at once must not both find no live offer on it.
        app = Application.objects.select_for_update().select_related("requisition", "stage").get(pk=application.pk)
        req = app.requisition
        refusal = offer_refusal(by, app)
        if refusal:
            raise OfferError(refusal)
        now = clock.now()
        offer = Offer(application=app, requisition=req, created_by=by, created_at=now)
        save_with_history(offer, by=by, reason=choices.CREATED)
        version = _new_version(offer, number=1, terms=terms, allowances=allowances, by=by, note=change_note)
        # The version points at its offer and the offer at its version: the second link is plumbing, not
        # an event of its own in the offer's history.
        Offer.objects.filter(pk=offer.pk).update(current_version=version)
        offer.current_version = version
        _to_offer_stage(app, by=by)
    return offer


def changed_terms(version: OfferVersion, terms: dict, allowances) -> list[str]:
    """The labels of the terms `terms` and `allowances` change on `version` (empty: nothing changed)."""
    changed = []
    for name in TERM_FIELDS:
        if name not in terms:
            continue
        old, new = getattr(version, name), terms[name]
        if hasattr(old, "pk") or hasattr(new, "pk"):
            old, new = getattr(old, "pk", old), getattr(new, "pk", new)
        if isinstance(old, Decimal) or isinstance(new, Decimal):
            old = None if old is None else Decimal(old)
            new = None if new is None or new == "" else Decimal(new)
        if old != new:
            changed.append(str(OfferVersion._meta.get_field(name).verbose_name))
    before = {(a.kind, Decimal(a.amount)) for a in version.allowances.all()}
    after = {(a.kind, Decimal(a.amount)) for a in allowances}
    if before != after:
        changed.append(str(_("allowances")))
    return changed


def revise_offer(*, offer: Offer, by: User, terms: dict, allowances=(), change_note: str = "") -> OfferVersion:
    """Change the terms. A version never submitted is edited in place; otherwise the change is a new
    version superseding the current one: its open approvals are cancelled, an approved version's
    approvals are voided, an extended offer's wait for an answer ends, and the offer is a draft again
    (it needs approving again). A new version needs a note saying what changed and why."""
    with transaction.atomic():
        offer = _locked(offer)
        _check_manager(offer, by)
        if offer.status not in LIVE:
            raise OfferError(
                _("This offer is %(status)s: its terms can no longer change.")
                % {"status": offer.get_status_display().lower()}
            )
        current = offer.current_version
        changed = changed_terms(current, terms, allowances)
        if not changed:
            raise OfferError(_("Nothing changed: change a term to make a new version."))
        if not current.is_fixed:
            _fill_version(current, terms, allowances, note=change_note or current.change_note)
            save_with_history(offer, by=by, reason=choices.REVISED)
            return current
        if not change_note.strip():
            raise OfferError(_("Say what changed and why: a new version needs a note."))
        was = offer.get_status_display().lower()
        note = _("Replaced by version %(n)d (%(what)s).") % {"n": current.number + 1, "what": ", ".join(changed)}
        approvals.cancel_chain(subject=current, note=note)
        _close_response(offer, note=note)
        current.status = VersionStatus.VOIDED if offer.approved_version_id == current.pk else VersionStatus.SUPERSEDED
        current.save(update_fields=["status"])
        version = _new_version(
            offer,
            number=current.number + 1,
            terms={**_terms_of(current), **terms},
            allowances=allowances,
            by=by,
            note=change_note,
            supersedes=current,
        )
        offer.current_version = version
        offer.status_note = _("Version %(n)d replaced version %(old)d while the offer was %(was)s: %(what)s.") % {
            "n": version.number,
            "old": current.number,
            "was": was,
            "what": ", ".join(changed),
        }
        _move(offer, OfferStatus.DRAFT, by=by, reason=choices.REVISED)
        _tell(offer, offer.status_note, by, approvers_of=current)
    return version


def _new_version(offer, *, number, terms, allowances, by, note, supersedes=None) -> OfferVersion:
    version = OfferVersion(
        offer=offer,
        number=number,
        supersedes=supersedes,
        created_by=by,
        created_at=clock.now(),
        follows_approval=offer.approved_version_id is not None,
    )
    _fill_version(version, terms, allowances, note=note)
    return version


def _fill_version(version: OfferVersion, terms: dict, allowances, *, note: str) -> None:
    unknown = set(terms) - set(TERM_FIELDS)
    if unknown:
        raise OfferError(_("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in terms.items():
        setattr(version, name, value)
    version.change_note = note.strip()
    kinds = [a.kind for a in allowances]
    if len(kinds) != len(set(kinds)):
        raise OfferError(_("List each kind of allowance once."))
    if any(a.amount is None or Decimal(a.amount) <= 0 for a in allowances):
        raise OfferError(_("An allowance needs an amount above zero."))
    _validate(version)
    version.save()
    version.allowances.all().delete()
    OfferAllowance.objects.bulk_create(
        [OfferAllowance(version=version, kind=a.kind, amount=a.amount) for a in allowances]
    )


def _validate(version: OfferVersion) -> None:
    problems: dict[str, list[str]] = {}
    try:
        version.full_clean(exclude=["offer", "created_by", "supersedes"], validate_unique=False)
    except ValidationError as exc:
        problems.update(exc.message_dict)
    if version.start_date and version.expires_on and version.expires_on > version.start_date:
        problems.setdefault("expires_on", []).append(_("The offer must expire on or before the start date."))
    if version.is_contract and (version.bill_rate is None or not version.duration_weeks):
        problems.setdefault("bill_rate", []).append(_("A contract offer needs a bill rate and a duration."))
    if version.bonus_kind == "none" and version.bonus_value:
        version.bonus_value = Decimal("0")
    if version.bonus_kind == "percent" and version.bonus_value and version.bonus_value > 200:
        problems.setdefault("bonus_value", []).append(_("A bonus target over 200 % of base is a slipped key."))
    if problems:
        raise OfferError(
            " ".join(
                f"{OfferVersion._meta.get_field(f).verbose_name if f != '__all__' else ''}: {' '.join(m)}".lstrip(": ")
                for f, m in problems.items()
            )
        )


def _terms_of(version: OfferVersion) -> dict:
    return {name: getattr(version, name) for name in TERM_FIELDS}


def _to_offer_stage(app: Application, *, by: User) -> None:
    stage = Stage.objects.active().filter(code=OFFER_STAGE).first()
    if stage is not None and app.stage.position < stage.position:
        move_application(application=app, to_stage=stage, by=by, note=_("Offer drafted."))


# --- Approval ----------------------------------------------------------------------------------------


def submission_problems(offer: Offer) -> list[str]:
    version = offer.current_version
    problems = []
    today = timezone.localdate(clock.now())
    if version.start_date <= today:
        problems.append(_("The start date has passed: choose a start date after today."))
    if version.expires_on < today:
        problems.append(_("The offer's expiry date has passed: choose a later one."))
    if version.status == VersionStatus.REJECTED:
        problems.append(_("Version %(n)d was rejected: revise its terms first.") % {"n": version.number})
    return problems


def submit_offer(*, offer: Offer, by: User) -> Offer:
    """Send the current version into its approval chain (planned from the offer policy's rules)."""
    with transaction.atomic():
        offer = _locked(offer)
        _check_manager(offer, by)
        if offer.status != OfferStatus.DRAFT:
            raise OfferError(_("Only a draft offer can be submitted."))
        problems = submission_problems(offer)
        if problems:
            raise OfferError(" ".join(problems))
        version = offer.current_version
        version.status = VersionStatus.IN_APPROVAL
        version.save(update_fields=["status"])
        offer.status_note = ""
        _move(offer, OfferStatus.PENDING_APPROVAL, by=by, reason=choices.SUBMITTED)
        approvals.start_chain(subject=version, policy_key=POLICY, by=by)
    return offer


def approve_offer(*, offer: Offer, by: User, note: str = "") -> Offer:
    """Approve `by`'s step of the current version's chain; after its last step the offer is approved."""
    with transaction.atomic():
        offer = _locked(offer)
        _check_pending(offer)
        chain = approvals.approve(subject=offer.current_version, by=by, note=note)
        save_with_history(offer, by=by, reason=choices.STEP_APPROVED)
        if not chain.is_open:
            version = offer.current_version
            version.status = VersionStatus.APPROVED
            version.save(update_fields=["status"])
            offer.approved_version = version
            offer.approved_at = clock.now()
            _move(offer, OfferStatus.APPROVED, by=by, reason=choices.APPROVED)
            _tell(offer, _("%(ref)s v%(n)d is approved: it can be extended.") % _names(offer), by)
    return offer


def send_back_offer(*, offer: Offer, by: User, note: str) -> Offer:
    return _refuse(offer, by=by, note=note, outcome=Outcome.SENT_BACK)


def reject_offer(*, offer: Offer, by: User, note: str) -> Offer:
    return _refuse(offer, by=by, note=note, outcome=Outcome.REJECTED)


def _refuse(offer: Offer, *, by: User, note: str, outcome: str) -> Offer:
    """Send back (resubmit as it is, or revised) or reject (revise before resubmitting): the offer is a
    draft again, with the approver's reason."""
    if not note.strip():
        raise OfferError(_("Say why: a comment is required."))
    with transaction.atomic():
        offer = _locked(offer)
        _check_pending(offer)
        approvals.refuse(subject=offer.current_version, by=by, note=note, outcome=outcome)
        version = offer.current_version
        version.status = VersionStatus.REJECTED if outcome == Outcome.REJECTED else VersionStatus.SENT_BACK
        version.save(update_fields=["status"])
        offer.status_note = note.strip()
        reason = choices.REJECTED if outcome == Outcome.REJECTED else choices.SENT_BACK
        _move(offer, OfferStatus.DRAFT, by=by, reason=reason)
        _tell(offer, _("%(ref)s v%(n)d: %(outcome)s by %(who)s: %(note)s") % {
            **_names(offer), "outcome": Outcome(outcome).label, "who": by, "note": note.strip(),
        }, by)  # fmt: skip
    return offer


def _check_pending(offer: Offer) -> None:
    if offer.status != OfferStatus.PENDING_APPROVAL:
        raise OfferError(
            _("This offer is not awaiting approval (it is %(status)s).")
            % {"status": offer.get_status_display().lower()}
        )


# --- Extending: the rule -------------------------------------------------------------------------------


def extension_problem(offer: Offer) -> str | None:
    """Why `offer` cannot be extended now, or None. The one statement of the rule: no offer reaches a
    candidate before every step of its current version's approval chain approved it."""
    version = offer.current_version
    if version is None:
        return _("This offer has no terms yet.")
    if offer.status == OfferStatus.EXTENDED:
        return _("This offer was already extended.")
    if offer.status in (OfferStatus.DRAFT, OfferStatus.PENDING_APPROVAL):
        return _(
            "Version %(n)d is not approved yet: every approval step of the current version must approve it "
            "before the offer is extended."
        ) % {"n": version.number}
    if offer.status != OfferStatus.APPROVED:
        return _("This offer is %(status)s: it cannot be extended.") % {"status": offer.get_status_display().lower()}
    chain = approvals.latest_chain(version)
    if (
        offer.approved_version_id != version.pk
        or version.status != VersionStatus.APPROVED
        or chain is None
        or chain.status != ChainStatus.APPROVED
    ):
        return _("Version %(n)d is not approved: submit it for approval first.") % {"n": version.number}
    pending = Decision.objects.filter(approval_step__chain=chain).exclude(
        status=DecisionStatus.DONE, outcome=Outcome.APPROVED
    )
    if pending.exists():
        return _("Version %(n)d has approval steps that did not approve it.") % {"n": version.number}
    today = timezone.localdate(clock.now())
    if version.expires_on < today:
        return _("Version %(n)d expired on %(day)s: revise its expiry date first.") % {
            "n": version.number,
            "day": version.expires_on.isoformat(),
        }
    return None


def extend_offer(*, offer: Offer, by: User) -> Offer:
    """Record that the approved current version went to the candidate; the recruiter's "offer response"
    decision tracks the wait until the end of its expiry day."""
    with transaction.atomic():
        offer = _locked(offer)
        _check_manager(offer, by)
        problem = extension_problem(offer)
        if problem:
            raise OfferError(problem)
        offer.extended_version = offer.current_version
        offer.extended_at = clock.now()
        _move(offer, OfferStatus.EXTENDED, by=by, reason=choices.EXTENDED)
        _raise_response(offer, by=by)
    return offer


def _raise_response(offer: Offer, *, by: User) -> None:
    req = offer.requisition
    owner = req.recruiter if req.recruiter_id and req.recruiter.is_active else by
    version = offer.current_version
    due = timezone.make_aware(datetime.combine(version.expires_on, time(23, 59)))  # the end of its expiry day
    raise_decision(
        kind=RESPONSE_KIND,
        title=_("Answer to offer %(ref)s: %(who)s") % {"ref": offer.reference, "who": offer.application.candidate},
        detail=_("Extended on %(day)s; the offer expires at the end of %(expires)s.")
        % {"day": timezone.localdate(offer.extended_at).isoformat(), "expires": version.expires_on.isoformat()},
        owner=owner,
        due_at=due,
        subject=offer,
        by=None,
        key=f"offer:{offer.pk}:response:{version.number}",
    )


def _close_response(offer: Offer, *, note: str, outcome: str | None = None, by: User | None = None) -> None:
    for decision in Decision.objects.open().for_subject(offer).filter(kind=RESPONSE_KIND):
        if outcome is None:
            cancel_decision(decision=decision, by=None, note=note)
        else:
            taker = by if by is not None and can_take_decision(by, decision) else None
            resolve_decision(decision=decision, outcome=outcome, by=taker, note=note)


# --- The answer -------------------------------------------------------------------------------------------


def accept_offer(*, offer: Offer, by: User, note: str = "") -> Offer:
    """The candidate accepted, in one transaction: the application moves to Pre-start, the requisition
    counts the hire (its forecast for that opening reversed, filled when none is left), the hire's costs
    are committed in the ledger from the start date, and `offer_accepted` is sent."""
    with transaction.atomic():
        offer = _locked(offer)
        _check_manager(offer, by)
        if offer.status != OfferStatus.EXTENDED:
            raise OfferError(_("Only an extended offer can be accepted."))
        version = offer.current_version
        app = offer.application
        what = _("%(who)s accepted %(ref)s") % {"who": app.candidate, "ref": offer.reference}
        try:
            enter_pre_start(application=app, by=by, cause=PreStartCause.OFFER, note=_("Offer accepted."))
            record_hire(requisition=offer.requisition, by=by, what=str(what))
        except (PipelineError, RequisitionError) as exc:
            raise OfferError(str(exc)) from exc
        req = offer.requisition
        req.refresh_from_db()
        if req.cost_center_id:
            ledger.record_lines(
                lines=commitment_lines(version),
                kind=CostKind.COMMITTED,
                first_month=version.start_date,
                cost_center=req.cost_center,
                by=by,
                need=req,
                source=offer,
                memo=str(what),
            )
        offer.responded_at = clock.now()
        offer.closed_at = offer.responded_at
        offer.status_note = note.strip()
        _move(offer, OfferStatus.ACCEPTED, by=by, reason=choices.ACCEPTED)
        _close_response(offer, note=note.strip() or str(what), outcome=Outcome.ACCEPTED, by=by)
        offer_accepted.send(sender=Offer, offer=offer, version=version, by=by)
        _tell(offer, _("%(ref)s v%(n)d was accepted.") % _names(offer), by)
    return offer


def move_commitment(*, offer: Offer, start: date, by: User | None, memo: str) -> None:
    """The hire's start moved (or was confirmed on another day): the pay the accepted offer committed moves
    to the months from `start`. The standing commitments are reversed and recorded again from the new start
    (never edited), so the ledger's totals are unchanged and the months follow the start."""
    with transaction.atomic():
        offer = _locked(offer)
        if offer.status != OfferStatus.ACCEPTED:
            raise OfferError(_("Only an accepted offer's commitments follow its start date."))
        req = offer.requisition
        if not req.cost_center_id or not ledger.has_outstanding(source=offer, kind=CostKind.COMMITTED):
            return
        ledger.reverse_outstanding(source=offer, kind=CostKind.COMMITTED, by=by, memo=memo)
        ledger.record_lines(
            lines=commitment_lines(offer.current_version),
            kind=CostKind.COMMITTED,
            first_month=start,
            cost_center=req.cost_center,
            by=by,
            need=req,
            source=offer,
            memo=memo,
        )


def reverse_commitment(*, offer: Offer, by: User | None, memo: str) -> None:
    """The hire fell through before the start (a no-show, a withdrawal): what the offer committed is reversed."""
    with transaction.atomic():
        offer = _locked(offer)
        ledger.reverse_outstanding(source=offer, kind=CostKind.COMMITTED, by=by, memo=memo)


def decline_offer(*, offer: Offer, by: User, reason: ReasonCode, note: str = "") -> Offer:
    """The candidate declined, for a reason of the "offer declined" vocabulary: the application closes."""
    if reason is None or reason.category != ReasonCategory.OFFER_DECLINED:
        raise OfferError(_("Choose why the candidate declined (an “offer declined” reason)."))
    with transaction.atomic():
        offer = _locked(offer)
        _check_manager(offer, by)
        if offer.status != OfferStatus.EXTENDED:
            raise OfferError(_("Only an extended offer can be declined."))
        try:
            close_application(application=offer.application, reason=reason, by=by, note=note)
        except PipelineError as exc:
            raise OfferError(str(exc)) from exc
        offer.decline_reason = reason
        offer.responded_at = clock.now()
        offer.closed_at = offer.responded_at
        offer.status_note = note.strip()
        _move(offer, OfferStatus.DECLINED, by=by, reason=choices.DECLINED)
        said = f"{reason.label}: {note.strip()}" if note.strip() else reason.label
        _close_response(offer, note=said, outcome=Outcome.DECLINED, by=by)
        _tell(offer, _("%(ref)s was declined: %(why)s") % {**_names(offer), "why": said}, by)
    return offer


def rescind_offer(*, offer: Offer, by: User, note: str) -> Offer:
    """Take back an extended offer (a reason is required). The application stays as it is."""
    return _close(offer, by=by, note=note, to=OfferStatus.RESCINDED, reason=choices.RESCINDED)


def withdraw_offer(*, offer: Offer, by: User, note: str) -> Offer:
    """Abandon an offer before it reached the candidate (a reason is required); open approvals close."""
    return _close(offer, by=by, note=note, to=OfferStatus.WITHDRAWN, reason=choices.WITHDRAWN)


def _close(offer: Offer, *, by: User, note: str, to: str, reason: str) -> Offer:
    """Rescind or withdraw, where the transition table allows it (checked before anything is undone)."""
    if not note.strip():
        raise OfferError(_("Say why: a comment is required."))
    with transaction.atomic():
        offer = _locked(offer)
        _check_manager(offer, by)
        check_move(offer, to, transitions=choices.TRANSITIONS, error=OfferError)
        text = _("%(to)s by %(who)s: %(note)s") % {"to": OfferStatus(to).label, "who": by, "note": note.strip()}
        approvals.cancel_chain(subject=offer.current_version, note=text)
        _close_response(offer, note=text)
        offer.status_note = note.strip()
        offer.closed_at = clock.now()
        _move(offer, to, by=by, reason=reason)
        _tell(offer, f"{offer.reference}: {text}", by)
    return offer


def expire_offers(*, today: date | None = None) -> int:
    """Expire every extended offer whose expiry date has passed, and tell its recruiter. Idempotent (a
    beat task runs it hourly). Returns how many expired."""
    today = today or timezone.localdate(clock.now())
    due = Offer.objects.filter(status=OfferStatus.EXTENDED, current_version__expires_on__lt=today)
    expired = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            offer = _locked(Offer(pk=pk))
            if offer.status != OfferStatus.EXTENDED or offer.current_version.expires_on >= today:
                continue  # answered meanwhile
            note = _("Expired unanswered on %(day)s.") % {"day": offer.current_version.expires_on.isoformat()}
            _close_response(offer, note=note)
            offer.status_note = note
            offer.closed_at = clock.now()
            _move(offer, OfferStatus.EXPIRED, by=None, reason=choices.EXPIRED)
            _tell(offer, f"{offer.reference} ({offer.application.candidate}): {note}", None)
            expired += 1
    return expired


# --- Letter templates ---------------------------------------------------------------------------------


def save_letter_template(*, template: OfferLetterTemplate, by: User | None) -> OfferLetterTemplate:
    """Validate (known placeholders only) and save; making one the default unsets the others."""
    unknown = check_placeholders(template.body)
    if unknown:
        raise OfferError(unknown)
    template.full_clean(exclude=["updated_by"], validate_unique=False)
    with transaction.atomic():
        if template.is_default:
            OfferLetterTemplate.objects.filter(is_default=True).exclude(pk=template.pk).update(is_default=False)
        template.updated_at = clock.now()
        template.updated_by = by
        try:
            save_with_history(template, by=by, reason=choices.LETTER_SAVED)
        except IntegrityError:
            raise OfferError(_("A letter template with this name exists.")) from None
    return template


# --- Plumbing ------------------------------------------------------------------------------------------


def _locked(offer: Offer) -> Offer:
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("current_version", "requisition", "application__candidate")
        .get(pk=offer.pk)
    )


def _check_manager(offer: Offer, by: User) -> None:
    if not can_manage_offer(by, offer.requisition):
        raise OfferError(
            _("Only a recruiter running %(ref)s may work its offers.") % {"ref": offer.requisition.reference}
        )


def _names(offer: Offer) -> dict:
    return {"ref": offer.reference, "n": offer.current_version.number}


def _tell(offer: Offer, message: str, by: User | None, approvers_of: OfferVersion | None = None) -> None:
    """Tell the people who run the offer (and, for a replaced version, whoever approved it), after commit."""
    req = offer.requisition
    people = {p for p in (offer.created_by, req.recruiter, req.hiring_manager) if p is not None}
    if approvers_of is not None:
        steps = approvals.chain_timeline(approvers_of)
        people |= {s.decision.decided_by for s in steps if s.decision and s.decision.outcome == Outcome.APPROVED} - {
            None
        }
    notify(users=[p for p in people if p != by and p.is_active], message=message, url=offer.get_absolute_url())
