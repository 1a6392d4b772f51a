"""Importing vendor invoices from an accounts-payable CSV export: read the file, check every row and
every invoice against the portal (with the same problems the invoice form shows), preview them, then
create all the invoices in one transaction or none.

The file has one row per invoice line. The first row names the columns, in any order (case does not
matter, spaces around a name are ignored, other columns are ignored):

    vendor          the vendor's name as on the vendor list (case does not matter)
    invoice_number  the vendor's invoice number
    currency        CAD or USD
    period_start    the first day billed: YYYY-MM-DD (YYYY/MM/DD and date-times are read too)
    period_end      the last day billed
    received_on     the day accounts payable received the invoice
    reference       what the line bills: an engagement (ENG-0012) or a placement (PLC-0003) of the vendor
    description     optional
    hours           optional: the regular hours billed
    overtime_hours  optional: the overtime hours billed
    amount          the line's amount, more than zero: 1234.50 or 1,234.50

Rows with the same vendor and invoice number are the lines of one invoice: they must agree on its
currency, period and received date. Rows are numbered as in the file, the column names being row 1;
an error on row 0 is about the file as a whole.

`parse_invoices()` reads and checks (it writes nothing and never raises on a bad file);
`import_invoices()` creates what a clean preview holds, through services.create_invoice.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from candidates.services.imports import key
from portal.choices import Currency
from portal.models import User
from portal.services.exports import FORMULA_STARTS
from vendors.models import Engagement, Invoice, InvoiceLine, Placement, Vendor
from vendors.permissions import can_enter_invoices
from vendors.selectors import parse_reference
from vendors.services import InvoiceInput, LineInput, VendorError, create_invoice, invoice_problems

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
WHOLE_FILE = 0

TEMPLATE_HEADER = (
    "vendor",
    "invoice_number",
    "currency",
    "period_start",
    "period_end",
    "received_on",
    "reference",
    "description",
    "hours",
    "overtime_hours",
    "amount",
)
OPTIONAL_COLUMNS = ("description", "hours", "overtime_hours")
REQUIRED_COLUMNS = tuple(c for c in TEMPLATE_HEADER if c not in OPTIONAL_COLUMNS)
INVOICE_COLUMNS = ("currency", "period_start", "period_end", "received_on")
NUMBER_COLUMNS = ("hours", "overtime_hours", "amount")
MAX_LENGTH = {
    "invoice_number": Invoice._meta.get_field("number").max_length,
    "description": InvoiceLine._meta.get_field("description").max_length,
}
EXAMPLE_ROWS = (
    ("Northbridge Talent", "NB-1001", "CAD", "2025-03-03", "2025-03-16", "2025-03-20", "ENG-0001",
     "Weeks of 3 and 10 March", "80", "4", "8,600.00"),
    ("Northbridge Talent", "NB-1001", "CAD", "2025-03-03", "2025-03-16", "2025-03-20", "ENG-0002",
     "", "40", "", "4,000.00"),
    ("Harbour Search", "HS-0077", "USD", "2025-03-01", "2025-03-31", "2025-04-02", "PLC-0003",
     "Placement fee", "", "", "18,000.00"),
)  # fmt: skip

NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
XLSX_START = b"PK\x03\x04"


@dataclass(frozen=True)
class ImportPreview:
    """What a file would import: the invoices ready to create (each with its rows in the file), and
    every error as (row, message). Invoices are listed only when all their rows are clean."""

    invoices: list[tuple[InvoiceInput, tuple[int, ...]]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.invoices) and not self.errors

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "invoices": len(self.invoices),
            "lines": sum(len(data.lines) for data, _rows in self.invoices),
            "errors": len(self.errors),
            "rows_with_errors": len({row for row, _message in self.errors}),
        }


def example_csv() -> str:
    """A template to download: the column names and example lines of two invoices."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue()


# --- Reading the file --------------------------------------------------------------------------------


class _FileRefused(Exception):
    def __init__(self, message: str, row: int = WHOLE_FILE):
        super().__init__(message)
        self.row, self.message = row, message


class _BadCell(Exception):
    pass


def _text(content: bytes | str) -> str:
    if isinstance(content, str):
        try:
            text = _decoded(content.encode("utf-8"))
        except UnicodeEncodeError:
            raise _FileRefused(_("The file is not UTF-8 text: export it as CSV (UTF-8).")) from None
    else:
        text = _decoded(bytes(content))
    if not text.strip():
        raise _FileRefused(_("The file is empty."))
    if "\x00" in text:
        raise _FileRefused(_("The file is not a CSV export."))
    return text


