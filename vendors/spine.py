"""What vendors contribute to the core: the engagement rate policy and the decision kinds, navigation and
the spend section's report tabs, role permissions, the hiring manager's timesheets panel and the
contractors panel of the requisition page. Called from VendorsConfig.ready()."""

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


def guarantee_hold_rule(decision) -> registry.HoldRule:
    """Claiming a placement's guarantee is finance's (an admin stands in)."""
    return registry.HoldRule(roles=frozenset({Role.FINANCE, Role.ADMIN}))


def timesheets_panel(user):
    from vendors.selectors import timesheets_to_approve

    sheets = list(timesheets_to_approve(user)[:11])
    return {"timesheets": sheets[:10], "more": len(sheets) > 10} if sheets else None


def requisition_contractors_panel(user, requisition):
    """The requisition page's contractors: the engagements on it the user may see (as on the Contractors
    list), and the way to plan one for whoever may; nothing when there is neither."""
    from vendors.choices import OPEN_REQUISITION
    from vendors.permissions import can_manage_engagement
    from vendors.selectors import engagements_for_user

    engagements = list(
        engagements_for_user(user)
        .filter(requisition=requisition)
        .select_related("worker", "vendor")
        .order_by("end_date", "id")[:11]
    )
    can_plan = requisition.status in OPEN_REQUISITION and can_manage_engagement(user, requisition)
    if not engagements and not can_plan:
        return None
    return {"engagements": engagements[:10], "more": len(engagements) > 10, "can_plan": can_plan}


def register() -> None:
    from vendors.choices import GUARANTEE_KIND, RENEWAL_KIND
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
    registry.register_kind(
        registry.DecisionKind(
            key=GUARANTEE_KIND,
            label=_("Agency guarantee claim"),
            outcomes=(Outcome.REPLACEMENT, Outcome.REFUND),
            page_outcomes=(Outcome.REPLACEMENT, Outcome.REFUND),
            hold_rule=guarantee_hold_rule,
            action_label="Claim",
        )
    )
    registry.register_role_permissions("vendors", ROLE_PERMISSIONS)
    # Vendors, their clauses and rate cards too: finance keeps them on the vendor pages, whose service
    # checks what the admin would not (clauses before approval, rate cards that overlap).
    registry.register_workflow_owned(
        *(
            f"vendors.{model}"
            for model in (
                "Vendor",
                "VendorContact",
                "RequiredClause",
                "ClauseCheck",
                "RateCard",
                "Placement",
                "Engagement",
                "EngagementTerm",
                "Timesheet",
                "Invoice",
                "InvoiceLine",
                "ExpiryNotice",
            )
        )
    )
    registry.register_nav(
        registry.NavEntry(
            "engagements", _("Contractors"), "vendors:engagement_list", order=18, visible=can_see_engagements
        )
    )
    registry.register_nav(
        registry.NavEntry("vendors", _("Vendors"), "vendors:vendor_list", order=19, visible=can_see_vendors)
    )
    for index, (key, (label, _dataset, order)) in enumerate(SPEND_REPORTS.items()):
        # The first report is the vendors' spend address itself (vendors:spend), the others below it.
        url = ("vendors:spend", ()) if index == 0 else ("vendors:spend_report", (key,))
        registry.register_tab(registry.SectionTab("spend", key, label, url[0], order, can_see_spend, args=url[1]))
    registry.register_work_panel(
        registry.WorkPanel("timesheets_to_approve", "vendors/_my_timesheets.html", timesheets_panel, order=30)
    )
    registry.register_detail_panel(
        registry.DetailPanel(
            "contractors",
            "requisitions.Requisition",
            "vendors/_requisition_contractors.html",
            requisition_contractors_panel,
            order=30,
            visible=lambda user, requisition: can_see_engagements(user),
        )
    )
    registry.register_saved_view_page("vendors:engagement_list", EngagementFilter, allowed=can_see_engagements)
    registry.register_saved_view_page("vendors:timesheet_list", TimesheetFilter, allowed=can_see_engagements)
    registry.register_saved_view_page("vendors:invoice_list", InvoiceFilter, allowed=can_see_invoices)
