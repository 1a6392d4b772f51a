"""Submissions racing for a plan's last headcount on PostgreSQL: only one gets it."""

import pytest

from portal.choices import Role
from requisitions.choices import Status
from requisitions.models import Requisition
from requisitions.services import SubmissionRefused, create_requisition, submit_requisition
from tests.concurrency import race
from tests.factories import UserFactory, requisition_fields

TRIALS = 8
RACERS = 4


@pytest.mark.django_db(transaction=True)
def test_the_last_headcount_of_a_plan_goes_to_one_submission(requires_postgresql):
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER])
    org = requisition_fields()
    plan = org["hiring_plan"]

    for trial in range(TRIALS):
        plan.approved_headcount = Requisition.objects.filter(status=Status.PENDING_APPROVAL).count() + 1
        plan.save()
        drafts = [
            create_requisition(by=hm, hiring_manager=hm, **{**org, "title": f"Race {trial}.{i}"}) for i in range(RACERS)
        ]
        outcomes, reasons = race(
            lambda draft: submit_requisition(requisition=draft, by=hm), drafts, losing=SubmissionRefused
        )
        assert outcomes == ["lost"] * (RACERS - 1) + ["won"], reasons
    assert Requisition.objects.filter(status=Status.PENDING_APPROVAL).count() == TRIALS
