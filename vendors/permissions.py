"""Who sees and who works vendors, rate cards, engagements, timesheets, invoices and spend.

Finance sees everything here and is the only role that approves invoices. Hiring managers see the
engagements and timesheets of their requisitions (and approve those timesheets). Recruiters see the
vendor list and rate cards, and run the engagements of the requisitions they run; never invoices.
Admins keep the vendor list with finance. HR and interviewers see none of it.
"""

from django.utils.translation import gettext as _

from portal.choices import Role
from portal.models import User
from portal.services.approvals import can_decide
from portal.services.records import moves_allowed
from requisitions.permissions import runs_requisition
from requisitions.services import hire_refusal
from vendors.choices import (
    ENGAGEMENT_ACTION_MOVES,
    ENGAGEMENT_TRANSITIONS,
    OPEN_INVOICE,
    WORKING,
    Action,
    EngagementStatus,
    InvoiceStatus,
    TimesheetStatus,
)

# Who sees every engagement, timesheet and invoice.
ALL_SPEND_ROLES = (Role.FINANCE, Role.ADMIN)


def can_see_vendors(user: User) -> bool:
    return user.is_active and user.has_perm("vendors.view_vendor")


def can_manage_vendors(user: User) -> bool:
    """Add and edit vendors, their contacts, clauses and rate cards: finance and admins."""
    return user.is_active and user.has_perm("vendors.change_vendor")


def can_see_engagements(user: User) -> bool:
    return user.is_active and user.has_perm("vendors.view_engagement")


def sees_all_engagements(user: User) -> bool:
    return can_see_engagements(user) and (user.is_superuser or user.has_role(*ALL_SPEND_ROLES))


def can_add_engagements(user: User) -> bool:
    return user.is_active and user.has_perm("vendors.add_engagement")


def can_manage_engagement(user: User, requisition) -> bool:
    """Create an engagement, change its planned rate, start or end it: a recruiter running the
    requisition, or an admin."""
    return can_add_engagements(user) and (
        user.is_portal_admin or (user.has_role(Role.RECRUITER) and runs_requisition(user, requisition))
    )


def is_hiring_manager_of(user: User, engagement) -> bool:
    return user.is_active and engagement.requisition.hiring_manager_id == user.pk


def can_renew(user: User, engagement) -> bool:
    """Renew or end at the end of the term: the requisition's hiring manager, or an admin."""
    if engagement.status not in WORKING:
        return False
    return is_hiring_manager_of(user, engagement) or (user.is_active and user.is_portal_admin)


def can_record_timesheets(user: User, engagement, *, manages: bool) -> bool:
    """Recording a week the vendor reported: whoever runs the engagement, or finance."""
    if engagement.status not in (*WORKING, EngagementStatus.ENDED):
        return False
    return manages or (user.is_active and user.has_role(Role.FINANCE))


def can_approve_timesheet(user: User, timesheet) -> bool:
    """The requisition's hiring manager (or an admin) approves a week, never the person who recorded it."""
    if timesheet.status != TimesheetStatus.SUBMITTED or timesheet.submitted_by_id == user.pk:
        return False
    return is_hiring_manager_of(user, timesheet.engagement) or (user.is_active and user.is_portal_admin)


def can_see_invoices(user: User) -> bool:
    return user.is_active and user.has_perm("vendors.view_invoice")


def can_enter_invoices(user: User) -> bool:
    """Enter or import an invoice: finance and admins (accounts payable)."""
    return user.is_active and user.has_perm("vendors.add_invoice")


def decides_invoices(user: User) -> bool:
    """Finance approves (or overrides), rejects and pays invoices."""
    return user.is_active and user.has_role(Role.FINANCE)


def can_approve_invoice(user: User, invoice) -> bool:
    """Finance approves (or overrides), never the person who entered the invoice."""
    return (
        decides_invoices(user)
        and invoice.created_by_id != user.pk
        and invoice.status in (InvoiceStatus.MATCHED, InvoiceStatus.FLAGGED)
    )


