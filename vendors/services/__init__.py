"""Every change to vendors and what they bill, one module per concern:

- `vendors`: the vendor list, contacts and the required clauses checked in each agreement;
- `rate_cards`: what a vendor bills per role family, level and location, over validity dates;
- `placements`: an agency hire's fee, recorded when its offer is accepted;
- `engagements`, `terms`, `renewals` (with `renewal_decision` and `forecast`): contractors planned on a
  requisition, the rate their terms bill against the card (approval above it), the start, renewals and the
  end, and the labour forecast their terms in force imply;
- `timesheets`: the weeks a vendor reports, approved by the hiring manager;
- `invoices`: entry, matching, approval (a finance override when flagged), rejection and payment;
- `daily`: the daily job (starts, ends, renewal decisions, expiry reminders).

Each function takes the acting user as `by` (None: the portal's own jobs), checks that they may act,
validates, writes inside one transaction on the locked row, and records the change in history. The names
below are the package's public surface; callers import them from `vendors.services`.
"""

from vendors.services.base import VendorError
from vendors.services.daily import run_daily, send_expiry_reminders
from vendors.services.engagements import EngagementInput, create_engagement, start_engagement
from vendors.services.invoices import (
    InvoiceInput,
    LineInput,
    approve_invoice,
    create_invoice,
    invoice_problems,
    mark_paid,
    reject_invoice,
    rematch_invoice,
)
from vendors.services.placements import placement_fell_through, record_placement
from vendors.services.rate_cards import save_rate_card
from vendors.services.renewals import RenewalInput, end_engagement, renew_engagement
from vendors.services.terms import approve_rate, refuse_rate, revise_rate
from vendors.services.timesheets import approve_timesheet, record_timesheet, reject_timesheet
from vendors.services.vendors import (
    check_clause,
    remove_contact,
    save_contact,
    save_vendor,
    uncheck_clause,
)

__all__ = [
    "EngagementInput",
    "InvoiceInput",
    "LineInput",
    "RenewalInput",
    "VendorError",
    "approve_invoice",
    "approve_rate",
    "approve_timesheet",
    "check_clause",
    "create_engagement",
    "create_invoice",
    "end_engagement",
    "invoice_problems",
    "mark_paid",
    "placement_fell_through",
    "record_placement",
    "record_timesheet",
    "refuse_rate",
    "reject_invoice",
    "reject_timesheet",
    "rematch_invoice",
    "remove_contact",
    "renew_engagement",
    "revise_rate",
    "run_daily",
    "save_contact",
    "save_rate_card",
    "save_vendor",
    "send_expiry_reminders",
    "start_engagement",
    "uncheck_clause",
]
