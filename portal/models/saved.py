"""Saved views: a list's filters kept under a name by one person, to come back to in one click."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """One person's named set of filters on one list page (`page` is the page's URL name).

    `query` holds only parameters the page's filters read (portal.services.saved_views cleans it), so a
    saved view can never carry a page number, a format or anything else.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    page = models.CharField(_("page"), max_length=60)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "page", "name"], name="saved_view_name_unique")]

    def __str__(self):
        return f"{self.name} ({self.page})"
