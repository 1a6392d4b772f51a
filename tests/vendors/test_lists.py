"""The vendor, rate card, contractor, timesheet and invoice lists: each a filter set over the user's slice,
paged (never cut), sorted, with its export; the weeks' charges only for those who may see them."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from portal import clock
from portal.models import ExportLog
from portal.money import Money
from requisitions.services import share_requisition
from tests.vendors.conftest import approved_vendor, rate_card_for
from vendors.choices import InvoiceStatus
from vendors.models import Invoice, Timesheet, Vendor

pytestmark = pytest.mark.django_db


def _rows(response) -> list:
    return list(response.context["object_list"])


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- Never cut at 200 ------------------------------------------------------------------------------------


def test_more_than_two_hundred_invoices_are_all_listed_across_pages_and_exported(client, supplier, finance):
    today = clock.today()
    Invoice.objects.bulk_create(
        Invoice(
            vendor=supplier,
            number=f"B-{n:03d}",
            currency="CAD",
            period_start=today - timedelta(days=30),
            period_end=today - timedelta(days=1),
            received_on=today - timedelta(days=n % 60),
            amount=Decimal("100.00") + n,
            created_by=finance,
            created_at=clock.now(),
        )
        for n in range(212)
    )
    client.force_login(finance)
    url = reverse("vendors:invoice_list")

    seen = []
    for page in range(1, 6):
        seen += [invoice.number for invoice in _rows(client.get(url, {"page": page}))]
    export = client.get(reverse("vendors:invoice_export"), {"format": "csv"})

    assert len(seen) == 212 and set(seen) == {f"B-{n:03d}" for n in range(212)}
    assert client.get(url, {"page": 6}).status_code == 404
    lines = _csv(export)
    assert len(lines) == 1 + 212 + 1  # header, every invoice, the watermark
    assert ExportLog.objects.get().rows == 212


# --- Timesheets: each person's weeks, and charges only where they may see them ---------------------------


@pytest.fixture
def weeks(many, open_requisition, hm):
    """Two engagements on the hiring manager's requisition, one of them working with a week recorded
    (40 hours and 1 of overtime at 100.00 an hour: 4,150.00)."""
    many(2)
    return Timesheet.objects.get()


def test_the_timesheet_list_shows_each_person_their_weeks_with_charges_only_where_they_may(
    client, weeks, open_requisition, hm, recruiter, finance, other_hiring_manager
):
    url = reverse("vendors:timesheet_list")
    client.force_login(other_hiring_manager)
    assert _rows(client.get(url)) == []  # a leak test: the week exists, and is not theirs

    for person, charge in ((hm, Decimal("4150.00")), (finance, Decimal("4150.00")), (recruiter, None)):
        client.force_login(person)
        response = client.get(url)
        assert _rows(response) == [weeks], person
        assert _rows(response)[0].charge == (None if charge is None else Money(charge, "CAD")), person
        assert ("4,150.00 CAD" in response.content.decode()) == (charge is not None), person

    # Shared with another hiring manager: they see the week, never its money (not their requisition).
    share_requisition(requisition=open_requisition, user=other_hiring_manager, by=hm)
    client.force_login(other_hiring_manager)
    response = client.get(url)
    assert _rows(response) == [weeks] and response.context["show_charges"]
    assert _rows(response)[0].charge is None and "4,150.00" not in response.content.decode()


def test_the_timesheet_export_has_a_charge_column_only_for_those_who_see_charges(client, weeks, recruiter, finance):
    client.force_login(finance)
    header, row = _csv(client.get(reverse("vendors:timesheet_export"), {"format": "csv"}))[:2]
    record = dict(zip(header, row, strict=True))
    assert (record["Engagement"], record["Hours"], record["Charge"], record["Currency"]) == (
        weeks.engagement.reference,
        "40.00",
        "4150.00",
        "CAD",
    )

    client.force_login(recruiter)
    header = _csv(client.get(reverse("vendors:timesheet_export"), {"format": "csv"}))[0]
    assert "Charge" not in header and "Hours" in header


def test_the_weeks_filter_by_status_week_and_search_and_choices_are_the_users_own(
    client, weeks, hm, finance, open_requisition
):
    approved_vendor(finance, name="Elsewhere Staffing")  # a vendor the hiring manager has no contractor of
    client.force_login(hm)
    url = reverse("vendors:timesheet_list")
    monday = weeks.week_start.isoformat()

    assert _rows(client.get(url, {"status": "submitted", "week_min": monday, "week_max": monday})) == [weeks]
    assert _rows(client.get(url, {"status": "approved"})) == []
    assert _rows(client.get(url, {"q": weeks.engagement.reference})) == [weeks]
    assert _rows(client.get(url, {"q": "nobody"})) == []
    form = client.get(url).context["filter"].form
    assert [v.name for v in form.fields["vendor"].queryset] == ["Northbridge Talent"]
    assert list(form.fields["requisition"].queryset.values_list("pk", flat=True)) == [open_requisition.pk]
    elsewhere = client.get(url, {"vendor": Vendor.objects.get(name="Elsewhere Staffing").pk})
    assert elsewhere.status_code == 400 and _rows(elsewhere) == []


# --- Invoices --------------------------------------------------------------------------------------------


def test_invoices_filter_sort_and_export_amounts_as_numbers(client, many, finance, open_requisition):
    many(4)  # two invoices of 4,000.00, both flagged or matched
    first, second = Invoice.objects.order_by("id")
    client.force_login(finance)
    url = reverse("vendors:invoice_list")

    assert _rows(client.get(url, {"sort": "number"})) == [first, second]
    assert _rows(client.get(url, {"sort": "-number"})) == [second, first]
    assert _rows(client.get(url, {"q": second.number})) == [second]
    assert _rows(client.get(url, {"requisition": open_requisition.pk})) == [second, first]
    assert _rows(client.get(url, {"status": InvoiceStatus.PAID})) == []

    export = client.get(reverse("vendors:invoice_export"), {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(export.content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    amount = sheet.cell(row=2, column=header.index("Amount") + 1)
    assert (amount.value, amount.data_type) == (4000, "n")
    assert sheet.cell(row=2, column=header.index("Currency") + 1).value == "CAD"


def test_an_htmx_filter_swaps_the_table_and_the_export_buttons_carry_the_filters(client, many, finance):
    many(2)
    client.force_login(finance)

    swap = client.get(reverse("vendors:invoice_list"), {"status": "flagged", "page": "1"}, HTTP_HX_REQUEST="true")

    body = swap.content.decode()
    assert swap.templates[0].name == "includes/list_results.html"
    assert '<nav class="navbar' not in body
    export = reverse("vendors:invoice_export")
    assert f'href="{export}?status=flagged&amp;format=xlsx"' in body and 'hx-swap-oob="true"' in body


def test_a_saved_view_of_invoices_keeps_only_their_filters(client, finance):
    client.force_login(finance)
    client.post(
        reverse("portal:saved_view_save"),
        {"page": "vendors:invoice_list", "name": "Flagged", "query": "status=flagged&page=3&foo=1"},
    )
    response = client.get(reverse("vendors:invoice_list"), {"status": "flagged"})
    assert [view.name for view in response.context["saved_views"]] == ["Flagged"]
    assert response.context["saved_view_current"].query == "status=flagged"


# --- Vendors and rate cards ------------------------------------------------------------------------------


def test_the_vendor_kind_filter_counts_a_vendor_of_both_kinds_as_either(client, finance, recruiter):
    supplier = approved_vendor(finance, name="Supplies Co")
    agency = approved_vendor(finance, name="Agency Co", kind="agency", fee_pct=Decimal("20"))
    both = approved_vendor(finance, name="Both Co", kind="both", fee_pct=Decimal("18"))
    client.force_login(recruiter)
    url = reverse("vendors:vendor_list")

    assert _rows(client.get(url, {"kind": "agency"})) == [agency, both]
    assert _rows(client.get(url, {"kind": "supplier"})) == [both, supplier]
    assert _rows(client.get(url, {"kind": "both"})) == [both]
    assert _rows(client.get(url, {"q": "co", "sort": "-name"})) == [supplier, both, agency]


def test_rate_cards_are_the_current_ones_unless_asked_for_others(client, supplier, card, open_requisition, finance):
    old = rate_card_for(supplier, open_requisition, finance, back=400, ahead=-200)
    soon = rate_card_for(approved_vendor(finance, name="Soon Staffing"), open_requisition, finance, back=10, ahead=10)
    client.force_login(finance)
    url = reverse("vendors:rate_card_list")

    assert _rows(client.get(url)) == [soon, card]  # soonest to expire first
    assert _rows(client.get(url, {"show": "current"})) == [soon, card]
    assert _rows(client.get(url, {"show": "expiring"})) == [soon]
    assert _rows(client.get(url, {"show": "all", "sort": "valid_to"})) == [old, soon, card]
    assert _rows(client.get(url, {"valid_on": old.valid_from.isoformat()})) == []  # current only, by default
    assert _rows(client.get(url, {"show": "all", "valid_on": old.valid_from.isoformat()})) == [old]
    assert client.get(url, {"show": "someday"}).status_code == 400


@pytest.mark.parametrize(
    "url_name, params, status",
    [
        ("vendors:engagement_list", {"requisition": "99999999999999999999"}, 404),
        ("vendors:engagement_list", {"requisition": "²"}, 400),
        ("vendors:engagement_list", {"requisition": "-1"}, 400),
        ("vendors:timesheet_list", {"vendor": "99999999999999999999"}, 400),
        ("vendors:invoice_list", {"requisition": "1e3"}, 400),
        ("vendors:invoice_export", {"received_max": "99999-01-01"}, 400),
        ("vendors:rate_card_list", {"valid_on": "2026-02-29"}, 400),
        ("vendors:timesheet_list", {"q": "ENG-99999999999999999999"}, 200),
        ("offers:list", {"q": "OFF-99999999999999999999"}, 200),
        ("offers:list", {"q": "OFF-²"}, 200),
        ("offers:list", {"page": "²"}, 404),
    ],
)
def test_odd_input_to_a_list_or_export_is_answered_not_crashed(client, finance, url_name, params, status):
    client.force_login(finance)

    assert client.get(reverse(url_name), params).status_code == status
