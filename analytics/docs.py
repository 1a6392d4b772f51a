"""The dashboards' section of docs/metrics.md, written from the registry, so the document and the
definitions page say what the code computes (tests/analytics/test_docs.py checks they agree;
`manage.py metric_docs` rewrites it)."""

from pathlib import Path

from django.conf import settings

from analytics import tiles as registry
from analytics.tiles import GROUPS

START = "<!-- dashboards: written by manage.py metric_docs from analytics.tiles; do not edit by hand -->"
END = "<!-- dashboards: end -->"
PREAMBLE = """Every dashboard figure is computed from stage transitions, decisions, offers, pre-boarding cases and
the spend ledger when the page is asked for (the weekly trend from the daily snapshots), never typed in.

- **Period**: the last 30, 90 (default), 180 or 365 days up to now, from local midnight of the first day.
- **Slice**: a recruiter's board covers the requisitions they recruit for, a hiring manager's those they
  manage, the finance and organisation boards every requisition the viewer may see; department, cost center,
  role family and location narrow the requisitions, source (with the sources under it) the applications.
- **Median** is the middle value (the mean of the two middle ones for an even count); **p90** the
  nearest-rank 90th percentile (the ⌈0.9 n⌉-th smallest); durations are in days (seconds ÷ 86,400) shown to
  one decimal; a **rate** is part × 100 ÷ whole, one decimal, blank when the whole is zero.
- **A tile's figure is the number of rows of the list it opens**, under the same filters; a table row that
  counts rows opens the list of exactly those rows (tested for every tile and row, as every role).
"""


def path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "metrics.md"


def render() -> str:
    lines = [START, "", "## Dashboards", "", PREAMBLE.strip(), ""]
    every = [*registry.tiles().values(), *registry.tables().values()]
    for group, label in GROUPS.items():
        items = sorted((item for item in every if item.group == group), key=lambda item: str(item.name))
        if not items:
            continue
        lines += [f"### {label}", "", "| figure | shown as | definition |", "|---|---|---|"]
        for item in items:
            kind = "table" if isinstance(item, registry.MetricTable) else ("tile" if item.shown else "list")
            lines.append(f"| {item.name} (`{item.key}`) | {kind} | {_cell(item.definition)} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def _cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def current() -> str | None:
    """The section as docs/metrics.md holds it now (None when it has none)."""
    text = path().read_text(encoding="utf-8")
    if START not in text or END not in text:
        return None
    return text[text.index(START) : text.index(END) + len(END)]


def write() -> bool:
    """Put the rendered section in docs/metrics.md (replacing the old one, else at the end); True if changed."""
    text = path().read_text(encoding="utf-8")
    old = current()
    new = render()
    if old == new:
        return False
    text = text.replace(old, new) if old is not None else text.rstrip("\n") + "\n\n" + new + "\n"
    path().write_text(text, encoding="utf-8")
    return True
