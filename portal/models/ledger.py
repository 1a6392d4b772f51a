"""The spend ledger: every amount a workflow implies, as forecast, committed or actual, by month and cost center."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.choices import CostCategory, CostKind, Currency
from portal.money import Money, amount_field


class CostEventQuerySet(models.QuerySet):
    def outstanding(self):
        """Events not reversed and not themselves reversals: what still stands."""
        return self.filter(reverses__isnull=True, reversal__isnull=True)

    def for_source(self, source):
        return self.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)


class CostEvent(models.Model):
    """One line of the ledger: `amount` of `category` money, forecast, committed or actual, falling in
    `month` (its first day) on `cost_center`.

    `need` is the staffing need the money belongs to (the model named by settings.LEDGER_NEED_MODEL);
    `source` is the object whose event caused it (an approved need, a signed hire, an invoice).
    Recorded only through portal.services.ledger; never edited or deleted (on PostgreSQL a trigger
    refuses it). A correction is a new event whose `reverses` names the event it cancels out.
    """

    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=CostKind.choices)
    amount = amount_field(_("amount"), allow_negative=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month the money falls in."))
    cost_center = models.ForeignKey("portal.CostCenter", verbose_name=_("cost center"), on_delete=models.PROTECT)
    need = models.ForeignKey(
        settings.LEDGER_NEED_MODEL,
        verbose_name=_("need"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cost_events",
    )
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = CostEventQuerySet.as_manager()

    class Meta:
        ordering = ["month", "cost_center", "id"]
        verbose_name = _("cost event")
        indexes = [
            models.Index(fields=["currency", "month", "cost_center", "kind"], name="costevent_grid"),
            models.Index(fields=["source_type", "source_id"], name="costevent_source"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="costevent_month_is_first_day"),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="costevent_source_complete",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_category_display()} {self.money} {self.month:%Y-%m}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)
