"""Statuses, kinds and audit action codes of vendors, rate cards, engagements, timesheets and invoices."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from requisitions.choices import Status as RequisitionStatus


class VendorKind(models.TextChoices):
    AGENCY = "agency", _("Permanent-placement agency")
    SUPPLIER = "supplier", _("Contractor supplier")
    BOTH = "both", _("Agency and contractor supplier")


# The requisitions engagements are planned on: approved, open or on hold.
OPEN_REQUISITION = (RequisitionStatus.APPROVED, RequisitionStatus.OPEN, RequisitionStatus.ON_HOLD)

# Kinds that place permanent hires (an application can name them as its source) and that supply contractors.
PLACES_HIRES = (VendorKind.AGENCY, VendorKind.BOTH)
SUPPLIES_CONTRACTORS = (VendorKind.SUPPLIER, VendorKind.BOTH)


class VendorStatus(models.TextChoices):
    APPROVED = "approved", _("Approved")
    ON_HOLD = "on_hold", _("On hold")
    TERMINATED = "terminated", _("Terminated")


class RateUnit(models.TextChoices):
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")


class EngagementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    EXTENSION_PENDING = "extension_pending", _("Extension pending")
    ENDED = "ended", _("Ended")


# The statuses an engagement may move to from each status.
ENGAGEMENT_TRANSITIONS = {
    EngagementStatus.PLANNED: {EngagementStatus.ACTIVE, EngagementStatus.ENDED},
    EngagementStatus.ACTIVE: {EngagementStatus.EXTENSION_PENDING, EngagementStatus.ENDED},
    EngagementStatus.EXTENSION_PENDING: {EngagementStatus.ACTIVE, EngagementStatus.ENDED},
    EngagementStatus.ENDED: set(),
}
# An engagement still running or about to: it bills, and its timesheets are recorded.
WORKING = (EngagementStatus.ACTIVE, EngagementStatus.EXTENSION_PENDING)


class RateApproval(models.TextChoices):
    """Where the engagement's bill rate stands against its rate card."""

    WITHIN_CARD = "within_card", _("Within the rate card")
    PENDING = "pending", _("Above the card: in approval")
    APPROVED = "approved", _("Above the card: approved")
    REJECTED = "rejected", _("Above the card: refused")


# Terms whose rate may bill: within the card, or approved above it.
IN_FORCE = (RateApproval.WITHIN_CARD, RateApproval.APPROVED)


class TimesheetStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    INVOICED = "invoiced", _("Invoiced")


class InvoiceStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    MATCHED = "matched", _("Matched")
    FLAGGED = "flagged", _("Flagged")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")


INVOICE_TRANSITIONS = {
    InvoiceStatus.SUBMITTED: {InvoiceStatus.MATCHED, InvoiceStatus.FLAGGED, InvoiceStatus.REJECTED},
    InvoiceStatus.MATCHED: {
        InvoiceStatus.MATCHED,
        InvoiceStatus.FLAGGED,
        InvoiceStatus.APPROVED,
        InvoiceStatus.REJECTED,
    },
    InvoiceStatus.FLAGGED: {
        InvoiceStatus.MATCHED,
        InvoiceStatus.FLAGGED,
        InvoiceStatus.APPROVED,
        InvoiceStatus.REJECTED,
    },
    InvoiceStatus.APPROVED: {InvoiceStatus.PAID},
    InvoiceStatus.PAID: set(),
    InvoiceStatus.REJECTED: set(),
}
# An invoice still being decided: it can be matched again, approved or rejected.
OPEN_INVOICE = (InvoiceStatus.SUBMITTED, InvoiceStatus.MATCHED, InvoiceStatus.FLAGGED)
# An invoice whose money is owed: its lines are actual spend.
OWED = (InvoiceStatus.APPROVED, InvoiceStatus.PAID)


class LineFlag(models.TextChoices):
    """What matching found on one invoice line (empty: it matches)."""

    OVER_RATE = "over_rate", _("Billed above the engagement's rate")
    MISMATCH = "mismatch", _("Differs from the approved timesheets or the fee")
    UNMATCHED = "unmatched", _("Nothing approved to match")


# The decision finance takes when a placed hire falls through within the agency's guarantee.
GUARANTEE_KIND = "agency_guarantee"


class PlacementStatus(models.TextChoices):
    ACTIVE = "active", _("Placed")
    REPLACED = "replaced", _("Left in the guarantee period")


class ExpiryKind(models.TextChoices):
    RATE_CARD = "rate_card", _("Rate card")
    CONTRACT = "contract", _("Vendor contract")


class Action(models.TextChoices):
    """What a person can do to an engagement from its page."""

    SUBMIT_RATE = "submit_rate", _("Submit the rate for approval")
    APPROVE = "approve", _("Approve the rate")
    SEND_BACK = "send_back", _("Send back")
    REJECT = "reject", _("Reject the rate")
    START = "start", _("Start")
    RENEW = "renew", _("Renew")
    END = "end", _("End")


# The status an engagement action moves it to; the transition table (ENGAGEMENT_TRANSITIONS) says from
# where, so these are offered only where it allows the move. The other actions work on its terms (a rate,
# its approval, a renewal) and move no status of their own: their predicates say when.
ENGAGEMENT_ACTION_MOVES = {Action.START: EngagementStatus.ACTIVE, Action.END: EngagementStatus.ENDED}


# The engagement rate policy and the decision kinds vendors raise.
RATE_POLICY = "engagement_rate"
RATE_APPROVAL_KIND = "engagement_rate_approval"
RENEWAL_KIND = "contract_renewal"

# Days before an end or an expiry when the portal asks or reminds.
RENEWAL_NOTICE_DAYS = 30
EXPIRY_NOTICE_DAYS = (30, 14)

# Audit action codes (simple-history's change reason).
VENDOR_SAVED = "vendors.vendor.saved"
CLAUSE_CHECKED = "vendors.vendor.clause_checked"
RATE_CARD_SAVED = "vendors.ratecard.saved"
ENGAGEMENT_CREATED = "vendors.engagement.created"
ENGAGEMENT_SUBMITTED = "vendors.engagement.rate_submitted"
ENGAGEMENT_RATE_APPROVED = "vendors.engagement.rate_approved"
ENGAGEMENT_RATE_REFUSED = "vendors.engagement.rate_refused"
ENGAGEMENT_STARTED = "vendors.engagement.started"
ENGAGEMENT_EXTENSION_DUE = "vendors.engagement.extension_due"
ENGAGEMENT_RENEWED = "vendors.engagement.renewed"
ENGAGEMENT_ENDED = "vendors.engagement.ended"
TIMESHEET_SUBMITTED = "vendors.timesheet.submitted"
TIMESHEET_APPROVED = "vendors.timesheet.approved"
TIMESHEET_REJECTED = "vendors.timesheet.rejected"
TIMESHEET_INVOICED = "vendors.timesheet.invoiced"
INVOICE_RECEIVED = "vendors.invoice.received"
INVOICE_IMPORTED = "vendors.invoice.imported"
INVOICE_MATCHED = "vendors.invoice.matched"
INVOICE_APPROVED = "vendors.invoice.approved"
INVOICE_OVERRIDDEN = "vendors.invoice.approved_with_override"
INVOICE_REJECTED = "vendors.invoice.rejected"
INVOICE_PAID = "vendors.invoice.paid"
PLACEMENT_RECORDED = "vendors.placement.recorded"
PLACEMENT_FELL_THROUGH = "vendors.placement.fell_through"
