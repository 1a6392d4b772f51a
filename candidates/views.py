"""Pipeline pages: the list of the user's applications, and a candidate's page."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django_filters.views import FilterView

from candidates import selectors
from candidates.choices import ApplicationStatus
from candidates.filters import ApplicationFilter
from candidates.permissions import CONTACT_FIELDS, can_view_contact_details
from portal import audit
from portal.views.lists import PartialListMixin


class PipelineView(PartialListMixin, FilterView):
    """Every application on the requisitions the user runs (or sees), with flags, filters and search."""

    template_name = "candidates/pipeline.html"
    partial_template_name = "candidates/_pipeline_table.html"
    filterset_class = ApplicationFilter
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("candidates.view_application"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        qs = selectors.pipeline(self.request.user)
        # The pipeline is about who is still in play: closed applications only when a status is asked for.
        return qs if self.request.GET.get("status") else qs.filter(status=ApplicationStatus.ACTIVE)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for application in context["object_list"]:
            application.flags = selectors.risk_flags(application)
        context["show_contact"] = can_view_contact_details(self.request.user)
        return context


def candidate_detail(request, pk):
    """The person, their applications in the user's slice with each one's stage timeline and activities."""
    candidate = get_object_or_404(selectors.candidates_for_user(request.user).select_related("merged_into"), pk=pk)
    show_contact = can_view_contact_details(request.user)
    applications = selectors.candidate_applications(candidate, request.user)
    for application in applications:
        application.flags = selectors.risk_flags(application)
    context = {
        "candidate": candidate,
        "applications": applications,
        "show_contact": show_contact,
        "duplicates": list(
            selectors.possible_duplicates(candidate).filter(
                pk__in=selectors.candidates_for_user(request.user).values("pk")
            )[:5]
        ),
        "history": audit.history_entries(candidate, hidden_fields=() if show_contact else CONTACT_FIELDS),
    }
    return render(request, "candidates/candidate_detail.html", context)
