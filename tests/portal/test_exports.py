"""The export service: layout, watermark, log, formula neutralising; and the download response."""

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.utils import timezone

from portal.exceptions import ExportError, PortalError
from portal.models import ExportLog
from portal.services.exports import Column, export_rows, neutralise, watermark
from portal.views.exports import file_response
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COLUMNS = [
    Column("Name", lambda r: r["name"]),
    Column("Amount", lambda r: r["amount"]),
    Column("Starts", lambda r: r["starts"]),
    Column("Late", lambda r: r["late"]),
]
ROWS = [
    {"name": "Zoë Éclair", "amount": Decimal("1234567.50"), "starts": date(2027, 3, 1), "late": True},
    {"name": "Plain", "amount": Decimal("-42.10"), "starts": None, "late": False},
    {"name": "Count", "amount": 7, "starts": date(2027, 4, 2), "late": False},
]
FORMULAS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x", "\0x", '=HYPERLINK("http://evil.example")']


@pytest.fixture
def amy(db):
    return UserFactory(username="amy", first_name="Amélie", last_name="Roy")


def _export(user, fmt="csv", rows=ROWS, columns=COLUMNS, filters="q=%C3%A9clair&late=true"):
    return export_rows(by=user, dataset="things", title="Things", columns=columns, rows=rows, filters=filters, fmt=fmt)


def _csv(export_file):
    assert export_file.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    return list(csv.reader(io.StringIO(export_file.content.decode("utf-8-sig"), newline="")))


def _sheet(export_file):
    workbook = openpyxl.load_workbook(io.BytesIO(export_file.content))
    return workbook, workbook.worksheets[0]


def _ooxml_text(value):
    # XLSX stores control characters as _xHHHH_ (Excel shows the character); openpyxl hands back the escape.
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value)


# --- CSV -----------------------------------------------------------------------------------


def test_csv_header_is_the_first_row_then_the_rows_then_the_watermark(amy):
    export_file = _export(amy)

    rows = _csv(export_file)

    assert rows[0] == ["Name", "Amount", "Starts", "Late"]
    assert rows[1:4] == [
        ["Zoë Éclair", "1234567.50", "2027-03-01", "yes"],
        ["Plain", "-42.10", "", "no"],
        ["Count", "7", "2027-04-02", "no"],
    ]
    log = export_file.log
    assert rows[4:] == [[watermark(log)]]
    assert rows[4][0].startswith("Exported by amy (Amélie Roy) at ")
    assert f"· filters: q=%C3%A9clair&late=true · export {log.export_id} · confidential" in rows[4][0]
    assert export_file.content_type == "text/csv; charset=utf-8"


def test_csv_header_reads_as_a_header(amy):
    reader = csv.DictReader(io.StringIO(_export(amy).content.decode("utf-8-sig"), newline=""))
    first = next(reader)
    assert (first["Name"], first["Amount"]) == ("Zoë Éclair", "1234567.50")


def test_the_file_name_holds_the_data_set_local_date_and_export_id(amy):
    # 02:30 UTC on 2 January is still 1 January in Toronto: the date is local.
    with time_machine.travel(datetime(2027, 1, 2, 2, 30, tzinfo=UTC), tick=False):
        export_file = _export(amy, fmt="xlsx")

    log = export_file.log
    assert re.fullmatch(r"EXP-\d{6}", log.export_id)
    assert log.export_id == f"EXP-{log.pk:06d}"
    assert export_file.filename == f"things_2027-01-01_{log.export_id}.xlsx"
    assert "at 2027-01-01 21:30 EST" in watermark(log)


def test_each_export_writes_one_log_row_with_its_row_count(amy):
    first = _export(amy)
    second = _export(amy, fmt="xlsx", rows=ROWS[:1], filters="")

    logs = list(ExportLog.objects.order_by("pk").values_list("user", "dataset", "format", "filters", "rows"))
    assert logs == [
        (amy.pk, "things", "csv", "q=%C3%A9clair&late=true", 3),
        (amy.pk, "things", "xlsx", "", 1),
    ]
    assert first.log.export_id != second.log.export_id
    assert "filters: none" in watermark(second.log)


