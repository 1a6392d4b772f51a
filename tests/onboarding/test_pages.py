"""The pre-boarding pages as the people who use them: HR runs every case, IT and facilities see only their
tasks and what those need, the hiring manager sees their hires (the background check as clear or not)."""

import pytest
from django.urls import reverse

from onboarding.choices import IT, CaseStatus, TaskKind, TaskStatus
from onboarding.models import PreboardingCase
from portal.models import CostEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(accepted):
    return PreboardingCase.objects.get(offer=accepted)


def _task(case, kind):
    return case.tasks.get(kind=kind)


def test_hr_sees_the_risk_page_the_case_and_the_check_detail(client, hr, case):
    client.force_login(hr)
    page = client.get(reverse("onboarding:risk")).content.decode()
    assert case.reference in page and "Ada Lovelace" in page
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Background check" in page and "Not started" in page and "ada@example.com" in page
    assert "Confirm the start" in page and "Move the start date" in page


def test_it_sees_only_its_tasks_and_what_they_need(client, it_person, case):
    client.force_login(it_person)
    page = client.get(reverse("onboarding:my_tasks")).content.decode()
    assert "Laptop and peripherals ready" in page and "Desk, badge and parking" not in page
    assert "Standard laptop" in page
    laptop = _task(case, TaskKind.EQUIPMENT)
    page = client.get(laptop.get_absolute_url()).content.decode()
    assert "Ada Lovelace" in page and "ada@example.com" not in page and "100,000" not in page
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(_task(case, TaskKind.WORKSPACE).get_absolute_url()).status_code == 404
    response = client.post(
        reverse("onboarding:task_status", args=[laptop.pk]), {"status": TaskStatus.DONE, "actual_cost": "2350.00"}
    )
    assert response.status_code == 302
    laptop.refresh_from_db()
    assert laptop.status == TaskStatus.DONE and laptop.decision.status == "done"
    assert CostEvent.objects.for_source(laptop).filter(kind="actual").get().amount == 2350


def test_the_hiring_manager_sees_the_check_only_as_clear_or_not(client, hm, case):
    client.force_login(hm)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "not clear yet" in page and "Not started" not in page


def test_an_interviewer_sees_nothing(client, interviewer, case):
    client.force_login(interviewer)
    assert client.get(reverse("onboarding:risk")).status_code == 403
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(_task(case, TaskKind.EQUIPMENT).get_absolute_url()).status_code == 404


def test_the_requisition_and_offer_pages_show_the_start(client, recruiter, case, accepted):
    client.force_login(recruiter)
    page = client.get(case.requisition.get_absolute_url()).content.decode()
    assert case.reference in page
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert case.reference in page
    assert case.status == CaseStatus.OPEN and IT
