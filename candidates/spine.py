"""What the candidate pipeline contributes to the core: role permissions and its append-only table.
Called from CandidatesConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.choices import Role

VIEW = ("view",)
EDIT = ("add", "change", "view")
NOTE = ("add", "view")

ROLE_PERMISSIONS = {
    Role.RECRUITER: {
        "candidates.candidate": EDIT,
        "candidates.application": EDIT,
        "candidates.activity": NOTE,
    },
    Role.HIRING_MANAGER: {
        "candidates.candidate": VIEW,
        "candidates.application": VIEW,
        "candidates.activity": NOTE,
    },
    Role.FINANCE: {"candidates.candidate": VIEW, "candidates.application": VIEW},
    Role.HR: {"candidates.candidate": EDIT, "candidates.application": VIEW, "candidates.activity": VIEW},
    Role.ADMIN: {
        "candidates.candidate": EDIT,
        "candidates.application": EDIT,
        "candidates.activity": VIEW,
        "candidates.stage": EDIT,
        "candidates.reasoncode": EDIT,
        "candidates.source": EDIT,
    },
}


def register() -> None:
    registry.register_role_permissions("candidates", ROLE_PERMISSIONS)
    registry.register_nav(
        registry.NavEntry(
            "pipeline",
            _("Pipeline"),
            "candidates:pipeline",
            order=15,
            visible=lambda user: user.has_perm("candidates.view_application"),
        )
    )
    registry.register_append_only("candidates.StageTransition")
    from candidates.filters import ApplicationFilter

    registry.register_saved_view_page(
        "candidates:pipeline", ApplicationFilter, allowed=lambda user: user.has_perm("candidates.view_application")
    )
