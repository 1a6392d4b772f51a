"""Who sees which applications and candidates (data that could leak is created first), duplicates, flags."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from candidates.models import Stage
from candidates.permissions import can_view_contact_details
from candidates.selectors import applications_for_user, candidates_for_user, possible_duplicates, risk_flags, stuck
from candidates.services import apply, create_candidate, log_activity, move_application
from portal.choices import Role
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests.factories import UserFactory, requisition_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(open_requisition, hm, director, recruiter):
    """Two open requisitions: the persona hiring manager's (recruited by the persona recruiter), and a stranger's."""
    stranger = UserFactory(username="stranger_hm", roles=[Role.HIRING_MANAGER], manager=director)
    their_recruiter = UserFactory(username="their_recruiter", roles=[Role.RECRUITER])
    theirs = create_requisition(by=stranger, hiring_manager=stranger, **requisition_fields(recruiter=their_recruiter))
    submit_requisition(requisition=theirs, by=stranger)
    approve_requisition(requisition=theirs, by=director)
    move_requisition(requisition=theirs, action=Action.OPEN, by=stranger)
    mine = open_requisition  # run by the persona hiring manager and recruiter
    own_app = apply(
        candidate=create_candidate(by=recruiter, first_name="Own", last_name="Person"), requisition=mine, by=recruiter
    )
    their_app = apply(
        candidate=create_candidate(by=their_recruiter, first_name="Their", last_name="Person"),
        requisition=theirs,
        by=their_recruiter,
    )
    return {"own": own_app, "theirs": their_app, "stranger": stranger}


def test_each_role_sees_exactly_its_slice_of_applications(
    world, recruiter, hm, director, finance, hr, admin_user, interviewer, outsider
):
    own, theirs = world["own"], world["theirs"]
    everyone = sorted([own.pk, theirs.pk])

    def slice_of(user):
        return sorted(applications_for_user(user).values_list("pk", flat=True))

    assert slice_of(recruiter) == [own.pk]
    assert slice_of(hm) == [own.pk]
    assert slice_of(world["stranger"]) == [theirs.pk]
    assert slice_of(director) == []  # approving a requisition does not show its candidates
    assert slice_of(finance) == slice_of(hr) == slice_of(admin_user) == everyone
    assert slice_of(interviewer) == slice_of(outsider) == []


def test_each_role_sees_exactly_its_slice_of_candidates(world, recruiter, hm, finance, interviewer):
    orphan = create_candidate(by=recruiter, first_name="Not", last_name="Applied")

    assert sorted(c.last_name for c in candidates_for_user(recruiter)) == ["Applied", "Person"]
    assert [c.first_name for c in candidates_for_user(hm)] == ["Own"]
    assert candidates_for_user(finance).count() == 3
    assert list(candidates_for_user(interviewer)) == []
    assert orphan not in candidates_for_user(hm)


def test_contact_details_are_for_the_people_who_recruit(recruiter, hm, hr, admin_user, finance, interviewer, outsider):
    assert [can_view_contact_details(u) for u in (recruiter, hm, hr, admin_user)] == [True] * 4
    assert [can_view_contact_details(u) for u in (finance, interviewer, outsider)] == [False] * 3


def test_possible_duplicates_match_normalised_email_or_phone(recruiter):
    ada = create_candidate(by=recruiter, first_name="Ada", last_name="Byron", email="ada@example.com")
    same_email = create_candidate(by=recruiter, first_name="A.", last_name="Byron", email="ADA@example.com")
    same_phone = create_candidate(by=recruiter, first_name="Ada", last_name="B", phone="+1 416 555 0101")
    ada.phone, ada.phone_key = "416-555-0101", "4165550101"
    ada.save()
    create_candidate(by=recruiter, first_name="Other", last_name="Person", email="other@example.com")

    assert set(possible_duplicates(ada)) == {same_email, same_phone}


def test_risk_flags_are_computed_from_activity_and_the_stages_sla(world, recruiter):
    app = world["own"]
    screen = Stage.objects.get(code="screen")  # SLA 5 days
    move_application(application=app, to_stage=screen, by=recruiter)
    app.refresh_from_db()
    now = timezone.now()

    assert risk_flags(app, now=now) == []
    assert risk_flags(app, now=now + timedelta(days=6)) == ["over SLA"]
    assert risk_flags(app, now=now + timedelta(days=8)) == ["stuck 7", "over SLA"]
    assert risk_flags(app, now=now + timedelta(days=15)) == ["stuck 14", "over SLA"]
    with time_machine.travel(now + timedelta(days=8)):
        log_activity(application=app, kind="call", body="Reached them.", by=recruiter)
    app.refresh_from_db()
    assert risk_flags(app, now=now + timedelta(days=9)) == ["over SLA"]
    assert list(stuck(applications_for_user(recruiter), 7, now=now + timedelta(days=20))) == [app]
