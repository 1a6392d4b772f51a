"""What every filterable list page shares: htmx swaps its table partial, a full page otherwise."""

from django.utils.cache import patch_vary_headers


def is_partial_request(request) -> bool:
    """An htmx swap of a list's table; a history restore (back button) needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


class PartialListMixin:
    """For list views: `partial_template_name` answers htmx swaps; responses vary on HX-Request so a
    cache never serves the table where the page was asked for."""

    partial_template_name: str

    def get_template_names(self):
        if is_partial_request(self.request):
            return [self.partial_template_name]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response
