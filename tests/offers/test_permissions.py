"""Who may make an offer (offers.permissions.offer_refusal / can_make_offer: the candidate page's link, the
new-offer page and create_offer read it), and the actions an offer offers, from its transition table."""

import pytest
from django.urls import reverse

from candidates.models import ReasonCode
from candidates.services import close_application
from offers.choices import ACTION_MOVES, TRANSITIONS, Action, OfferStatus
from offers.models import Offer
from offers.permissions import allowed_actions
from offers.services import create_offer
from portal.choices import REQUEST, DecisionStatus
from portal.models import Decision
from tests.offers.conftest import terms

pytestmark = pytest.mark.django_db


def _live_offer(application, recruiter):
    create_offer(application=application, by=recruiter, terms=terms(application.requisition))


def _closed(application, recruiter):
    close_application(application=application, reason=ReasonCode.objects.get(code="skill_gap"), by=recruiter)


def test_a_refused_new_offer_says_why_to_whoever_runs_the_requisition(client, application, recruiter):
    _closed(application, recruiter)
    client.force_login(recruiter)

    response = client.get(reverse("offers:new", args=[application.pk]), follow=True)

    assert response.redirect_chain == [(application.candidate.get_absolute_url(), 302)]
    assert "This application is closed: no offer can be made on it." in response.content.decode()
    assert list(Offer.objects.all()) == []


# What the people who run an offer are offered in each status, and what whoever holds an open step of
# its current version is offered while it is pending.
MANAGER_ACTIONS = {
    OfferStatus.DRAFT: [Action.SUBMIT, Action.WITHDRAW],
    OfferStatus.PENDING_APPROVAL: [Action.WITHDRAW],
    OfferStatus.APPROVED: [Action.EXTEND, Action.WITHDRAW],
    OfferStatus.EXTENDED: [Action.ACCEPT, Action.DECLINE, Action.RESCIND],
    OfferStatus.ACCEPTED: [],
    OfferStatus.DECLINED: [],
    OfferStatus.RESCINDED: [],
    OfferStatus.EXPIRED: [],
    OfferStatus.WITHDRAWN: [],
}
APPROVER_ACTIONS = {status: [] for status in OfferStatus.values} | {
    OfferStatus.PENDING_APPROVAL: [Action.APPROVE, Action.SEND_BACK, Action.REJECT]
}


@pytest.mark.parametrize("status", OfferStatus.values)
def test_the_actions_offered_follow_the_transition_table(status, finance):
    offer = Offer(status=status)
    step = [Decision(kind=REQUEST, owner=finance, status=DecisionStatus.OPEN)]

    manager = allowed_actions(finance, offer, [], manages=True)
    approver = allowed_actions(finance, offer, step, manages=False)

    assert manager == MANAGER_ACTIONS[status]
    assert approver == APPROVER_ACTIONS[status]
    assert allowed_actions(finance, offer, step, manages=True) == [
        a for a in ACTION_MOVES if a in manager or a in approver
    ]
    assert allowed_actions(finance, offer, [], manages=False) == []
    for action in manager + approver:
        assert ACTION_MOVES[action] in TRANSITIONS[status], action


def test_every_status_is_in_the_table_and_every_action_names_a_move():
    assert set(TRANSITIONS) == set(OfferStatus.values)
    assert set(ACTION_MOVES) == set(Action.values)


def test_an_action_not_offered_is_refused_and_changes_nothing(client, application, recruiter):
    offer = create_offer(application=application, by=recruiter, terms=terms(application.requisition))
    client.force_login(recruiter)
    for action in ("accept", "decline", "rescind", "approve", "reject"):
        response = client.post(reverse("offers:act", args=[offer.pk, action]), {"note": "Why not."})
        assert response.status_code == 403, action
    assert client.post(reverse("offers:act", args=[offer.pk, "bogus"]), {"note": "x"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT
