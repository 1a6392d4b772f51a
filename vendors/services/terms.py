"""An engagement's terms: the rate it bills against its rate card (above the card only with a reason, then
in approval), the first terms and each renewal's, and putting terms in force."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from portal import clock
from portal.choices import ChainStatus, Outcome
from portal.models import User
from portal.services import approvals
from portal.services.records import save_with_history
from vendors import choices
from vendors.choices import (
    RATE_POLICY,
    EngagementStatus,
    RateApproval,
)
from vendors.models import (
    Engagement,
    EngagementTerm,
    RateCard,
    Vendor,
)
from vendors.permissions import (
    can_manage_engagement,
)
from vendors.services.base import MAX_ENGAGEMENT_DAYS, VendorError, clean, locked_engagement, tell
from vendors.services.forecast import sync_forecast
from vendors.services.renewal_decision import ask_renewal


def check_dates(start: date, end: date) -> None:
    if end < start:
        raise VendorError(_("The end date is before the start date."))
    if (end - start).days > MAX_ENGAGEMENT_DAYS:
        raise VendorError(_("Engagements run for three years at most: renew a longer one."))


def check_card(card: RateCard, *, vendor: Vendor, requisition, day: date) -> RateCard:
    card = RateCard.objects.select_related("role_family", "level", "location").get(pk=card.pk)
    if card.vendor_id != vendor.pk:
        raise VendorError(_("That rate card is another vendor's."))
    if not card.valid_from <= day <= card.valid_to:
        raise VendorError(
            _("The rate card is valid %(start)s to %(end)s; it does not cover %(day)s.")
            % {"start": card.valid_from, "end": card.valid_to, "day": day}
        )
    if requisition.role_family_id and card.role_family_id != requisition.role_family_id:
        raise VendorError(
            _("The rate card is for %(card)s; %(ref)s is %(req)s.")
            % {"card": card.role_family, "ref": requisition.reference, "req": requisition.role_family}
        )
    return card


def set_rate(term: EngagementTerm, card: RateCard, bill_rate, reason: str) -> None:
    """The one rule of a term's rate against its card: more than zero; above the card only with a reason,
    and then in approval; the markup it implies over the card's pay rate (kept within 0–300 %)."""
    bill_rate = card.bill_rate if bill_rate is None else Decimal(bill_rate)
    if bill_rate <= 0:
        raise VendorError(_("The bill rate must be more than zero."))
    above = bill_rate > card.bill_rate
    if above and not reason.strip():
        raise VendorError(
            _("%(rate)s is above the rate card's %(card)s: say why, and it goes for approval.")
            % {"rate": f"{bill_rate:,.2f}", "card": f"{card.bill_rate:,.2f}"}
        )
    markup = ((bill_rate / card.pay_rate - 1) * 100).quantize(Decimal("0.01")) if card.pay_rate else Decimal("0")
    term.rate_card = card
    term.pay_rate = card.pay_rate
    term.overtime_multiplier = card.overtime_multiplier
    term.bill_rate = bill_rate
    term.markup_pct = max(Decimal("0"), min(markup, Decimal("300")))
    term.rate_approval = RateApproval.PENDING if above else RateApproval.WITHIN_CARD
    term.rate_reason = reason.strip() if above else ""


def new_term(engagement, *, number, card, starts_on, ends_on, bill_rate, reason, by) -> EngagementTerm:
    term = EngagementTerm(
        engagement=engagement,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
        created_at=clock.now(),
    )
    set_rate(term, card, bill_rate, reason)
    clean(term)
    save_with_history(term, by=by, reason=choices.ENGAGEMENT_CREATED)
    return term


def after_new_term(engagement: Engagement, term: EngagementTerm, *, by: User | None) -> None:
    """A term within its card is in force at once; above it, its approval chain starts."""
    if term.in_force:
        _put_in_force(engagement, term, by=by)
    else:
        # Terms in approval imply nothing yet: a planned rate revised above the card takes its forecast back.
        sync_forecast(
            engagement,
            by=by,
            memo=_("%(ref)s terms %(n)d in approval") % {"ref": engagement.reference, "n": term.number},
        )
        approvals.start_chain(subject=term, policy_key=RATE_POLICY, by=by)
        tell(
            engagement,
            _("%(ref)s: a rate of %(rate)s above the card went for approval.")
            % {"ref": engagement.reference, "rate": f"{term.bill_rate:,.2f}"},
            by,
        )