def can_reject_invoice(user: User, invoice) -> bool:
    return decides_invoices(user) and invoice.status in OPEN_INVOICE


def can_rematch_invoice(user: User, invoice) -> bool:
    return can_enter_invoices(user) and invoice.status in OPEN_INVOICE


def can_pay_invoice(user: User, invoice) -> bool:
    return decides_invoices(user) and invoice.status == InvoiceStatus.APPROVED


def can_see_engagement_spend(user: User, engagement) -> bool:
    """An engagement's money (weekly charges, expected labour, ledger events): finance and admins, and
    the hiring manager of its requisition; not the recruiters who run it."""
    return can_see_invoices(user) or is_hiring_manager_of(user, engagement)


def can_see_timesheet_charges(user: User) -> bool:
    """Whether the timesheet list shows charges at all: finance and admins (every week) and hiring
    managers (the weeks of their own requisitions only: can_see_engagement_spend, week by week)."""
    return can_see_engagements(user) and (can_see_invoices(user) or user.has_role(Role.HIRING_MANAGER))


def can_see_spend(user: User) -> bool:
    """The spend pages (cash needs, vendor spend, contractors ending, cost per hire): finance and admins
    over everything, hiring managers over their requisitions (vendors.finance.spend_scope)."""
    return user.is_active and (user.has_perm("vendors.view_invoice") or user.has_role(Role.HIRING_MANAGER))


def allowed_actions(user: User, engagement, terms, pending, open_decisions, *, manages: bool, today) -> list[str]:
    """What `user` may do to `engagement` now, in the order its page shows them: the status moves its
    transition table allows (ENGAGEMENT_ACTION_MOVES), and the actions on its terms, each to whoever its
    predicate lets take it. `terms`: its terms in order; `pending`: the one waiting for approval, if any,
    and its chain's `open_decisions`; `manages`: can_manage_engagement, computed once by the caller."""
    decides = pending is not None and can_decide(user, open_decisions)
    renews = can_renew(user, engagement)
    may = {
        Action.APPROVE: decides,
        Action.SEND_BACK: decides,
        Action.REJECT: decides,
        Action.START: manages and not start_refusal(engagement, terms[0] if terms else None, today=today),
        # Only a planned engagement's first rate is changed (vendors.services.revise_rate); a running one renews.
        Action.SUBMIT_RATE: manages and engagement.status == EngagementStatus.PLANNED,
        Action.RENEW: renews and pending is None,
        Action.END: manages or renews,
    }
    moves = moves_allowed(engagement.status, transitions=ENGAGEMENT_TRANSITIONS, moves=ENGAGEMENT_ACTION_MOVES)
    return [a for a, allowed in may.items() if allowed and (a in moves or a not in ENGAGEMENT_ACTION_MOVES)]


def start_refusal(engagement, first_term, *, today) -> str:
    """Why `engagement` cannot start today ("" when it can): planned, its first terms (`first_term`) in
    force, its start date come and its end date not passed, and, on a contract requisition, an opening
    to take (requisitions.services.hire_refusal). The one rule of vendors.services.start_engagement, the
    daily job, the engagement's page and its actions."""
    ref = engagement.reference
    if engagement.status != EngagementStatus.PLANNED:
        return _("Only a planned engagement starts.")
    if first_term is None or not first_term.in_force:
        state = first_term.get_rate_approval_display().lower() if first_term else _("missing")
        return _("The rate of %(ref)s is %(state)s: it starts once approved.") % {"ref": ref, "state": state}
    if engagement.start_date > today:
        return _("%(ref)s starts on %(day)s.") % {"ref": ref, "day": engagement.start_date}
    if engagement.end_date < today:
        return _("%(ref)s was to end on %(day)s: it cannot start after its end date.") % {
            "ref": ref,
            "day": engagement.end_date,
        }
    if engagement.requisition.is_contract:
        return hire_refusal(engagement.requisition)
    return ""
