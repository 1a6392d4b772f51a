"""The actions an engagement offers: its status moves (start, end) where its transition table allows them,
the actions on its terms (rate, approval, renewal) by their predicates; an action not offered is refused."""

from datetime import timedelta

import pytest
from django.urls import reverse

from portal import clock
from portal.choices import REQUEST, DecisionStatus
from portal.models import Decision
from requisitions.models import Requisition
from tests.vendors.conftest import plan_engagement
from vendors.choices import (
    ENGAGEMENT_ACTION_MOVES,
    ENGAGEMENT_TRANSITIONS,
    Action,
    EngagementStatus,
    RateApproval,
)
from vendors.models import Engagement, EngagementTerm
from vendors.permissions import allowed_actions

pytestmark = pytest.mark.django_db

# What a person who runs the engagement and may renew it (an admin) is offered in each status, its first
# terms in force and due to start, no rate waiting for approval.
RUNNER_ACTIONS = {
    EngagementStatus.PLANNED: [Action.START, Action.SUBMIT_RATE, Action.END],
    EngagementStatus.ACTIVE: [Action.RENEW, Action.END],
    EngagementStatus.EXTENSION_PENDING: [Action.RENEW, Action.END],
    EngagementStatus.ENDED: [],
}
# And with a rate waiting for their approval: the chain's actions, and no renewal while one waits.
APPROVER_ACTIONS = {
    EngagementStatus.PLANNED: [
        Action.APPROVE,
        Action.SEND_BACK,
        Action.REJECT,
        Action.START,
        Action.SUBMIT_RATE,
        Action.END,
    ],
    EngagementStatus.ACTIVE: [Action.APPROVE, Action.SEND_BACK, Action.REJECT, Action.END],
    EngagementStatus.EXTENSION_PENDING: [Action.APPROVE, Action.SEND_BACK, Action.REJECT, Action.END],
    EngagementStatus.ENDED: [Action.APPROVE, Action.SEND_BACK, Action.REJECT],
}


def _engagement(status, hm):
    today = clock.today()
    requisition = Requisition(employment_type="full_time", hiring_manager=hm)
    return Engagement(
        status=status,
        requisition=requisition,
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=60),
    )


@pytest.mark.parametrize("status", EngagementStatus.values)
def test_the_actions_offered_follow_the_transition_table(status, admin_user, hm):
    engagement = _engagement(status, hm)
    terms = [EngagementTerm(number=1, rate_approval=RateApproval.WITHIN_CARD)]
    pending = EngagementTerm(number=2, rate_approval=RateApproval.PENDING)
    step = [Decision(kind=REQUEST, owner=admin_user, status=DecisionStatus.OPEN)]
    today = clock.today()

    runner = allowed_actions(admin_user, engagement, terms, None, [], manages=True, today=today)
    approver = allowed_actions(admin_user, engagement, terms, pending, step, manages=True, today=today)

    assert runner == RUNNER_ACTIONS[status]
    assert approver == APPROVER_ACTIONS[status]
    for action in set(runner + approver) & set(ENGAGEMENT_ACTION_MOVES):
        assert ENGAGEMENT_ACTION_MOVES[action] in ENGAGEMENT_TRANSITIONS[status], action


def test_the_hiring_manager_renews_and_ends_but_does_not_start(hm):
    today = clock.today()
    terms = [EngagementTerm(number=1, rate_approval=RateApproval.WITHIN_CARD)]
    offered = {
        status: allowed_actions(hm, _engagement(status, hm), terms, None, [], manages=False, today=today)
        for status in EngagementStatus.values
    }
    assert offered == {
        EngagementStatus.PLANNED: [],
        EngagementStatus.ACTIVE: [Action.RENEW, Action.END],
        EngagementStatus.EXTENSION_PENDING: [Action.RENEW, Action.END],
        EngagementStatus.ENDED: [],
    }


def test_an_action_not_offered_is_refused_and_changes_nothing(
    client, open_requisition, supplier, card, worker, recruiter
):
    from candidates.services import apply

    apply(candidate=worker, requisition=open_requisition, by=recruiter)
    engagement = plan_engagement(open_requisition, worker, supplier, card, recruiter, start=clock.today())
    client.force_login(recruiter)
    for action in ("renew", "approve", "reject"):
        response = client.post(reverse("vendors:engagement_act", args=[engagement.pk, action]), {"note": "Why not."})
        assert response.status_code == 403, action
    assert client.post(reverse("vendors:engagement_act", args=[engagement.pk, "bogus"])).status_code == 404
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.PLANNED