def _put_in_force(engagement: Engagement, term: EngagementTerm, *, by: User | None) -> None:
    if term.number == 1:
        engagement.start_date, engagement.end_date = term.starts_on, term.ends_on
    else:
        engagement.end_date = term.ends_on
        if engagement.status == EngagementStatus.EXTENSION_PENDING:
            engagement.status = EngagementStatus.ACTIVE
    if term.starts_on <= clock.today() or term.number == 1:
        engagement.bill_rate = term.bill_rate
    save_with_history(
        engagement, by=by, reason=choices.ENGAGEMENT_RENEWED if term.number > 1 else choices.ENGAGEMENT_CREATED
    )
    sync_forecast(engagement, by=by, memo=_("%(ref)s terms %(n)d") % {"ref": engagement.reference, "n": term.number})


def revise_rate(*, engagement: Engagement, by: User, bill_rate: Decimal, reason: str = "") -> EngagementTerm:
    """Change the rate of a planned engagement's first terms (sent back, refused, or before approval):
    the open chain closes, and a rate still above the card starts the next round."""
    if not can_manage_engagement(by, engagement.requisition):
        raise VendorError(_("Only a recruiter running the requisition may change the rate."))
    with transaction.atomic():
        engagement = locked_engagement(engagement)
        if engagement.status != EngagementStatus.PLANNED:
            raise VendorError(_("Only a planned engagement's rate is changed; renew a running one."))
        term = engagement.terms.select_for_update().get(number=1)
        approvals.cancel_chain(subject=term, note=_("The rate was changed."))
        set_rate(term, term.rate_card, bill_rate, reason)
        clean(term)
        save_with_history(term, by=by, reason=choices.ENGAGEMENT_SUBMITTED)
        if term.in_force:
            engagement.bill_rate = term.bill_rate
        after_new_term(engagement, term, by=by)
    return term


def pending_term(engagement: Engagement) -> EngagementTerm | None:
    return engagement.terms.filter(rate_approval=RateApproval.PENDING).order_by("-number").first()


def approve_rate(*, engagement: Engagement, by: User, note: str = "") -> EngagementTerm:
    """Approve `by`'s step of the pending terms' chain; the last approval puts the terms in force."""
    with transaction.atomic():
        engagement = locked_engagement(engagement)
        term = _pending(engagement)
        try:
            chain = approvals.approve(subject=term, by=by, note=note)
        except approvals.ApprovalError as exc:
            raise VendorError(str(exc)) from exc
        if chain.status == ChainStatus.APPROVED:
            term.rate_approval = RateApproval.APPROVED
            save_with_history(term, by=by, reason=choices.ENGAGEMENT_RATE_APPROVED)
            _put_in_force(engagement, term, by=by)
            tell(engagement, _("%(ref)s: the rate was approved.") % {"ref": engagement.reference}, by)
    return term


def refuse_rate(*, engagement: Engagement, by: User, note: str, outcome: str) -> EngagementTerm:
    """Reject or send back the pending rate. A planned engagement waits for a new rate; a renewal goes
    back to the hiring manager to renew at another rate or end."""
    with transaction.atomic():
        engagement = locked_engagement(engagement)
        term = _pending(engagement)
        try:
            approvals.refuse(subject=term, by=by, note=note, outcome=outcome)
        except approvals.ApprovalError as exc:
            raise VendorError(str(exc)) from exc
        term.rate_approval = RateApproval.REJECTED
        save_with_history(term, by=by, reason=choices.ENGAGEMENT_RATE_REFUSED)
        if term.number > 1:
            ask_renewal(engagement, attempt=term.number)
        tell(
            engagement,
            _("%(ref)s: the rate of %(rate)s was %(outcome)s: %(note)s")
            % {
                "ref": engagement.reference,
                "rate": f"{term.bill_rate:,.2f}",
                "outcome": Outcome(outcome).label.lower(),
                "note": note.strip()[:150],
            },
            by,
        )
    return term


def _pending(engagement: Engagement) -> EngagementTerm:
    term = pending_term(engagement)
    if term is None:
        raise VendorError(_("No rate of this engagement is waiting for approval."))
    return term
