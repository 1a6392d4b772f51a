"""The accounts-payable CSV import of vendor invoices: a preview that writes nothing and reports every
row's errors with the file's row numbers, then all the invoices created (matched or flagged, marked
imported) or none."""

import csv
import io
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates.services import create_candidate
from tests.vendors.conftest import approved_vendor, monday, rate_card_for
from vendors import imports
from vendors.choices import InvoiceStatus, LineFlag
from vendors.imports import TEMPLATE_HEADER, example_csv, import_invoices, parse_invoices
from vendors.models import Invoice
from vendors.services import (
    EngagementInput,
    InvoiceInput,
    LineInput,
    VendorError,
    approve_timesheet,
    create_engagement,
    create_invoice,
    record_timesheet,
    start_engagement,
)

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")
TODAY = timezone.localdate()
WEEK1 = monday(TODAY) - timedelta(weeks=4)
WEEK2 = WEEK1 + timedelta(weeks=1)


def _engage(requisition, vendor, card, worker, by):
    return create_engagement(
        data=EngagementInput(
            requisition=requisition,
            worker=worker,
            vendor=vendor,
            rate_card=card,
            start_date=WEEK1,
            end_date=WEEK1 + timedelta(days=90),
            hours_per_week=Decimal("40"),
        ),
        by=by,
    )


@pytest.fixture
def engagement(open_requisition, supplier, card, worker, recruiter):
    """Northbridge's engagement at the card's 100.00 an hour, started four weeks ago."""
    engagement = _engage(open_requisition, supplier, card, worker, recruiter)
    return start_engagement(engagement=engagement, by=recruiter)


@pytest.fixture
def billed_weeks(engagement, recruiter, hm):
    """Two approved weeks of 40 hours: 4,000.00 each."""
    for week in (WEEK1, WEEK2):
        sheet = record_timesheet(engagement=engagement, by=recruiter, week_start=week, hours=40, overtime_hours=0)
        approve_timesheet(timesheet=sheet, by=hm)


@pytest.fixture
def other_engagement(open_requisition, finance, recruiter, card):
    """An engagement of another vendor, Harbour Staffing."""
    harbour = approved_vendor(finance, name="Harbour Staffing")
    harbour_card = rate_card_for(
        harbour, open_requisition, finance, pay="70", markup="20", valid_from=card.valid_from, valid_to=card.valid_to
    )
    alan = create_candidate(by=recruiter, first_name="Alan", last_name="Turing", email="alan@example.com")
    return _engage(open_requisition, harbour, harbour_card, alan, recruiter)


def line(engagement, **cells) -> dict:
    """One row: a week-one line of 40 hours on `engagement` of invoice NB-2001, unless told otherwise."""
    row = {
        "vendor": "Northbridge Talent",
        "invoice_number": "NB-2001",
        "currency": "CAD",
        "period_start": WEEK1.isoformat(),
        "period_end": (WEEK1 + timedelta(days=6)).isoformat(),
        "received_on": TODAY.isoformat(),
        "reference": engagement.reference if engagement else "ENG-0001",
        "description": "",
        "hours": "40",
        "overtime_hours": "",
        "amount": "4,000.00",
    }
    row.update(cells)
    return row


def week2(engagement, **cells) -> dict:
    return line(
        engagement,
        invoice_number="NB-2002",
        period_start=WEEK2.isoformat(),
        period_end=(WEEK2 + timedelta(days=6)).isoformat(),
        **cells,
    )


