from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.html import format_html_join

register = template.Library()

UNKNOWN = "—"


@register.simple_tag
def query_with(request, **changes):
    """The current query string with `changes` applied (for pagination and sorting links)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def _figure(value, places: int = 0) -> str | None:
    """182000.5 → "182,001" (or "182,000.50" with places=2); None when there is no number."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None
    return formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def _money(value, currency: str, places: int) -> str:
    figure = _figure(value, places)
    if figure is None:
        return UNKNOWN
    return f"{figure} {currency}".strip()


@register.filter
def money(value, currency: str = "") -> str:
    """One amount with its currency: "2,500 CAD"; "—" when unknown."""
    return _money(value, currency, 0)


@register.simple_tag
def money_range(low, high, currency: str = "", places: int = 0) -> str:
    """A range with its currency: "92,000–105,000 CAD"; "92,000 CAD" when both ends agree;
    "from 92,000 CAD" or "up to 105,000 CAD" with one end; "—" when neither is known."""
    low_figure, high_figure = _figure(low, places), _figure(high, places)
    if low_figure is None and high_figure is None:
        return UNKNOWN
    if high_figure is None:
        text = f"from {low_figure}"
    elif low_figure is None:
        text = f"up to {high_figure}"
    elif low_figure == high_figure:
        text = low_figure
    else:
        text = f"{low_figure}–{high_figure}"
    return f"{text} {currency}".strip()


@register.filter
def filters_in_use(query, ignored: str = "page,sort,scope") -> bool:
    """Whether a list's query string narrows it: some parameter other than `ignored` has a value."""
    skip = set(ignored.split(","))
    return any(value.strip() for key, values in query.lists() if key not in skip for value in values)


@register.filter
def month_key(day) -> str:
    """A month as a query parameter: "2027-03" (what the ledger's month filter reads)."""
    return day.strftime("%Y-%m") if day else ""


@register.simple_tag
def select_options(field, empty_label: str = "Any") -> str:
    """A filter select's <option>s, straight from the field's choices: the widget's own rendering builds
    a dict per option, which costs more than the rest of a list page once there are hundreds."""
    current = field.value()
    selected = {str(v) for v in current} if isinstance(current, list | tuple) else {str(current or "")}
    rows = []
    for value, label in field.field.choices:
        value = "" if value is None else str(value)
        rows.append((value, " selected" if value in selected else "", label if value else empty_label))
    return format_html_join("", '<option value="{}"{}>{}</option>', rows)


@register.filter
def cents(value, currency: str = "") -> str:
    """One amount to the cent with its currency, for invoices and their lines: "9,200.00 CAD"."""
    return _money(value, currency, 2)


@register.inclusion_tag("includes/section_tabs.html", takes_context=True)
def section_tabs(context, section: str, current: str, currency: str = ""):
    """The tabs of a section several modules contribute to (portal.registry.SectionTab) that the user may
    see; `current` is this page's tab, and `currency` carries over to the others."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from portal import registry

    tabs = [
        {
            "label": tab.label,
            "url": reverse(tab.url_name, args=tab.args) + (f"?{urlencode({'currency': currency})}" if currency else ""),
            "current": tab.key == current,
        }
        for tab in registry.section_tabs(section, context["request"].user)
    ]
    return {"tabs": tabs if len(tabs) > 1 else []}
