"""The offer list's filters (and so its export's). Choice lists are narrowed to what the user may see."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from offers.choices import OfferStatus
from offers.models import Offer
from offers.selectors import offers_for_user
from portal.filters import SortFilter, StrictFilterSet
from portal.models import User
from requisitions.models import Requisition
from requisitions.selectors import requisitions_for_user

DATE_RANGE = django_filters.widgets.RangeWidget(attrs={"type": "date"})


def _requisitions(request):
    # Only what an option shows: at volume finance sees thousands of requisitions.
    if request is None:
        return Requisition.objects.none()
    return requisitions_for_user(request.user).only("pk", "title").order_by("-pk")


def _recruiters(request):
    """The recruiters of the requisitions behind the offers the user sees (one EXISTS per person)."""
    if request is None:
        return User.objects.none()
    theirs = offers_for_user(request.user).filter(requisition__recruiter=OuterRef("pk"))
    return User.objects.filter(Exists(theirs)).order_by("first_name", "last_name")


class OfferFilter(StrictFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search candidates or OFF-…"))
    status = django_filters.ChoiceFilter(choices=OfferStatus.choices, label=_("Status"))
    requisition = django_filters.ModelChoiceFilter(queryset=_requisitions, label=_("Requisition"))
    recruiter = django_filters.ModelChoiceFilter(
        field_name="requisition__recruiter", queryset=_recruiters, label=_("Recruiter")
    )
    starts = django_filters.DateFromToRangeFilter(
        field_name="current_version__start_date", label=_("Starts between"), widget=DATE_RANGE
    )
    expires = django_filters.DateFromToRangeFilter(
        field_name="current_version__expires_on", label=_("Expires between"), widget=DATE_RANGE
    )
    sort = SortFilter(
        fields=(
            ("created_at", "created"),
            ("current_version__start_date", "start"),
            ("current_version__expires_on", "expires"),
            ("application__candidate__last_name", "candidate"),
            ("status", "status"),
            ("current_version__base_amount", "base"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = Offer
        fields = []

    def search(self, queryset, name, value):
        """Each word in the candidate's name; or an offer's reference (OFF-0042)."""
        words = value.split()
        number = words[0][4:] if len(words) == 1 and words[0].upper().startswith("OFF-") else ""
        if number.isascii() and number.isdigit():
            return queryset.filter(pk=int(number))
        for word in words:
            queryset = queryset.filter(
                Q(application__candidate__first_name__icontains=word)
                | Q(application__candidate__last_name__icontains=word)
            )
        return queryset
