"""Submissions racing for a plan's last headcount on PostgreSQL: only one gets it."""

import threading

import pytest
from django.db import connection

from portal.choices import Role
from requisitions.choices import Status
from requisitions.models import Requisition
from requisitions.services import SubmissionRefused, create_requisition, submit_requisition
from tests.factories import UserFactory, requisition_fields

TRIALS = 8
RACERS = 4


def _race_submissions(drafts, by):
    barrier = threading.Barrier(len(drafts))
    outcomes, lock = [], threading.Lock()

    def submit(draft):
        try:
            barrier.wait()
            submit_requisition(requisition=draft, by=by)
            outcome = "submitted"
        except SubmissionRefused:
            outcome = "refused"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


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
        outcomes = _race_submissions(drafts, hm)
        assert sorted(outcomes) == ["refused"] * (RACERS - 1) + ["submitted"]
    assert Requisition.objects.filter(status=Status.PENDING_APPROVAL).count() == TRIALS
