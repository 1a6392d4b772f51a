"""The board of a requisition: columns by stage; recruiters move and close cards from it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.choices import PreStartCause
from candidates.models import Application, StageTransition
from candidates.services import apply, create_candidate, enter_pre_start
from portal.choices import Role
from requisitions.services import share_requisition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cards(open_requisition, recruiter):
    return [
        apply(
            candidate=create_candidate(by=recruiter, first_name=name, last_name="Test"),
            requisition=open_requisition,
            by=recruiter,
        )
        for name in ("Ada", "Grace", "Linus")
    ]


def _columns(response):
    return {
        column["stage"].code: [str(card.candidate) for card in column["cards"]]
        for column in response.context["columns"]
    }


def test_the_board_shows_every_active_application_in_its_stage_column(client, cards, recruiter):
    client.force_login(recruiter)

    response = client.get(reverse("candidates:board", args=[cards[0].requisition_id]))

    columns = _columns(response)
    assert list(columns) == ["applied", "screen", "interview", "debrief", "offer", "pre_start", "hired"]
    assert columns["applied"] == ["Ada Test", "Grace Test", "Linus Test"]
    body = response.content.decode()
    assert body.count('class="d-flex gap-1 mt-1 move-form"') == 3
    # The menu offers only the stages a person moves to; the workflows' columns say who fills them.
    offered = [stage.code for stage in response.context["stages"]]
    assert offered == ["applied", "screen", "interview", "debrief", "offer"]
    assert 'value="pre_start"' not in body and 'value="hired"' not in body
    assert 'data-stage="hired" data-refusal="Hired is reached only by confirming the start in pre-boarding."' in body


@pytest.mark.parametrize(
    "code, message",
    [
        ("pre_start", "Pre-start is reached only by recording an accepted offer (or a contractor&#x27;s start"),
        ("hired", "Hired is reached only by confirming the start in pre-boarding."),
    ],
)
def test_a_card_dropped_on_pre_start_or_hired_is_refused_with_the_path_that_gets_there(
    client, cards, recruiter, code, message
):
    ada = cards[0]
    client.force_login(recruiter)
    url = reverse("candidates:move", args=[ada.pk])

    dragged = client.post(url, {"stage": code}, HTTP_HX_REQUEST="true")  # the drag (and the menu) through htmx
    posted = client.post(url, {"stage": code}, follow=True)  # without JavaScript

    assert dragged.status_code == 400
    assert dragged.templates[0].name == "candidates/_board.html"
    assert '<div class="alert alert-danger' in dragged.content.decode()
    assert message in dragged.content.decode()
    assert posted.redirect_chain == [(reverse("candidates:board", args=[ada.requisition_id]), 302)]
    assert message in posted.content.decode()
    assert list(ada.transitions.values_list("to_stage__code", flat=True)) == ["applied"]
    assert Application.objects.get(pk=ada.pk).stage.code == "applied"


def test_a_card_in_pre_start_has_no_controls(client, cards, recruiter):
    enter_pre_start(application=cards[1], by=recruiter, cause=PreStartCause.OFFER)
    client.force_login(recruiter)

    response = client.get(reverse("candidates:board", args=[cards[0].requisition_id]))

    assert _columns(response)["pre_start"] == ["Grace Test"]
    body = response.content.decode()
    assert body.count('class="d-flex gap-1 mt-1 move-form"') == 2 and f'id="move-{cards[1].pk}"' not in body
    assert body.count('draggable="true"') == 2


def test_a_recruiter_the_requisition_is_only_shared_with_sees_it_without_controls(client, cards, hm):
    shared = UserFactory(username="shared_recruiter", roles=[Role.RECRUITER])
    share_requisition(requisition=cards[0].requisition, user=shared, by=hm)
    client.force_login(shared)

    response = client.get(reverse("candidates:board", args=[cards[0].requisition_id]))

    assert _columns(response)["applied"] == ["Ada Test", "Grace Test", "Linus Test"]
    assert "move-form" not in response.content.decode()
    assert client.post(reverse("candidates:move", args=[cards[0].pk]), {"stage": "screen"}).status_code == 403
    assert client.post(reverse("candidates:close", args=[cards[0].pk]), {"reason": "timing"}).status_code == 403
    assert StageTransition.objects.filter(application=cards[0]).count() == 1


def test_a_recruiter_moves_a_card_and_the_board_swaps_in_place(client, cards, recruiter):
    ada = cards[0]
    client.force_login(recruiter)

    response = client.post(reverse("candidates:move", args=[ada.pk]), {"stage": "interview"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.templates[0].name == "candidates/_board.html"
    assert _columns(response)["interview"] == ["Ada Test"]
    assert "Moved Ada Test to Interview." in response.content.decode()
    assert list(ada.transitions.values_list("to_stage__code", flat=True)) == ["applied", "interview"]


def test_closing_a_card_needs_a_reason_code(client, cards, recruiter):
    grace = cards[1]
    client.force_login(recruiter)
    url = reverse("candidates:close", args=[grace.pk])

    refused = client.post(url, {"note": "No."}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert "needs a reason code" in refused.content.decode()
    assert Application.objects.get(pk=grace.pk).status == "active"

    response = client.post(url, {"reason": "skill_gap", "note": "Not enough Go."})
    assert response.status_code == 302
    grace.refresh_from_db()
    assert (grace.status, grace.disposition.code) == ("rejected", "skill_gap")
    assert StageTransition.objects.filter(application=grace, status="rejected", note="Not enough Go.").count() == 1


@pytest.mark.parametrize("data", [{"stage": "nowhere"}, {}, {"stage": "applied"}])
def test_a_bad_move_is_explained_and_changes_nothing(client, cards, recruiter, data):
    client.force_login(recruiter)

    response = client.post(reverse("candidates:move", args=[cards[2].pk]), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert "alert-danger" in response.content.decode()
    assert StageTransition.objects.filter(application=cards[2]).count() == 1


def test_a_hiring_manager_sees_the_board_without_controls(client, cards, hm):
    client.force_login(hm)

    response = client.get(reverse("candidates:board", args=[cards[0].requisition_id]))

    assert _columns(response)["applied"] == ["Ada Test", "Grace Test", "Linus Test"]
    assert "move-form" not in response.content.decode() and "Reject or withdraw" not in response.content.decode()
    assert client.post(reverse("candidates:move", args=[cards[0].pk]), {"stage": "screen"}).status_code == 403


def test_the_board_costs_the_same_with_ten_times_the_cards(client, cards, recruiter, open_requisition):
    client.force_login(recruiter)
    url = reverse("candidates:board", args=[open_requisition.pk])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.get(url)  # the first request after signing in also writes the session
    small = queries()
    for n in range(27):
        apply(
            candidate=create_candidate(by=recruiter, first_name=f"P{n}", last_name="Q"),
            requisition=open_requisition,
            by=recruiter,
        )
    assert queries() == small <= 20


def test_a_crowded_column_shows_the_longest_waiting_and_links_to_the_rest(
    client, open_requisition, recruiter, monkeypatch
):
    from candidates.views import pipeline as views

    monkeypatch.setattr(views, "BOARD_CARDS_PER_COLUMN", 3)
    for n in range(5):
        apply(
            candidate=create_candidate(by=recruiter, first_name=f"P{n}", last_name="Test"),
            requisition=open_requisition,
            by=recruiter,
        )
    client.force_login(recruiter)

    response = client.get(reverse("candidates:board", args=[open_requisition.pk]))

    assert _columns(response)["applied"] == ["P0 Test", "P1 Test", "P2 Test"]
    body = response.content.decode()
    applied = response.context["columns"][0]["stage"]
    assert f'?requisition={open_requisition.pk}&amp;stage={applied.pk}">and 2 more in the pipeline list' in body
    assert '<span class="tabular text-body-secondary">5</span>' in body
