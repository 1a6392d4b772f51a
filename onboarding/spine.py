"""What pre-boarding contributes to the core: the IT and facilities roles, the task decision kind,
navigation, role permissions, who writes its models, and its panels on the requisition page (the hires to
come and their slips) and the offer page (the earliest start a hire accepted today could meet). Called from
OnboardingConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from onboarding.choices import FACILITIES, IT, TASK_KIND
from portal import registry
from portal.choices import Outcome, Role

ROLES = [
    registry.RoleSpec(IT, _("IT"), _("Prepares accounts, access and equipment for people about to start.")),
    registry.RoleSpec(
        FACILITIES, _("Facilities"), _("Prepares workspaces, badges and first-day logistics for people about to start.")
    ),
]

VIEW = ("view",)
KEPT = ("add", "change", "view")
ROLE_PERMISSIONS = {
    Role.HR: {
        f"onboarding.{m}": VIEW
        for m in ("preboardingcase", "preboardingtask", "backgroundcheck", "checklisttemplate", "templatetask")
    },
    Role.FINANCE: {"onboarding.preboardingcase": VIEW, "onboarding.preboardingtask": VIEW},
    Role.HIRING_MANAGER: {"onboarding.preboardingcase": VIEW, "onboarding.preboardingtask": VIEW},
    Role.RECRUITER: {"onboarding.preboardingcase": VIEW, "onboarding.preboardingtask": VIEW},
    IT: {"onboarding.preboardingtask": VIEW},
    FACILITIES: {"onboarding.preboardingtask": VIEW},
    Role.ADMIN: {
        "onboarding.checklisttemplate": KEPT,
        "onboarding.templatetask": (*KEPT, "delete"),
        "onboarding.preboardingcase": VIEW,
        "onboarding.preboardingtask": VIEW,
        "onboarding.startchange": VIEW,
    },
}

# Who may hold a task: the people who own tasks at all, a template's named owner included (a task handed on
# goes to one of them). Interviewers never: they see nothing of pre-boarding.
TASK_HOLDERS = frozenset({Role.HR, Role.ADMIN, Role.HIRING_MANAGER, Role.RECRUITER, Role.FINANCE, IT, FACILITIES})


def task_hold_rule(decision) -> registry.HoldRule:
    return registry.HoldRule(roles=TASK_HOLDERS)


def requisition_starts_panel(user, requisition):
    """The requisition page's hires to come and started: each case the user sees, its start, how far it
    slipped from the first agreed date, and its status."""
    from onboarding.selectors import cases_for_user

    cases = list(
        cases_for_user(user)
        .filter(requisition=requisition)
        .select_related("candidate")
        .order_by("planned_start", "id")[:11]
    )
    return {"cases": cases[:10], "more": len(cases) > 10} if cases else None


def offer_start_panel(user, offer):
    """On a live offer, the earliest start a hire accepted today could meet under the checklist that would
    apply, against the start the offer promises; on an accepted one, its case."""
    from offers.choices import LIVE, OfferStatus
    from onboarding.models import PreboardingCase
    from onboarding.schedule import BusinessCalendar
    from onboarding.services import earliest_start_for

    version = offer.current_version
    if offer.status == OfferStatus.ACCEPTED:
        case = PreboardingCase.objects.filter(offer=offer).first()
        return {"case": case} if case is not None else None
    if offer.status not in LIVE or version is None:
        return None
    location = version.location_id or offer.requisition.location_id
    template, earliest = earliest_start_for(
        employment_type=version.employment_type, location_id=location, department_id=offer.requisition.department_id
    )
    if template is None:
        return None
    # A start on a day off begins the next business day: that is the day the tasks must be done by.
    first_day = BusinessCalendar.around(version.start_date).on_or_after(version.start_date)
    return {
        "template": template,
        "earliest": earliest,
        "start": version.start_date,
        "too_soon": earliest is not None and first_day < earliest,
    }


def register() -> None:
    from onboarding.filters import StartFilter
    from onboarding.permissions import can_see_cases, can_see_my_tasks

    for spec in ROLES:
        registry.register_role(spec)
    registry.register_kind(
        registry.DecisionKind(
            key=TASK_KIND,
            label=_("Pre-boarding task"),
            outcomes=(Outcome.DONE,),
            hold_rule=task_hold_rule,
            action_label="Open task",
        )
    )
    registry.register_role_permissions("onboarding", ROLE_PERMISSIONS)
    registry.register_workflow_owned(
        "onboarding.PreboardingCase",
        "onboarding.PreboardingTask",
        "onboarding.BackgroundCheck",
        "onboarding.StartChange",
        "onboarding.StartDigest",
    )
    registry.register_reference_data("onboarding.ChecklistTemplate", "onboarding.TemplateTask")
    registry.register_append_only("onboarding.StartChange")
    registry.register_nav(
        registry.NavEntry("preboarding", _("Pre-boarding"), "onboarding:risk", order=17, visible=can_see_cases)
    )
    registry.register_nav(
        registry.NavEntry(
            "preboarding_tasks",
            _("My tasks"),
            "onboarding:my_tasks",
            order=1,
            visible=lambda user: can_see_my_tasks(user) and not can_see_cases(user),
        )
    )
    registry.register_detail_panel(
        registry.DetailPanel(
            "starts",
            "requisitions.Requisition",
            "onboarding/_requisition_starts.html",
            requisition_starts_panel,
            order=25,
            visible=lambda user, requisition: can_see_cases(user),
        )
    )
    registry.register_detail_panel(
        registry.DetailPanel(
            "earliest_start",
            "offers.Offer",
            "onboarding/_offer_start.html",
            offer_start_panel,
            visible=lambda user, offer: can_see_cases(user),
        )
    )
    registry.register_saved_view_page("onboarding:starts", StartFilter, allowed=can_see_cases)
