"""Every export and every list reads its parameters strictly: never more than was asked for.

An export is any view that honours `?format=`. EXPORTS declares each one with the filter set it reads;
`test_every_export_is_declared` walks the URL resolver, so a new export without an entry fails the build
(as tests/test_access_matrix.py does for pages). Each export answers 400, in plain text naming the
parameter and logging nothing, to an unknown parameter, an unreadable date, a non-number id,
`scope=all`, a format that is not csv or xlsx, and two formats; and a clean request with one file and
one log row. LISTS does the same for the list pages: an unknown parameter is a 400 listing nothing.
"""

import inspect
import re
from dataclasses import dataclass, field

import pytest
from django import forms
from django.http import QueryDict
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django_filters.views import FilterView

from analytics.filters import DashboardFilter
from candidates.filters import ApplicationFilter
from offers.filters import OfferFilter
from onboarding.filters import StartFilter
from portal.filters import CostEventFilter, CurrencyFilter, DecisionFilter, NotificationFilter, filter_keys
from portal.models import ExportLog
from requisitions.filters import RequisitionFilter
from vendors.filters import EngagementFilter, InvoiceFilter, RateCardFilter, TimesheetFilter, VendorFilter

pytestmark = pytest.mark.django_db

SPEND_REPORTS = ["vendors", "ending"]  # the vendors' spend pages; cash needs and cost per hire are analytics' own


@dataclass(frozen=True)
class Export:
    """An export: the filter set it reads, the URL arguments to try it with (one call per tuple), and who
    exports it (finance, unless the export is another role's)."""

    filterset: type
    args: list[tuple] = field(default_factory=lambda: [()])
    persona: str = "finance"


EXPORTS = {
    "requisitions:export": Export(RequisitionFilter),
    "offers:export": Export(OfferFilter),
    "vendors:vendor_export": Export(VendorFilter),
    "vendors:rate_card_export": Export(RateCardFilter),
    "vendors:engagement_export": Export(EngagementFilter),
    "vendors:timesheet_export": Export(TimesheetFilter),
    "vendors:invoice_export": Export(InvoiceFilter),
    "onboarding:starts_export": Export(StartFilter, persona="hr"),  # the HRIS hand-off is HR's
    # The spend pages are their own exports (?format=).
    "vendors:spend": Export(CurrencyFilter),
    "vendors:spend_report": Export(CurrencyFilter, args=[(report,) for report in SPEND_REPORTS]),
    "analytics:spend_cash": Export(CurrencyFilter),
    "analytics:spend_hires": Export(CurrencyFilter),
    # The list behind any dashboard tile or table row, as HR (who opens the organisation's and the spend board).
    "analytics:table_export": Export(
        DashboardFilter, args=[("organisation", "funnel"), ("finance", "forecast_vs_actual")], persona="hr"
    ),
    "analytics:tile": Export(
        DashboardFilter, args=[("organisation", "stuck_7"), ("finance", "ledger_events")], persona="hr"
    ),
}

# Every filterable list page, with the filter set it reads and the URL arguments to try it with.
LISTS = {
    "portal:my_work": Export(DecisionFilter),
    "portal:notifications": Export(NotificationFilter),
    "requisitions:approvals": Export(DecisionFilter),
    "requisitions:list": Export(RequisitionFilter),
    "onboarding:starts": Export(StartFilter),
    "candidates:pipeline": Export(ApplicationFilter),
    "portal:ledger": Export(CurrencyFilter),
    "portal:ledger_events": Export(CostEventFilter),
    "offers:list": Export(OfferFilter),
    "vendors:vendor_list": Export(VendorFilter),
    "vendors:rate_card_list": Export(RateCardFilter),
    "vendors:engagement_list": Export(EngagementFilter),
    "vendors:timesheet_list": Export(TimesheetFilter),
    "vendors:invoice_list": Export(InvoiceFilter),
    "vendors:spend": Export(CurrencyFilter),
    "vendors:spend_report": Export(CurrencyFilter, args=[(report,) for report in SPEND_REPORTS]),
    "analytics:spend_cash": Export(CurrencyFilter),
    "analytics:spend_hires": Export(CurrencyFilter),
}

