"""The actions a requisition offers come from its transition table: for every status, those whose move
TRANSITIONS allows, to whoever the predicates let take them (the chain's to whoever holds an open step,
the rest to the people who run it); an action not offered is refused, never a 500."""

import pytest
from django.urls import reverse

from portal.choices import REQUEST, DecisionStatus
from portal.models import Decision
from requisitions.choices import ACTION_MOVES, TRANSITIONS, Action, Status
from requisitions.models import Requisition
from requisitions.permissions import MANAGED_MOVES, allowed_actions, can_move_requisition
from requisitions.services import create_requisition

pytestmark = pytest.mark.django_db

# What the people who run a requisition are offered in each status (resuming out of hold, opening after
# approval), and what whoever holds an open approval step is offered while it is pending.
RUNNER_ACTIONS = {
    Status.DRAFT: [Action.SUBMIT, Action.CANCEL],
    Status.SENT_BACK: [Action.SUBMIT, Action.CANCEL],
    Status.PENDING_APPROVAL: [Action.CANCEL],
    Status.APPROVED: [Action.OPEN, Action.CANCEL],
    Status.OPEN: [Action.HOLD, Action.FILL, Action.CANCEL],
    Status.ON_HOLD: [Action.RESUME, Action.CANCEL],
    Status.FILLED: [],
    Status.CANCELLED: [],
    Status.REJECTED: [],
}
APPROVER_ACTIONS = {status: [] for status in Status.values} | {
    Status.PENDING_APPROVAL: [Action.APPROVE, Action.SEND_BACK, Action.REJECT]
}


def _open_step(user):
    return Decision(kind=REQUEST, owner=user, status=DecisionStatus.OPEN)


@pytest.mark.parametrize("status", Status.values)
def test_the_actions_offered_follow_the_transition_table(status, admin_user, finance):
    req = Requisition(status=status)
    allowed = TRANSITIONS[status]

    runner = allowed_actions(admin_user, req, [])  # admins run every requisition
    approver = allowed_actions(finance, req, [_open_step(finance)])  # finance runs none

    assert runner == RUNNER_ACTIONS[status]
    assert approver == APPROVER_ACTIONS[status]
    assert allowed_actions(finance, req, []) == []
    for action in runner + approver:
        assert ACTION_MOVES[action] in allowed, action
    assert [a for a in MANAGED_MOVES if can_move_requisition(admin_user, req, a)] == [
        a for a in runner if a in MANAGED_MOVES
    ]


def test_every_status_is_in_the_table_and_every_action_names_a_move():
    assert set(TRANSITIONS) == set(Status.values)
    assert set(ACTION_MOVES) == set(Action.values)


def test_an_action_not_offered_is_refused_and_changes_nothing(client, hm):
    draft = create_requisition(by=hm, title="Still an idea", hiring_manager=hm)
    client.force_login(hm)
    for action in ("open", "resume", "fill", "hold", "approve"):
        response = client.post(reverse(f"requisitions:{action}", args=[draft.pk]), {"note": "Why not."})
        assert response.status_code == 403, action
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert client.post(f"/requisitions/{draft.pk}/bogus/", {"note": "x"}).status_code == 404
