"""Formats for English (Canada) as the portal shows them.

Numbers as finance reads them (182,000.50). One date format everywhere, with no weekday and no
ambiguity between day and month: 27 Feb 2027, and 27 Feb 2027, 17:00 with a time. Templates use
`|date` for dates and `|date:"DATETIME_FORMAT"` for moments (`|date:'c'` stays for machine-readable
`datetime` attributes); `tests/portal/test_formats.py` holds every template to that.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
