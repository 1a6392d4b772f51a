"""Filters of My work and the decision lists. Removing every filter never widens what a user sees."""

import re
from datetime import date, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.choices import CostCategory, CostKind, Currency
from portal.models import CostCenter, CostEvent

MONTH_RE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")

DUE_CHOICES = [
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("week", _("Due within 7 days")),
]


class DecisionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=(), label=_("Kind"), empty_label=_("All kinds"))
    due = django_filters.ChoiceFilter(
        choices=DUE_CHOICES, method="filter_due", label=_("Due"), empty_label=_("Any time")
    )
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = registry.decision_kind_choices()  # the kinds modules registered

    def filter_due(self, queryset, name, value):
        now = timezone.now()
        if value == "overdue":
            return queryset.filter(due_at__lt=now)
        end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=999999)
        if value == "today":
            return queryset.filter(due_at__gte=now, due_at__lte=end_of_today)
        return queryset.filter(due_at__gte=now, due_at__lte=now + timedelta(days=7))


class MonthField(forms.CharField):
    """A month written YYYY-MM, cleaned to its first day."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if not MONTH_RE.match(value):
            raise forms.ValidationError(_("Use a month such as 2026-11."))
        return date(int(value[:4]), int(value[5:7]), 1)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class CostEventFilter(django_filters.FilterSet):
    """The ledger's drill-down: the events of one month, cost center, kind, currency, category."""

    month = MonthFilter(field_name="month", label=_("Month (YYYY-MM)"))
    cost_center = django_filters.ModelChoiceFilter(queryset=CostCenter.objects.order_by("code"), label=_("Cost center"))
    kind = django_filters.ChoiceFilter(choices=CostKind.choices, label=_("Kind"))
    category = django_filters.ChoiceFilter(choices=CostCategory.choices, label=_("Category"))
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))

    class Meta:
        model = CostEvent
        fields = []
