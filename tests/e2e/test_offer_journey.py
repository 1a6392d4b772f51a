"""An offer in the browser, as the issue's Done-when: a recruiter drafts one above band from the candidate's
page and sees the checks; HR, finance (seeing why it is theirs) and the department head approve; the
recruiter raises the base (version 2, the approvals void) and is told it cannot go out yet; once version 2
is approved it is extended and accepted, and the candidate is in Pre-start on a filled requisition."""

import re

import pytest
from playwright.sync_api import expect

from candidates.services import apply, create_candidate
from offers.models import Offer
from offers.services import approve_offer
from portal.choices import Role
from portal.models import ApprovalRule
from requisitions.choices import Action
from requisitions.choices import Status as RequisitionStatus
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests.conftest import requires_chromium
from tests.e2e.helpers import sign_in
from tests.factories import UserFactory, requisition_fields

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def _scene():
    director = UserFactory(username="director", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)
    head = UserFactory(username="head", roles=[Role.HIRING_MANAGER])
    recruiter = UserFactory(username="rec", roles=[Role.RECRUITER])
    people = {role: UserFactory(username=role, roles=[role]) for role in (Role.HR, Role.FINANCE)}
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
    req.department.head = head
    req.department.save()
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    person = create_candidate(by=recruiter, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    application = apply(candidate=person, requisition=req, by=recruiter)
    return application, people, head


def _approve_in_page(page, live_server, username, offer):
    sign_in(page, live_server, username)
    page.goto(f"{live_server.url}/offers/{offer.pk}/")
    page.get_by_role("button", name=re.compile(r"^Approve v\d")).click()
    expect(page.get_by_text("Approval recorded.")).to_be_visible()


def test_an_offer_above_band_is_approved_revised_refused_then_accepted(live_server, page):
    application, people, head = _scene()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, live_server, "rec")
    page.goto(f"{live_server.url}{application.candidate.get_absolute_url()}")
    page.get_by_role("link", name="Make an offer").click()
    page.get_by_label("Base pay").fill("125000")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".check-band")).to_contain_text("Fail")
    expect(page.locator(".check-band")).to_contain_text("above the band maximum 110,000")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Submitted for approval.")).to_be_visible()
    offer = Offer.objects.get()

    _approve_in_page(page, live_server, "hr", offer)
    sign_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/offers/{offer.pk}/")
    expect(page.locator(".approval-step", has_text="Step 2 · Finance")).to_contain_text("above the band maximum")
    page.get_by_role("button", name="Approve v1").click()
    expect(page.get_by_text("Approval recorded.")).to_be_visible()
    _approve_in_page(page, live_server, "head", offer)

    sign_in(page, live_server, "rec")
    page.goto(f"{live_server.url}/offers/{offer.pk}/")
    expect(page.get_by_role("button", name="Mark extended to the candidate")).to_be_visible()
    page.get_by_role("link", name="Revise terms").click()
    page.get_by_label("Base pay").fill("128000")
    page.get_by_label("What changed and why").fill("Matched a competing offer.")
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.get_by_text("Version 2 created: the approvals of version 1 are void")).to_be_visible()
    expect(page.locator("#v1")).to_contain_text("Approvals voided")
    expect(page.locator(".extension-blocked")).to_contain_text("Version 2 is not approved yet")
    expect(page.get_by_role("button", name="Mark extended to the candidate")).to_have_count(0)

    page.get_by_role("button", name="Submit for approval").click()
    for person in (people[Role.HR], people[Role.FINANCE], head):
        approve_offer(offer=offer, by=person)
    page.reload()
    page.get_by_role("button", name="Mark extended to the candidate").click()
    expect(page.get_by_text("Marked extended")).to_be_visible()
    page.get_by_role("button", name="Record acceptance").click()
    expect(page.get_by_text("Acceptance recorded: the candidate is in Pre-start.")).to_be_visible()

    application.refresh_from_db()
    application.requisition.refresh_from_db()
    assert application.stage.code == "pre_start"
    assert application.requisition.status == RequisitionStatus.FILLED
    assert errors == []
