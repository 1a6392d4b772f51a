"""What vendors contribute to the core: the engagement rate policy and the decision kinds, navigation and
the spend section's report tabs, role permissions and the hiring manager's timesheets panel. Called from
VendorsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.choices import Outcome, Role
from portal.services.approvals import approval_kind

ROLE_PERMISSIONS = {
    Role.RECRUITER: {
        "vendors.vendor": ("view",),
        "vendors.ratecard": ("view",),
        "vendors.engagement": ("add", "view"),
        "vendors.timesheet": ("add", "view"),
    },
    Role.HIRING_MANAGER: {"vendors.engagement": ("view",), "vendors.timesheet": ("view",)},
    Role.FINANCE: {
        "vendors.vendor": ("add", "change", "view"),
        "vendors.ratecard": ("add", "change", "view"),
        "vendors.engagement": ("view",),
        "vendors.timesheet": ("add", "view"),
        "vendors.invoice": ("add", "change", "view"),
        "vendors.placement": ("view",),
    },
    Role.ADMIN: {
        "vendors.vendor": ("add", "change", "view"),
        "vendors.ratecard": ("add", "change", "view"),
        "vendors.requiredclause": ("add", "change", "view"),
        "vendors.engagement": ("add", "view"),
        "vendors.timesheet": ("add", "view"),
        "vendors.invoice": ("add", "view"),
        "vendors.placement": ("view",),
    },
}


def renewal_hold_rule(decision) -> registry.HoldRule:
    """Renewing or ending a contract is the hiring manager's call (an admin stands in)."""
    return registry.HoldRule(roles=frozenset({Role.HIRING_MANAGER, Role.ADMIN}))


def timesheets_panel(user):
    from vendors.selectors import timesheets_to_approve

    sheets = list(timesheets_to_approve(user)[:11])
    return {"timesheets": sheets[:10], "more": len(sheets) > 10} if sheets else None


def register() -> None:
    from vendors.choices import RENEWAL_KIND
    from vendors.filters import EngagementFilter, InvoiceFilter, TimesheetFilter
    from vendors.finance import SPEND_REPORTS
    from vendors.permissions import can_see_engagements, can_see_invoices, can_see_spend, can_see_vendors
    from vendors.policy import RATE_APPROVAL_POLICY

    registry.register_policy(RATE_APPROVAL_POLICY)
    registry.register_kind(approval_kind(RATE_APPROVAL_POLICY, label=_("Engagement rate approval")))
    registry.register_kind(
        registry.DecisionKind(
            key=RENEWAL_KIND,
            label=_("Contract renewal"),
            outcomes=(Outcome.RENEWED, Outcome.ENDED),
            hold_rule=renewal_hold_rule,
            action_label="Renew or end",
        )
    )
    registry.register_role_permissions("vendors", ROLE_PERMISSIONS)
    registry.register_nav(
        registry.NavEntry(
            "engagements", _("Contractors"), "vendors:engagement_list", order=18, visible=can_see_engagements
        )
    )
    registry.register_nav(
        registry.NavEntry("vendors", _("Vendors"), "vendors:vendor_list", order=19, visible=can_see_vendors)
    )
    for order, (key, (label, _dataset)) in enumerate(SPEND_REPORTS.items(), start=1):
        url = ("vendors:spend", ()) if key == "cash" else ("vendors:spend_report", (key,))
        registry.register_tab(
            registry.SectionTab("spend", key, label, url[0], order=order * 10, visible=can_see_spend, args=url[1])
        )
    registry.register_work_panel(
        registry.WorkPanel("timesheets_to_approve", "vendors/_my_timesheets.html", timesheets_panel, order=30)
    )
    registry.register_saved_view_page("vendors:engagement_list", EngagementFilter, allowed=can_see_engagements)
    registry.register_saved_view_page("vendors:timesheet_list", TimesheetFilter, allowed=can_see_engagements)
    registry.register_saved_view_page("vendors:invoice_list", InvoiceFilter, allowed=can_see_invoices)
