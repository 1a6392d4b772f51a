"""The pipeline list's filters. Choice lists are narrowed to what the user may see."""

from datetime import timedelta

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.choices import ApplicationStatus
from candidates.models import Application, Source, Stage
from candidates.permissions import can_view_contact_details
from portal.filters import SortFilter, StrictFilterSet
from portal.models import User
from requisitions.selectors import requisitions_for_user

ANY = "any"
FLAGS = [
    ("stuck_7", _("No activity for 7 days")),
    ("stuck_14", _("No activity for 14 days")),
    ("over_sla", _("Over the stage's SLA")),
]


def _requisitions(request):
    # Only what an option shows: at volume a recruiter sees hundreds of requisitions.
    visible = requisitions_for_user(request.user).only("pk", "title") if request else None
    return visible.order_by("-pk") if visible is not None else Application.objects.none()


def _owners(request):
    """People who own an application (one EXISTS per person, not a join over every application)."""
    owns = Application.objects.filter(owner=OuterRef("pk"))
    return User.objects.filter(Exists(owns)).order_by("first_name", "last_name")


class ApplicationFilter(StrictFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search names or email"))
    requisition = django_filters.ModelChoiceFilter(queryset=_requisitions, label=_("Requisition"))
    stage = django_filters.ModelChoiceFilter(queryset=Stage.objects.all(), label=_("Stage"))
    status = django_filters.ChoiceFilter(
        choices=[*ApplicationStatus.choices, (ANY, _("Any status"))],
        method="filter_status",
        label=_("Status"),
        empty_label=_("Active"),
    )
    owner = django_filters.ModelChoiceFilter(queryset=_owners, label=_("Owner"))
    source = django_filters.ModelChoiceFilter(queryset=Source.objects.select_related("parent"), label=_("Source"))
    flag = django_filters.ChoiceFilter(choices=FLAGS, method="filter_flag", label=_("Flag"), empty_label=_("Any"))
    applied = django_filters.DateFromToRangeFilter(
        field_name="applied_at",
        label=_("Applied between"),
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
    )
    sort = SortFilter(
        fields=(
            ("last_activity_at", "activity"),
            ("stage_entered_at", "in_stage"),
            ("stage__position", "stage"),
            ("applied_at", "applied"),
            ("candidate__last_name", "candidate"),
        ),
        field_labels={
            "last_activity_at": _("Last activity"),
            "stage_entered_at": _("Entered the stage"),
            "stage__position": _("Stage"),
            "applied_at": _("Applied"),
            "candidate__last_name": _("Candidate"),
        },
        label=_("Sort"),
    )

    class Meta:
        model = Application
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset if value == ANY else queryset.filter(status=value)

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            match = Q(candidate__first_name__icontains=word) | Q(candidate__last_name__icontains=word)
            if can_view_contact_details(self.request.user):  # nobody finds a person by an email they may not see
                match |= Q(candidate__email_key__icontains=word.lower())
            queryset = queryset.filter(match)
        return queryset

    def filter_flag(self, queryset, name, value):
        now = timezone.now()
        active = queryset.filter(status=ApplicationStatus.ACTIVE)
        if value in ("stuck_7", "stuck_14"):
            return active.filter(last_activity_at__lte=now - timedelta(days=int(value.split("_")[1])))
        # Longer in its stage than that stage allows: one condition per stage (there are only a few).
        over = Q(pk__in=[])
        for stage in Stage.objects.all():
            over |= Q(stage=stage, stage_entered_at__lt=now - timedelta(days=stage.sla_days))
        return active.filter(over)
