"""Strict filter sets: a value a widget cannot read is an error, never a filter silently left out."""

import django_filters
import pytest
from django.http import QueryDict

from portal.filters import DecisionFilter, StrictFilterSet, unknown_parameters
from portal.models import Decision

pytestmark = pytest.mark.django_db


class ExampleFilter(StrictFilterSet):
    unowned = django_filters.BooleanFilter(
        field_name="owner", lookup_expr="isnull", widget=django_filters.widgets.BooleanWidget()
    )
    due = django_filters.DateFromToRangeFilter(field_name="due_at")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains")

    class Meta:
        model = Decision
        fields = []


def _filters(query):
    return ExampleFilter(QueryDict(query), queryset=Decision.objects.all())


@pytest.mark.parametrize("query", ["", "unowned=true", "unowned=FALSE", "unowned=", "q=%20%20", "due_after=2027-01-01"])
def test_values_a_widget_reads_are_valid(query):
    assert _filters(query).is_valid(), _filters(query).errors


@pytest.mark.parametrize("query", ["unowned=abc", "unowned=abc&unowned=", "unowned=yes"])
def test_a_value_a_widget_would_drop_is_an_error_not_no_filter(query):
    filterset = _filters(query)

    assert not filterset.is_valid()
    assert list(filterset.errors) == ["unowned"]
    assert filterset.errors["unowned"][0].endswith("” is not a valid value.")


def test_the_refused_value_is_named_and_cut(query="unowned=" + "<b>" * 30):
    filterset = _filters(query)

    filterset.is_valid()
    message = filterset.errors["unowned"][0]
    assert message.startswith("“<b><b>") and len(message) < 80
    assert "&lt;b&gt;" in str(filterset.form["unowned"].errors)  # escaped when shown on a page


def test_an_invalid_date_in_a_range_is_an_error():
    filterset = _filters("due_before=notadate")

    assert not filterset.is_valid()
    assert list(filterset.errors) == ["due"]


def test_unknown_parameters_are_those_no_filter_reads():
    data = QueryDict("q=x&due_after=2027-01-01&due_before=&due=2027&unowned=true&format=csv&page=2&nonsense=1")

    assert unknown_parameters(_filters(""), data) == ["due", "page", "nonsense"]
    assert unknown_parameters(_filters(""), data, allowed=()) == ["due", "format", "page", "nonsense"]


def test_my_work_filters_are_strict():
    assert issubclass(DecisionFilter, StrictFilterSet)
    filterset = DecisionFilter(QueryDict("due=someday"), queryset=Decision.objects.all())
    assert not filterset.is_valid()
    assert unknown_parameters(filterset, QueryDict("kind=request&due=week&q=x&page=2")) == ["page"]