def _decoded(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise _FileRefused(_("The file is larger than %(mb)d MB: split it.") % {"mb": MAX_BYTES // 2**20})
    if raw.startswith(XLSX_START):
        raise _FileRefused(_("This is a spreadsheet workbook, not a CSV file: save it as CSV (UTF-8)."))
    try:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _FileRefused(_("The file is not UTF-8 text: export it as CSV (UTF-8).")) from None


def _records(text: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows with their numbers in the file, the column names first; a comma, semicolon
    or tab separates the cells (whichever splits the first row most)."""
    first = next((line for line in io.StringIO(text, newline=None) if line.strip()), "")
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                records.append((number, cells))
            if len(records) > MAX_ROWS + 1:
                raise _FileRefused(_("The file has more than %(n)d rows: split it.") % {"n": MAX_ROWS})
    except csv.Error as exc:
        raise _FileRefused(_("The file cannot be read as CSV: %(error)s.") % {"error": exc}) from None
    if not records:
        raise _FileRefused(_("The file is empty."))
    return records


def _read_file(content: bytes | str) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """Where our columns are, and the rows under the headings (numbered as in the file)."""
    records = _records(_text(content))
    header_number, headings = records[0]
    positions = _positions(header_number, headings)
    if len(records) < 2:
        raise _FileRefused(_("The file has headings but no rows."))
    return positions, records[1:]


def _column(heading: str) -> str:
    return re.sub(r"[\s-]+", "_", key(heading))


def _positions(number: int, headings: list[str]) -> dict[str, int]:
    """Where each of our columns is in the file, or _FileRefused naming what is missing or repeated."""
    found: dict[str, list[int]] = {}
    for position, heading in enumerate(headings):
        name = _column(heading)
        if name in TEMPLATE_HEADER:
            found.setdefault(name, []).append(position)
    repeated = [name for name, where in found.items() if len(where) > 1]
    if repeated:
        raise _FileRefused(_("Two columns have the same heading: %(h)s.") % {"h": ", ".join(repeated)}, number)
    missing = [name for name in REQUIRED_COLUMNS if name not in found]
    if missing:
        raise _FileRefused(
            _("Missing columns: %(missing)s. The first row names the columns: %(all)s.")
            % {"missing": ", ".join(missing), "all": ", ".join(TEMPLATE_HEADER)},
            number,
        )
    return {name: where[0] for name, where in found.items()}


def _cells(cells: list[str], positions: dict[str, int]) -> dict[str, str]:
    return {
        name: cells[positions[name]].strip() if name in positions and positions[name] < len(cells) else ""
        for name in TEMPLATE_HEADER
    }


# --- Reading the cells --------------------------------------------------------------------------------


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:39] + "…"


def parse_day(value: str) -> date | None:
    """A date written YYYY-MM-DD (or with slashes), alone or starting a date-time, as written; None
    when it is not one."""
    text = value.strip().replace("/", "-")
    if text.endswith(" UTC"):
        text = text[:-4] + "Z"
    try:
        if len(text) == 10:
            return parse_date(text)
        moment = parse_datetime(text.replace(" ", "T", 1))
    except ValueError:
        return None
    return moment.date() if moment else None


def _day(value: str, column: str) -> date:
    day = parse_day(value)
    if day is None:
        raise _BadCell(
            _("%(field)s “%(value)s” is not a date: use YYYY-MM-DD.") % {"field": column, "value": _shown(value)}
        )
    return day


def _currency(value: str) -> str:
    code = value.upper()
    if code not in Currency.values:
        raise _BadCell(
            _("Currency “%(value)s” is not one of %(codes)s.")
            % {"value": _shown(value), "codes": ", ".join(Currency.values)}
        )
    return code


def _number(value: str, column: str) -> Decimal:
    """The cell as a number the column holds (checked by the invoice line's own field); negative ones
    are left to the caller to refuse in its words."""
    names = {"field": column, "value": _shown(value)}
    if not NUMBER.fullmatch(value):
        raise _BadCell(_("%(field)s “%(value)s” is not a number: write it like 1234.50 or 1,234.50.") % names)
    number = Decimal(value.replace(",", ""))
    if number >= 0:
        try:
            InvoiceLine._meta.get_field(column).run_validators(number)
        except ValidationError as exc:
            raise _BadCell(_("%(field)s “%(value)s”: %(error)s") % {**names, "error": " ".join(exc.messages)}) from None
    return number


def _amount(value: str) -> Decimal:
    amount = _number(value, "amount")
    if amount <= 0:
        raise _BadCell(_("The amount must be more than zero."))
    return amount


def _hours(value: str, column: str) -> Decimal:
    hours = _number(value, column)
    if hours < 0:
        raise _BadCell(_("Hours cannot be negative."))
    return hours


def _invoice_number(value: str) -> str:
    return " ".join(value.split())


def _description(value: str) -> str:
    return value


# --- What the rows name -------------------------------------------------------------------------------


def _reference(value: str) -> tuple[str, int] | None:
    return parse_reference(value)


@dataclass
class _Known:
    """The vendors, engagements and placements the file names, loaded once for the whole file."""

    vendors: dict[str, list[Vendor]]
    subjects: dict[tuple[str, int], Engagement | Placement]

    @classmethod
    def load(cls, rows: list[dict[str, str]]) -> "_Known":
        vendors: dict[str, list[Vendor]] = {}
        for vendor in Vendor.objects.all():
            vendors.setdefault(key(vendor.name), []).append(vendor)
        references = {ref for ref in (_reference(row["reference"]) for row in rows) if ref}
        subjects: dict[tuple[str, int], Engagement | Placement] = {}
        for kind, model in (("ENG", Engagement), ("PLC", Placement)):
            ids = [pk for k, pk in references if k == kind]
            subjects.update(((kind, obj.pk), obj) for obj in model.objects.filter(pk__in=ids))
        return cls(vendors=vendors, subjects=subjects)

    def vendor(self, value: str) -> Vendor:
        matches = self.vendors.get(key(value), [])
        if not matches:
            raise _BadCell(_("No vendor is named “%(name)s”.") % {"name": _shown(value)})
        if len(matches) > 1:
            raise _BadCell(_("More than one vendor is named “%(name)s”.") % {"name": _shown(value)})
        return matches[0]

    def subject(self, value: str) -> Engagement | Placement:
        ref = _reference(value)
        if ref is None:
            raise _BadCell(
                _("“%(value)s” is not an engagement (ENG-0001) or placement (PLC-0001) reference.")
                % {"value": _shown(value)}
            )
        subject = self.subjects.get(ref)
        if subject is None:
            raise _BadCell(_("There is no %(ref)s.") % {"ref": f"{ref[0]}-{ref[1]:04d}"})
        return subject


# --- Checking the rows ----------------------------------------------------------------------------------


@dataclass
class _Row:
    """One row of the file: its cells, what they mean, and its errors."""

    number: int
    cells: dict[str, str]
    values: dict[str, object] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    line: LineInput | None = None

    @property
    def invoice_key(self) -> tuple[str, str]:
        return key(self.cells["vendor"]), key(self.cells["invoice_number"])

    def invoice_value(self, column: str):
        """The column's value, or its text when it could not be read (to compare rows of one invoice)."""
        value = self.values.get(column)
        return value if value is not None else key(self.cells[column])


def _read(row: _Row, column: str, parse) -> None:
    value = row.cells[column]
    if not value:
        if column not in OPTIONAL_COLUMNS:
            row.errors.append(_("The %(column)s cell is empty.") % {"column": column})
        return
    if column not in NUMBER_COLUMNS and value.startswith(FORMULA_STARTS):
        row.errors.append(
            _("The %(column)s cell looks like a spreadsheet formula (“%(value)s”): the import takes plain values only.")
            % {"column": column, "value": _shown(value)}
        )
        return
    if len(value) > MAX_LENGTH.get(column, len(value)):
        row.errors.append(
            _("The %(column)s cell has more than %(n)d characters.") % {"column": column, "n": MAX_LENGTH[column]}
        )
        return
    try:
        row.values[column] = parse(value)
    except _BadCell as exc:
        row.errors.append(str(exc))


def _check_row(number: int, cells: dict[str, str], known: _Known) -> _Row:
    row = _Row(number=number, cells=cells)
    parsers = {
        "vendor": known.vendor,
        "invoice_number": _invoice_number,
        "currency": _currency,
        "period_start": partial(_day, column="period_start"),
        "period_end": partial(_day, column="period_end"),
        "received_on": partial(_day, column="received_on"),
        "reference": known.subject,
        "description": _description,
        "hours": partial(_hours, column="hours"),
        "overtime_hours": partial(_hours, column="overtime_hours"),
        "amount": _amount,
    }
    for column, parse in parsers.items():
        _read(row, column, parse)
    vendor, subject = row.values.get("vendor"), row.values.get("reference")
    if vendor is not None and subject is not None and subject.vendor_id != vendor.pk:
        row.errors.append(_("%(ref)s is not %(vendor)s's.") % {"ref": subject.reference, "vendor": vendor})
    if not row.errors:
        row.line = LineInput(
            amount=row.values["amount"],
            engagement=subject if isinstance(subject, Engagement) else None,
            placement=subject if isinstance(subject, Placement) else None,
            description=row.values.get("description", ""),
            hours=row.values.get("hours"),
            overtime_hours=row.values.get("overtime_hours"),
        )
    return row


def _rows_label(numbers) -> str:
    numbers = list(numbers)
    return ngettext("row %(rows)s", "rows %(rows)s", len(numbers)) % {"rows": ", ".join(map(str, numbers))}


def _check_invoice(rows: list[_Row]) -> InvoiceInput | None:
    """The invoice the rows make, once they agree and pass what the invoice form checks; else None,
    with the invoice's problems on each of its rows."""
    differing = [c for c in INVOICE_COLUMNS if len({row.invoice_value(c) for row in rows}) > 1]
    if differing:
        message = _("The %(rows)s are lines of one invoice but differ in %(columns)s.") % {
            "rows": _rows_label(row.number for row in rows),
            "columns": ", ".join(differing),
        }
        for row in rows:
            row.errors.append(message)
        return None
    data = _invoice_input(rows)
    if data is None:
        return None
    problems = invoice_problems(data)
    prefix = _("Invoice %(number)s (%(rows)s):") % {
        "number": data.number,
        "rows": _rows_label(row.number for row in rows),
    }
    for problem in problems:
        for row in rows:
            row.errors.append(f"{prefix} {problem}")
    return None if any(row.errors for row in rows) else data


def _invoice_input(rows: list[_Row]) -> InvoiceInput | None:
    """The invoice with the rows' good lines, when its own columns could be read."""
    first = rows[0].values
    invoice_columns = ("vendor", "invoice_number", *INVOICE_COLUMNS)
    lines = tuple(row.line for row in rows if row.line is not None)
    if not lines or any(first.get(c) is None for c in invoice_columns):
        return None
    return InvoiceInput(
        vendor=first["vendor"],
        number=first["invoice_number"],
        currency=first["currency"],
        period_start=first["period_start"],
        period_end=first["period_end"],
        received_on=first["received_on"],
        lines=lines,
    )


def parse_invoices(content: bytes | str) -> ImportPreview:
    """Read an accounts-payable CSV export and check it: the invoices it would create and every error,
    by row. Writes nothing; a file that cannot be read is an error, never an exception."""
    try:
        positions, records = _read_file(content)
    except _FileRefused as exc:
        return ImportPreview(errors=[(exc.row, exc.message)])
    cells = [(number, _cells(row, positions)) for number, row in records]
    known = _Known.load([c for _number, c in cells])
    rows = [_check_row(number, c, known) for number, c in cells]
    invoices = []
    for group in _by_invoice(rows):
        data = _check_invoice(group)
        if data is not None:
            invoices.append((data, tuple(row.number for row in group)))
    errors = [(row.number, message) for row in rows for message in row.errors]
    return ImportPreview(invoices=invoices, errors=errors, rows=len(rows))


def _by_invoice(rows: list[_Row]) -> list[list[_Row]]:
    groups: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        groups.setdefault(row.invoice_key, []).append(row)
    return list(groups.values())


# --- Writing ---------------------------------------------------------------------------------------------


def import_invoices(preview: ImportPreview, by: User) -> list[Invoice]:
    """Create every invoice of a clean preview, matched at once and marked imported, in one transaction:
    if one cannot be created (its number came in meanwhile, say), none is kept and the error names its rows."""
    if not can_enter_invoices(by):
        raise VendorError(_("Only finance and admins import invoices."))
    if preview.errors:
        raise VendorError(
            ngettext(
                "%(n)d row has errors: fix the file and preview it again. Nothing was imported.",
                "%(n)d rows have errors: fix the file and preview it again. Nothing was imported.",
                preview.counts["rows_with_errors"],
            )
            % {"n": preview.counts["rows_with_errors"]}
        )
    if not preview.invoices:
        raise VendorError(_("The file holds no invoice to import."))
    with transaction.atomic():
        return [_create(data, rows, by) for data, rows in preview.invoices]


def _create(data: InvoiceInput, rows: tuple[int, ...], by: User) -> Invoice:
    try:
        return create_invoice(data=data, by=by, imported=True)
    except VendorError as exc:
        raise VendorError(
            _("Invoice %(number)s (%(rows)s): %(error)s Nothing was imported.")
            % {"number": data.number, "rows": _rows_label(rows), "error": exc}
        ) from exc
