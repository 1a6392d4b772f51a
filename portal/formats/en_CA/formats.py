"""Number formats for English (Canada) as finance reads them: 182,000.50."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
