"""The dashboards over the demo (`seed_demo`), as each demo login: every tile's figure is the number of rows
of the list it opens, every table row that counts rows is the number of rows of the list its link opens,
each role's board has figures to show, and no dashboard page costs more than 20 queries.

The demo is seeded once for the module at the run's frozen instant, inside a transaction rolled back at
the end; each test runs in a savepoint of it."""

import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from analytics import tiles as registry
from analytics.views import board_tables, sections
from portal.models import User
from tests import clock

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("analytics_demo")]

LOGINS = ("recruiter", "hiring_manager", "interviewer", "finance", "hr", "admin")
MAX_QUERIES = 20


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(clock.instant(), tick=False):
            call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _boards(user):
    return registry.boards_for(user)


def _list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["count"]


@pytest.mark.parametrize("login", LOGINS)
def test_every_tile_figure_is_the_number_of_rows_of_its_list(demo, client, login):
    user = User.objects.get(username=login)
    client.force_login(user)
    boards = _boards(user)
    assert boards, f"{login} has no dashboard"
    shown = 0
    for board in boards:
        response = client.get(f"/dashboards/{board.key}/")
        assert response.status_code == 200
        for figure in response.context["tiles"]:
            assert _list_count(client, figure["url"]) == figure["figure"], (login, board.key, figure["tile"].key)
            shown += figure["figure"]
    assert shown > 0, f"every tile of {login}'s dashboards shows zero over the demo"


@pytest.mark.parametrize("login", LOGINS)
def test_every_counting_table_row_is_the_number_of_rows_of_the_list_it_opens(demo, client, login):
    user = User.objects.get(username=login)
    client.force_login(user)
    checked = 0
    for board in _boards(user):
        for section, _label in sections(board, user)[1:]:
            response = client.get(f"/dashboards/{board.key}/{section}/")
            assert response.status_code == 200, (board.key, section)
            for figures in response.context["tables"]:
                table = figures["table"]
                for row in figures["rows"]:
                    if not row["url"] or not table.counts:
                        continue
                    expected = row[table.counts]
                    assert _list_count(client, row["url"]) == expected, (login, board.key, table.key, row["label"])
                    checked += 1
    assert checked > 0, f"no table row of {login}'s dashboards opens a list"


@pytest.mark.parametrize("login", LOGINS)
def test_no_dashboard_page_costs_more_than_twenty_queries(demo, client, login):
    user = User.objects.get(username=login)
    client.force_login(user)
    pages = ["/dashboards/definitions/"]
    for board in _boards(user):
        pages += [f"/dashboards/{board.key}/"]
        pages += [f"/dashboards/{board.key}/{section}/" for section, _ in sections(board, user)[1:]]
    if any(b.key in ("organisation", "finance", "recruiter", "hiring-manager") for b in _boards(user)):
        pages.append("/dashboards/ops-review/")
    for page in pages:
        client.get(page)  # warm the content types and the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200, page
        assert len(queries) <= MAX_QUERIES, f"{page} as {login}: {len(queries)} queries"


def test_each_role_sees_only_its_boards_and_the_charts_link_to_the_lists(demo, client):
    seen = {}
    for login in LOGINS:
        seen[login] = {board.key for board in _boards(User.objects.get(username=login))}
    assert seen["recruiter"] == {"recruiter"}
    assert seen["interviewer"] == {"interviewer"}
    assert "hiring-manager" in seen["hiring_manager"] and "finance" not in seen["hiring_manager"]
    assert seen["finance"] == {"finance"}
    assert seen["hr"] == {"finance", "organisation"}
    assert {"finance", "organisation"} <= seen["admin"]

    client.force_login(User.objects.get(username="hr"))
    response = client.get("/dashboards/organisation/conversion/")
    html = response.content.decode()
    funnel = next(t for t in response.context["tables"] if t["table"].key == "funnel")
    assert funnel["chart"]["links"] == [row["url"] for row in funnel["rows"]]
    assert f'id="{funnel["chart_id"]}"' in html and f'data-chart="{funnel["chart_id"]}"' in html
    assert re.search(r'<script[^>]+src="[^"]*vendor/chartjs/chart\.umd\.min\.js"', html)


def test_an_interviewer_sees_only_their_own_load(demo, client):
    interviewer = User.objects.get(username="interviewer")
    client.force_login(interviewer)
    response = client.get("/dashboards/interviewer/capacity/")
    load = next(t for t in response.context["tables"] if t["table"].key == "interviewer_load")
    assert [row["label"] for row in load["rows"]] in ([], [str(interviewer)])
    for table in board_tables(registry.board("interviewer"), interviewer):
        assert table.group not in ("cost",), table.key
