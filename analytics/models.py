"""Daily snapshots: what stood at the end of each day, kept for the trend charts.

Live figures come from the workflow tables; a trend needs yesterday's "what stands now", which those tables
no longer say. Beat fills one set of rows per day (analytics.services.fill_snapshot): per metric and per
combination of the dimensions a board filters by, the count that stood. A day's fill replaces that day's
rows in one transaction, so running it again, or catching up a missed day, gives the same rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotMetric(models.TextChoices):
    OPEN_REQUISITIONS = "open_requisitions", _("Open requisitions")
    ACTIVE_APPLICATIONS = "active_applications", _("Active applications")
    OPEN_DECISIONS = "open_decisions", _("Open decisions")
    OVERDUE_DECISIONS = "overdue_decisions", _("Overdue decisions")


class DailySnapshot(models.Model):
    day = models.DateField(_("day"))
    metric = models.CharField(_("metric"), max_length=32, choices=SnapshotMetric.choices)
    department = models.ForeignKey(
        "portal.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cost_center = models.ForeignKey(
        "portal.CostCenter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role_family = models.ForeignKey(
        "portal.RoleFamily", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey("portal.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hiring_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveIntegerField(_("value"))
    filled_at = models.DateTimeField(_("filled"))

    class Meta:
        verbose_name = _("daily snapshot")
        indexes = [models.Index(fields=["metric", "day"], name="snapshot_metric_day")]

    def __str__(self):
        return f"{self.day} {self.get_metric_display()}: {self.value}"
