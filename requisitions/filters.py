"""The requisition list's filters. Choice lists are narrowed to what the user may see."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.choices import Role
from portal.filters import SortFilter, StrictFilterSet
from portal.models import CostCenter, Department, Location, User
from portal.permissions import can_see_cost_centers
from portal.roles import group_name
from requisitions.choices import EmploymentType, Status
from requisitions.models import Requisition


def _cost_centers(request):
    """Every cost center to those who may see them; none to the others (interviewers), so the filter is not
    offered to them and a cost center they name is refused, never read."""
    if request is None or not can_see_cost_centers(request.user):
        return CostCenter.objects.none()
    return CostCenter.objects.all()


def _people(role):
    def choices(request):
        return User.objects.filter(groups__name=group_name(role)).distinct().order_by("first_name", "last_name")

    return choices


class RequisitionFilter(StrictFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("Department"))
    cost_center = django_filters.ModelChoiceFilter(queryset=_cost_centers, label=_("Cost center"))
    location = django_filters.ModelChoiceFilter(queryset=Location.objects.all(), label=_("Location"))
    employment_type = django_filters.ChoiceFilter(choices=EmploymentType.choices, label=_("Employment type"))
    hiring_manager = django_filters.ModelChoiceFilter(queryset=_people(Role.HIRING_MANAGER), label=_("Hiring manager"))
    recruiter = django_filters.ModelChoiceFilter(queryset=_people(Role.RECRUITER), label=_("Recruiter"))
    overdue_approval = django_filters.BooleanFilter(
        field_name="has_overdue_approval", label=_("Approval overdue"), widget=django_filters.widgets.BooleanWidget()
    )
    target_start = django_filters.DateFromToRangeFilter(
        field_name="target_start_date",
        label=_("Target start between"),
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
    )
    sort = SortFilter(
        fields=(
            ("created_at", "created"),
            ("target_start_date", "start"),
            ("title", "title"),
            ("status", "status"),
            ("openings", "openings"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = Requisition
        fields = []
