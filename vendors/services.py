"""Every change to vendors and what they bill: the vendor list and its clauses, rate cards, agency
placements, engagements (terms, rate approval, start, renewal, end), timesheets and invoices
(matching, approval with or without an override, payment), and the ledger events each implies.

Each function takes the acting user as `by` (None: the portal's own jobs), checks that they may act,
validates, writes inside one transaction on the locked row, and records the change in history.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from candidates.choices import SourceKind
from candidates.models import Candidate, Source
from portal import clock
from portal.choices import ChainStatus, CostCategory, CostKind, Outcome, Role
from portal.exceptions import PortalError
from portal.models import CostEvent, Decision, User
from portal.money import Money
from portal.permissions import can_take_decision
from portal.services import approvals, ledger
from portal.services.decisions import raise_decision, resolve_decision
from portal.services.notifications import notify
from requisitions.choices import CLOSED as CLOSED_REQUISITION
from requisitions.services import RequisitionError, opening_refusal, record_hire
from vendors import choices
from vendors.choices import (
    EXPIRY_NOTICE_DAYS,
    IN_FORCE,
    OPEN_INVOICE,
    OPEN_REQUISITION,
    RATE_POLICY,
    RENEWAL_KIND,
    RENEWAL_NOTICE_DAYS,
    SUPPLIES_CONTRACTORS,
    WORKING,
    EngagementStatus,
    ExpiryKind,
    InvoiceStatus,
    RateApproval,
    TimesheetStatus,
    VendorStatus,
)
from vendors.costs import monday_of, monthly_labour, term_for
from vendors.matching import match, matchable_timesheets, status_for
from vendors.models import (
    MAX_INVOICE,
    MAX_WEEK_HOURS,
    ClauseCheck,
    Engagement,
    EngagementTerm,
    ExpiryNotice,
    Invoice,
    InvoiceLine,
    Placement,
    RateCard,
    RequiredClause,
    Timesheet,
    Vendor,
    VendorContact,
)
from vendors.permissions import (
    can_approve_invoice,
    can_approve_timesheet,
    can_enter_invoices,
    can_manage_engagement,
    can_manage_vendors,
    can_pay_invoice,
    can_record_timesheets,
    can_renew,
    decides_invoices,
    start_refusal,
)
from vendors.selectors import open_renewals
from vendors.signals import engagement_started

MAX_ENGAGEMENT_DAYS = 3 * 366
MAX_INVOICE_PERIOD_DAYS = 366
MAX_INVOICE_AGE_DAYS = 5 * 366


class VendorError(PortalError):
    pass


def _today() -> date:
    """Today by the portal's clock (a replayed or frozen moment in the demo and the tests)."""
    return timezone.localdate(clock.now())


def _save(instance, *, by: User | None, reason: str) -> None:
    clock.stamp_history(instance)
    instance._history_user = by
    instance._change_reason = reason
    instance.save()


def _clean(instance, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=True)
    except ValidationError as exc:
        raise VendorError(" ".join(m for messages in exc.message_dict.values() for m in messages)) from None


# --- Vendors ---------------------------------------------------------------------------------------------


def save_vendor(*, vendor: Vendor, by: User) -> Vendor:
    """Add or edit a vendor. An approved vendor has every required clause checked; an agency gets the
    application source recruiters pick for its candidates (renamed with it, retired when terminated)."""
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep the vendor list."))
    if vendor.created_at is None:
        vendor.created_at = clock.now()
    if not vendor.places_hires:
        vendor.guarantee_days = vendor.guarantee_days if vendor.fee_pct is not None else None
    _clean(vendor, exclude=["source"])
    with transaction.atomic():
        if vendor.pk:
            Vendor.objects.select_for_update().get(pk=vendor.pk)
        if vendor.status == VendorStatus.APPROVED:
            missing = missing_clauses(vendor)
            if missing:
                raise VendorError(
                    _("Check these clauses before approving the vendor: %(clauses)s.")
                    % {"clauses": ", ".join(c.name for c in missing)}
                )
        _save(vendor, by=by, reason=choices.VENDOR_SAVED)
        _sync_source(vendor, by=by)
    return vendor


def missing_clauses(vendor: Vendor) -> list[RequiredClause]:
    checked = set(vendor.clause_checks.values_list("clause_id", flat=True)) if vendor.pk else set()
    return [clause for clause in RequiredClause.objects.filter(is_active=True) if clause.pk not in checked]


def _sync_source(vendor: Vendor, *, by: User) -> None:
    if not vendor.places_hires and vendor.source_id is None:
        return
    source = vendor.source
    active = vendor.places_hires and vendor.status != VendorStatus.TERMINATED
    if source is None:
        parent = Source.objects.filter(kind=SourceKind.AGENCY, parent__isnull=True, vendor__isnull=True).first()
        base = slugify(f"agency-{vendor.name}")[:34] or "agency"
        code, n = base, 1
        while Source.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
        source = Source(code=code, kind=SourceKind.AGENCY, parent=parent)
    if source.name == vendor.name[:80] and source.is_active == active and source.pk:
        return
    source.name = vendor.name[:80]
    source.is_active = active
    _save(source, by=by, reason="vendors.vendor.source_synced")
    if vendor.source_id != source.pk:
        vendor.source = source
        vendor.save(update_fields=["source"])


def save_contact(*, contact: VendorContact, by: User) -> VendorContact:
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep the vendor list."))
    _clean(contact)
    with transaction.atomic():
        if contact.is_primary:
            VendorContact.objects.filter(vendor=contact.vendor, is_primary=True).exclude(pk=contact.pk).update(
                is_primary=False
            )
        _save(contact, by=by, reason="vendors.vendorcontact.saved")
    return contact


def remove_contact(*, contact: VendorContact, by: User) -> None:
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep the vendor list."))
    contact._history_user = by
    contact._change_reason = "vendors.vendorcontact.removed"
    contact.delete()


