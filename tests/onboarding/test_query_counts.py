"""Every pre-boarding page costs a bounded number of SQL queries: the same with several times the hires (the
lists) or the tasks (a case)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Source
from candidates.services import apply, create_candidate
from offers.services import accept_offer
from onboarding.choices import Anchor, OwnerRule, TaskKind
from onboarding.models import ChecklistTemplate, PreboardingCase, TemplateTask
from portal.models import ApprovalRule
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests.factories import requisition_fields
from tests.onboarding.conftest import extended_offer

pytestmark = pytest.mark.django_db

BOUND = 30


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def hire(hm, director, recruiter, hr, finance, head):
    """hire(n): n more accepted offers on a requisition with room for them."""
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter, openings=6))
    req.department.head = head
    req.department.save()
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    req.refresh_from_db()
    made = []

    def add(n):
        for _ in range(n):
            i = len(made)
            person = create_candidate(
                by=recruiter, first_name=f"Hire{i}", last_name="Person", email=f"h{i}@example.com"
            )
            app = apply(candidate=person, requisition=req, by=recruiter, source=Source.objects.get(code="referral"))
            made.append(accept_offer(offer=extended_offer(app, recruiter, [hr, finance, head]), by=recruiter))
        return made

    return add


@pytest.mark.parametrize(
    "page, persona",
    [
        ("onboarding:risk", "hr"),
        ("onboarding:risk", "hm"),
        ("onboarding:starts", "hr"),
        ("onboarding:starts_export", "hr"),
        ("onboarding:my_tasks", "it_staff"),
    ],
)
def test_lists_cost_the_same_with_more_hires(client, request, hire, page, persona):
    hire(1)
    client.force_login(request.getfixturevalue(persona))
    url = reverse(page)
    client.get(url)  # warm the content-type cache
    small = _queries(client, url)
    hire(3)
    large = _queries(client, url)
    assert small == large, (page, small, large)
    assert large <= BOUND


@pytest.mark.parametrize("persona", ["hr", "hm", "finance"])
def test_a_case_costs_the_same_with_more_tasks(client, request, hire, persona):
    template = ChecklistTemplate.objects.get(name="Employees")
    first = PreboardingCase.objects.get(offer=hire(1)[0])
    for i in range(8):
        task = TemplateTask.objects.create(
            template=template, title=f"Extra {i}", kind=TaskKind.CUSTOM, owner_rule=OwnerRule.HR,
            anchor=Anchor.START, offset_days=-1, duration_days=1, blocks_start=bool(i % 2),
        )  # fmt: skip
        task.waits_on.set(template.tasks.exclude(pk=task.pk)[:2])
    second = PreboardingCase.objects.get(offer=hire(1)[1])
    assert second.tasks.count() == first.tasks.count() + 8
    client.force_login(request.getfixturevalue(persona))
    client.get(first.get_absolute_url())
    small = _queries(client, first.get_absolute_url())
    large = _queries(client, second.get_absolute_url())
    assert small == large and large <= BOUND, (small, large)


def test_a_task_page_is_bounded(client, it_staff, hire):
    case = PreboardingCase.objects.get(offer=hire(1)[0])
    task = case.tasks.get(kind=TaskKind.ACCOUNTS)
    client.force_login(it_staff)
    client.get(task.get_absolute_url())
    assert _queries(client, task.get_absolute_url()) <= BOUND
