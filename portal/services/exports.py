"""Exports of any list as CSV or XLSX: one log row per file, a watermark in every file, no formulas.

A module describes its export as columns (a label and how to read the value from a row) and hands
over the rows it has already scoped and filtered for the user; this service counts them, logs the
export, and builds the file. The log row and the file are made in one transaction, so a file that
cannot be built leaves no log row, and a logged export always has a file (and an export id printed in it).
"""

import csv
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import ExportError
from portal.models import ExportFormat, ExportLog, User

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COMPANY = "Staffing portal"

# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")

# A data set's name goes into the file name and the Content-Disposition header: keep it plain.
_DATASET = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
_FILTERS_MAX = ExportLog._meta.get_field("filters").max_length
_EXCEL_FOOTER_MAX = 255
_SHEET_NAME_MAX = 31
_COLUMN_WIDTH = (8, 60)


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and how to read its value from a row.

    `value(row)` may return text (written as text, neutralised in CSV), an int, float or Decimal
    (a number), a date or datetime (a date cell; aware datetimes in local time), a bool (yes/no) or None.
    """

    label: str
    value: Callable[[object], object]


@dataclass(frozen=True)
class ExportFile:
    """A built export: what to send (file name, content type, bytes) and the log row that records it."""

    filename: str
    content_type: str
    content: bytes
    log: ExportLog


def export_rows(
    *,
    by: User,
    dataset: str,
    title: str,
    columns: list[Column],
    rows: Iterable,
    filters: str,
    fmt: str,
) -> ExportFile:
    """Log an export of `rows` by `by` and build it as `fmt` ("csv" or "xlsx").

    `rows` must already be the user's slice with their filters applied: this service neither scopes
    nor filters. `dataset` names the data in the log and the file name (a plain slug); `title` heads
    the workbook; `filters` is the query string the rows were filtered by, as given (logged, and printed
    in the watermark). Raises ExportError for an unknown format; if building the file fails, nothing is
    logged.
    """
    if fmt not in ExportFormat.values:
        raise ExportError(_("Unknown export format “%(format)s”: choose csv or xlsx.") % {"format": fmt})
    if not _DATASET.fullmatch(dataset):
        raise ValueError(f"a data set name is lower-case letters, digits, - and _: {dataset!r}")
    if not columns:
        raise ValueError("an export needs at least one column")
    rows = list(rows)
    if len(filters) > _FILTERS_MAX:
        filters = filters[: _FILTERS_MAX - 1] + "…"
    with transaction.atomic():
        log = ExportLog.objects.create(user=by, dataset=dataset, format=fmt, filters=filters, rows=len(rows))
        build = _build_csv if fmt == ExportFormat.CSV else _build_xlsx
        content = build(log=log, title=title, columns=columns, rows=rows)
    return ExportFile(filename=export_filename(log), content_type=CONTENT_TYPES[fmt], content=content, log=log)


def export_filename(log: ExportLog) -> str:
    """`{dataset}_2026-11-22_EXP-000042.csv`: the data set, the local date and the export id."""
    return f"{log.dataset}_{timezone.localdate(log.at).isoformat()}_{log.export_id}.{log.format}"


def watermark(log: ExportLog) -> str:
    """The line every exported file carries: who exported it, when, with which filters, and its export id."""
    user = log.user
    return _(
        "Exported by %(username)s (%(name)s) at %(at)s · filters: %(filters)s · export %(export_id)s · confidential"
    ) % {
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "at": _local_datetime(log.at),
        "filters": log.filters or _("none"),
        "export_id": log.export_id,
    }


def neutralise(value) -> str:
    """`value` as text that no spreadsheet runs as a formula: a leading `'` when it starts like one."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _local_datetime(at: datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M %Z}"


def _is_number(value) -> bool:
    # bool is an int, but reads better as yes/no; NaN and infinities are no number a spreadsheet takes.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _local_naive(value: datetime) -> datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def _text(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


# --- CSV ----------------------------------------------------------------------------------