def csv_file(rows: list[dict], *, header=TEMPLATE_HEADER, delimiter=",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([row[column] for column in TEMPLATE_HEADER] for row in rows)
    return out.getvalue()


def good_file(engagement) -> bytes:
    """Two invoices, three lines: NB-2001 bills week one; NB-2002 bills week two and 250.00 of parking."""
    rows = [line(engagement), week2(engagement), week2(engagement, description="Parking", hours="", amount="250.00")]
    return ("\ufeff" + csv_file(rows)).encode()


def errors_by_row(preview) -> dict[int, str]:
    found = defaultdict(list)
    for row, message in preview.errors:
        found[row].append(message)
    return {row: " ".join(messages) for row, messages in found.items()}


def test_a_good_file_previews_without_writing_then_imports_matched_and_flagged_invoices(
    engagement, billed_weeks, finance
):
    with CaptureQueriesContext(connection) as queries:
        preview = parse_invoices(good_file(engagement))
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert preview.errors == [] and preview.ok
    assert [(data.number, rows) for data, rows in preview.invoices] == [("NB-2001", (2,)), ("NB-2002", (3, 4))]
    assert preview.counts == {"rows": 3, "invoices": 2, "lines": 3, "errors": 0, "rows_with_errors": 0}
    first, second = (data for data, _rows in preview.invoices)
    assert first.lines[0].amount == Decimal("4000.00") and first.lines[0].engagement == engagement
    assert second.lines[1].description == "Parking" and second.lines[1].hours is None
    assert not Invoice.objects.exists()

    created = import_invoices(preview, finance)

    matched, flagged = created
    assert [i.number for i in created] == ["NB-2001", "NB-2002"]
    assert all(i.imported and i.created_by == finance for i in created)
    assert matched.status == InvoiceStatus.MATCHED and matched.amount == Decimal("4000.00")
    assert flagged.status == InvoiceStatus.FLAGGED and flagged.amount == Decimal("4250.00")
    assert [item.flag for item in flagged.lines.order_by("id")] == ["", LineFlag.UNMATCHED]
    assert Invoice.objects.count() == 2


def test_every_row_error_is_reported_at_once_with_the_files_row_numbers(
    engagement, billed_weeks, other_engagement, finance
):
    create_invoice(
        data=InvoiceInput(
            vendor=engagement.vendor,
            number="NB-2999",
            currency="CAD",
            period_start=WEEK1,
            period_end=WEEK1 + timedelta(days=6),
            received_on=TODAY,
            lines=(LineInput(amount=Decimal("100"), engagement=engagement),),
        ),
        by=finance,
    )
    rows = [
        line(engagement),  # 2: fine
        line(engagement, vendor="Nobody Ltd", invoice_number="X-1"),  # 3
        line(other_engagement, invoice_number="NB-3001"),  # 4
        line(engagement, invoice_number="NB-3002", amount="12abc"),  # 5
        line(engagement, invoice_number="NB-3003", amount="-50"),  # 6
        line(engagement, invoice_number="NB-3004", amount=""),  # 7
        line(engagement, invoice_number="NB-3005", period_start="2025-02-30"),  # 8
        line(engagement, invoice_number="NB-3006", currency="CAD"),  # 9
        line(engagement, invoice_number="NB-3006", currency="USD"),  # 10
        line(engagement, invoice_number="NB-2999"),  # 11
        line(engagement, invoice_number="NB-3007", reference="ENG-9999"),  # 12
        line(engagement, invoice_number="NB-3008", received_on=(TODAY + timedelta(days=3)).isoformat()),  # 13
    ]

    preview = parse_invoices(csv_file(rows))

    errors = errors_by_row(preview)
    assert sorted(errors) == list(range(3, 14))
    assert "No vendor is named “Nobody Ltd”" in errors[3]
    assert f"{other_engagement.reference} is not Northbridge Talent's" in errors[4]
    assert "“12abc” is not a number" in errors[5]
    assert "more than zero" in errors[6]
    assert "The amount cell is empty" in errors[7]
    assert "“2025-02-30” is not a date" in errors[8]
    assert errors[9] == errors[10] == "The rows 9, 10 are lines of one invoice but differ in currency."
    assert errors[11] == "Invoice NB-2999 (row 11): Northbridge Talent already sent invoice NB-2999."
    assert "There is no ENG-9999" in errors[12]
    assert errors[13] == "Invoice NB-3008 (row 13): The received date is in the future."
    assert [(data.number, rows) for data, rows in preview.invoices] == [("NB-2001", (2,))]
    assert not preview.ok and preview.counts["rows_with_errors"] == 11

    with pytest.raises(VendorError, match="11 rows have errors"):
        import_invoices(preview, finance)
    assert list(Invoice.objects.values_list("number", flat=True)) == ["NB-2999"]


def test_one_bad_row_imports_nothing(engagement, billed_weeks, finance):
    rows = [line(engagement), week2(engagement), week2(engagement, amount="lots")]
    preview = parse_invoices(csv_file(rows))
    assert [row for row, _message in preview.errors] == [4]

    with pytest.raises(VendorError, match="1 row has errors"):
        import_invoices(preview, finance)
    assert not Invoice.objects.exists()


def test_a_failure_inside_the_import_undoes_the_invoices_created_before_it(
    engagement, billed_weeks, finance, admin_user
):
    preview = parse_invoices(good_file(engagement))
    assert preview.ok
    create_invoice(data=preview.invoices[1][0], by=admin_user)  # NB-2002 is entered by hand meanwhile

    with pytest.raises(VendorError) as refused:
        import_invoices(preview, finance)

    assert "Invoice NB-2002 (rows 3, 4)" in str(refused.value) and "Nothing was imported" in str(refused.value)
    assert list(Invoice.objects.values_list("number", "imported")) == [("NB-2002", False)]


def test_a_recruiter_may_not_import(engagement, billed_weeks, recruiter):
    preview = parse_invoices(good_file(engagement))
    assert preview.ok
    with pytest.raises(VendorError, match="Only finance and admins"):
        import_invoices(preview, recruiter)
    assert not Invoice.objects.exists()


def test_formula_looking_cells_are_errors(engagement, finance):
    rows = [
        line(engagement, vendor='=HYPERLINK("http://evil.example","Northbridge")'),
        line(engagement, invoice_number="+NB-1"),
        line(engagement, invoice_number="NB-5", description="@SUM(A1:A9)"),
        line(engagement, invoice_number="NB-6", reference="=ENG-0001"),
        line(engagement, invoice_number="NB-7", amount="=4000"),
    ]
    preview = parse_invoices(csv_file(rows))

    errors = errors_by_row(preview)
    assert sorted(errors) == [2, 3, 4, 5, 6]
    for row in (2, 3, 4, 5):
        assert "looks like a spreadsheet formula" in errors[row]
    assert "“=4000” is not a number" in errors[6]
    assert preview.invoices == []
    with pytest.raises(VendorError):
        import_invoices(preview, finance)


HEADER = ",".join(TEMPLATE_HEADER)


@pytest.mark.parametrize(
    "content, row, expected",
    [
        (b"", 0, "The file is empty."),
        (b" \r\n\r\n", 0, "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", 0, "not UTF-8 text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", 0, "not UTF-8 text"),
        (bytes(range(256)) * 4, 0, "not UTF-8 text"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", 0, "spreadsheet workbook"),
        (f"{HEADER}\r\nNorthbridge\x00Talent,NB-1".encode(), 0, "not a CSV export"),
        (b"Dear accounts payable, please find attached our invoice.", 1, "Missing columns: vendor, invoice_number"),
        (b"vendor,amount\r\nNorthbridge Talent,100", 1, "Missing columns: invoice_number, currency"),
        (f"{HEADER},Vendor\r\nx\r\n".encode(), 1, "Two columns have the same heading: vendor"),
        (f"{HEADER}\r\n".encode(), 0, "The file has headings but no rows."),
        (f'{HEADER}\r\n"Northbridge Talent,NB-1'.encode(), 0, "cannot be read as CSV"),
        (b"a" * (imports.MAX_BYTES + 1), 0, "larger than 2 MB"),
        (HEADER + "\r\nx" * (imports.MAX_ROWS + 1), 0, "more than 2000 rows"),
        ("vendor,\ud800", 0, "not UTF-8 text"),
    ],
)
def test_an_unreadable_file_is_an_error_not_an_exception(content, row, expected, finance):
    preview = parse_invoices(content)

    assert len(preview.errors) == 1
    assert preview.errors[0][0] == row and expected in preview.errors[0][1]
    assert preview.invoices == [] and not preview.ok
    with pytest.raises(VendorError):
        import_invoices(preview, finance)


def test_as_many_rows_as_allowed_are_each_checked():
    row = "\r\nNobody,X-1,CAD,2025-01-01,2025-01-31,2025-02-01,ENG-1,,,,1"
    preview = parse_invoices(HEADER + row * imports.MAX_ROWS)
    assert preview.counts["rows"] == imports.MAX_ROWS
    assert {row for row, _message in preview.errors} == set(range(2, imports.MAX_ROWS + 2))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", None])
def test_headings_in_any_case_and_order_semicolons_slashed_dates_and_lower_case_names(engagement, encoding):
    header = ["  Amount ", "REFERENCE", "Vendor", "Invoice Number", "currency", "Period_Start", "period-end"]
    header += ["Received_On", "Notes"]
    row = ["4000", f"eng-{engagement.pk}", "northbridge talent", " NB-2001 ", "cad", WEEK1.strftime("%Y/%m/%d")]
    row += [f"{WEEK1 + timedelta(days=6)} 00:00:00", TODAY.isoformat(), "ignored"]
    text = ";".join(header) + "\n" + ";".join(row) + "\n"

    preview = parse_invoices(text.encode(encoding) if encoding else text)

    assert preview.errors == []
    [(data, rows)] = preview.invoices
    assert rows == (2,) and data.vendor == engagement.vendor and data.number == "NB-2001" and data.currency == "CAD"
    assert (data.period_start, data.period_end, data.received_on) == (WEEK1, WEEK1 + timedelta(days=6), TODAY)
    assert data.lines == (LineInput(amount=Decimal("4000"), engagement=engagement),)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("4000", Decimal("4000")),
        ("4,000.50", Decimal("4000.50")),
        ("1,234,567.89", Decimal("1234567.89")),
        ("0.01", Decimal("0.01")),
        ("1,23", "“1,23” is not a number"),
        ("12.345", "no more than 2 decimal places"),
        ("-4000", "more than zero"),
        ("0", "more than zero"),
        ("", "The amount cell is empty."),
        ("four thousand", "is not a number"),
        ("$4,000", "is not a number"),
        ("1e4", "is not a number"),
        ("20,000,000.00", "less than or equal to"),
    ],
)
def test_amounts(engagement, cell, expected):
    preview = parse_invoices(csv_file([line(engagement, amount=cell)]))
    if isinstance(expected, Decimal):
        assert preview.errors == [] and preview.invoices[0][0].lines[0].amount == expected
    else:
        assert len(preview.errors) == 1 and preview.errors[0][0] == 2 and expected in preview.errors[0][1]


