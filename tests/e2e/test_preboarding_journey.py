"""Pre-boarding in the browser, as the issue's Done-when: an accepted offer opens a case whose start is at
risk; HR sees it first on the risk page, moves the start and works HR's tasks, waiving the background check
with a reason; IT finds its tasks under My tasks and completes them (the laptop with its cost, the accounts
with the work email); the hiring manager sees the check only as "not clear yet" and confirms the start,
which makes the candidate Hired."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from candidates.choices import StageKind
from candidates.models import Source
from candidates.services import apply, create_candidate
from offers.services import accept_offer
from onboarding.choices import IT, CaseStatus, TaskKind, TaskStatus
from onboarding.models import PreboardingCase
from portal.choices import CostKind, Role
from portal.models import ApprovalRule, CostEvent
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests import clock
from tests.conftest import requires_chromium
from tests.e2e.helpers import sign_in
from tests.factories import UserFactory, requisition_fields
from tests.onboarding.conftest import extended_offer

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def _scene():
    director = UserFactory(username="director", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", first_name="Hana", last_name="Manager", roles=[Role.HIRING_MANAGER],
                     manager=director)  # fmt: skip
    recruiter = UserFactory(username="rec", roles=[Role.RECRUITER])
    hr = UserFactory(username="hr", roles=[Role.HR])
    finance = UserFactory(username="finance", roles=[Role.FINANCE])
    head = UserFactory(username="head", roles=[Role.HIRING_MANAGER])
    UserFactory(username="it", first_name="Ivo", last_name="Tech", roles=[IT])
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
    req.department.head = head
    req.department.save()
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    person = create_candidate(by=recruiter, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    app = apply(candidate=person, requisition=req, by=recruiter, source=Source.objects.get(code="referral"))
    soon = clock.today() + timedelta(days=7)
    offer = extended_offer(app, recruiter, [hr, finance, head], start_date=soon, expires_on=soon)
    accept_offer(offer=offer, by=recruiter)
    return PreboardingCase.objects.get(offer=offer)


def _set_task(page, live_server, task, status, *, reason="", cost=None):
    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    page.get_by_label("Status").select_option(status)
    if reason:
        page.get_by_label("Reason (blocked, not applicable, waived)").fill(reason)
    if cost is not None:
        page.get_by_label("What it cost").fill(cost)
    page.get_by_role("button", name="Save the status").click()
    expect(page.get_by_text("Task updated.")).to_be_visible()


def test_hr_it_and_the_hiring_manager_take_a_hire_from_acceptance_to_the_start(live_server, page):
    case = _scene()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    task = {t.kind: t for t in case.tasks.all()}

    # HR: the start is at risk, first on the risk page, and the case says when it could be met.
    sign_in(page, live_server, "hr")
    page.get_by_role("link", name="Pre-boarding").first.click()
    row = page.locator("tr.risk-red", has_text="Ada Lovelace")
    expect(row).to_contain_text("At risk")
    row.get_by_role("link", name=case.reference).click()
    expect(page.locator(".start-risk")).to_contain_text("Start at risk")
    expect(page.locator(".start-risk .earliest-start")).to_be_visible()

    # HR moves the start; the tasks anchored to it move with it.
    laptop_due = task[TaskKind.EQUIPMENT].due_date
    later = clock.today() + timedelta(days=60)
    page.get_by_text("Move the start date").click()
    page.get_by_label("New start date").fill(later.isoformat())
    page.get_by_label("Reason", exact=True).fill("Notice period with the current employer.")
    page.get_by_role("button", name="Move the start").click()
    expect(page.get_by_text("The start moved")).to_be_visible()
    expect(page.locator(".start-changes")).to_contain_text("Notice period with the current employer.")
    task[TaskKind.EQUIPMENT].refresh_from_db()
    assert task[TaskKind.EQUIPMENT].due_date > laptop_due

    # HR's own blocking tasks: the contract and the eligibility done, the check waived with a reason.
    _set_task(page, live_server, task[TaskKind.CONTRACT_SIGNATURE], TaskStatus.DONE)
    _set_task(page, live_server, task[TaskKind.WORK_ELIGIBILITY], TaskStatus.DONE)
    _set_task(page, live_server, task[TaskKind.BACKGROUND_CHECK], TaskStatus.WAIVED,
              reason="Internal transfer: checked last year.")  # fmt: skip

    # IT: only its tasks, with what they need and nothing else.
    sign_in(page, live_server, "it")
    page.get_by_role("link", name="My tasks").click()
    expect(page.locator(".my-tasks")).to_contain_text("Laptop and peripherals ready")
    expect(page.locator(".my-tasks")).not_to_contain_text("Desk, badge and parking")
    page.get_by_role("link", name="Laptop and peripherals ready").click()
    expect(page.get_by_text("Standard laptop")).to_be_visible()
    expect(page.get_by_text("ada@example.com")).to_have_count(0)
    _set_task(page, live_server, task[TaskKind.EQUIPMENT], TaskStatus.DONE, cost="2310.50")
    page.goto(f"{live_server.url}{task[TaskKind.ACCOUNTS].get_absolute_url()}")
    page.get_by_role("textbox", name="Work email").fill("ada.lovelace@example.com")
    page.get_by_role("button", name="Save the work email").click()
    expect(page.get_by_text("Work email saved.")).to_be_visible()
    _set_task(page, live_server, task[TaskKind.ACCOUNTS], TaskStatus.DONE)

    # The hiring manager: the check only as clear or not; the start confirmed makes the hire.
    sign_in(page, live_server, "hm")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.locator(".check-status")).to_contain_text("not clear yet")
    expect(page.get_by_text("Waived", exact=False).first).to_be_visible()
    page.get_by_label("Actual start date").fill(clock.today().isoformat())
    page.get_by_role("button", name="Confirm the start: hired").click()
    expect(page.get_by_text("Start confirmed: the candidate is hired.")).to_be_visible()

    case.refresh_from_db()
    case.application.refresh_from_db()
    assert case.status == CaseStatus.STARTED and case.application.stage.kind == StageKind.HIRED
    laptop = CostEvent.objects.for_source(task[TaskKind.EQUIPMENT]).filter(kind=CostKind.ACTUAL).get()
    assert str(laptop.amount) == "2310.50"
    assert errors == []