def _build_csv(*, log: ExportLog, title: str, columns: list[Column], rows: list) -> bytes:
    # Header first (spreadsheets and pandas read it as the header), then the data, then the
    # watermark as a single trailing cell.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(column.label) for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(column.value(row)) for column in columns])
    writer.writerow([neutralise(watermark(log))])
    # The BOM tells Excel the file is UTF-8, so accented names survive a double-click.
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if _is_number(value):
        # Plain digits: no thousands separators, no exponent. A negative number stays a number.
        if isinstance(value, int):
            return str(value)
        return format(value if isinstance(value, Decimal) else Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return _local_naive(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(_text(value))


# --- XLSX ---------------------------------------------------------------------------------


def _build_xlsx(*, log: ExportLog, title: str, columns: list[Column], rows: list) -> bytes:
    buffer = io.BytesIO()
    # Text is only ever written as text: never turned into a formula, a link or a number.
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    mark = watermark(log)
    workbook.set_properties(
        {
            "title": title,
            "subject": log.filters,
            "author": log.user.username,
            "company": COMPANY,
            "comments": mark,
            "keywords": log.export_id,
            "created": log.at,
        }
    )
    sheet = workbook.add_worksheet(_sheet_name(title))
    formats = _XlsxFormats(workbook)
    widths = [len(column.label) for column in columns]

    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.label, formats.header)
    for row_number, row in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            shown = _write_xlsx_cell(sheet, row_number, col, column.value(row), formats)
            widths[col] = max(widths[col], shown)
    last_data_row = len(rows)
    sheet.write_string(last_data_row + 1, 0, mark, formats.watermark)

    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last_data_row, len(columns) - 1)
    low, high = _COLUMN_WIDTH
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width + 2, low), high))
    sheet.set_footer(_footer(log))
    workbook.close()
    return buffer.getvalue()


class _XlsxFormats:
    def __init__(self, workbook):
        self._workbook = workbook
        self.header = workbook.add_format({"bold": True, "bottom": 1})
        self.watermark = workbook.add_format({"italic": True, "font_color": "#595959"})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self._decimals = {}

    def decimal(self, places: int):
        """A number format showing `places` decimals (costs keep their cents)."""
        if places not in self._decimals:
            pattern = "#,##0" + ("." + "0" * places if places else "")
            self._decimals[places] = self._workbook.add_format({"num_format": pattern})
        return self._decimals[places]


def _write_xlsx_cell(sheet, row: int, col: int, value, formats: _XlsxFormats) -> int:
    """Write one typed cell; returns about how many characters it shows (for the column width)."""
    if value is None:
        return 0
    if _is_number(value):
        if isinstance(value, Decimal):
            places = max(0, -value.as_tuple().exponent)
            sheet.write_number(row, col, float(value), formats.decimal(places))
            return len(f"{value:,}")
        sheet.write_number(row, col, value)
        return len(str(value))
    if isinstance(value, datetime):
        sheet.write_datetime(row, col, _local_naive(value), formats.datetime)
        return 16
    if isinstance(value, date):
        sheet.write_datetime(row, col, value, formats.date)
        return 10
    text = _text(value)
    sheet.write_string(row, col, text)
    return max((len(line) for line in text.splitlines()), default=0)


def _sheet_name(title: str) -> str:
    # Excel refuses these characters and names longer than 31 characters.
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip().strip("'")[:_SHEET_NAME_MAX].strip()
    return name or "Export"


def _footer(log: ExportLog) -> str:
    """The printed footer: who on the left, the export id in the centre, when on the right."""
    user = log.user
    centre = _footer_text(f"{log.export_id} · {_('confidential')}")
    right = _footer_text(_local_datetime(log.at))
    room = _EXCEL_FOOTER_MAX - _utf16_len(f"&L&C{centre}&R{right}")
    name = f"{user.username} ({user.get_full_name() or user.username})"
    # Excel ignores a footer over 255 characters: a very long name is cut rather than lose the footer.
    while _utf16_len(_footer_text(name)) > room:
        name = name[:-1]
    return f"&L{_footer_text(name)}&C{centre}&R{right}"


def _footer_text(text: str) -> str:
    # "&" starts a footer code ("&P" page number); "&&" is a literal ampersand. The zero-width space
    # after it keeps a name like "&Greg" from reading as XlsxWriter's picture placeholder "&G".
    return text.replace("&", "&&\u200b")


def _utf16_len(text: str) -> int:
    # Excel counts a footer's length in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2