def check_clause(*, vendor: Vendor, clause: RequiredClause, by: User, checked_on: date, note: str = "") -> ClauseCheck:
    """Record that `by` found `clause` in the vendor's agreement on `checked_on`."""
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep the vendor list."))
    if checked_on > _today():
        raise VendorError(_("A clause cannot be checked in the future."))
    if not clause.is_active:
        raise VendorError(_("“%(clause)s” is retired.") % {"clause": clause})
    with transaction.atomic():
        Vendor.objects.select_for_update().get(pk=vendor.pk)
        check = ClauseCheck.objects.filter(vendor=vendor, clause=clause).first() or ClauseCheck(
            vendor=vendor, clause=clause
        )
        check.checked_on, check.checked_by, check.note = checked_on, by, note.strip()[:300]
        _save(check, by=by, reason=choices.CLAUSE_CHECKED)
    return check


def uncheck_clause(*, vendor: Vendor, clause: RequiredClause, by: User) -> None:
    """Take a check back; an approved vendor then goes on hold until the clause is checked again."""
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep the vendor list."))
    with transaction.atomic():
        locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
        check = ClauseCheck.objects.filter(vendor=locked, clause=clause).first()
        if check is None:
            return
        check._history_user = by
        check._change_reason = "vendors.vendor.clause_unchecked"
        check.delete()
        if locked.status == VendorStatus.APPROVED and clause.is_active:
            locked.status = VendorStatus.ON_HOLD
            _save(locked, by=by, reason=choices.VENDOR_SAVED)


# --- Rate cards ----------------------------------------------------------------------------------------------


def bill_rate_from(pay_rate: Decimal, markup_pct: Decimal) -> Decimal:
    return (Decimal(pay_rate) * (1 + Decimal(markup_pct) / 100)).quantize(Decimal("0.01"))


def save_rate_card(*, card: RateCard, by: User) -> RateCard:
    """Add or edit a rate card. The bill rate is pay × (1 + markup) unless one was given. Refused when
    its dates overlap another card of the same vendor, role family, level and location."""
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep rate cards."))
    if card.pay_rate is not None and card.markup_pct is not None and card.bill_rate is None:
        card.bill_rate = bill_rate_from(card.pay_rate, card.markup_pct)
    _clean(card)
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=card.vendor_id)  # one writer of a vendor's cards at a time
        if vendor.status == VendorStatus.TERMINATED:
            raise VendorError(_("%(vendor)s is terminated: it takes no rate cards.") % {"vendor": vendor})
        if vendor.kind not in SUPPLIES_CONTRACTORS:
            raise VendorError(_("%(vendor)s does not supply contractors: it has no rate cards.") % {"vendor": vendor})
        clash = RateCard.objects.overlapping(card).first()
        if clash is not None:
            raise VendorError(
                _("These dates overlap the card valid %(start)s to %(end)s for the same role, level and place.")
                % {"start": clash.valid_from.isoformat(), "end": clash.valid_to.isoformat()}
            )
        if card.pk:
            used = EngagementTerm.objects.filter(rate_card=card).exclude(
                starts_on__gte=card.valid_from, starts_on__lte=card.valid_to
            )
            if used.exists():
                raise VendorError(_("Engagement terms started under this card outside these dates: keep them covered."))
        _save(card, by=by, reason=choices.RATE_CARD_SAVED)
    return card


# --- Agency placements -------------------------------------------------------------------------------------


def record_placement(*, offer, version, by: User | None) -> Placement | None:
    """An accepted offer whose application came through an agency: record the placement with the fee
    its terms give, and forecast the fee in the ledger in the start month. None when no agency placed
    the hire. Called inside the acceptance's transaction (offer_accepted)."""
    from offers.costs import annual_base

    source = offer.application.source
    vendor = getattr(source, "vendor", None) if source is not None else None
    if vendor is None or not vendor.places_hires or vendor.fee_pct is None:
        return None
    if Placement.objects.filter(offer=offer).exists():
        return None
    base = annual_base(version)
    fee = Decimal(base.amount) * vendor.fee_pct / 100
    placement = Placement(
        vendor=vendor,
        offer=offer,
        requisition=offer.requisition,
        currency=version.currency,
        base=base.amount,
        fee_pct=vendor.fee_pct,
        fee=Decimal(fee).quantize(Decimal("0.01")),
        start_date=version.start_date,
        guarantee_until=version.start_date + timedelta(days=vendor.guarantee_days) if vendor.guarantee_days else None,
        created_at=clock.now(),
    )
    _save(placement, by=by, reason=choices.PLACEMENT_RECORDED)
    req = offer.requisition
    if req.cost_center_id:
        ledger.record_cost(
            category=CostCategory.AGENCY_FEE,
            kind=CostKind.FORECAST,
            money=placement.fee_money,
            month=placement.start_date,
            cost_center=req.cost_center,
            by=by,
            need=req,
            source=placement,
            memo=_("%(vendor)s fee for %(who)s (%(pct)s%% of %(base)s)")
            % {
                "vendor": vendor,
                "who": offer.application.candidate,
                "pct": f"{vendor.fee_pct.normalize():f}",
                "base": f"{base.amount:,.2f}",
            },
        )
    return placement


# --- Engagements -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EngagementInput:
    requisition: object
    worker: Candidate
    vendor: Vendor
    rate_card: RateCard
    start_date: date
    end_date: date
    hours_per_week: Decimal
    bill_rate: Decimal | None = None
    rate_reason: str = ""
    po_reference: str = ""


