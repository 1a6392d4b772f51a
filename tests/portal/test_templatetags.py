"""The portal's template tags: money written one way, an amount or a range, with its currency."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from portal.templatetags.portal import money, money_range


@pytest.mark.parametrize(
    "low, high, expected",
    [
        (Decimal("92000"), Decimal("105000"), "92,000–105,000 CAD"),
        (Decimal("92000"), Decimal("92000.00"), "92,000 CAD"),
        (Decimal("118764.10"), Decimal("135549.70"), "118,764–135,550 CAD"),
        (None, None, "—"),
        (Decimal("92000"), None, "from 92,000 CAD"),
        (None, Decimal("105000"), "up to 105,000 CAD"),
    ],
)
def test_money_range(low, high, expected):
    assert money_range(low, high, "CAD") == expected


def test_money_and_rates():
    assert money(Decimal("2500"), "CAD") == "2,500 CAD"
    assert money(Decimal("0"), "USD") == "0 USD"
    assert money(None, "CAD") == "—"
    assert money_range(Decimal("87.5"), Decimal("87.5"), "CAD", places=2) == "87.50 CAD"


def test_the_tag_renders_in_a_template():
    rendered = Template("{% load portal %}{% money_range a b 'EUR' %} / {{ c|money:'EUR' }}").render(
        Context({"a": 1000, "b": 2000, "c": None})
    )
    assert rendered == "1,000–2,000 EUR / —"


def test_filters_in_use_ignores_empty_values_paging_and_sorting():
    from django.http import QueryDict

    from portal.templatetags.portal import filters_in_use

    assert not filters_in_use(QueryDict("q=&status=&page=2&sort=-created&scope=all"))
    assert filters_in_use(QueryDict("q=&status=open"))
    assert filters_in_use(QueryDict("due=overdue&scope=mine"))


def _rendered(form) -> str:
    return Template("{% load django_bootstrap5 %}{% bootstrap_form form %}").render(Context({"form": form}))


def test_fields_are_marked_required_up_front_and_never_marked_valid():
    from django import forms

    class Ask(forms.Form):
        title = forms.CharField(label="What needs deciding")
        detail = forms.CharField(label="Details", required=False)

    class SignIn(forms.Form):
        username = forms.CharField(label="Username")
        password = forms.CharField(label="Password", widget=forms.PasswordInput)

    blank = _rendered(Ask())
    assert '<label class="form-label required" for="id_title">What needs deciding</label>' in blank
    assert '<span class="visually-hidden">required</span>' in blank
    assert 'for="id_detail">Details</label><' in blank and blank.count("required-mark") == 1
    assert "required-mark" not in _rendered(SignIn())  # every field required: the marks say nothing

    shown_again = _rendered(Ask({"title": "", "detail": "Some detail"}))
    assert "is-invalid" in shown_again
    assert "is-valid" not in shown_again.replace("is-invalid", "")


def test_select_options_mark_the_chosen_value_and_name_the_empty_choice():
    from django import forms

    from portal.templatetags.portal import select_options

    class F(forms.Form):
        size = forms.ChoiceField(choices=[("", "---"), ("s", "Small <S>"), ("l", "Large")], required=False)

    assert str(select_options(F({"size": "l"})["size"], "Any size")) == (
        '<option value="">Any size</option><option value="s">Small &lt;S&gt;</option>'
        '<option value="l" selected>Large</option>'
    )
    assert str(select_options(F({})["size"])).startswith('<option value="" selected>Any</option>')