UNREADABLE_DATE = "2026-02-30"


# --- Which views are exports and lists -------------------------------------------------------------------


def url_patterns(resolver=None, namespace=""):
    """(name, view callback) of every named URL pattern, the Django admin's aside."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def _view(callback):
    return getattr(callback, "view_class", None) or inspect.unwrap(callback)


def honours_format(callback) -> bool:
    """The view exports: it calls the one export entry, or reads `format` itself."""
    source = inspect.getsource(_view(callback))
    return "export_response" in source or re.search(r"""["']format["']""", source) is not None


def is_filter_list(callback) -> bool:
    view = _view(callback)
    return isinstance(view, type) and issubclass(view, FilterView)


def test_every_export_is_declared():
    found = {name for name, callback in url_patterns() if honours_format(callback)}
    assert found - set(EXPORTS) == set(), "declare these exports in EXPORTS (they honour ?format=)"
    assert set(EXPORTS) - found == set(), "EXPORTS names views that no longer export"


def test_every_filtered_list_is_declared():
    found = {name for name, callback in url_patterns() if is_filter_list(callback)}
    assert found - set(LISTS) == set(), "declare these lists in LISTS"


def test_no_page_without_arguments_answers_format_with_a_file_unless_declared(client, admin_user, finance):
    """The resolver's view of what exports, checked by asking: a hand-built export the source check missed
    still answers ?format=csv with a file."""
    for person in (admin_user, finance):
        client.force_login(person)
        for name, _callback in url_patterns():
            try:
                url = reverse(name)
            except NoReverseMatch:  # a pattern that needs arguments
                continue
            response = client.get(url, {"format": "csv"})
            if "attachment" in response.get("Content-Disposition", ""):
                assert name in EXPORTS, f"{name} answers ?format=csv with a file: declare it in EXPORTS"


# --- What each export refuses ----------------------------------------------------------------------------


def _form(filterset_class):
    # Only the fields are read: any queryset will do (My work's filter set names no model).
    return filterset_class(QueryDict(), queryset=ExportLog.objects.none()).form


def _keys(filterset_class, field_class) -> list[tuple[str, str]]:
    """(query key, field name) of each parameter the filter set reads into a `field_class` field."""
    form = _form(filterset_class)
    return [
        (key, name)
        for name, form_field in form.fields.items()
        if isinstance(form_field, field_class)
        for key in filter_keys(form, name)
    ]


def date_keys(filterset_class) -> list[tuple[str, str]]:
    dates = _keys(filterset_class, forms.DateField)
    ranges = [
        (key, name)
        for key, name in _keys(filterset_class, forms.MultiValueField)
        if isinstance(_form(filterset_class).fields[name].fields[0], forms.DateField)
    ]
    return dates + ranges or [("from", "from")]  # none read: an unknown parameter, refused all the same


def id_keys(filterset_class) -> list[tuple[str, str]]:
    return _keys(filterset_class, forms.ModelChoiceField) or [("requisition", "requisition")]


def _calls(table):
    return [(name, args) for name, entry in table.items() for args in entry.args]


EXPORT_CALLS = _calls(EXPORTS)
LIST_CALLS = _calls(LISTS)


def _refused(response, *names):
    body = response.content.decode()
    assert response.status_code == 400, body
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body.startswith("Nothing was exported: these parameters are not valid.\n")
    for name in names:
        assert f"\n{name}: " in body, (name, body)
    assert ExportLog.objects.count() == 0


@pytest.mark.parametrize("name, args", EXPORT_CALLS)
def test_an_export_refuses_what_it_cannot_read(client, request, name, args):
    client.force_login(request.getfixturevalue(EXPORTS[name].persona))
    url = reverse(name, args=args)
    filterset = EXPORTS[name].filterset

    _refused(client.get(url, {"format": "csv", "foo": "bar"}), "foo")
    _refused(client.get(url, {"format": "csv", "scope": "all"}), "scope")
    _refused(client.get(url, {"format": "pdf"}), "format")
    _refused(client.get(url, {"format": ["csv", "xlsx"]}), "format")
    for key, named in date_keys(filterset):
        _refused(client.get(url, {"format": "csv", key: UNREADABLE_DATE}), named)
    for key, named in id_keys(filterset):
        _refused(client.get(url, {"format": "xlsx", key: "abc"}), named)


@pytest.mark.parametrize("name, args", EXPORT_CALLS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_clean_export_is_one_file_and_one_log_row(client, request, name, args, fmt):
    person = request.getfixturevalue(EXPORTS[name].persona)
    client.force_login(person)

    response = client.get(reverse(name, args=args), {"format": fmt})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    [log] = ExportLog.objects.all()
    assert (log.user, log.format) == (person, fmt)
    assert log.export_id in response["Content-Disposition"]


SPEND_PAGES = [
    ("vendors:spend", ()),
    *[("vendors:spend_report", (report,)) for report in SPEND_REPORTS],
    ("analytics:spend_cash", ()),
    ("analytics:spend_hires", ()),
]


@pytest.mark.parametrize("name, args", SPEND_PAGES)
def test_a_hiring_manager_asking_the_spend_pages_for_everything_is_refused(client, hiring_manager, name, args):
    client.force_login(hiring_manager)
    url = reverse(name, args=args)

    _refused(client.get(url, {"scope": "all", "format": "csv"}), "scope")
    page = client.get(url, {"scope": "all"})
    assert page.status_code == 400 and page.context["figures"] is None
    assert "“scope” is not a filter of this list." in page.content.decode()


# --- What each list refuses ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, args", LIST_CALLS)
def test_a_list_refuses_an_unknown_parameter_and_lists_nothing(client, admin_user, name, args):
    client.force_login(admin_user)
    url = reverse(name, args=args)
    assert client.get(url).status_code == 200

    response = client.get(url, {"foo": "bar"})

    assert response.status_code == 400
    assert "“foo” is not a filter of this list." in response.content.decode()
    assert not list(response.context.get("object_list") or response.context.get("rows") or [])


@pytest.mark.parametrize("name, args", LIST_CALLS)
def test_a_list_refuses_unreadable_dates_and_ids(client, admin_user, name, args):
    client.force_login(admin_user)
    url = reverse(name, args=args)
    filterset = LISTS[name].filterset
    unreadable = [(key, UNREADABLE_DATE) for key, _ in date_keys(filterset)]
    unreadable += [(key, "abc") for key, _ in id_keys(filterset)]
    for key, value in unreadable:
        assert client.get(url, {key: value}).status_code == 400, (key, value)


SORTED_CALLS = [(name, args) for name, args in LIST_CALLS if "sort" in LISTS[name].filterset.base_filters]


@pytest.mark.parametrize("name, args", SORTED_CALLS)
def test_a_list_refuses_an_unknown_sort(client, admin_user, name, args):
    client.force_login(admin_user)

    assert client.get(reverse(name, args=args), {"sort": "bogus"}).status_code == 400


PAGED = [name for name in LISTS if is_filter_list(dict(url_patterns())[name])]


@pytest.mark.parametrize("name", PAGED)
def test_a_page_number_that_is_no_page_is_not_found(client, admin_user, name):
    client.force_login(admin_user)
    url = reverse(name)

    assert client.get(url, {"page": "abc"}).status_code == 404
    assert client.get(url, {"page": "9999"}).status_code == 404
    assert client.get(url, {"page": "1"}).status_code == 200
