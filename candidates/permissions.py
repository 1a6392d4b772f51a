"""Predicates for the pipeline. The slices themselves come from candidates.selectors."""

from portal.choices import Role
from portal.models import User
from portal.permissions import can_take_decision, has_perm
from requisitions.permissions import runs_requisition
from requisitions.selectors import requisitions_run_by as run_by

# Who may see a candidate's email, phone and links. Finance sees names (and costs), never contact details.
CONTACT_ROLES = (Role.RECRUITER, Role.HIRING_MANAGER, Role.HR, Role.ADMIN)
CONTACT_FIELDS = ["email", "phone", "links"]


def can_view_contact_details(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(*CONTACT_ROLES))


def can_move_applications(user: User) -> bool:
    """The role's part of moving: recruiters and admins may move applications at all (on which ones:
    can_move_application)."""
    return user.is_active and user.has_perm("candidates.change_application")


def can_move_applications_on(user: User, requisition) -> bool:
    """Move, close or reassign the applications of `requisition`: a recruiter running it, or an admin."""
    return can_move_applications(user) and runs_requisition(user, requisition)


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


def can_log_activity(user: User, application) -> bool:
    """Log a touch on an application: whoever may log touches and sees its requisition (a view-only share
    included: a hiring manager's note on a candidate they were shown is worth keeping)."""
    return (
        user.is_active
        and user.has_perm("candidates.add_activity")
        and has_perm(user, "candidates.view_application")
        and has_perm(user, "requisitions.view_requisition", application.requisition)
    )


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
# Who plans and schedules the interviews of the requisitions they run.
INTERVIEW_MANAGER_ROLES = (Role.RECRUITER, Role.HIRING_MANAGER)


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


def can_view_interview_load(user: User) -> bool:
    return user.is_active and (user.is_portal_admin or user.has_role(*INTERVIEW_MANAGER_ROLES))