def create_engagement(*, data: EngagementInput, by: User) -> Engagement:
    """Plan an engagement against a standing requisition through an approved contractor supplier, at its
    rate card's bill rate or another one. Above the card it needs a reason, and its approval chain starts
    at once. On a contract requisition it is for one of the openings left, which it takes when it starts
    (see `sync_forecast` for what each kind forecasts); on any other it is cover for the hire to come."""
    req = data.requisition
    if not can_manage_engagement(by, req):
        raise VendorError(_("Only a recruiter running %(ref)s may add its engagements.") % {"ref": req.reference})
    with transaction.atomic():
        req = type(req).objects.select_for_update().get(pk=req.pk)
        if req.status not in OPEN_REQUISITION:
            raise VendorError(
                _("%(ref)s is %(status)s: engagements are added to approved or open requisitions.")
                % {"ref": req.reference, "status": req.get_status_display().lower()}
            )
        vendor = data.vendor
        if vendor.status != VendorStatus.APPROVED:
            raise VendorError(
                _("%(vendor)s is %(status)s: new engagements go to approved vendors.")
                % {"vendor": vendor, "status": vendor.get_status_display().lower()}
            )
        if vendor.kind not in SUPPLIES_CONTRACTORS:
            raise VendorError(_("%(vendor)s does not supply contractors.") % {"vendor": vendor})
        _check_opening(req)
        _check_dates(data.start_date, data.end_date)
        card = _check_card(data.rate_card, vendor=vendor, requisition=req, day=data.start_date)
        clash = (
            Engagement.objects.filter(worker=data.worker, start_date__lte=data.end_date, end_date__gte=data.start_date)
            .exclude(status=EngagementStatus.ENDED)
            .first()
        )
        if clash is not None:
            raise VendorError(
                _("%(who)s is already engaged on %(ref)s over these dates.")
                % {"who": data.worker, "ref": clash.reference}
            )
        engagement = Engagement(
            requisition=req,
            worker=data.worker,
            vendor=vendor,
            currency=card.currency,
            unit=card.unit,
            bill_rate=card.bill_rate,
            hours_per_week=data.hours_per_week,
            po_reference=data.po_reference.strip(),
            start_date=data.start_date,
            end_date=data.end_date,
            created_by=by,
            created_at=clock.now(),
        )
        _clean(engagement)
        _save(engagement, by=by, reason=choices.ENGAGEMENT_CREATED)
        term = _new_term(
            engagement,
            number=1,
            card=card,
            starts_on=data.start_date,
            ends_on=data.end_date,
            bill_rate=data.bill_rate,
            reason=data.rate_reason,
            by=by,
        )
        _after_new_term(engagement, term, by=by)
    return engagement


def _check_opening(req) -> None:
    """A contract requisition's engagements fill its openings: one is planned only for an opening that
    no hire and no other planned engagement has taken."""
    if not req.is_contract:
        return
    if opening_refusal(req):
        raise VendorError(opening_refusal(req))
    planned = Engagement.objects.filter(requisition=req, status=EngagementStatus.PLANNED).count()
    if planned >= req.openings_left:
        raise VendorError(
            ngettext(
                "%(ref)s has %(left)d opening left, and an engagement is already planned for it.",
                "%(ref)s has %(left)d openings left, and %(planned)d engagements are already planned for them.",
                req.openings_left,
            )
            % {"ref": req.reference, "left": req.openings_left, "planned": planned}
        )


def _check_dates(start: date, end: date) -> None:
    if end < start:
        raise VendorError(_("The end date is before the start date."))
    if (end - start).days > MAX_ENGAGEMENT_DAYS:
        raise VendorError(_("Engagements run for three years at most: renew a longer one."))


def _check_card(card: RateCard, *, vendor: Vendor, requisition, day: date) -> RateCard:
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


def _set_rate(term: EngagementTerm, card: RateCard, bill_rate, reason: str) -> None:
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


def _new_term(engagement, *, number, card, starts_on, ends_on, bill_rate, reason, by) -> EngagementTerm:
    term = EngagementTerm(
        engagement=engagement,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
        created_at=clock.now(),
    )
    _set_rate(term, card, bill_rate, reason)
    _clean(term)
    _save(term, by=by, reason=choices.ENGAGEMENT_CREATED)
    return term


