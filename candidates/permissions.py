"""Predicates for the pipeline. The slices themselves come from candidates.selectors."""

from candidates.choices import DebriefStatus
from portal.choices import Role
from portal.models import User
from portal.permissions import can_take_decision, has_perm
from requisitions.permissions import RUNNER_ROLES, runs_requisition
from requisitions.selectors import requisitions_run_by as run_by

# Who may see a candidate's email, phone and links. Finance sees names (and costs), never contact details.
CONTACT_ROLES = (Role.RECRUITER, Role.HIRING_MANAGER, Role.HR, Role.ADMIN)
CONTACT_FIELDS = ["email", "phone", "links"]


def can_view_contact_details(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(*CONTACT_ROLES))


def can_see_applications(user: User) -> bool:
    """Whose role sees applications at all (the pipeline, the board, its menu entry); which ones,
    selectors.applications_for_user says."""
    return user.is_active and user.has_perm("candidates.view_application")


def can_see_pipeline_of(user: User, requisition) -> bool:
    """Are `requisition`'s applications in the user's slice (selectors.applications_for_user, for one
    requisition)? The pipeline's permission, and the requisition seen by role (finance, HR, admins) or
    granted (those who run it, or to whom it was shared): an approver sees the requisition, not its people."""
    return can_see_applications(user) and has_perm(user, "requisitions.view_requisition", requisition)


def can_move_applications(user: User) -> bool:
    """Whose role moves applications at all (recruiters, admins); on which, can_move_applications_on says."""
    return user.is_active and user.has_perm("candidates.change_application")


def can_move_applications_on(user: User, requisition, *, runs: bool | None = None) -> bool:
    """Move, close or bulk-change the applications of `requisition`: a recruiter running it, or an admin.
    `runs`: runs_requisition(user, requisition), when the caller has it for several at once."""
    if not can_move_applications(user):
        return False
    return runs_requisition(user, requisition) if runs is None else runs


def can_move_application(user: User, application, *, debrief=None) -> bool:
    """Move, close or reassign this application: a recruiter running its requisition, or an admin (the
    requisition's one rule, runs_requisition: a view-only share never moves). With `debrief`, also whoever
    may take that open debrief's decision on this application (its hiring manager advancing or rejecting).
    The pages (403) and candidates.services.pipeline (refusal) both ask this."""
    if can_move_applications_on(user, application.requisition):
        return True
    return (
        debrief is not None
        and debrief.application_id == application.pk
        and debrief.decision is not None
        and can_take_decision(user, debrief.decision)
    )


def can_add_application(user: User, requisition) -> bool:
    """Put a candidate on `requisition` (by hand or by import): a recruiter running it, or an admin."""
    return user.is_active and user.has_perm("candidates.add_application") and runs_requisition(user, requisition)


def can_log_activity(user: User, requisition, *, runs: bool | None = None) -> bool:
    """Log a call, email, message or note on an application of `requisition`: recruiters and hiring
    managers running it, and admins; a view-only share does not. `runs` as for can_move_applications_on."""
    if not (user.is_active and user.has_perm("candidates.add_activity")):
        return False
    return runs_requisition(user, requisition) if runs is None else runs


def can_edit_candidates(user: User) -> bool:
    return user.is_active and user.has_perm("candidates.change_candidate")


def can_import_applications(user: User) -> bool:
    """Recruiters and admins: an import adds and moves applications."""
    return can_move_applications(user) and user.has_perm("candidates.add_application")


# --- Interviews ---------------------------------------------------------------------------------------

# Who sees the scorecards of the applications they see (bias control aside): finance sees none.
SCORECARD_ROLES = (Role.RECRUITER, Role.HIRING_MANAGER, Role.HR, Role.ADMIN)
# Who may sit on an interview panel.
PANEL_ROLES = (Role.INTERVIEWER, Role.HIRING_MANAGER, Role.RECRUITER, Role.HR, Role.ADMIN)


def can_sit_on_panel(user: User) -> bool:
    return user.is_active and user.has_role(*PANEL_ROLES)


def can_see_scorecards(user: User) -> bool:
    """Recruiters, hiring managers, HR and admins read the scorecards (and interviews) of the applications
    they see; everyone else only what they sit on."""
    return user.is_active and (user.is_superuser or user.has_role(*SCORECARD_ROLES))


def requisitions_run_by(user: User, requisition_ids) -> set[int]:
    """Which of `requisition_ids` the user runs (requisitions' own rule, runs_requisition). One query at most."""
    ids = set(requisition_ids)
    if not ids:
        return set()
    return set(run_by(user).filter(pk__in=ids).values_list("pk", flat=True))


def can_edit_plan(user: User, requisition) -> bool:
    return runs_requisition(user, requisition)


def can_manage_interviews(user: User, application) -> bool:
    """Schedule, reschedule, cancel, complete: the requisition's recruiter or hiring manager, or an admin."""
    return runs_requisition(user, application.requisition)


def can_proceed_to_debrief(user: User, application) -> bool:
    """Calling the debrief before every scorecard is in is the hiring manager's call (or an admin's)."""
    return user.is_active and (user.pk == application.requisition.hiring_manager_id or user.is_portal_admin)


def can_decide_debrief(user: User, debrief) -> bool:
    """Advance, reject or hold after a round: whoever may take the debrief's open decision (its hiring
    manager, or the hiring manager it was handed to). The page's form and decide_debrief both ask this."""
    decision = debrief.decision
    return debrief.status == DebriefStatus.OPEN and decision is not None and can_take_decision(user, decision)


def can_view_interview_load(user: User) -> bool:
    """The people who may run requisitions (recruiters, hiring managers) and admins."""
    return user.is_active and (user.is_portal_admin or user.has_role(*RUNNER_ROLES))