def test_an_export_of_no_rows_is_still_logged_and_watermarked(amy):
    export_file = _export(amy, rows=[])

    assert _csv(export_file) == [["Name", "Amount", "Starts", "Late"], [watermark(export_file.log)]]
    assert export_file.log.rows == 0


def test_rows_given_as_a_generator_are_counted_once(amy):
    export_file = _export(amy, rows=(row for row in ROWS))

    assert export_file.log.rows == 3
    assert len(_csv(export_file)) == 5


@pytest.mark.parametrize("payload", FORMULAS)
def test_a_formula_in_a_text_field_is_neutralised_in_csv(amy, payload):
    columns = [Column("Title", lambda r: r), Column("n", lambda r: -5)]

    rows = _csv(_export(amy, rows=[payload], columns=columns))

    assert rows[1] == ["'" + payload, "-5"]  # the negative number stays a number


@pytest.mark.parametrize("payload", FORMULAS)
def test_a_formula_in_a_text_field_is_a_string_cell_in_xlsx(amy, payload):
    workbook, sheet = _sheet(_export(amy, fmt="xlsx", rows=[payload], columns=[Column("Title", lambda r: r)]))

    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert _ooxml_text(cell.value) == payload


def test_xlsx_cells_are_typed(amy):
    workbook, sheet = _sheet(_export(amy, fmt="xlsx"))

    header = [cell.value for cell in sheet[1]]
    assert header == ["Name", "Amount", "Starts", "Late"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert [(c.value, c.data_type) for c in sheet[2]] == [
        ("Zoë Éclair", "s"),
        (1234567.5, "n"),
        (datetime(2027, 3, 1), "d"),
        ("yes", "s"),
    ]
    assert (sheet["B3"].value, sheet["B3"].data_type) == (-42.1, "n")
    assert sheet["C3"].value is None
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["A"].width >= len("Zoë Éclair")


def test_xlsx_carries_the_watermark_in_properties_footer_and_last_row(amy):
    export_file = _export(amy, fmt="xlsx")
    log = export_file.log

    workbook, sheet = _sheet(export_file)

    mark = watermark(log)
    properties = workbook.properties
    assert (properties.creator, properties.title, properties.keywords) == ("amy", "Things", log.export_id)
    assert (properties.subject, properties.description) == (log.filters, mark)
    footer = sheet.oddFooter
    assert "amy (Amélie Roy)" in footer.left.text
    assert log.export_id in footer.center.text
    assert timezone.localtime(log.at).strftime("%Y-%m-%d %H:%M") in footer.right.text
    assert [cell.value for cell in sheet[sheet.max_row]][0] == mark
    assert sheet.max_row == 1 + len(ROWS) + 1
    assert export_file.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_footer_survives_ampersands_and_very_long_names(amy):
    amy.first_name = "&Greg & &[Picture]" + "x" * 120
    amy.last_name = "Roy" * 40  # with the rest, over the 255 characters Excel allows a footer
    amy.save()

    workbook, sheet = _sheet(_export(amy, fmt="xlsx"))

    footer = sheet.oddFooter
    assert footer.left.text.startswith("amy (&&")
    assert footer.center.text.startswith("EXP-")
    assert footer.right.text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_failing_build_logs_nothing(amy, fmt):
    def broken(row):
        raise RuntimeError("cannot read this row")

    with pytest.raises(RuntimeError):
        _export(amy, fmt=fmt, columns=[*COLUMNS, Column("Broken", broken)])

    assert ExportLog.objects.count() == 0


def test_an_unknown_format_is_refused_and_logs_nothing(amy):
    with pytest.raises(ExportError) as refused:
        _export(amy, fmt="pdf")

    assert isinstance(refused.value, PortalError)
    assert "pdf" in str(refused.value)
    assert ExportLog.objects.count() == 0


def test_a_long_filter_string_is_cut_to_the_log_column(amy):
    export_file = _export(amy, filters="q=" + "a" * 2000)

    assert len(export_file.log.filters) == 1000
    assert export_file.log.filters.endswith("…")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\0x", "'\0x"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_file_response_is_a_private_download(amy):
    export_file = _export(amy)

    response = file_response(export_file)

    assert response.content == export_file.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{export_file.filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
