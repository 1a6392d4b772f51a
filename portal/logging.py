"""Logging plumbing."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Keep the one-line record of a 4xx answer (403, 404, 400) but drop its traceback: a refused request
    is expected, not a fault, and a traceback per refusal buries the real errors in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
