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
from portal.choices import REQUEST, DecisionStatus, Role
from portal.models import Decision
from requisitions.choices import Action as RequisitionAction
from requisitions.services import move_requisition, share_requisition
from tests.factories import UserFactory
from tests.offers.conftest import terms

pytestmark = pytest.mark.django_db


def _live_offer(application, recruiter):
    create_offer(application=application, by=recruiter, terms=terms(application.requisition))


def _closed(application, recruiter):
    close_application(application=application, reason=ReasonCode.objects.get(code="skill_gap"), by=recruiter)


def _on_hold(application, recruiter):
    req = application.requisition
    move_requisition(requisition=req, action=RequisitionAction.HOLD, by=req.hiring_manager, note="Budget review.")


SCENES = {
    "open": lambda application, recruiter: None,
    "live offer": _live_offer,
    "closed": _closed,
    "on hold": _on_hold,
}
# Who gets the new-offer page (200) in each scene; nobody else is offered the link.
MAKES_OFFERS = {"open": ["admin_user", "recruiter"], "live offer": [], "closed": [], "on hold": []}


@pytest.mark.parametrize("scene", SCENES)
def test_the_make_an_offer_link_shows_exactly_when_the_page_answers(client, scene, application, personas, hm):
    recruiter = personas["recruiter"]
    shared = UserFactory(username="shared_recruiter", roles=[Role.RECRUITER])
    share_requisition(requisition=application.requisition, user=shared, by=hm)
    SCENES[scene](application, recruiter)
    people = {**personas, "hm": hm, "shared_recruiter": shared}
    new_offer = reverse("offers:new", args=[application.pk])

    answered = []
    for name, person in sorted(people.items()):
        client.force_login(person)
        page = client.get(application.candidate.get_absolute_url())
        status = client.get(new_offer).status_code
        if page.status_code == 200:
            assert (new_offer in page.content.decode()) == (status == 200), (scene, name)
        else:
            assert status != 200, (scene, name)
        if status == 200:
            answered.append(name)
    assert answered == MAKES_OFFERS[scene]


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
