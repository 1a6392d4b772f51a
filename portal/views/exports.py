"""The one way a page exports: the request's parameters read strictly (portal.filters), the file built by
portal.services.exports and sent as a private download.

An export never holds more than was asked for: a parameter no filter reads, a filter value that cannot
be read, or a format other than one of csv and xlsx answers 400 with a plain-text message naming each
of them, and nothing is logged.
"""

from collections.abc import Iterable

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django_filters import FilterSet

from portal.exceptions import ExportError
from portal.filters import filters_query, unknown_parameters
from portal.models import ExportFormat
from portal.services.exports import Column, ExportFile, export_rows

FORMAT = "format"


def export_problems(request, filterset: FilterSet, *, allowed=()) -> list[tuple[str, str]]:
    """Why `request` cannot be exported as asked, as (parameter, message) pairs: each parameter that no
    filter of `filterset` reads (besides `format` and `allowed`), a format that is not exactly one of csv
    and xlsx (none means csv), and each filter value that cannot be read. Empty when it can."""
    problems = [
        (key, _("not a filter of this list"))
        for key in unknown_parameters(filterset, request.GET, allowed=(FORMAT, *allowed))
    ]
    formats = request.GET.getlist(FORMAT) or [ExportFormat.CSV]
    if len(formats) > 1:
        problems.append((FORMAT, _("give one format, csv or xlsx")))
    elif formats[0] not in ExportFormat.values:
        value = Truncator(formats[0]).chars(40)
        problems.append((FORMAT, _("“%(value)s” is not a format: use csv or xlsx") % {"value": value}))
    if not filterset.is_valid():
        problems += [(name, " ".join(errors)) for name, errors in filterset.errors.items()]
    return problems


def export_response(
    request,
    *,
    filterset: FilterSet,
    dataset: str,
    title: str,
    columns: list[Column],
    rows: Iterable | None = None,
    allowed=(),
) -> HttpResponse:
    """Export `rows` (by default the filter set's rows) as the file `?format=` asks for (csv by default),
    or refuse the request (400) when export_problems finds anything.

    `filterset` is bound to `request.GET` over the user's slice: the caller has checked that the user may
    export, and scoped the rows. The filters it read are logged and printed in the watermark.
    """
    problems = export_problems(request, filterset, allowed=allowed)
    if problems:
        return refused(problems)
    try:
        export = export_rows(
            by=request.user,
            dataset=dataset,
            title=title,
            columns=columns,
            rows=filterset.qs if rows is None else rows,
            filters=filters_query(filterset, request.GET),
            fmt=request.GET.get(FORMAT, ExportFormat.CSV),
        )
    except ExportError as exc:
        return refused([(FORMAT, str(exc))])
    return file_response(export)


def refused(problems: list[tuple[str, str]]) -> HttpResponse:
    """400, naming each refused parameter. Plain text: the message repeats what was sent, which must never
    be read as HTML."""
    lines = [_("Nothing was exported: these parameters are not valid.")]
    lines += [f"{Truncator(name).chars(60)}: {message}" for name, message in problems]
    response = HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(export_file: ExportFile) -> HttpResponse:
    """The file as a download: never shown inline, never sniffed as another type, never cached."""
    response = HttpResponse(export_file.content, content_type=export_file.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export_file.filename)
    response["X-Content-Type-Options"] = "nosniff"
    # A confidential file must not stay in a shared proxy or the browser's cache.
    response["Cache-Control"] = "no-store"
    return response