def test_hours_are_optional_but_never_negative(engagement):
    rows = [
        line(engagement, hours="", overtime_hours=""),
        line(engagement, invoice_number="NB-2", hours="-1"),
        line(engagement, invoice_number="NB-3", overtime_hours="lots"),
    ]
    preview = parse_invoices(csv_file(rows))
    errors = errors_by_row(preview)
    assert sorted(errors) == [3, 4]
    assert errors[3] == "Hours cannot be negative." and "“lots” is not a number" in errors[4]


def test_rows_are_numbered_as_in_the_file(engagement):
    rows = [
        line(engagement),
        line(engagement, invoice_number="NB-2", description="Two\nlines", amount="oops"),
        line(engagement, invoice_number="NB-3", vendor="Nobody"),
    ]
    text = csv_file(rows).replace("\r\n", "\r\n\r\n", 1)  # a blank row between the headings and row 3

    preview = parse_invoices(text)

    assert sorted(errors_by_row(preview)) == [4, 5]
    assert preview.counts["rows"] == 3


def test_lines_of_one_invoice_must_agree_on_its_period_and_received_date(engagement):
    rows = [
        line(engagement),
        line(engagement, period_end=WEEK2.isoformat()),
        line(engagement, received_on=(TODAY - timedelta(days=1)).isoformat()),
    ]
    preview = parse_invoices(csv_file(rows))
    message = "The rows 2, 3, 4 are lines of one invoice but differ in period_end, received_on."
    assert errors_by_row(preview) == dict.fromkeys((2, 3, 4), message)


def test_the_template_has_every_column_and_reads_back():
    text = example_csv()
    assert text.splitlines()[0] == ",".join(TEMPLATE_HEADER)

    preview = parse_invoices(text)

    errors = errors_by_row(preview)
    assert sorted(errors) == [2, 3, 4]  # its vendors and references are examples
    assert all("No vendor is named" in message for message in errors.values())
