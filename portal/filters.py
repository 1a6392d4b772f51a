"""Filters of My work and the decision lists. Removing every filter never widens what a user sees."""

from datetime import timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import DecisionKind

DUE_CHOICES = [
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("week", _("Due within 7 days")),
]


class DecisionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DecisionKind.choices, label=_("Kind"), empty_label=_("All kinds"))
    due = django_filters.ChoiceFilter(
        choices=DUE_CHOICES, method="filter_due", label=_("Due"), empty_label=_("Any time")
    )
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))

    def filter_due(self, queryset, name, value):
        now = timezone.now()
        if value == "overdue":
            return queryset.filter(due_at__lt=now)
        end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=999999)
        if value == "today":
            return queryset.filter(due_at__gte=now, due_at__lte=end_of_today)
        return queryset.filter(due_at__gte=now, due_at__lte=now + timedelta(days=7))
