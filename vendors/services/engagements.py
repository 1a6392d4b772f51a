"""Engagements: planning a contractor on a requisition (on a contract requisition, for one of its
openings; on any other, as cover) and the start."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from candidates.choices import RESERVED_STAGE_KINDS, ApplicationStatus, PreStartCause
from candidates.models import Application, Candidate
from candidates.services import PipelineError, enter_pre_start
from portal import clock
from portal.models import User
from portal.services.records import save_with_history
from requisitions.services import RequisitionError, opening_refusal, record_hire
from vendors import choices
from vendors.choices import (
    OPEN_REQUISITION,
    RENEWAL_NOTICE_DAYS,
    SUPPLIES_CONTRACTORS,
    EngagementStatus,
    VendorStatus,
)
from vendors.models import (
    Engagement,
    RateCard,
    Vendor,
)
from vendors.permissions import (
    can_manage_engagement,
    start_refusal,
)
from vendors.services.base import VendorError, clean, locked_engagement, move_engagement
from vendors.services.forecast import sync_forecast
from vendors.services.renewal_decision import ask_renewal
from vendors.services.terms import after_new_term, check_card, check_dates, new_term
from vendors.signals import engagement_started


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
        check_dates(data.start_date, data.end_date)
        card = check_card(data.rate_card, vendor=vendor, requisition=req, day=data.start_date)
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
        clean(engagement)
        save_with_history(engagement, by=by, reason=choices.ENGAGEMENT_CREATED)
        term = new_term(
            engagement,
            number=1,
            card=card,
            starts_on=data.start_date,
            ends_on=data.end_date,
            bill_rate=data.bill_rate,
            reason=data.rate_reason,
            by=by,
        )
        after_new_term(engagement, term, by=by)
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


def start_engagement(*, engagement: Engagement, by: User | None) -> Engagement:
    """A planned engagement starts (by its manager on or after the start date, or the daily job on it)
    once its first terms are in force: its labour is forecast from then, on a contract requisition it
    takes an opening (`record_hire`: the last fills the requisition, which must be open), and
    `engagement_started` is sent."""
    with transaction.atomic():
        engagement = locked_engagement(engagement)
        if by is not None and not can_manage_engagement(by, engagement.requisition):
            raise VendorError(_("Only a recruiter running the requisition may start the engagement."))
        refusal = start_refusal(engagement, engagement.terms.filter(number=1).first(), today=clock.today())
        if refusal:
            raise VendorError(refusal)
        if engagement.requisition.is_contract:
            try:
                _worker_to_pre_start(engagement, by=by)
                record_hire(
                    requisition=engagement.requisition,
                    by=by,
                    what=_("%(ref)s %(who)s started") % {"ref": engagement.reference, "who": engagement.worker},
                )
            except (PipelineError, RequisitionError) as exc:
                raise VendorError(str(exc)) from exc
        move_engagement(engagement, EngagementStatus.ACTIVE, by=by, reason=choices.ENGAGEMENT_STARTED)
        sync_forecast(engagement, by=by, memo=_("%(ref)s started") % {"ref": engagement.reference})
        engagement_started.send(sender=Engagement, engagement=engagement, by=by)
        if engagement.end_date - clock.today() <= timedelta(days=RENEWAL_NOTICE_DAYS):
            ask_renewal(engagement)
    return engagement


def _worker_to_pre_start(engagement: Engagement, *, by: User | None) -> None:
    """A contractor taking an opening who applied to the requisition enters Pre-start, as an accepted offer
    would put them (candidates.services.enter_pre_start). An application already in Pre-start or Hired, or
    closed, stays as it is; a worker who never applied has none to move."""
    application = (
        Application.objects.filter(
            candidate=engagement.worker_id, requisition=engagement.requisition_id, status=ApplicationStatus.ACTIVE
        )
        .exclude(stage__kind__in=RESERVED_STAGE_KINDS)
        .first()
    )
    if application is not None:
        enter_pre_start(
            application=application,
            by=by,
            cause=PreStartCause.ENGAGEMENT,
            note=_("%(ref)s started.") % {"ref": engagement.reference},
        )
