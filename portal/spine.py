"""What the core itself contributes through the registry: its roles and their permissions, requests, its
navigation and who writes its models' rows.

Each module has a `spine.py` like this one, called from its AppConfig.ready().
"""

from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.choices import REQUEST, Outcome
from portal.permissions import can_raise_request, can_view_ledger
from portal.roles import CORE_PERMISSIONS, CORE_ROLES


def register() -> None:
    for role in CORE_ROLES:
        registry.register_role(role)
    registry.register_kind(
        registry.DecisionKind(
            key=REQUEST,
            label=_("Request"),
            outcomes=(Outcome.DONE, Outcome.DECLINED),
            page_outcomes=(Outcome.DONE, Outcome.DECLINED),
            next_action=lambda decision: decision.get_absolute_url(),
            action_label="Decide",
        )
    )
    registry.register_role_permissions("portal", CORE_PERMISSIONS)
    registry.register_append_only("portal.CostEvent")
    registry.register_workflow_owned(
        "portal.Decision",
        "portal.ApprovalChain",
        "portal.ApprovalStep",
        "portal.CostEvent",
        "portal.ReminderLog",
        "portal.Notification",
        "portal.AccessLog",
        "portal.ExportLog",
        "portal.SavedView",
        # The role groups: apply_roles makes them hold exactly what the code grants each role.
        "auth.Group",
    )
    registry.register_reference_data(
        "portal.User",
        "portal.Department",
        "portal.CostCenter",
        "portal.Location",
        "portal.RoleFamily",
        "portal.Level",
        "portal.CompBand",
        "portal.HiringPlan",
        "portal.Holiday",
        "portal.ApprovalRule",
        # Sign-in attempts and lockouts (django-axes): read-only fields in its own admin; a superuser clears
        # a lockout by deleting its attempt.
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
    )
    registry.register_nav(registry.NavEntry("my_work", _("My work"), "portal:my_work", order=0))
    # Spend: one entry for the pages modules add to the section, the core's ledger first.
    registry.register_nav(registry.NavEntry("spend", _("Spend"), "portal:ledger", order=20, section="spend"))
    registry.register_tab(
        registry.SectionTab(
            "spend", "ledger", _("Forecast vs actual"), "portal:ledger", order=0, visible=can_view_ledger
        )
    )
    registry.register_nav(
        registry.NavEntry("request", _("Ask for a decision"), "portal:request_create", 80, visible=can_raise_request)
    )
    registry.register_nav(
        registry.NavEntry(
            "admin", _("Administration"), "admin:index", 90, visible=lambda user: user.is_portal_admin and user.is_staff
        )
    )
