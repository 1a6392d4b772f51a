"""Dashboards in the browser, as the issue's Done-when: each role opens its dashboard from the navigation; a
tile opens the list behind it, with as many rows as the tile said; a bar of a chart opens the same list as
its table row."""

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from candidates.models import ReasonCode, Source, Stage
from candidates.services import apply, close_application, create_candidate, move_application
from portal.choices import Role
from portal.models import ApprovalRule
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests import clock
from tests.conftest import requires_chromium
from tests.e2e.helpers import sign_in
from tests.factories import UserFactory, requisition_fields

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def _scene():
    """A requisition run by `rec` and `hm`, opened three weeks ago, with four applications: Ada stuck in
    Interview for ten days, Grace rejected at the screen, Alan rejected on arrival, Edsger just applied."""
    director = UserFactory(username="director", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)
    recruiter = UserFactory(username="rec", first_name="Rae", last_name="Cruiter", roles=[Role.RECRUITER])
    UserFactory(username="hr", roles=[Role.HR])
    UserFactory(username="fin", roles=[Role.FINANCE])
    UserFactory(username="panel", roles=[Role.INTERVIEWER])
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)
    stages = {stage.code: stage for stage in Stage.objects.all()}
    source = Source.objects.get(code="referral")
    skill = ReasonCode.objects.get(code="skill_gap")
    with time_machine.travel(clock.now() - timedelta(days=21), tick=False):
        req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
        submit_requisition(requisition=req, by=hm)
        approve_requisition(requisition=req, by=director)
        move_requisition(requisition=req, action=Action.OPEN, by=hm)

    def person(first, last):
        candidate = create_candidate(by=recruiter, first_name=first, last_name=last, email=f"{first}@example.com")
        return apply(candidate=candidate, requisition=req, by=recruiter, source=source)

    with time_machine.travel(clock.now() - timedelta(days=14), tick=False):
        ada, grace, alan = person("Ada", "Lovelace"), person("Grace", "Hopper"), person("Alan", "Turing")
        move_application(application=grace, to_stage=stages["screen"], by=recruiter)
        close_application(application=alan, reason=skill, by=recruiter)
    with time_machine.travel(clock.now() - timedelta(days=12), tick=False):
        close_application(application=grace, reason=skill, by=recruiter)
    with time_machine.travel(clock.now() - timedelta(days=10), tick=False):
        move_application(application=ada, to_stage=stages["screen"], by=recruiter)
        move_application(application=ada, to_stage=stages["interview"], by=recruiter)
    person("Edsger", "Dijkstra")


def _open_dashboard(page, live_server, username):
    sign_in(page, live_server, username)
    page.get_by_role("link", name="Dashboards", exact=True).click()
    expect(page.locator(".tile-grid, .metric-table, .empty-state").first).to_be_visible()


def test_each_role_follows_a_tile_and_a_chart_bar_to_the_list_behind_them(live_server, page):
    _scene()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The recruiter: their pipeline; "Stuck 7+ days" counts Ada, and its list holds exactly her.
    _open_dashboard(page, live_server, "rec")
    expect(page.get_by_role("heading", name="My pipeline", level=1)).to_be_visible()
    stuck = page.locator("[data-tile='stuck_7']")
    expect(stuck).to_have_text("1 application: open the list")
    stuck.click()
    expect(page.get_by_role("heading", name="Stuck 7+ days", level=1)).to_be_visible()
    expect(page.locator("[data-count]")).to_have_attribute("data-count", "1")
    expect(page.locator("table[data-list='stuck_7'] tbody tr")).to_have_count(1)
    expect(page.locator("table[data-list='stuck_7']")).to_contain_text("Ada Lovelace")

    # HR: the organisation's conversion; the funnel's Screen bar opens the same list as its table row (those of
    # the finished cohort who reached the screen: Grace).
    _open_dashboard(page, live_server, "hr")
    page.get_by_role("link", name="Organisation", exact=True).click()
    page.get_by_role("link", name="Conversion", exact=True).click()
    funnel = page.locator("table[data-table='funnel']")
    screen_row = funnel.locator("tbody tr", has_text="Screen")
    expect(screen_row.locator("td").first).to_have_text("1")
    row_link = screen_row.get_by_role("link").get_attribute("href")
    canvas = page.locator("canvas[data-chart='chart-funnel']")
    expect(canvas).to_have_attribute("role", "img")
    x, y = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.querySelector("canvas[data-chart='chart-funnel']"));
            const index = chart.data.labels.indexOf("Screen");
            const bar = chart.getDatasetMeta(0).data[index];
            return [bar.x, (bar.y + bar.base) / 2];
        }"""
    )
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"{live_server.url}{row_link}")
    expect(page.locator("[data-count]")).to_have_attribute("data-count", "1")
    expect(page.locator("table[data-list='cohort']")).to_contain_text("Grace Hopper")

    # The hiring manager and the interviewer open their own boards; finance opens Spend.
    for username, heading in (("hm", "My requisitions"), ("panel", "My interviews"), ("fin", "Spend")):
        _open_dashboard(page, live_server, username)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    tile = page.locator("[data-tile]").first
    figure = int(tile.inner_text().split()[0])
    tile.click()
    expect(page.locator("[data-count]")).to_have_attribute("data-count", str(figure))
    assert errors == []
