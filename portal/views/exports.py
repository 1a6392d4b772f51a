"""Sending a built export (portal.services.exports) to the browser."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from portal.services.exports import ExportFile


def file_response(export_file: ExportFile) -> HttpResponse:
    """The file as a download: never shown inline, never sniffed as another type, never cached."""
    response = HttpResponse(export_file.content, content_type=export_file.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export_file.filename)
    response["X-Content-Type-Options"] = "nosniff"
    # A confidential file must not stay in a shared proxy or the browser's cache.
    response["Cache-Control"] = "no-store"
    return response
