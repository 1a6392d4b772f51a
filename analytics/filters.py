"""The one filter set of the dashboards and of every list a tile or a table row opens.

The dashboard's filters (period, department, cost center, role family, location, source, and the
conversion's "include open" switch) and the drill-down filters a table row adds to narrow a list to that
row (stage, recruiter, hiring manager, interviewer, month, ledger kind and category, vendor, decision
kind, age, criterion, reason, hired via an agency or not). A tile's figure and its list are computed
from the slice these filters give (analytics.slices), so a link carries exactly what the figure counted.
Strict, like every list: a value that cannot be read, or a parameter no filter reads, is refused.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from candidates.models import Criterion, ReasonCode, Source, Stage
from portal import registry
from portal.choices import CostCategory, CostKind
from portal.filters import MonthFilter, StrictFilterSet
from portal.models import CostCenter, Department, Location, RoleFamily, User
from requisitions.models import Requisition
from vendors.models import Vendor

PERIODS = [
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("180", _("Last 180 days")),
    ("365", _("Last 12 months")),
]
DEFAULT_PERIOD = 90
AGES = [
    ("3", _("3 months or more")),
    ("6", _("6 months or more")),
    ("9", _("9 months or more")),
    ("12", _("12 months or more")),
]
YES = [("1", _("Yes"))]
HIRED_VIA = [("internal", _("Internal (no agency)")), ("agency", _("An agency"))]

# The filters a dashboard shows; the others narrow a list to a table's row and come with its link.
BOARD_FILTERS = ("period", "department", "cost_center", "role_family", "location", "source")
DRILL_FILTERS = (
    "include_open",
    "stage",
    "recruiter",
    "hiring_manager",
    "interviewer",
    "month",
    "cost_kind",
    "category",
    "vendor",
    "kind",
    "owner",
    "owner_role",
    "age",
    "criterion",
    "reason",
    "hired_via",
)


def _keep(queryset, name, value):
    """The filters do not filter a queryset themselves: the slice reads their cleaned values."""
    return queryset


def _people():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "pk")


def _filter(cls, **kwargs):
    return cls(method=_keep, **kwargs)


class DashboardFilter(StrictFilterSet):
    period = _filter(django_filters.ChoiceFilter, choices=PERIODS, label=_("Period"), empty_label=_("Last 90 days"))
    department = _filter(
        django_filters.ModelChoiceFilter, queryset=Department.objects.order_by("name"), label=_("Department")
    )
    cost_center = _filter(
        django_filters.ModelChoiceFilter, queryset=CostCenter.objects.order_by("code"), label=_("Cost center")
    )
    role_family = _filter(
        django_filters.ModelChoiceFilter, queryset=RoleFamily.objects.order_by("name"), label=_("Role family")
    )
    location = _filter(
        django_filters.ModelChoiceFilter, queryset=Location.objects.order_by("city"), label=_("Location")
    )
    source = _filter(
        django_filters.ModelChoiceFilter,
        queryset=Source.objects.select_related("parent").order_by("name"),
        label=_("Source"),
    )
    include_open = _filter(django_filters.ChoiceFilter, choices=YES, label=_("Include open applications"))
    stage = _filter(django_filters.ModelChoiceFilter, queryset=Stage.objects.order_by("position"), label=_("Stage"))
    recruiter = _filter(django_filters.ModelChoiceFilter, queryset=_people(), label=_("Recruiter"))
    hiring_manager = _filter(django_filters.ModelChoiceFilter, queryset=_people(), label=_("Hiring manager"))
    interviewer = _filter(django_filters.ModelChoiceFilter, queryset=_people(), label=_("Interviewer"))
    month = _filter(MonthFilter, label=_("Month (YYYY-MM)"))
    cost_kind = _filter(django_filters.ChoiceFilter, choices=CostKind.choices, label=_("Ledger kind"))
    category = _filter(django_filters.ChoiceFilter, choices=CostCategory.choices, label=_("Category"))
    vendor = _filter(django_filters.ModelChoiceFilter, queryset=Vendor.objects.order_by("name"), label=_("Vendor"))
    kind = _filter(django_filters.ChoiceFilter, choices=(), label=_("Decision kind"))
    owner = _filter(django_filters.ModelChoiceFilter, queryset=_people(), label=_("Owner"))
    owner_role = _filter(django_filters.ChoiceFilter, choices=(), label=_("Owner role"))
    age = _filter(django_filters.ChoiceFilter, choices=AGES, label=_("Open for"))
    criterion = _filter(
        django_filters.ModelChoiceFilter, queryset=Criterion.objects.order_by("name"), label=_("Criterion")
    )
    reason = _filter(django_filters.ModelChoiceFilter, queryset=ReasonCode.objects.order_by("label"), label=_("Reason"))
    hired_via = _filter(django_filters.ChoiceFilter, choices=HIRED_VIA, label=_("Hired via"))

    class Meta:
        model = Requisition
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = registry.decision_kind_choices()
        self.filters["owner_role"].extra["choices"] = registry.role_choices()

    def board_fields(self):
        return [self.form[name] for name in BOARD_FILTERS]

    def drill_fields(self):
        """The drill-down filters given a value: shown on a list as what narrows it."""
        return [self.form[name] for name in DRILL_FILTERS if self.form[name].value() not in (None, "", [])]
