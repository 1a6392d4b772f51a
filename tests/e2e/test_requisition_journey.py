"""A hiring manager opens and submits a requisition in the browser; the approvers approve it from My work."""

from decimal import Decimal

import pytest

from portal.choices import Role
from requisitions.models import Requisition
from tests.conftest import requires_chromium
from tests.e2e.helpers import sign_in
from tests.factories import UserFactory, requisition_fields

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def test_submit_then_approve_from_my_work(live_server, page):
    director = UserFactory(username="director", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)
    head = UserFactory(username="head", roles=[Role.HIRING_MANAGER])
    org = requisition_fields()
    org["department"].head = head
    org["department"].save()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, live_server, "hm")
    page.get_by_role("link", name="Requisitions").click()
    page.get_by_role("link", name="New requisition").click()
    page.get_by_label("Role title").fill("Site Reliability Engineer")
    page.get_by_label("Role family").select_option(str(org["role_family"].pk))
    page.get_by_label("Level", exact=True).select_option(str(org["level"].pk))
    page.get_by_label("Department").select_option(str(org["department"].pk))
    page.get_by_label("Location", exact=True).select_option(str(org["location"].pk))
    page.get_by_label("Target start date").fill(org["target_start_date"].isoformat())
    page.get_by_label("Recruiter").select_option(str(org["recruiter"].pk))
    page.get_by_label("Cost center").select_option(str(org["cost_center"].pk))
    page.get_by_label("Hiring plan").select_option(str(org["hiring_plan"].pk))
    page.get_by_text("80,000–110,000 CAD").wait_for()  # the band, looked up as the fields were chosen
    page.get_by_label("Base pay minimum (per year)").fill("90000")
    page.get_by_label("Base pay maximum (per year)").fill("105000")
    page.get_by_label("Business case").fill("On-call load doubled.")
    page.get_by_role("button", name="Save and submit").click()

    page.get_by_text("submitted for approval").wait_for()
    req = Requisition.objects.get()
    assert req.status == "pending_approval" and req.cost_max == Decimal("105000.00")

    # Step 1, the hiring manager's manager; step 2, the department head (a net-new role).
    for approver in ("director", "head"):
        sign_in(page, live_server, approver)
        page.locator("table.decision-table tbody tr", has_text=req.reference).get_by_role("link", name="Review").click()
        page.get_by_label("Comment (optional)").fill("Go ahead.")
        page.get_by_role("button", name="Approve").click()
        page.get_by_text("Approval recorded.").wait_for()

    req.refresh_from_db()
    assert req.status == "approved"
    assert page.locator(".approval-step .badge", has_text="Approved").count() == 2
    assert page.locator("h1 .badge").inner_text() == "Approved"
    assert errors == []
    assert hm.manager == director
