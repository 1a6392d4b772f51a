"""The filters of the vendor, rate card, contractor, timesheet and invoice lists (and so of their exports).
Choice lists are narrowed to what the user may see; removing every filter never widens a list."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal import clock
from portal.choices import Currency
from portal.filters import SortFilter, StrictFilterSet
from portal.models import Level, Location, RoleFamily
from requisitions.models import Requisition
from requisitions.selectors import requisitions_for_user
from vendors.choices import EngagementStatus, InvoiceStatus, TimesheetStatus, VendorKind, VendorStatus
from vendors.models import Engagement, Invoice, RateCard, Timesheet, Vendor
from vendors.selectors import parse_reference, vendors_engaged_for_user, vendors_for_user

SOON_DAYS = 30
DATE = forms.DateInput(attrs={"type": "date"})
DATE_RANGE = django_filters.widgets.RangeWidget(attrs={"type": "date"})
# The rate card list's validity choices; none given means current.
CURRENT, EXPIRING, ALL = "current", "expiring", "all"
VALIDITY = [(CURRENT, _("Current")), (EXPIRING, _("Expiring in 30 days")), (ALL, _("All, past included"))]


def _requisitions(request):
    # Only what an option shows: at volume finance sees thousands of requisitions.
    if request is None:
        return Requisition.objects.none()
    return requisitions_for_user(request.user).only("pk", "title").order_by("-pk")


def _vendors(request):
    return vendors_for_user(request.user).only("pk", "name") if request else Vendor.objects.none()


def _vendors_engaged(request):
    return vendors_engaged_for_user(request.user).only("pk", "name") if request else Vendor.objects.none()


def _requisition(label=None, **kwargs):
    # Other pages link here with ?requisition=<id> (the requisition page's "Contractors").
    invalid = _("Name the requisition by its number: “%(value)s” is not one you may see.")
    return django_filters.ModelChoiceFilter(
        queryset=_requisitions, label=label or _("Requisition"), error_messages={"invalid_choice": invalid}, **kwargs
    )


def _date_range(field_name, label):
    return django_filters.DateFromToRangeFilter(field_name=field_name, label=label, widget=DATE_RANGE)


def _search_engagements(queryset, value, prefix=""):
    """Each word in the worker's name, or an engagement's reference (ENG-0042)."""
    reference = parse_reference(value)
    if reference and reference[0] == "ENG":
        return queryset.filter(**{f"{prefix}pk": reference[1]})
    for word in value.split():
        queryset = queryset.filter(
            Q(**{f"{prefix}worker__first_name__icontains": word}) | Q(**{f"{prefix}worker__last_name__icontains": word})
        )
    return queryset


class VendorFilter(StrictFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search names"))
    kind = django_filters.ChoiceFilter(choices=VendorKind.choices, method="filter_kind", label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=VendorStatus.choices, label=_("Status"))
    contract_expires = _date_range("contract_expires_on", _("Contract expires between"))
    sort = SortFilter(
        fields=(
            ("name", "name"),
            ("kind", "kind"),
            ("status", "status"),
            ("contract_expires_on", "contract"),
            ("cards", "cards"),
            ("working", "working"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = Vendor
        fields = []

    def filter_kind(self, queryset, name, value):
        # A vendor that is both an agency and a supplier is either.
        if value == VendorKind.BOTH:
            return queryset.filter(kind=value)
        return queryset.filter(Q(kind=value) | Q(kind=VendorKind.BOTH))


class RateCardFilter(StrictFilterSet):
    show = django_filters.ChoiceFilter(
        choices=VALIDITY, method="filter_show", label=_("Validity"), empty_label=_("Current")
    )
    vendor = django_filters.ModelChoiceFilter(queryset=_vendors, label=_("Vendor"))
    role_family = django_filters.ModelChoiceFilter(queryset=RoleFamily.objects.all(), label=_("Role family"))
    level = django_filters.ModelChoiceFilter(queryset=Level.objects.all(), label=_("Level"))
    location = django_filters.ModelChoiceFilter(queryset=Location.objects.all(), label=_("Location"))
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("Valid on"), widget=DATE)
    sort = SortFilter(
        fields=(
            ("valid_to", "valid_to"),
            ("valid_from", "valid_from"),
            ("vendor__name", "vendor"),
            ("role_family__name", "role_family"),
            ("level__rank", "level"),
            ("bill_rate", "bill_rate"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = RateCard
        fields = []

    @classmethod
    def base(cls, queryset, data):
        """The cards the list starts from: current ones unless `show` (in `data`) asks for others."""
        return queryset if data.get("show") else cls.by_validity(queryset, CURRENT)

    @staticmethod
    def by_validity(queryset, show: str):
        """Cards current today (`current`), ending within 30 days (`expiring`), or every one (`all`)."""
        today = clock.today()
        if show == EXPIRING:
            return queryset.filter(valid_to__gte=today, valid_to__lte=today + timedelta(days=SOON_DAYS))
        if show == ALL:
            return queryset
        return queryset.filter(valid_to__gte=today)

    def filter_show(self, queryset, name, value):
        return self.by_validity(queryset, value)

    def filter_valid_on(self, queryset, name, value):
        return queryset.valid_on(value)


class EngagementFilter(StrictFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search workers or ENG-…"))
    status = django_filters.ChoiceFilter(choices=EngagementStatus.choices, label=_("Status"))
    vendor = django_filters.ModelChoiceFilter(queryset=_vendors_engaged, label=_("Vendor"))
    requisition = _requisition()
    ends = _date_range("end_date", _("Ends between"))
    sort = SortFilter(
        fields=(
            ("end_date", "end"),
            ("start_date", "start"),
            ("worker__last_name", "worker"),
            ("vendor__name", "vendor"),
            ("status", "status"),
            ("bill_rate", "bill_rate"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = Engagement
        fields = []

    def search(self, queryset, name, value):
        return _search_engagements(queryset, value)


class TimesheetFilter(StrictFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search workers or ENG-…"))
    status = django_filters.ChoiceFilter(choices=TimesheetStatus.choices, label=_("Status"))
    vendor = django_filters.ModelChoiceFilter(
        field_name="engagement__vendor", queryset=_vendors_engaged, label=_("Vendor")
    )
    requisition = _requisition(field_name="engagement__requisition")
    week = _date_range("week_start", _("Weeks starting between"))
    sort = SortFilter(
        fields=(
            ("week_start", "week"),
            ("engagement__worker__last_name", "worker"),
            ("engagement__vendor__name", "vendor"),
            ("hours", "hours"),
            ("status", "status"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = Timesheet
        fields = []

    def search(self, queryset, name, value):
        return _search_engagements(queryset, value, prefix="engagement__")


class InvoiceFilter(StrictFilterSet):
    q = django_filters.CharFilter(field_name="number", lookup_expr="icontains", label=_("Search invoice numbers"))
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices, label=_("Status"))
    vendor = django_filters.ModelChoiceFilter(queryset=_vendors, label=_("Vendor"))
    requisition = _requisition(label=_("Requisition billed"), method="filter_requisition")
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))
    received = _date_range("received_on", _("Received between"))
    period = _date_range("period_start", _("Period starting between"))
    sort = SortFilter(
        fields=(
            ("received_on", "received"),
            ("period_start", "period"),
            ("number", "number"),
            ("vendor__name", "vendor"),
            ("status", "status"),
            ("amount", "amount"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = Invoice
        fields = []

    def filter_requisition(self, queryset, name, value):
        # An invoice bills a requisition through a line's engagement or placement.
        billed = Invoice.objects.filter(
            Q(lines__engagement__requisition=value) | Q(lines__placement__requisition=value)
        ).values("pk")
        return queryset.filter(pk__in=billed)
