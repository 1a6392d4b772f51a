"""What every filterable list page shares: htmx swaps its table partial, a full page otherwise; and its
parameters are read strictly."""

from django.core.exceptions import PermissionDenied
from django.utils.cache import patch_vary_headers

from portal.filters import refuse_unknown_parameters

# What a list reads besides its filters: the page number (a number that is no page is Django's 404).
LIST_PARAMETERS = ("page",)


def is_partial_request(request) -> bool:
    """An htmx swap of a list's table; a history restore (back button) needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


class PartialListMixin:
    """For FilterView lists: `partial_template_name` answers htmx swaps; responses vary on HX-Request so a
    cache never serves the table where the page was asked for.

    Strict: a parameter that no filter reads (and `known_parameters` does not name), like a filter value
    that cannot be read, is an error shown above the filters; the list then shows nothing and answers
    400, so a misspelt or stale link never widens a list to everything.
    """

    partial_template_name: str
    known_parameters: tuple[str, ...] = LIST_PARAMETERS
    # Who may open the list: a predicate on the user (its app's permission), set with staticmethod(...);
    # anyone else gets 403 before anything is read. None: whoever the URL lets in (signed in).
    allowed = None

    def dispatch(self, request, *args, **kwargs):
        if self.allowed is not None and not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if is_partial_request(self.request):
            return [self.partial_template_name]
        return [self.template_name]

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        refuse_unknown_parameters(filterset, self.request.GET, allowed=self.known_parameters)
        return filterset

    def render_to_response(self, context, **kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            kwargs["status"] = 400
        response = super().render_to_response(context, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response
