"""How an engagement goes on or stops: renewing to new terms, and the end."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from portal import clock
from portal.choices import Outcome
from portal.models import User
from portal.services import approvals
from portal.services.records import save_with_history
from vendors import choices
from vendors.choices import (
    IN_FORCE,
    EngagementStatus,
    RateApproval,
)
from vendors.models import (
    Engagement,
    EngagementTerm,
    RateCard,
)
from vendors.permissions import (
    can_manage_engagement,
    can_renew,
)
from vendors.services.base import VendorError, locked_engagement, move_engagement
from vendors.services.forecast import sync_forecast
from vendors.services.renewal_decision import close_renewal
from vendors.services.terms import after_new_term, check_dates, new_term, pending_term


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
        engagement = locked_engagement(engagement)
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
        check_dates(starts, data.end_date)
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
        term = new_term(
            engagement,
            number=number,
            card=card,
            starts_on=starts,
            ends_on=data.end_date,
            bill_rate=bill_rate,
            reason=data.rate_reason,
            by=by,
        )
        close_renewal(
            engagement, outcome=Outcome.RENEWED, by=by, note=note or _("Renewed to %(end)s.") % {"end": data.end_date}
        )
        if engagement.status == EngagementStatus.ACTIVE and not term.in_force:
            move_engagement(
                engagement, EngagementStatus.EXTENSION_PENDING, by=by, reason=choices.ENGAGEMENT_EXTENSION_DUE
            )
        after_new_term(engagement, term, by=by)
    return term


def end_engagement(*, engagement: Engagement, by: User | None, note: str, end_date: date | None = None) -> Engagement:
    """End the engagement on `end_date` (default: its end date, or today if that is earlier): the
    forecast past it is taken back, a waiting renewal closes. The hiring manager, whoever runs the
    engagement, an admin, or the daily job after the end date."""
    with transaction.atomic():
        engagement = locked_engagement(engagement)
        if engagement.status == EngagementStatus.ENDED:
            raise VendorError(_("This engagement already ended."))
        if by is not None and not (can_renew(by, engagement) or can_manage_engagement(by, engagement.requisition)):
            raise VendorError(
                _("Only the hiring manager or the recruiter of %(ref)s ends it.")
                % {"ref": engagement.requisition.reference}
            )
        if by is not None and not note.strip():
            raise VendorError(_("Say why the engagement ends."))
        last = end_date or min(engagement.end_date, max(clock.today(), engagement.start_date))
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
            save_with_history(first_pending, by=by, reason=choices.ENGAGEMENT_RATE_REFUSED)
        never_ran = engagement.status == EngagementStatus.PLANNED
        if never_ran:
            last = engagement.start_date
        engagement.end_date = last
        engagement.status_note = note.strip()
        move_engagement(engagement, EngagementStatus.ENDED, by=by, reason=choices.ENGAGEMENT_ENDED)
        close_renewal(engagement, outcome=Outcome.ENDED, by=by, note=note.strip() or _("Ended."))
        sync_forecast(
            engagement,
            by=by,
            memo=_("%(ref)s ended %(day)s") % {"ref": engagement.reference, "day": last},
            none=never_ran,
        )
    return engagement
