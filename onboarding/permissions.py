"""Who sees and does what in pre-boarding. The slices themselves are onboarding.selectors'.

- HR sees every case and everything on it (the background check's detail only HR); admins stand in.
- A hiring manager or recruiter sees the cases of the requisitions they run; the check shows as
  "clear" or "not clear yet".
- Finance sees every case's cost side (tasks, amounts), not the person's contact details.
- IT and facilities see only the tasks they own and what those need: name, start date, location, role,
  equipment profile and the work email once created.
- Interviewers see nothing.
"""

from onboarding.choices import FACILITIES, IT, OPEN_TASK
from portal.choices import Role
from portal.models import User
from portal.permissions import can_take_decision
from requisitions.permissions import runs_requisition

# Roles that see cases (each through its own slice).
CASE_ROLES = (Role.HR, Role.ADMIN, Role.FINANCE, Role.HIRING_MANAGER, Role.RECRUITER)
# Roles that see every case.
ALL_CASE_ROLES = (Role.HR, Role.ADMIN, Role.FINANCE)
# Roles that own tasks without seeing cases.
TASK_ROLES = (IT, FACILITIES)


def can_see_cases(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(*CASE_ROLES))


def sees_all_cases(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(*ALL_CASE_ROLES))


def can_see_my_tasks(user: User) -> bool:
    """The page of one's own pre-boarding tasks: anyone who may own one."""
    return user.is_active and (user.is_superuser or user.has_role(*CASE_ROLES, *TASK_ROLES))


def is_hr(user: User) -> bool:
    return user.is_active and (user.has_role(Role.HR) or user.is_portal_admin)


def can_see_check_detail(user: User) -> bool:
    """A background check's vendor, package, status and report: HR only."""
    return user.is_active and user.has_role(Role.HR)


def can_see_contact(user: User, case) -> bool:
    """The person's contact details and pay: HR, and those who run the requisition."""
    return is_hr(user) or runs_requisition(user, case.requisition)


def can_see_costs(user: User) -> bool:
    return user.is_active and (
        user.is_superuser or user.has_role(Role.FINANCE, Role.HR, Role.ADMIN, Role.HIRING_MANAGER, Role.RECRUITER)
    )


def can_manage_case(user: User, case) -> bool:
    """Move the start, record a no-show or withdrawal, set a task's date by hand, give the work email:
    HR, and the hiring manager or recruiter running the requisition."""
    return case.is_open and (is_hr(user) or runs_requisition(user, case.requisition))


def can_confirm_start(user: User, case) -> bool:
    """The start confirmation: the hiring manager running the requisition, or HR."""
    if not case.is_open:
        return False
    return is_hr(user) or (user.has_role(Role.HIRING_MANAGER) and runs_requisition(user, case.requisition))


def can_work_task(user: User, task) -> bool:
    """Update a task's status: whoever owns its decision (by name or role), HR, an admin."""
    if task.status not in OPEN_TASK or not user.is_active:
        return False
    if is_hr(user):
        return True
    return task.decision is not None and can_take_decision(user, task.decision)


def can_waive(user: User, task) -> bool:
    """Waiving a blocking task so the start can be confirmed is HR's, with a reason."""
    return task.status in OPEN_TASK and task.blocks_start and is_hr(user)


def can_export_starts(user: User) -> bool:
    """The HRIS hand-off: confirmed starts with the employee fields an HRIS needs."""
    return is_hr(user)
