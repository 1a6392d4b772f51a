"""Who runs a requisition: one rule (requisitions.permissions.runs_requisition, and requisitions_run_by as
a query), read by every page and service that works on a requisition's candidates, offers and
contractors. A view-only share lets a person see a requisition, never run it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from candidates.models import Activity, Application, Stage
from candidates.services import apply
from offers.models import Offer
from offers.services import OfferError, create_offer
from portal import clock
from portal.choices import Role
from requisitions.permissions import runs_requisition
from requisitions.selectors import requisitions_run_by
from requisitions.services import RequisitionError, share_requisition, unshare_requisition
from tests.factories import UserFactory
from tests.offers.conftest import application, head, open_requisition, terms  # noqa: F401  (fixtures)
from tests.offers.test_pages import form_data
from tests.vendors.conftest import card, plan_engagement, supplier, worker  # noqa: F401  (fixtures)
from vendors.models import Engagement
from vendors.services import VendorError

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(open_requisition, hm):  # noqa: F811
    """A recruiter the requisition's hiring manager shared it with: view only."""
    person = UserFactory(username="shared_recruiter", roles=[Role.RECRUITER])
    share_requisition(requisition=open_requisition, user=person, by=hm)
    return person


def _plan(worker, card):  # noqa: F811
    start = clock.today()
    return {
        "worker": worker.pk,
        "rate_card": card.pk,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=90)).isoformat(),
        "hours_per_week": "40",
    }


def test_a_view_only_share_sees_the_requisition_and_runs_nothing(
    client,
    open_requisition,  # noqa: F811
    application,  # noqa: F811
    shared,
    recruiter,
    hm,
    admin_user,
):
    client.force_login(shared)
    assert client.get(open_requisition.get_absolute_url()).status_code == 200
    assert client.get(application.candidate.get_absolute_url()).status_code == 200
    assert {
        user.username: runs_requisition(user, open_requisition) for user in (shared, recruiter, hm, admin_user)
    } == {
        "shared_recruiter": False,
        "p_recruiter": True,
        "hm": True,
        "p_admin": True,
    }
    assert list(requisitions_run_by(shared)) == []
    assert list(requisitions_run_by(recruiter)) == [open_requisition]


def test_a_view_only_share_may_not_draft_an_offer(client, application, shared):  # noqa: F811
    url = reverse("offers:new", args=[application.pk])
    client.force_login(shared)

    assert client.get(url).status_code == 403
    assert client.post(url, form_data(application.requisition)).status_code == 403
    with pytest.raises(OfferError, match="Only a recruiter running"):
        create_offer(application=application, by=shared, terms=terms(application.requisition))
    assert list(Offer.objects.all()) == []


def test_the_requisitions_own_recruiter_drafts_the_offer(client, application, recruiter):  # noqa: F811
    url = reverse("offers:new", args=[application.pk])
    client.force_login(recruiter)

    assert client.get(url).status_code == 200
    response = client.post(url, form_data(application.requisition))
    offer = Offer.objects.get()
    assert (response.status_code, response["Location"]) == (302, offer.get_absolute_url())
    assert (offer.application, offer.created_by) == (application, recruiter)


def test_a_view_only_share_may_not_plan_a_contractor(client, open_requisition, shared, worker, card, recruiter):  # noqa: F811
    apply(candidate=worker, requisition=open_requisition, by=recruiter)
    url = reverse("vendors:engagement_create", args=[open_requisition.pk])
    client.force_login(shared)

    assert client.get(url).status_code == 403
    assert client.post(url, _plan(worker, card)).status_code == 403
    with pytest.raises(VendorError, match="Only a recruiter running"):
        plan_engagement(open_requisition, worker, card.vendor, card, shared, start=clock.today())
    assert list(Engagement.objects.all()) == []


def test_the_requisitions_own_recruiter_plans_the_contractor(client, open_requisition, worker, card, recruiter):  # noqa: F811
    apply(candidate=worker, requisition=open_requisition, by=recruiter)
    url = reverse("vendors:engagement_create", args=[open_requisition.pk])
    client.force_login(recruiter)

    assert client.get(url).status_code == 200
    response = client.post(url, _plan(worker, card))
    engagement = Engagement.objects.get()
    assert (response.status_code, response["Location"]) == (302, engagement.get_absolute_url())
    assert (engagement.requisition, engagement.worker, engagement.created_by) == (open_requisition, worker, recruiter)


def test_a_view_only_share_may_not_move_note_or_bulk_change_the_candidates(
    client,
    application,  # noqa: F811
    shared,
    recruiter,
):
    client.force_login(shared)
    screen = {"stage": "screen"}
    assert client.post(reverse("candidates:move", args=[application.pk]), screen).status_code == 403
    assert client.post(reverse("candidates:close", args=[application.pk]), {"reason": "skill_gap"}).status_code == 403
    note = {"kind": "call", "body": "Called them."}
    assert client.post(reverse("candidates:activity", args=[application.pk]), note).status_code == 403
    bulk = client.post(
        reverse("candidates:bulk"), {"action": "move", "application": [application.pk], "stage": "screen"}, follow=True
    )
    refusal = f"Nothing was changed: you may not move the applications of {application.requisition.reference}."
    assert refusal in bulk.content.decode()  # it sees them, so it is told why
    board = client.get(reverse("candidates:board", args=[application.requisition_id]))
    assert (board.status_code, board.context["can_move"]) == (200, False)
    page = client.get(application.candidate.get_absolute_url()).content.decode()
    assert "Act on this application" not in page and "Make an offer" not in page
    application.refresh_from_db()
    assert (application.stage.code, list(Activity.objects.filter(body="Called them."))) == ("applied", [])

    client.force_login(recruiter)  # who runs it does all of it
    assert client.post(reverse("candidates:move", args=[application.pk]), screen).status_code == 302
    assert client.post(reverse("candidates:activity", args=[application.pk]), note).status_code == 302
    assert Application.objects.get(pk=application.pk).stage == Stage.objects.get(code="screen")


def test_a_view_only_share_may_not_share_it_on_or_change_the_requisition(
    client,
    open_requisition,  # noqa: F811
    shared,
    hm,
):
    other = UserFactory(username="another_recruiter", roles=[Role.RECRUITER])
    client.force_login(shared)
    page = client.get(open_requisition.get_absolute_url())
    assert (page.context["actions"], page.context["can_share"]) == ([], False)
    assert client.post(reverse("requisitions:share", args=[open_requisition.pk]), {"user": other.pk}).status_code == 403
    assert client.post(reverse("requisitions:hold", args=[open_requisition.pk]), {"note": "Pause"}).status_code == 403
    with pytest.raises(RequisitionError, match="Only the people who run a requisition"):
        share_requisition(requisition=open_requisition, user=other, by=shared)
    with pytest.raises(RequisitionError, match="Only the people who run a requisition"):
        unshare_requisition(requisition=open_requisition, user=shared, by=shared)
    client.force_login(hm)
    assert client.get(open_requisition.get_absolute_url()).context["actions"] == ["hold", "fill", "cancel"]
