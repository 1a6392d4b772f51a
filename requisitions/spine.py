"""What requisitions contribute to the core: the approval policy and decision kinds, navigation, role
permissions and the drafts panel of My work. Called from RequisitionsConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.choices import Outcome, Role
from portal.services.approvals import approval_kind
from requisitions.choices import REVISION_KIND
from requisitions.policy import REQUISITION_POLICY

VIEW = ("view",)

ROLE_PERMISSIONS = {
    Role.RECRUITER: {"requisitions.requisition": ("add",)},
    Role.HIRING_MANAGER: {"requisitions.requisition": ("add",)},
    Role.FINANCE: {"requisitions.requisition": VIEW},
    Role.HR: {"requisitions.requisition": VIEW},
    Role.ADMIN: {"requisitions.requisition": ("add", "change", "view")},
}

# Who approves something: hiring managers (as managers, department heads), finance, HR, admins.
APPROVING_ROLES = (Role.HIRING_MANAGER, Role.FINANCE, Role.HR, Role.ADMIN)


def revision_hold_rule(decision) -> registry.HoldRule:
    """A revision is the work of the people who run a requisition: its hiring manager or recruiter."""
    return registry.HoldRule(roles=frozenset({Role.HIRING_MANAGER, Role.RECRUITER}))


def drafts_panel(user):
    from requisitions.selectors import drafts_for_user

    drafts = list(drafts_for_user(user).select_related("department")[:11])
    return {"drafts": drafts[:10], "more": len(drafts) > 10} if drafts else None


def register() -> None:
    registry.register_policy(REQUISITION_POLICY)
    registry.register_kind(approval_kind(REQUISITION_POLICY, label=_("Requisition approval")))
    registry.register_kind(
        registry.DecisionKind(
            key=REVISION_KIND,
            label=_("Revise and resubmit"),
            outcomes=(Outcome.DONE,),
            next_action=lambda decision: reverse("requisitions:edit", args=[decision.subject_id]),
            hold_rule=revision_hold_rule,
            action_label="Revise",
        )
    )
    registry.register_role_permissions("requisitions", ROLE_PERMISSIONS)
    registry.register_workflow_owned("requisitions.Requisition")
    registry.register_nav(registry.NavEntry("requisitions", _("Requisitions"), "requisitions:list", order=10))
    from requisitions.filters import RequisitionFilter

    registry.register_saved_view_page("requisitions:list", RequisitionFilter)
    registry.register_nav(
        registry.NavEntry(
            "approvals",
            _("My approvals"),
            "requisitions:approvals",
            order=20,
            visible=lambda user: user.has_role(*APPROVING_ROLES),
        )
    )
    registry.register_work_panel(
        registry.WorkPanel("requisition_drafts", "requisitions/_my_drafts.html", drafts_panel, order=10)
    )
