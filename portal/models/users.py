from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.choices import Role


class User(AbstractUser):
    """A person who signs in. Roles are groups (see portal.roles); a person may hold several.

    Users are deactivated, never deleted: decisions, history and approvals point at them.
    """

    title = models.CharField(_("job title"), max_length=120, blank=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text=_("Overdue decisions of this person are escalated to their manager."),
    )

    objects = UserManager()
    history = HistoricalRecords(m2m_fields=["groups"], excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("id")),
                name="user_not_own_manager",
                violation_error_message=_("A person cannot be their own manager."),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The role values (Role.*) this user holds, read once per request."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        labels = {str(role.label): role.value for role in Role}
        names = self.groups.values_list("name", flat=True)
        return frozenset(labels[name] for name in names if name in labels)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles)) or (self.is_superuser and Role.ADMIN in roles)

    @property
    def is_portal_admin(self) -> bool:
        return self.is_superuser or Role.ADMIN in self.roles
