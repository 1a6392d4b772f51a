"""One date format across the portal: templates name a format setting, never spell a format out."""

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal import audit
from portal.choices import REQUEST
from portal.services.decisions import raise_decision

TEMPLATES = Path(settings.BASE_DIR) / "templates"
ALLOWED = {"c", "DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "YEAR_MONTH_FORMAT"}
DATE_FILTER = re.compile(r"""\|\s*date\s*:\s*(["'])(.*?)\1""")
# Formats the portal used to mix: ISO-like stamps and weekday names.
STRAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b|day \d{1,2} ")


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})


def test_templates_use_only_the_format_settings():
    literals = [
        f"{path.relative_to(TEMPLATES)}: |date:{quote}{fmt}{quote}"
        for path in _templates()
        for quote, fmt in DATE_FILTER.findall(path.read_text())
        if fmt not in ALLOWED
    ]
    assert literals == []


def test_the_format_settings_read_day_month_year():
    from django.utils.formats import date_format

    moment = datetime(2027, 2, 5, 17, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert date_format(moment.date()) == "5 Feb 2027"
    assert date_format(moment, "DATETIME_FORMAT") == "5 Feb 2027, 17:00"


def test_history_shows_dates_and_moments_in_the_portal_format():
    moment = datetime(2027, 2, 5, 22, 30, tzinfo=ZoneInfo("UTC"))  # 17:30 in Toronto
    assert audit._show(moment) == "5 Feb 2027, 17:30"
    assert audit._show(date(2027, 3, 1)) == "1 Mar 2027"


@pytest.mark.django_db
def test_pages_show_dates_in_the_portal_format(client, hiring_manager, recruiter):
    due = timezone.make_aware(datetime(2027, 3, 4, 17, 0))
    decision = raise_decision(kind=REQUEST, title="Check the ad", owner=recruiter, by=hiring_manager, due_at=due)
    client.force_login(recruiter)

    for url in (reverse("portal:my_work"), reverse("portal:decision_detail", args=[decision.pk])):
        body = client.get(url).content.decode()
        text = re.sub(r"<[^>]+>", " ", body)  # attributes (datetime="…") may stay machine-readable
        assert "4 Mar 2027, 17:00" in text, url
        assert STRAY.findall(text) == [], url
