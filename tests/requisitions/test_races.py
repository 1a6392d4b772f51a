"""Approvals raced on PostgreSQL: one winner per step, one approval per requisition."""

from decimal import Decimal

import pytest

from portal.choices import Role
from portal.models import ApprovalRule
from requisitions.choices import Status
from requisitions.models import Requisition
from requisitions.services import RequisitionError, approve_requisition, create_requisition, submit_requisition
from tests.concurrency import race
from tests.factories import UserFactory, requisition_fields

TRIALS = 15
RACERS = 8


def _race(requisition_id, approvers):
    """Release `approvers` at once on one requisition; returns their outcomes, sorted, and the losers' reasons."""

    def approve(user):
        approve_requisition(requisition=Requisition.objects.get(pk=requisition_id), by=user)

    return race(approve, approvers, losing=RequisitionError)


@pytest.mark.django_db(transaction=True)
def test_a_finance_step_raced_by_the_whole_team_is_approved_once(requires_postgresql):
    ApprovalRule.objects.exclude(fact="first_year_cost").update(is_active=False)
    ApprovalRule.objects.filter(fact="first_year_cost").update(threshold=Decimal("1"), step=1)
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER])
    team = [UserFactory(username=f"fin{i}", roles=[Role.FINANCE]) for i in range(RACERS)]
    org = requisition_fields()
    org["hiring_plan"].approved_headcount = 1000
    org["hiring_plan"].approved_budget = Decimal("1000000000")
    org["hiring_plan"].save()

    duplicates = 0
    for trial in range(TRIALS):
        fields = {**org, "title": f"Race {trial}"}
        req = create_requisition(by=hm, hiring_manager=hm, **fields)
        submit_requisition(requisition=req, by=hm)

        results, reasons = _race(req.pk, team)

        req.refresh_from_db()
        assert results == ["lost"] * (RACERS - 1) + ["won"], reasons
        assert req.status == Status.APPROVED
        duplicates += req.history.filter(history_change_reason="requisitions.requisition.approved").count() - 1
    assert duplicates == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_steps_approved_at_the_same_instant_approve_the_requisition_once(requires_postgresql):
    ApprovalRule.objects.filter(fact="first_year_cost").update(threshold=Decimal("1"), step=1)
    director = UserFactory(username="director", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)
    finance = UserFactory(username="fin", roles=[Role.FINANCE])
    org = requisition_fields()
    org["hiring_plan"].approved_headcount = 1000
    org["hiring_plan"].approved_budget = Decimal("1000000000")
    org["hiring_plan"].save()

    for trial in range(TRIALS):
        fields = {**org, "title": f"Parallel {trial}"}
        req = create_requisition(by=hm, hiring_manager=hm, **fields)
        submit_requisition(requisition=req, by=hm)

        results, reasons = _race(req.pk, [director, finance])
        assert results == ["won", "won"], reasons

        req.refresh_from_db()
        assert req.status == Status.APPROVED
        assert req.history.filter(history_change_reason="requisitions.requisition.approved").count() == 1
