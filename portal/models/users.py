from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal import registry
from portal.choices import Role

# The row an older django-guardian set-up created for anonymous visitors: never a person.
LEGACY_ANONYMOUS_USERNAME = "AnonymousUser"


class PeopleManager(UserManager):
    def people(self):
        """Active people: who may be chosen for anything (an owner, an approver, a budget owner)."""
        return self.filter(is_active=True).exclude(username=LEGACY_ANONYMOUS_USERNAME)

    def with_role(self, *roles: str):
        """Active people holding any of `roles`."""
        from portal.roles import group_name

        return self.people().filter(groups__name__in=[group_name(role) for role in roles]).distinct()


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

    objects = PeopleManager()
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
        """The keys of the registered roles this user holds (Role.* and the modules'), read once per request."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        labels = {str(spec.label): spec.key for spec in registry.roles()}
        names = self.groups.values_list("name", flat=True)
        return frozenset(labels[name] for name in names if name in labels)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles)) or (self.is_superuser and Role.ADMIN in roles)

    @property
    def is_portal_admin(self) -> bool:
        return self.is_superuser or Role.ADMIN in self.roles
