"""A contractor engagement in the browser, as the issue's Done-when: a recruiter plans one above its rate
card and it asks for approval; the hiring manager and finance approve it in the page; its weeks are
recorded and approved, and an invoice of them matches; an over-rate invoice is flagged and finance
approves it only with an override; the ledger shows the engagement's months as forecast and the paid
invoice as actual."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candidates.services import apply, create_candidate
from portal.choices import Role
from portal.models import ApprovalRule
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests.conftest import requires_chromium
from tests.e2e.helpers import sign_in
from tests.factories import UserFactory, requisition_fields
from tests.vendors.conftest import approved_vendor, monday, rate_card_for
from vendors.choices import InvoiceStatus
from vendors.models import Engagement, Invoice
from vendors.services import InvoiceInput, LineInput, create_invoice

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def _scene():
    director = UserFactory(username="director", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)
    recruiter = UserFactory(username="rec", roles=[Role.RECRUITER])
    finance = UserFactory(username="finance", roles=[Role.FINANCE])
    clerk = UserFactory(username="clerk", roles=[Role.ADMIN])
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    worker = create_candidate(by=recruiter, first_name="Grace", last_name="Hopper", email="grace@example.com")
    apply(candidate=worker, requisition=req, by=recruiter)
    vendor = approved_vendor(finance, name="Northbridge Talent")
    rate_card_for(vendor, req, finance, back=90, ahead=300)
    return req, vendor, clerk


def _act(page, live_server, username, url, button, message, fill=None):
    sign_in(page, live_server, username)
    page.goto(f"{live_server.url}{url}")
    if fill:
        page.get_by_label(fill[0]).fill(fill[1])
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(message)).to_be_visible()


def test_a_contractor_above_the_card_is_approved_worked_invoiced_and_seen_in_the_ledger(live_server, page):
    req, vendor, clerk = _scene()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    today = timezone.localdate()
    start = monday(today) - timedelta(weeks=3)

    sign_in(page, live_server, "rec")
    page.goto(f"{live_server.url}/vendors/engagements/")
    page.get_by_label("Plan an engagement on").select_option(str(req.pk))
    page.get_by_role("button", name="Plan").click()
    page.get_by_label("Worker").select_option(label="Grace Hopper")
    page.get_by_label("Rate card", exact=True).select_option(index=1)
    page.get_by_label("Start").fill(start.isoformat())
    page.get_by_label("End", exact=True).fill((start + timedelta(days=120)).isoformat())
    page.get_by_label("Bill rate", exact=True).fill("115")
    page.get_by_label("Why above the rate card").fill("The only candidate with payments experience.")
    page.get_by_role("button", name="Plan engagement").click()
    expect(page.get_by_text("Rate in approval.")).to_be_visible()
    engagement = Engagement.objects.get()
    url = engagement.get_absolute_url()
    expect(page.get_by_text("15% above the rate card").first).to_be_visible()

    _act(page, live_server, "hm", url, "Approve the rate", "Approval recorded.")
    _act(page, live_server, "finance", url, "Approve the rate", "Approval recorded.")
    _act(page, live_server, "rec", url, "Start now", "Started.")
    for week in (start, start + timedelta(weeks=1)):
        page.get_by_label("Week of (Monday)").fill(week.isoformat())
        page.get_by_role("button", name="Record week").click()
        expect(page.get_by_text("Week recorded")).to_be_visible()
    sign_in(page, live_server, "hm")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Timesheets to approve")).to_be_visible()
    page.goto(f"{live_server.url}{url}")
    for _ in range(2):
        page.get_by_role("button", name="Approve", exact=True).first.click()
        expect(page.get_by_text("Week approved.")).to_be_visible()

    period = (start, start + timedelta(days=13))
    for number, amount in (("NB-1", "9200.00"), ("NB-2", "10400.00")):
        create_invoice(
            data=InvoiceInput(
                vendor=vendor,
                number=number,
                currency="CAD",
                period_start=period[0],
                period_end=period[1],
                received_on=today,
                lines=(LineInput(amount=Decimal(amount), engagement=engagement, hours=Decimal("80")),),
            ),
            by=clerk,
        )
    matched, over = Invoice.objects.get(number="NB-1"), Invoice.objects.get(number="NB-2")
    assert (matched.status, over.status) == (InvoiceStatus.MATCHED, InvoiceStatus.FLAGGED)

    _act(page, live_server, "finance", matched.get_absolute_url(), "Approve", "Invoice approved.")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_text("Marked paid.")).to_be_visible()
    page.goto(f"{live_server.url}/ledger/")
    expect(
        page.locator("tbody tr.kind-forecast", has_text=req.cost_center.code).get_by_role("link").first
    ).to_be_visible()
    expect(page.locator("tbody tr.kind-actual").get_by_role("link", name="9,200").first).to_be_visible()

    page.goto(f"{live_server.url}{over.get_absolute_url()}")
    flags = page.locator(".invoice-flags")
    expect(flags).to_contain_text(re.compile(r"Billed 130\.00 per hour; the rate of ENG-\d+ is 115\.00"))
    page.get_by_role("button", name="Override and approve").click()  # the reason is required: nothing happens
    over.refresh_from_db()
    assert over.status == InvoiceStatus.FLAGGED
    page.get_by_label("Override reason").fill("Rate rise agreed for the migration weekend.")
    page.get_by_role("button", name="Override and approve").click()
    expect(page.get_by_text("Invoice approved with your override.")).to_be_visible()
    expect(page.get_by_text("Approved with an override:")).to_be_visible()
    assert errors == []
