"""The filters of the starts list (and so of the HRIS export)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onboarding.choices import CaseStatus
from onboarding.models import PreboardingCase
from portal.filters import SortFilter, StrictFilterSet
from requisitions.models import Requisition
from requisitions.selectors import requisitions_for_user

DATE_RANGE = django_filters.widgets.RangeWidget(attrs={"type": "date"})


def _requisitions(request):
    if request is None:
        return Requisition.objects.none()
    return requisitions_for_user(request.user).only("pk", "title").order_by("-pk")


class StartFilter(StrictFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search people or PB-…"))
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("Status"))
    requisition = django_filters.ModelChoiceFilter(
        queryset=_requisitions,
        label=_("Requisition"),
        error_messages={"invalid_choice": _("Name the requisition by its number: “%(value)s” is not one you may see.")},
    )
    starts = django_filters.DateFromToRangeFilter(
        field_name="planned_start", label=_("Starts between"), widget=DATE_RANGE
    )
    sort = SortFilter(
        fields=(
            ("planned_start", "start"),
            ("candidate__last_name", "person"),
            ("status", "status"),
            ("created_at", "opened"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = PreboardingCase
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        upper = value.upper()
        if upper.startswith("PB-") and upper[3:].isdigit():
            return queryset.filter(pk=int(upper[3:]))
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(candidate__first_name__icontains=word) | Q(candidate__last_name__icontains=word)
            )
        return queryset
