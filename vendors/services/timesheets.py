"""Timesheets: the weeks a vendor reports, approved by the hiring manager."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import clock
from portal.models import User
from portal.services.notifications import notify
from portal.services.records import save_with_history
from vendors import choices
from vendors.choices import (
    TimesheetStatus,
)
from vendors.costs import monday_of
from vendors.models import (
    MAX_WEEK_HOURS,
    Engagement,
    Timesheet,
)
from vendors.permissions import (
    can_approve_timesheet,
    can_manage_engagement,
    can_record_timesheets,
)
from vendors.services.base import VendorError, locked_engagement


def record_timesheet(
    *, engagement: Engagement, by: User, week_start: date, hours: Decimal, overtime_hours: Decimal, note: str = ""
) -> Timesheet:
    """Record a week the vendor reported; the hiring manager is asked to approve it (My work)."""
    manages = can_manage_engagement(by, engagement.requisition)
    if not can_record_timesheets(by, engagement, manages=manages):
        raise VendorError(_("Timesheets are recorded by whoever runs the engagement, or finance."))
    if week_start != monday_of(week_start):
        raise VendorError(_("A timesheet's week starts on a Monday."))
    if week_start > clock.today():
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
        engagement = locked_engagement(engagement)
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
                save_with_history(sheet, by=by, reason=choices.TIMESHEET_SUBMITTED)
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
        save_with_history(
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