def _after_new_term(engagement: Engagement, term: EngagementTerm, *, by: User | None) -> None:
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
        _tell(
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
    if term.starts_on <= _today() or term.number == 1:
        engagement.bill_rate = term.bill_rate
    _save(engagement, by=by, reason=choices.ENGAGEMENT_RENEWED if term.number > 1 else choices.ENGAGEMENT_CREATED)
    sync_forecast(engagement, by=by, memo=_("%(ref)s terms %(n)d") % {"ref": engagement.reference, "n": term.number})


def revise_rate(*, engagement: Engagement, by: User, bill_rate: Decimal, reason: str = "") -> EngagementTerm:
    """Change the rate of a planned engagement's first terms (sent back, refused, or before approval):
    the open chain closes, and a rate still above the card starts the next round."""
    if not can_manage_engagement(by, engagement.requisition):
        raise VendorError(_("Only a recruiter running the requisition may change the rate."))
    with transaction.atomic():
        engagement = _locked(engagement)
        if engagement.status != EngagementStatus.PLANNED:
            raise VendorError(_("Only a planned engagement's rate is changed; renew a running one."))
        term = engagement.terms.select_for_update().get(number=1)
        approvals.cancel_chain(subject=term, note=_("The rate was changed."))
        _set_rate(term, term.rate_card, bill_rate, reason)
        _clean(term)
        _save(term, by=by, reason=choices.ENGAGEMENT_SUBMITTED)
        if term.in_force:
            engagement.bill_rate = term.bill_rate
        _after_new_term(engagement, term, by=by)
    return term


def pending_term(engagement: Engagement) -> EngagementTerm | None:
    return engagement.terms.filter(rate_approval=RateApproval.PENDING).order_by("-number").first()


def approve_rate(*, engagement: Engagement, by: User, note: str = "") -> EngagementTerm:
    """Approve `by`'s step of the pending terms' chain; the last approval puts the terms in force."""
    with transaction.atomic():
        engagement = _locked(engagement)
        term = _pending(engagement)
        try:
            chain = approvals.approve(subject=term, by=by, note=note)
        except approvals.ApprovalError as exc:
            raise VendorError(str(exc)) from exc
        if chain.status == ChainStatus.APPROVED:
            term.rate_approval = RateApproval.APPROVED
            _save(term, by=by, reason=choices.ENGAGEMENT_RATE_APPROVED)
            _put_in_force(engagement, term, by=by)
            _tell(engagement, _("%(ref)s: the rate was approved.") % {"ref": engagement.reference}, by)
    return term


def refuse_rate(*, engagement: Engagement, by: User, note: str, outcome: str) -> EngagementTerm:
    """Reject or send back the pending rate. A planned engagement waits for a new rate; a renewal goes
    back to the hiring manager to renew at another rate or end."""
    with transaction.atomic():
        engagement = _locked(engagement)
        term = _pending(engagement)
        try:
            approvals.refuse(subject=term, by=by, note=note, outcome=outcome)
        except approvals.ApprovalError as exc:
            raise VendorError(str(exc)) from exc
        term.rate_approval = RateApproval.REJECTED
        _save(term, by=by, reason=choices.ENGAGEMENT_RATE_REFUSED)
        if term.number > 1:
            _ask_renewal(engagement, attempt=term.number)
        _tell(
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


def start_engagement(*, engagement: Engagement, by: User | None) -> Engagement:
    """A planned engagement starts (by its manager on or after the start date, or the daily job on it)
    once its first terms are in force: its labour is forecast from then, on a contract requisition it
    takes an opening (`record_hire`: the last fills the requisition, which must be open), and
    `engagement_started` is sent."""
    with transaction.atomic():
        engagement = _locked(engagement)
        if by is not None and not can_manage_engagement(by, engagement.requisition):
            raise VendorError(_("Only a recruiter running the requisition may start the engagement."))
        refusal = start_refusal(engagement, engagement.terms.filter(number=1).first(), today=_today())
        if refusal:
            raise VendorError(refusal)
        if engagement.requisition.is_contract:
            try:
                record_hire(
                    requisition=engagement.requisition,
                    by=by,
                    what=_("%(ref)s %(who)s started") % {"ref": engagement.reference, "who": engagement.worker},
                )
            except RequisitionError as exc:
                raise VendorError(str(exc)) from exc
        _move(engagement, EngagementStatus.ACTIVE, by=by, reason=choices.ENGAGEMENT_STARTED)
        sync_forecast(engagement, by=by, memo=_("%(ref)s started") % {"ref": engagement.reference})
        engagement_started.send(sender=Engagement, engagement=engagement, by=by)
        if engagement.end_date - _today() <= timedelta(days=RENEWAL_NOTICE_DAYS):
            _ask_renewal(engagement)
    return engagement


@dataclass(frozen=True)
class RenewalInput:
    end_date: date
    bill_rate: Decimal | None = None
    rate_reason: str = ""


def renew_engagement(*, engagement: Engagement, by: User, data: RenewalInput, note: str = "") -> EngagementTerm:
    """Renew to a new end date at a new (or the same) rate, under the rate card valid on the day after
    the current end. Within the card the new terms are in force at once; above it they go for approval
    and the engagement waits (extension pending). The renewal decision is resolved as renewed."""
    with transaction.atomic():
        engagement = _locked(engagement)
        if not can_renew(by, engagement):
            raise VendorError(
                _("Only the hiring manager of %(ref)s renews it.") % {"ref": engagement.requisition.reference}
            )
        if pending_term(engagement) is not None:
            raise VendorError(_("A renewal of this engagement is already waiting for approval."))
        starts = engagement.end_date + timedelta(days=1)
        if data.end_date < starts:
            raise VendorError(
                _("Renew to a date after the current end (%(end)s).") % {"end": engagement.end_date.isoformat()}
            )
        _check_dates(starts, data.end_date)
        current = engagement.terms.filter(rate_approval__in=IN_FORCE)
        current = current.select_related("rate_card").order_by("-number").first()
        old = current.rate_card
        card = (
            RateCard.objects.valid_on(starts)
            .filter(vendor=old.vendor_id, role_family=old.role_family_id, level=old.level_id, location=old.location_id)
            .filter(currency=engagement.currency, unit=engagement.unit)
            .first()
        )
        if card is None:
            raise VendorError(
                _("No rate card of %(vendor)s covers %(day)s for this role: finance adds one before the renewal.")
                % {"vendor": engagement.vendor, "day": starts.isoformat()}
            )
        number = engagement.terms.count() + 1
        bill_rate = data.bill_rate if data.bill_rate is not None else min(current.bill_rate, card.bill_rate)
        term = _new_term(
            engagement,
            number=number,
            card=card,
            starts_on=starts,
            ends_on=data.end_date,
            bill_rate=bill_rate,
            reason=data.rate_reason,
            by=by,
        )
        _close_renewal(
            engagement, outcome=Outcome.RENEWED, by=by, note=note or _("Renewed to %(end)s.") % {"end": data.end_date}
        )
        if engagement.status == EngagementStatus.ACTIVE and not term.in_force:
            _move(engagement, EngagementStatus.EXTENSION_PENDING, by=by, reason=choices.ENGAGEMENT_EXTENSION_DUE)
        _after_new_term(engagement, term, by=by)
    return term


def end_engagement(*, engagement: Engagement, by: User | None, note: str, end_date: date | None = None) -> Engagement:
    """End the engagement on `end_date` (default: its end date, or today if that is earlier): the
    forecast past it is taken back, a waiting renewal closes. The hiring manager, whoever runs the
    engagement, an admin, or the daily job after the end date."""
    with transaction.atomic():
        engagement = _locked(engagement)
        if engagement.status == EngagementStatus.ENDED:
            raise VendorError(_("This engagement already ended."))
        if by is not None and not (can_renew(by, engagement) or can_manage_engagement(by, engagement.requisition)):
            raise VendorError(
                _("Only the hiring manager or the recruiter of %(ref)s ends it.")
                % {"ref": engagement.requisition.reference}
            )
        if by is not None and not note.strip():
            raise VendorError(_("Say why the engagement ends."))
        last = end_date or min(engagement.end_date, max(_today(), engagement.start_date))
        if last < engagement.start_date:
            last = engagement.start_date
        if last > engagement.end_date:
            raise VendorError(
                _("It cannot end after its end date (%(end)s): renew it instead.") % {"end": engagement.end_date}
            )
        first_pending = pending_term(engagement)
        if first_pending is not None:
            approvals.cancel_chain(subject=first_pending, note=_("The engagement ended."))
            first_pending.rate_approval = RateApproval.REJECTED
            _save(first_pending, by=by, reason=choices.ENGAGEMENT_RATE_REFUSED)
        never_ran = engagement.status == EngagementStatus.PLANNED
        if never_ran:
            last = engagement.start_date
        engagement.end_date = last
        engagement.status_note = note.strip()
        _move(engagement, EngagementStatus.ENDED, by=by, reason=choices.ENGAGEMENT_ENDED)
        _close_renewal(engagement, outcome=Outcome.ENDED, by=by, note=note.strip() or _("Ended."))
        sync_forecast(
            engagement,
            by=by,
            memo=_("%(ref)s ended %(day)s") % {"ref": engagement.reference, "day": last},
            none=never_ran,
        )
    return engagement


def _ask_renewal(engagement: Engagement, *, attempt: int = 0) -> Decision | None:
    """The hiring manager's decision: renew (new end date and rate) or end, due on the end date."""
    req = engagement.requisition
    manager = req.hiring_manager if req.hiring_manager_id and req.hiring_manager.is_active else None
    if engagement.status == EngagementStatus.ACTIVE:
        _move(engagement, EngagementStatus.EXTENSION_PENDING, by=None, reason=choices.ENGAGEMENT_EXTENSION_DUE)
    due = timezone.make_aware(datetime.combine(max(engagement.end_date, _today()), time(17)))
    return raise_decision(
        kind=RENEWAL_KIND,
        title=_("Renew or end %(ref)s: %(who)s (%(vendor)s)")
        % {"ref": engagement.reference, "who": engagement.worker, "vendor": engagement.vendor},
        detail=_("Ends %(end)s. Renew with a new end date and rate, or let it end.")
        % {"end": engagement.end_date.isoformat()},
        owner=manager,
        owner_role="" if manager else Role.ADMIN,
        due_at=due,
        subject=engagement,
        by=None,
        key=f"engagement:{engagement.pk}:renewal:{engagement.end_date.isoformat()}:{attempt}",
    )


def _close_renewal(engagement: Engagement, *, outcome: str, by: User | None, note: str) -> None:
    for decision in open_renewals(engagement):
        taker = by if by is not None and can_take_decision(by, decision) else None
        resolve_decision(decision=decision, outcome=outcome, by=taker, note=note[:4000])


def sync_forecast(engagement: Engagement, *, by: User | None, memo: str, none: bool = False) -> list[CostEvent]:
    """Make the engagement's standing labour forecast equal what its terms in force now imply, month by
    month, by recording the differences (never editing an event): a renewal adds months, a rate change
    or an early end adjusts them. Cover on a permanent requisition is forecast once its first terms are
    in force, on top of the hire to come. On a contract requisition a planned engagement forecasts
    nothing: the requisition's own forecast stands for its opening until it starts and takes it. One
    that never ran forecasts nothing (`none`)."""
    req = engagement.requisition
    if not req.cost_center_id:
        return []
    terms = list(engagement.terms.all())
    wanted = (
        {}
        if none or (engagement.status == EngagementStatus.PLANNED and req.is_contract)
        else {month: money.amount for month, money in monthly_labour(engagement, terms).items()}
    )
    standing = dict(
        CostEvent.objects.for_source(engagement)
        .filter(kind=CostKind.FORECAST, category=CostCategory.CONTRACTOR_LABOUR, currency=engagement.currency)
        .values_list("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    events = []
    for month in sorted(set(wanted) | set(standing)):
        delta = wanted.get(month, Decimal("0")) - standing.get(month, Decimal("0"))
        if delta:
            events.append(
                ledger.record_cost(
                    category=CostCategory.CONTRACTOR_LABOUR,
                    kind=CostKind.FORECAST,
                    money=Money(delta, engagement.currency),
                    month=month,
                    cost_center=req.cost_center,
                    by=by,
                    need=req,
                    source=engagement,
                    memo=memo,
                )
            )
    return events


# --- Timesheets ----------------------------------------------------------------------------------------------


def record_timesheet(
    *, engagement: Engagement, by: User, week_start: date, hours: Decimal, overtime_hours: Decimal, note: str = ""
) -> Timesheet:
    """Record a week the vendor reported; the hiring manager is asked to approve it (My work)."""
    manages = can_manage_engagement(by, engagement.requisition)
    if not can_record_timesheets(by, engagement, manages=manages):
        raise VendorError(_("Timesheets are recorded by whoever runs the engagement, or finance."))
    if week_start != monday_of(week_start):
        raise VendorError(_("A timesheet's week starts on a Monday."))
    if week_start > _today():
        raise VendorError(_("That week has not started yet."))
    if week_start + timedelta(days=6) < engagement.start_date or week_start > engagement.end_date:
        raise VendorError(
            _("%(ref)s runs %(start)s to %(end)s: that week is outside it.")
            % {"ref": engagement.reference, "start": engagement.start_date, "end": engagement.end_date}
        )
    hours, overtime_hours = Decimal(hours or 0), Decimal(overtime_hours or 0)
    if hours < 0 or overtime_hours < 0:
        raise VendorError(_("Hours cannot be negative."))
    if hours + overtime_hours > MAX_WEEK_HOURS:
        raise VendorError(_("A week holds at most %(n)d hours.") % {"n": MAX_WEEK_HOURS})
    if hours + overtime_hours == 0:
        raise VendorError(_("Record some hours."))
    with transaction.atomic():
        engagement = _locked(engagement)
        sheet = Timesheet(
            engagement=engagement,
            week_start=week_start,
            hours=hours,
            overtime_hours=overtime_hours,
            note=note.strip()[:300],
            submitted_by=by,
            submitted_at=clock.now(),
        )
        try:
            with transaction.atomic():
                _save(sheet, by=by, reason=choices.TIMESHEET_SUBMITTED)
        except IntegrityError:
            raise VendorError(
                _("%(ref)s already has a timesheet for the week of %(week)s.")
                % {"ref": engagement.reference, "week": week_start.isoformat()}
            ) from None
    manager = engagement.requisition.hiring_manager
    if manager is not None and manager != by:
        notify(
            users=[manager],
            message=_("%(ref)s: the week of %(week)s waits for your approval.")
            % {"ref": engagement.reference, "week": week_start.isoformat()},
            url=engagement.get_absolute_url(),
        )
    return sheet


def approve_timesheet(*, timesheet: Timesheet, by: User) -> Timesheet:
    return _decide_timesheet(timesheet, by=by, to=TimesheetStatus.APPROVED, note="")


def reject_timesheet(*, timesheet: Timesheet, by: User, note: str) -> Timesheet:
    if not note.strip():
        raise VendorError(_("Say what is wrong with the week."))
    return _decide_timesheet(timesheet, by=by, to=TimesheetStatus.REJECTED, note=note)


def _decide_timesheet(timesheet: Timesheet, *, by: User, to: str, note: str) -> Timesheet:
    with transaction.atomic():
        sheet = (
            Timesheet.objects.select_for_update(of=("self",))
            .select_related("engagement__requisition")
            .get(pk=timesheet.pk)
        )
        if sheet.status != TimesheetStatus.SUBMITTED:
            raise VendorError(_("This week was already %(status)s.") % {"status": sheet.get_status_display().lower()})
        if not can_approve_timesheet(by, sheet):
            if sheet.submitted_by_id == by.pk:
                raise VendorError(_("You recorded this week, so someone else approves it."))
            raise VendorError(
                _("The hiring manager of %(ref)s approves its timesheets.") % {"ref": sheet.engagement.reference}
            )
        sheet.status = to
        sheet.decided_by = by
        sheet.decided_at = clock.now()
        if note:
            sheet.note = note.strip()[:300]
        _save(
            sheet,
            by=by,
            reason=choices.TIMESHEET_APPROVED if to == TimesheetStatus.APPROVED else choices.TIMESHEET_REJECTED,
        )
    if to == TimesheetStatus.REJECTED and sheet.submitted_by_id != by.pk:
        notify(
            users=[sheet.submitted_by],
            message=_("%(ref)s: the week of %(week)s was rejected: %(note)s")
            % {"ref": sheet.engagement.reference, "week": sheet.week_start.isoformat(), "note": note.strip()[:120]},
            url=sheet.engagement.get_absolute_url(),
        )
    return sheet


# --- Invoices ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    amount: Decimal
    engagement: Engagement | None = None
    placement: Placement | None = None
    description: str = ""
    hours: Decimal | None = None
    overtime_hours: Decimal | None = None


@dataclass(frozen=True)
class InvoiceInput:
    vendor: Vendor
    number: str
    currency: str
    period_start: date
    period_end: date
    received_on: date
    lines: tuple[LineInput, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount or Decimal("0") for line in self.lines), Decimal("0"))


def invoice_problems(data: InvoiceInput) -> list[str]:
    """Everything wrong with an invoice before it is saved, in words for the person entering it (the
    form and the accounts-payable import show the same list)."""
    problems = []
    number = " ".join((data.number or "").split())
    if not number:
        problems.append(_("The invoice number is missing."))
    elif Invoice.objects.filter(vendor=data.vendor, number__iexact=number).exists():
        problems.append(_("%(vendor)s already sent invoice %(number)s.") % {"vendor": data.vendor, "number": number})
    if data.period_end < data.period_start:
        problems.append(_("The period ends before it starts."))
    elif (data.period_end - data.period_start).days > MAX_INVOICE_PERIOD_DAYS:
        problems.append(_("An invoice covers a year at most."))
    if data.received_on > _today():
        problems.append(_("The received date is in the future."))
    oldest = _today() - timedelta(days=MAX_INVOICE_AGE_DAYS)
    if min(data.period_start, data.received_on) < oldest:
        problems.append(_("Dates before %(day)s are not invoices the portal takes.") % {"day": oldest.isoformat()})
    if not data.lines:
        problems.append(_("An invoice has at least one line."))
    elif data.total > MAX_INVOICE:
        problems.append(_("The lines add up to more than %(max)s.") % {"max": f"{MAX_INVOICE:,}"})
    for n, line in enumerate(data.lines, start=1):
        subject = line.engagement or line.placement
        if (line.engagement is None) == (line.placement is None):
            problems.append(_("Line %(n)d: bill one engagement or one placement.") % {"n": n})
        elif subject.vendor_id != data.vendor.pk:
            problems.append(
                _("Line %(n)d: %(ref)s is not %(vendor)s's.")
                % {"n": n, "ref": subject.reference, "vendor": data.vendor}
            )
        if line.amount is None or line.amount <= 0:
            problems.append(_("Line %(n)d: the amount must be more than zero.") % {"n": n})
        for value in (line.hours, line.overtime_hours):
            if value is not None and value < 0:
                problems.append(_("Line %(n)d: hours cannot be negative.") % {"n": n})
    return problems


def create_invoice(*, data: InvoiceInput, by: User, imported: bool = False) -> Invoice:
    """Enter (or import) a vendor invoice and match it at once: matched, or flagged with what differs."""
    if not can_enter_invoices(by):
        raise VendorError(_("Only finance and admins enter invoices."))
    problems = invoice_problems(data)
    if problems:
        raise VendorError(" ".join(problems))
    with transaction.atomic():
        invoice = Invoice(
            vendor=data.vendor,
            number=" ".join(data.number.split()),
            currency=data.currency,
            period_start=data.period_start,
            period_end=data.period_end,
            received_on=data.received_on,
            amount=sum((line.amount for line in data.lines), Decimal("0")),
            imported=imported,
            created_by=by,
            created_at=clock.now(),
        )
        _clean(invoice)
        try:
            with transaction.atomic():
                _save(invoice, by=by, reason=choices.INVOICE_IMPORTED if imported else choices.INVOICE_RECEIVED)
        except IntegrityError:
            raise VendorError(
                _("%(vendor)s already sent invoice %(number)s.") % {"vendor": data.vendor, "number": invoice.number}
            ) from None
        for line in data.lines:
            row = InvoiceLine(
                invoice=invoice,
                engagement=line.engagement,
                placement=line.placement,
                description=line.description.strip()[:200],
                hours=line.hours,
                overtime_hours=line.overtime_hours,
                amount=line.amount,
            )
            _clean(row, exclude=["invoice"])
            row.save()
        _match(invoice, by=by)
    return invoice


def _lines(invoice: Invoice) -> list[InvoiceLine]:
    return list(
        invoice.lines.select_related("engagement", "placement").prefetch_related("engagement__terms").order_by("id")
    )


def _match(invoice: Invoice, *, by: User | None) -> dict:
    lines = _lines(invoice)
    findings = match(invoice, lines)
    for line in lines:
        finding = findings[line.pk]
        line.expected, line.flag, line.flag_note = finding.expected, finding.flag, finding.note[:300]
        line.save(update_fields=["expected", "flag", "flag_note"])
    invoice.expected_amount = sum((f.expected or Decimal("0") for f in findings.values()), Decimal("0"))
    invoice.status = status_for(findings)
    _save(invoice, by=by, reason=choices.INVOICE_MATCHED)
    return findings


def rematch_invoice(*, invoice: Invoice, by: User) -> Invoice:
    """Match again (after more timesheets were approved, say)."""
    if not can_enter_invoices(by):
        raise VendorError(_("Only finance and admins match invoices."))
    with transaction.atomic():
        invoice = _locked_invoice(invoice)
        if invoice.status not in OPEN_INVOICE:
            raise VendorError(_("This invoice is %(status)s.") % {"status": invoice.get_status_display().lower()})
        _match(invoice, by=by)
    return invoice


def approve_invoice(*, invoice: Invoice, by: User, override_reason: str = "") -> Invoice:
    """Finance approves the invoice, matched again first. A flagged invoice is approved only with an
    override reason. The weeks it billed become invoiced, and each line is actual spend in the ledger
    (in the month the period starts, on the cost center of the line's requisition)."""
    with transaction.atomic():
        invoice = _locked_invoice(invoice)
        if not can_approve_invoice(by, invoice):
            if invoice.created_by_id == by.pk:
                raise VendorError(_("You entered this invoice, so another person in finance approves it."))
            if invoice.status not in (InvoiceStatus.MATCHED, InvoiceStatus.FLAGGED):
                raise VendorError(_("This invoice is %(status)s.") % {"status": invoice.get_status_display().lower()})
            raise VendorError(_("Only finance approves invoices."))
        # Lock what this invoice may bill: a second approval over the same weeks waits, then finds them
        # invoiced and is matched (and flagged) accordingly.
        lines = list(invoice.lines.values_list("engagement_id", "placement_id"))
        list(
            matchable_timesheets(invoice, {e for e, _p in lines if e}).select_for_update().values_list("pk", flat=True)
        )
        list(Placement.objects.select_for_update().filter(pk__in={p for _e, p in lines if p}).values_list("pk"))
        findings = _match(invoice, by=by)
        reason = override_reason.strip()
        if invoice.status == InvoiceStatus.FLAGGED and not reason:
            flagged = [f.note for f in findings.values() if f.flag]
            raise VendorError(
                _("This invoice does not match (%(what)s). Approve it only by overriding with a reason.")
                % {"what": " ".join(flagged)[:600]}
            )
        overridden = invoice.status == InvoiceStatus.FLAGGED
        invoice.override_reason = reason if overridden else ""
        invoice.approved_by = by
        invoice.approved_at = clock.now()
        invoice.status = InvoiceStatus.APPROVED
        _save(invoice, by=by, reason=choices.INVOICE_OVERRIDDEN if overridden else choices.INVOICE_APPROVED)
        billed = [pk for finding in findings.values() for pk in finding.timesheet_ids]
        for sheet in Timesheet.objects.select_for_update().filter(pk__in=billed, status=TimesheetStatus.APPROVED):
            sheet.status = TimesheetStatus.INVOICED
            sheet.invoice = invoice
            _save(sheet, by=by, reason=choices.TIMESHEET_INVOICED)
        _record_actuals(invoice, by=by)
    return invoice


def _record_actuals(invoice: Invoice, *, by: User) -> None:
    for line in invoice.lines.select_related(
        "engagement__requisition__cost_center", "placement__requisition__cost_center"
    ):
        req = (line.engagement or line.placement).requisition
        if not req.cost_center_id:
            continue
        category = CostCategory.CONTRACTOR_LABOUR if line.engagement_id else CostCategory.AGENCY_FEE
        ledger.record_cost(
            category=category,
            kind=CostKind.ACTUAL,
            money=Money(line.amount, invoice.currency),
            month=invoice.period_start,
            cost_center=req.cost_center,
            by=by,
            need=req,
            source=invoice,
            memo=_("%(vendor)s invoice %(number)s: %(ref)s")
            % {
                "vendor": invoice.vendor,
                "number": invoice.number,
                "ref": (line.engagement or line.placement).reference,
            },
        )


def reject_invoice(*, invoice: Invoice, by: User, note: str) -> Invoice:
    """Send the invoice back to the vendor (disputed); nothing is owed on it."""
    if not note.strip():
        raise VendorError(_("Say why the invoice is rejected: the vendor will be told."))
    with transaction.atomic():
        invoice = _locked_invoice(invoice)
        if not decides_invoices(by):
            raise VendorError(_("Only finance rejects invoices."))
        if InvoiceStatus.REJECTED not in choices.INVOICE_TRANSITIONS[invoice.status]:
            raise VendorError(_("This invoice is %(status)s.") % {"status": invoice.get_status_display().lower()})
        invoice.status = InvoiceStatus.REJECTED
        invoice.status_note = note.strip()
        _save(invoice, by=by, reason=choices.INVOICE_REJECTED)
    return invoice


def mark_paid(*, invoice: Invoice, by: User, paid_on: date) -> Invoice:
    with transaction.atomic():
        invoice = _locked_invoice(invoice)
        if not can_pay_invoice(by, invoice):
            raise VendorError(_("Only finance marks an approved invoice paid."))
        if paid_on > _today():
            raise VendorError(_("The payment date is in the future."))
        if paid_on < timezone.localdate(invoice.approved_at):
            raise VendorError(
                _("It was approved on %(day)s: it cannot be paid before.")
                % {"day": timezone.localdate(invoice.approved_at)}
            )
        invoice.paid_on = paid_on
        invoice.status = InvoiceStatus.PAID
        _save(invoice, by=by, reason=choices.INVOICE_PAID)
    return invoice


# --- The daily job -----------------------------------------------------------------------------------------------


def run_daily(*, today: date | None = None) -> dict[str, int]:
    """Start engagements on their start date, end those past their end date, ask for renewals 30 days
    ahead, and remind vendor owners 30 and 14 days before a rate card or contract expires. Safe to run
    any number of times: each step checks state first, and reminders are claimed once."""
    today = today or _today()
    done = defaultdict(int)
    planned = Engagement.objects.filter(status=EngagementStatus.PLANNED, start_date__lte=today)
    for engagement in planned.select_related("requisition"):
        outcome = _start_or_settle(engagement, today)
        if outcome:
            done[outcome] += 1
    for engagement in Engagement.objects.filter(status__in=WORKING, end_date__lt=today):
        if pending_term(engagement) is None:
            end_engagement(
                engagement=engagement, by=None, note=_("Reached its end date."), end_date=engagement.end_date
            )
            done["ended"] += 1
    for engagement in Engagement.objects.filter(status__in=WORKING).prefetch_related("terms"):
        # A renewal at another rate: the engagement bills it from the day its terms begin.
        term = term_for([t for t in engagement.terms.all() if t.in_force], today)
        if term is not None and term.bill_rate != engagement.bill_rate:
            with transaction.atomic():
                locked = _locked(engagement)
                locked.bill_rate = term.bill_rate
                _save(locked, by=None, reason=choices.ENGAGEMENT_RENEWED)
            done["rates"] += 1
    horizon = today + timedelta(days=RENEWAL_NOTICE_DAYS)
    for engagement in Engagement.objects.filter(
        status=EngagementStatus.ACTIVE, end_date__lte=horizon, end_date__gte=today
    ):
        with transaction.atomic():
            _ask_renewal(_locked(engagement))
        done["renewals"] += 1
    done["reminders"] = send_expiry_reminders(today=today)
    return dict(done)


def _start_or_settle(engagement: Engagement, today: date) -> str:
    """The daily job's step for a planned engagement due to start: start it, or end it as never run when
    its end date passed or its contract requisition was filled or closed without it (its recruiter is
    told), or leave it waiting (its rate in approval, its requisition on hold). What it did, or ""."""
    first = engagement.terms.filter(number=1).first()
    if first is None or not first.in_force:
        return ""  # its rate is in approval: it waits, as its page says
    req = engagement.requisition
    gone = req.is_contract and req.status in CLOSED_REQUISITION
    if engagement.end_date < today or gone:
        why = (
            _("Its end date passed before it could start.")
            if engagement.end_date < today
            else _("%(ref)s was %(status)s before it could start.")
            % {"ref": req.reference, "status": req.get_status_display().lower()}
        )
        end_engagement(engagement=engagement, by=None, note=why)
        _tell(
            engagement, _("%(ref)s ended without starting: %(why)s") % {"ref": engagement.reference, "why": why}, None
        )
        return "ended"
    if start_refusal(engagement, first, today=today):
        return "waiting"  # its contract requisition is on hold, or has no opening left yet
    try:
        start_engagement(engagement=engagement, by=None)
    except VendorError:  # changed since the check above: the next run sees it as it is
        return "waiting"
    return "started"


def send_expiry_reminders(*, today: date) -> int:
    """Tell each vendor's owner that a rate card or the vendor's contract expires in 30 days, then 14:
    once each per expiry date (a later run, or a second worker, claims nothing twice)."""
    horizon = today + timedelta(days=max(EXPIRY_NOTICE_DAYS))
    sent = 0
    cards = (
        RateCard.objects.exclude(vendor__status=VendorStatus.TERMINATED)
        .filter(valid_to__gte=today, valid_to__lte=horizon)
        .select_related("vendor__owner", "role_family", "level", "location")
    )
    for card in cards:
        sent += _remind(
            ExpiryKind.RATE_CARD,
            card.pk,
            card.valid_to,
            today,
            card.vendor,
            _("The rate card %(card)s expires on %(day)s."),
            {"card": card},
        )
    vendors = Vendor.objects.exclude(status=VendorStatus.TERMINATED).filter(
        contract_expires_on__gte=today, contract_expires_on__lte=horizon
    )
    for vendor in vendors.select_related("owner"):
        sent += _remind(
            ExpiryKind.CONTRACT,
            vendor.pk,
            vendor.contract_expires_on,
            today,
            vendor,
            _("%(card)s's contract expires on %(day)s."),
            {"card": vendor},
        )
    return sent


def _remind(kind: str, object_id: int, expires_on: date, today: date, vendor: Vendor, text: str, names: dict) -> int:
    days_left = (expires_on - today).days
    due = [n for n in sorted(EXPIRY_NOTICE_DAYS) if days_left <= n]
    if not due:
        return 0
    try:
        with transaction.atomic():
            ExpiryNotice.objects.create(
                kind=kind, object_id=object_id, expires_on=expires_on, days_before=due[0], sent_at=clock.now()
            )
    except IntegrityError:
        return 0
    owner = vendor.owner if vendor.owner.is_active else None
    people = [owner] if owner else list(User.objects.with_role(Role.ADMIN))
    notify(
        users=people,
        message=(text % {**names, "day": expires_on.isoformat()}) + " " + _("(%(n)d days)") % {"n": days_left},
        url=vendor.get_absolute_url(),
    )
    return 1


# --- Plumbing -----------------------------------------------------------------------------------------------------


def _locked(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("requisition__hiring_manager", "requisition__cost_center", "vendor", "worker")
        .get(pk=engagement.pk)
    )


def _locked_invoice(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update(of=("self",)).select_related("vendor").get(pk=invoice.pk)


def _move(engagement: Engagement, to: str, *, by: User | None, reason: str) -> None:
    if to not in choices.ENGAGEMENT_TRANSITIONS[engagement.status]:
        raise VendorError(
            _("An engagement cannot go from %(from)s to %(to)s.")
            % {"from": engagement.get_status_display().lower(), "to": EngagementStatus(to).label.lower()}
        )
    engagement.status = to
    _save(engagement, by=by, reason=reason)


def _tell(engagement: Engagement, message: str, by: User | None) -> None:
    req = engagement.requisition
    people = {p for p in (engagement.created_by, req.recruiter, req.hiring_manager) if p is not None}
    notify(users=[p for p in people if p != by], message=message, url=engagement.get_absolute_url())
