"""Each demo role signs in through the real login page and sees My work with its decisions."""

import io

import pytest
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD, PEOPLE
from tests.conftest import requires_chromium

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_each_demo_role_signs_in_and_sees_my_work(demo, live_server, page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    for person in PEOPLE:
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/")
        assert "/accounts/login/" in page.url
        page.get_by_label("Username").fill(person.username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        page.wait_for_url(f"{live_server.url}/")
        assert page.get_by_role("heading", name="My work").is_visible()
        open_count = int(page.get_by_test_id("count-open").inner_text())
        assert open_count >= 1, person.username
        assert page.locator("table.decision-table tbody tr").count() == min(open_count, 25)
    assert errors == [], errors  # no script or CSP errors in the console


def test_a_filter_change_updates_the_table_in_place(demo, live_server, page):
    _sign_in(page, live_server, "finance")
    all_rows = page.locator("table.decision-table tbody tr").count()

    page.get_by_label("Due").select_option("overdue")
    page.wait_for_url("**due=overdue**")

    overdue_rows = page.locator("table.decision-table tbody tr")
    assert overdue_rows.count() < all_rows
    assert overdue_rows.count() == page.locator("table.decision-table .badge.text-bg-danger").count()


def test_a_request_is_decided_in_the_browser(demo, live_server, page):
    _sign_in(page, live_server, "hr")
    before = int(page.get_by_test_id("count-open").inner_text())

    page.locator("table.decision-table").get_by_role("link", name="Decide").first.click()
    page.get_by_label("Outcome").select_option("done")
    page.get_by_label("Note").fill("Approved as proposed.")
    page.get_by_role("button", name="Record decision").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text("Decision recorded.").is_visible()
    assert int(page.get_by_test_id("count-open").inner_text()) == before - 1
