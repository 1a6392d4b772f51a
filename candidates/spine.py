"""What the candidate pipeline contributes to the core: role permissions, navigation, its append-only
table, the scorecard-due and debrief decision kinds, the upcoming-interviews panel of My work and the
candidates panel of the requisition page. Called from CandidatesConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.choices import Outcome, Role

VIEW = ("view",)
EDIT = ("add", "change", "view")
NOTE = ("add", "view")

ROLE_PERMISSIONS = {
    Role.RECRUITER: {
        "candidates.candidate": EDIT,
        "candidates.application": EDIT,
        "candidates.activity": NOTE,
        "candidates.interviewplan": VIEW,
    },
    Role.HIRING_MANAGER: {
        "candidates.candidate": VIEW,
        "candidates.application": VIEW,
        "candidates.activity": NOTE,
        "candidates.interviewplan": VIEW,
    },
    Role.FINANCE: {"candidates.candidate": VIEW, "candidates.application": VIEW},
    Role.HR: {
        "candidates.candidate": EDIT,
        "candidates.application": VIEW,
        "candidates.activity": VIEW,
        "candidates.interviewplan": VIEW,
    },
    Role.ADMIN: {
        "candidates.candidate": EDIT,
        "candidates.application": EDIT,
        # Admins work any requisition's pipeline as its recruiter would (move, close, offers), notes included.
        "candidates.activity": NOTE,
        "candidates.stage": EDIT,
        "candidates.reasoncode": EDIT,
        "candidates.source": EDIT,
        "candidates.criterion": EDIT,
        "candidates.interviewplantemplate": EDIT,
        "candidates.interviewroundtemplate": ("add", "change", "delete", "view"),
        "candidates.interviewercap": ("add", "change", "delete", "view"),
        "candidates.interviewplan": VIEW,
    },
}


def scorecard_hold_rule(decision) -> registry.HoldRule:
    """A scorecard is its interviewer's own work: nobody else can take it, or be handed it."""
    return registry.HoldRule(only=frozenset({decision.owner_id}))


def debrief_hold_rule(decision) -> registry.HoldRule:
    return registry.HoldRule(roles=frozenset({Role.HIRING_MANAGER}))


def interview_page(decision) -> str:
    return reverse("candidates:interview", args=[decision.subject_id])


def debrief_page(decision) -> str:
    return reverse("candidates:debrief", args=[decision.subject_id])


def upcoming_interviews_panel(user):
    from candidates.selectors import upcoming_interviews

    interviews = list(upcoming_interviews(user)[:11])
    return {"interviews": interviews[:10], "more": len(interviews) > 10} if interviews else None


def requisition_pipeline_panel(user, requisition):
    """The requisition page's candidates: its applications by stage, the board while it is open, and its
    interview plan for those who read plans. Nothing before it opens, for those who read no plan."""
    from candidates.selectors import requisition_pipeline
    from requisitions.choices import Status

    summary = requisition_pipeline(requisition, user)
    is_open = requisition.status == Status.OPEN
    show_plan = user.has_perm("candidates.view_interviewplan")
    if not (summary["total"] or is_open or show_plan):
        return None
    return {**summary, "show_board": is_open, "show_plan": show_plan}


def register() -> None:
    from candidates.choices import DEBRIEF_KIND, DEBRIEF_OUTCOMES, SCORECARD_DUE_KIND
    from candidates.filters import ApplicationFilter
    from candidates.permissions import can_see_applications, can_see_pipeline_of, can_sit_on_panel

    registry.register_role_permissions("candidates", ROLE_PERMISSIONS)
    registry.register_nav(
        registry.NavEntry(
            "pipeline",
            _("Pipeline"),
            "candidates:pipeline",
            order=15,
            visible=can_see_applications,
        )
    )
    registry.register_nav(
        registry.NavEntry("interviews", _("Interviews"), "candidates:interviews", order=16, visible=can_sit_on_panel)
    )
    registry.register_append_only("candidates.StageTransition")
    registry.register_workflow_owned(
        *(
            f"candidates.{model}"
            for model in (
                "Candidate",
                "Application",
                "StageTransition",
                "Activity",
                "StuckReminder",
                "WeeklySummary",
                "Resume",
                "ImportMapping",
                "CandidateImport",
                "InterviewPlan",
                "InterviewRound",
                "Interview",
                "InterviewParticipant",
                "InterviewReschedule",
                "Scorecard",
                "ScorecardRating",
                "Debrief",
            )
        )
    )
    # The controlled vocabulary, the criteria library, plan templates and interviewer caps.
    registry.register_reference_data(
        *(
            f"candidates.{model}"
            for model in (
                "Stage",
                "ReasonCode",
                "Source",
                "Criterion",
                "InterviewPlanTemplate",
                "InterviewRoundTemplate",
                "InterviewerCap",
            )
        )
    )
    registry.register_saved_view_page("candidates:pipeline", ApplicationFilter, allowed=can_see_applications)
    registry.register_kind(
        registry.DecisionKind(
            key=SCORECARD_DUE_KIND,
            label=_("Scorecard due"),
            outcomes=(Outcome.DONE,),
            next_action=interview_page,
            hold_rule=scorecard_hold_rule,
            action_label="Write scorecard",
        )
    )
    registry.register_kind(
        registry.DecisionKind(
            key=DEBRIEF_KIND,
            label=_("Debrief"),
            outcomes=DEBRIEF_OUTCOMES,
            next_action=debrief_page,
            hold_rule=debrief_hold_rule,
            action_label="Debrief",
        )
    )
    registry.register_work_panel(
        registry.WorkPanel("upcoming_interviews", "candidates/_my_interviews.html", upcoming_interviews_panel, order=20)
    )
    registry.register_detail_panel(
        registry.DetailPanel(
            "pipeline",
            "requisitions.Requisition",
            "candidates/_requisition_pipeline.html",
            requisition_pipeline_panel,
            order=10,
            visible=can_see_pipeline_of,
        )
    )
