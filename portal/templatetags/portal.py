from django import template

register = template.Library()


@register.simple_tag
def query_with(request, **changes):
    """The current query string with `changes` applied (for pagination and sorting links)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()
