"""Predicates for the pipeline. The slices themselves come from candidates.selectors."""

from portal.choices import Role
from portal.models import User

# Who may see a candidate's email, phone and links. Finance sees names (and costs), never contact details.
CONTACT_ROLES = (Role.RECRUITER, Role.HIRING_MANAGER, Role.HR, Role.ADMIN)
CONTACT_FIELDS = ["email", "phone", "links"]


def can_view_contact_details(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(*CONTACT_ROLES))


def can_move_applications(user: User) -> bool:
    return user.is_active and user.has_perm("candidates.change_application")


def can_edit_candidates(user: User) -> bool:
    return user.is_active and user.has_perm("candidates.change_candidate")


def can_import_applications(user: User) -> bool:
    """Recruiters and admins: an import adds and moves applications."""
    return can_move_applications(user) and user.has_perm("candidates.add_application")
