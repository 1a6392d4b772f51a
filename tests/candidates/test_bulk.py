"""Bulk actions on the pipeline list: move, reject with a reason, reassign; all or nothing."""

import re

import pytest
from django.urls import reverse

from candidates.models import Application, StageTransition
from candidates.services import apply, create_candidate
from portal.choices import Role
from requisitions.services import share_requisition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten(open_requisition, recruiter):
    return [
        apply(
            candidate=create_candidate(by=recruiter, first_name=f"P{n}", last_name="Test"),
            requisition=open_requisition,
            by=recruiter,
        )
        for n in range(10)
    ]


def _post(client, apps, **data):
    return client.post(reverse("candidates:bulk"), {"application": [a.pk for a in apps], **data}, follow=True)


def test_a_recruiter_reassigns_ten_applications_at_once(client, ten, recruiter):
    other = UserFactory(username="other_recruiter", roles=[Role.RECRUITER])
    client.force_login(recruiter)

    response = _post(client, ten, action="reassign", owner=other.pk, next="/candidates/?stage=")

    assert "10 applications changed." in response.content.decode()
    assert response.redirect_chain[-1][0] == "/candidates/?stage="
    assert set(Application.objects.values_list("owner", flat=True)) == {other.pk}
    assert Application.objects.first().history.first().history_change_reason == "candidates.application.reassigned"


def test_bulk_moves_and_rejections_are_logged_one_by_one(client, ten, recruiter):
    client.force_login(recruiter)

    _post(client, ten[:3], action="move", stage="screen")
    _post(client, ten[3:5], action="close", reason="no_show", note="Missed the call.")

    assert StageTransition.objects.filter(to_stage__code="screen").count() == 3
    assert sorted(Application.objects.values_list("status", flat=True)) == ["active"] * 8 + ["rejected"] * 2
    assert (
        StageTransition.objects.filter(status="rejected", reason__code="no_show", note="Missed the call.").count() == 2
    )


def test_one_refusal_changes_nothing_and_says_which(client, ten, recruiter):
    client.force_login(recruiter)
    _post(client, [ten[0]], action="move", stage="screen")  # already in Screen: refuses the next move there

    response = _post(client, ten[:4], action="move", stage="screen")

    body = response.content.decode()
    assert "Nothing was changed: P0 Test" in body and "already in Screen" in body
    assert StageTransition.objects.filter(to_stage__code="screen").count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "close"}, "needs a reason code"),
        ({"action": "move"}, "Choose the stage"),
        ({"action": "reassign"}, "Choose the recruiter"),
        ({"action": "explode", "stage": "screen"}, "Select a valid choice"),
    ],
)
def test_bulk_input_that_does_not_add_up_is_refused_whole(client, ten, recruiter, data, message):
    client.force_login(recruiter)

    response = _post(client, ten, **data)

    assert message in response.content.decode()
    assert StageTransition.objects.count() == 10 and Application.objects.filter(status="active").count() == 10


def test_applications_outside_the_users_slice_cannot_be_ticked(client, ten, recruiter, other_hiring_manager):
    outsider_recruiter = UserFactory(username="elsewhere", roles=[Role.RECRUITER])
    client.force_login(outsider_recruiter)

    response = _post(client, ten[:2], action="close", reason="skill_gap")

    assert "Select a valid choice" in response.content.decode()
    assert Application.objects.filter(status="active").count() == 10


@pytest.mark.parametrize("code", ["pre_start", "hired"])
def test_a_bulk_move_to_pre_start_or_hired_changes_nothing_and_names_the_path(client, ten, recruiter, code):
    client.force_login(recruiter)

    response = _post(client, ten[:3], action="move", stage=code)

    body = response.content.decode()
    why = {
        "pre_start": "Pre-start is reached only by recording an accepted offer (or a contractor&#x27;s start",
        "hired": "Hired is reached only by confirming the start in pre-boarding.",
    }[code]
    assert "Nothing was changed: P0 Test" in body and why in body
    assert StageTransition.objects.count() == 10 and set(Application.objects.values_list("stage__code", flat=True)) == {
        "applied"
    }


def test_the_bulk_stage_menu_offers_only_the_stages_a_person_moves_to(client, ten, recruiter):
    client.force_login(recruiter)

    response = client.get(reverse("candidates:pipeline"))

    assert [stage.code for stage in response.context["move_stages"]] == [
        "applied", "screen", "interview", "debrief", "offer",
    ]  # fmt: skip
    assert 'value="pre_start"' not in response.content.decode()


def test_applications_of_a_requisition_only_shared_with_the_recruiter_are_listed_not_moved(client, ten, hm):
    shared = UserFactory(username="shared_recruiter", roles=[Role.RECRUITER])
    share_requisition(requisition=ten[0].requisition, user=shared, by=hm)
    client.force_login(shared)

    listed = client.get(reverse("candidates:pipeline"))
    response = _post(client, ten[:2], action="close", reason="skill_gap")

    assert [a.can_move for a in listed.context["object_list"]] == [False] * 10
    assert "P1 Test" in listed.content.decode()
    assert re.findall(r'aria-label="Tick P\d+ Test"', listed.content.decode()) == []  # nothing to tick
    assert f"Nothing was changed: you may not move the applications of {ten[0].requisition.reference}." in (
        response.content.decode()
    )
    assert Application.objects.filter(status="active").count() == 10
