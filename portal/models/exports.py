"""The export log: one row per file anyone downloaded from a list, written by portal.services.exports."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel workbook (XLSX)")


class ExportLog(models.Model):
    """Append-only record of every export: who, when, which data set, in which format, filtered how, how many rows.

    Its number (`export_id`) is printed in the file's watermark and name, so a copy found later can be
    traced back to this row.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    dataset = models.CharField(_("data set"), max_length=60)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    filters = models.CharField(_("filters"), max_length=1000, blank=True)
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.export_id}: {self.user} exported {self.rows} {self.dataset} as {self.format}"

    @property
    def export_id(self) -> str:
        """The row's number as "EXP-000042" (zero-padded to six digits); empty until the row is saved."""
        return f"EXP-{self.pk:06d}" if self.pk is not None else ""
