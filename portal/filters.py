"""Filters of My work and the decision lists, and the strict filter set every list's filters build on.

Removing every filter never widens what a user sees; a filter value that cannot be read is an error,
never a filter left out (which would widen a list, or an export, to everything).
"""

import re
from datetime import date, timedelta

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import SuffixedMultiWidget

from portal import registry
from portal.choices import CostCategory, CostKind, Currency
from portal.models import CostCenter, CostEvent, Notification

MONTH_RE = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")

DUE_CHOICES = [
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("week", _("Due within 7 days")),
]


class _RefuseDroppedValues:
    """Form mixin: a field given a non-blank value that cleans to nothing gets an error.

    django-filter's widgets turn what they cannot read into "no value": BooleanWidget reads
    `?overdue_approval=abc` as unset, and the filter is then skipped without a word.
    """

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if name in self._errors or cleaned.get(name) not in field.empty_values:
                continue
            given = _given_values(self.data, filter_keys(self, name))
            if given:
                error = ValidationError(
                    _("“%(value)s” is not a valid value."),
                    code="invalid",
                    params={"value": Truncator(given[0]).chars(40)},
                )
                self.add_error(name, error)
        return cleaned


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet whose form refuses a value its widget would silently drop (see _RefuseDroppedValues).

    Invalid values make the filter set invalid; a FilterView (strict by default) then lists nothing
    and shows the error on the filter, and an export refuses.
    """

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (_RefuseDroppedValues, form_class), {})


class SortFilter(django_filters.OrderingFilter):
    """The sort select of a list: django-filter's OrderingFilter, then the primary key (newest first) to
    break ties, so rows that sort equal keep one order and paging neither repeats nor skips one."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "-pk") if value else qs


def filter_keys(form: forms.Form, name: str) -> list[str]:
    """The query keys the field `name` of `form` reads: its name, or one per sub-widget (`_min`, `_after`...)."""
    html_name = form.add_prefix(name)
    widget = form.fields[name].widget
    if isinstance(widget, SuffixedMultiWidget):
        return [widget.suffixed(html_name, suffix) for suffix in widget.suffixes]
    if isinstance(widget, forms.MultiWidget):
        return [html_name + suffix for suffix in widget.widgets_names]
    return [html_name]


def unknown_parameters(filterset: django_filters.FilterSet, data, allowed=("format",)) -> list[str]:
    """The keys of `data` (a QueryDict) that no filter of `filterset` reads and that are not `allowed`.

    A misspelt or stale parameter is otherwise ignored, and the result is wider than was asked for.
    """
    form = filterset.form
    known = {key for name in form.fields for key in filter_keys(form, name)}
    return [key for key in data if key not in known and key not in allowed]


def refuse_unknown_parameters(filterset: django_filters.FilterSet, data, *, allowed=()) -> list[str]:
    """Make `filterset` invalid for each key of `data` that no filter reads and `allowed` does not name.

    The error sits on the filter form (shown above the filters, as an unreadable value is), so a list
    given a misspelt or stale parameter lists nothing rather than everything. Returns those keys.
    """
    unknown = unknown_parameters(filterset, data, allowed=allowed)
    for key in unknown:
        error = ValidationError(
            _("“%(name)s” is not a filter of this list."), code="unknown", params={"name": Truncator(key).chars(40)}
        )
        filterset.form.add_error(None, error)
    return unknown


def filters_query(filterset: django_filters.FilterSet, data) -> str:
    """The query string of `data` reduced to what the filters read (no page number, no format): what a
    list's export buttons carry, and what an export's log and watermark record."""
    params = data.copy()
    for key in unknown_parameters(filterset, data, allowed=()):
        params.pop(key)
    return params.urlencode()


def _given_values(data, keys: list[str]) -> list[str]:
    values = []
    for key in keys:
        if hasattr(data, "getlist"):
            values += data.getlist(key)
        elif key in data:
            value = data[key]
            values += value if isinstance(value, list | tuple) else [value]
    return [str(value) for value in values if value is not None and str(value).strip()]


class DecisionFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=(), label=_("Kind"), empty_label=_("All kinds"))
    due = django_filters.ChoiceFilter(
        choices=DUE_CHOICES, method="filter_due", label=_("Due"), empty_label=_("Any time")
    )
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = registry.decision_kind_choices()  # the kinds modules registered

    def filter_due(self, queryset, name, value):
        now = timezone.now()
        if value == "overdue":
            return queryset.filter(due_at__lt=now)
        end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=999999)
        if value == "today":
            return queryset.filter(due_at__gte=now, due_at__lte=end_of_today)
        return queryset.filter(due_at__gte=now, due_at__lte=now + timedelta(days=7))


class NotificationFilter(StrictFilterSet):
    """The notification list: all of them, or only the unread."""

    show = django_filters.ChoiceFilter(
        choices=[("unread", _("Unread"))], method="filter_show", label=_("Show"), empty_label=_("All")
    )

    class Meta:
        model = Notification
        fields = []

    def filter_show(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True)


class MonthField(forms.CharField):
    """A month written YYYY-MM, cleaned to its first day."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if not MONTH_RE.match(value):
            raise forms.ValidationError(_("Use a month such as 2026-11."))
        return date(int(value[:4]), int(value[5:7]), 1)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class CostEventFilter(StrictFilterSet):
    """The ledger's drill-down: the events of one month, cost center, kind, currency, category."""

    month = MonthFilter(field_name="month", label=_("Month (YYYY-MM)"))
    month_from = MonthFilter(field_name="month", lookup_expr="gte", label=_("From month"))
    month_to = MonthFilter(field_name="month", lookup_expr="lte", label=_("To month"))
    cost_center = django_filters.ModelChoiceFilter(queryset=CostCenter.objects.order_by("code"), label=_("Cost center"))
    kind = django_filters.ChoiceFilter(choices=CostKind.choices, label=_("Kind"))
    category = django_filters.ChoiceFilter(choices=CostCategory.choices, label=_("Category"))
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))

    class Meta:
        model = CostEvent
        fields = []


class CurrencyFilter(StrictFilterSet):
    """What a report in one currency reads (the ledger grid, the spend pages): `currency`, the portal's
    own when none is given. Anything else given to such a page is refused."""

    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"), empty_label=None)

    class Meta:
        model = CostEvent
        fields = []

    def chosen_currency(self) -> str:
        """The currency asked for (the filter set must be valid)."""
        return self.form.cleaned_data.get("currency") or settings.PORTAL_CURRENCY
