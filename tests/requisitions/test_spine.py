"""Requisitions on the spine: who may hold their steps, the revise-and-resubmit decision, drafts in
My work, and the defects found when the portal was tried as a new user would."""

from decimal import Decimal

import pytest
from django.urls import reverse

from portal.choices import DecisionStatus, Outcome, Role
from portal.exceptions import DecisionError
from portal.models import ApprovalRule, Decision, User
from portal.services.approvals import open_chain_decisions
from portal.services.decisions import reassign_decision
from requisitions.choices import APPROVAL_KIND, REVISION_KIND, Action, Status
from requisitions.forms import RequisitionForm
from requisitions.models import Requisition
from requisitions.services import (
    RequisitionError,
    approve_requisition,
    create_requisition,
    move_requisition,
    send_back_requisition,
    submit_requisition,
    update_requisition,
)
from tests.commit import committed
from tests.factories import UserFactory, requisition_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance_step(hm, director):
    """A requisition whose second step is finance's (the cost is over the threshold)."""
    ApprovalRule.objects.filter(fact="first_year_cost").update(threshold=Decimal("1"))
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    [step] = open_chain_decisions(req)
    assert step.owner_role == Role.FINANCE
    return req, step


def test_a_finance_step_cannot_be_handed_to_an_interviewer_in_the_service(finance_step, admin_user, interviewer):
    _, step = finance_step

    with pytest.raises(DecisionError, match="may not hold a requisition approval"):
        reassign_decision(decision=step, by=admin_user, owner=interviewer, note="Have a look.")
    with pytest.raises(DecisionError, match="role may not hold"):
        reassign_decision(decision=step, by=admin_user, owner_role=Role.INTERVIEWER, note="Have a look.")

    step.refresh_from_db()
    assert (step.owner, step.owner_role) == (None, Role.FINANCE)


def test_a_finance_step_cannot_be_handed_to_an_interviewer_on_the_page(client, finance_step, admin_user, interviewer):
    req, step = finance_step
    client.force_login(admin_user)
    url = reverse("portal:decision_reassign", args=[step.pk])

    form = client.get(url).context["form"]
    response = client.post(url, {"owner": interviewer.pk, "note": "Have a look."})

    assert interviewer not in form.fields["owner"].queryset
    assert [value for value, _ in form.fields["owner_role"].choices] == ["", Role.FINANCE]
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    step.refresh_from_db()
    assert step.owner_role == Role.FINANCE
    # Nor may the interviewer approve it from the requisition page.
    client.force_login(interviewer)
    assert client.post(reverse("requisitions:approve", args=[req.pk])).status_code == 404


def test_a_finance_step_handed_to_a_finance_colleague_is_theirs_to_approve(client, finance_step, admin_user, finance):
    req, step = finance_step
    reassign_decision(decision=step, by=admin_user, owner=finance, note="You know this plan.")
    client.force_login(finance)

    page = client.get(req.get_absolute_url())
    assert Action.APPROVE in page.context["actions"]
    client.post(reverse("requisitions:approve", args=[req.pk]), {"note": "Fine."})

    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_a_sent_back_requisition_is_a_decision_in_its_hiring_managers_work(client, hm, director):
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=req, by=hm)
    with committed():
        send_back_requisition(requisition=req, by=director, note="Split the one-time costs.")

    client.force_login(hm)
    rows = list(client.get(reverse("portal:my_work")).context["object_list"])
    assert [(d.kind, d.owner, d.raised_by) for d in rows] == [(REVISION_KIND, hm, director)]
    assert rows[0].next_action_url == reverse("requisitions:edit", args=[req.pk])
    assert rows[0].detail == "Split the one-time costs."

    update_requisition(requisition=req, by=hm, title="Backend Developer (revised)")
    submit_requisition(requisition=req, by=hm)
    revision = Decision.objects.get(kind=REVISION_KIND)
    assert (revision.status, revision.outcome, revision.decided_by) == (DecisionStatus.DONE, Outcome.DONE, hm)
    assert [d.kind for d in client.get(reverse("portal:my_work")).context["object_list"]] == []


def test_cancelling_a_sent_back_requisition_closes_its_revision(hm, director):
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=req, by=hm)
    send_back_requisition(requisition=req, by=director, note="Not now.")

    move_requisition(requisition=req, action=Action.CANCEL, by=hm, note="Dropped.")

    assert Decision.objects.get(kind=REVISION_KIND).status == DecisionStatus.CANCELLED


def test_a_hiring_managers_drafts_are_listed_in_my_work(client, hm, other_hiring_manager, recruiter):
    mine = create_requisition(by=recruiter, hiring_manager=hm, title="Started for me")
    own = create_requisition(by=hm, hiring_manager=hm, title="My own draft")
    create_requisition(by=other_hiring_manager, hiring_manager=other_hiring_manager, title="Not mine")
    submitted = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(title="Submitted"))
    submit_requisition(requisition=submitted, by=hm)
    client.force_login(hm)

    response = client.get(reverse("portal:my_work"))

    [panel] = response.context["panels"]
    assert panel["data"]["drafts"] == [mine, own]
    assert "Finish and submit" in response.content.decode()
    assert "Not mine" not in response.content.decode()


def test_the_budget_owner_list_offers_only_people_who_can_own_a_budget(hm, recruiter, interviewer, finance, hr):
    from django.contrib.auth.models import Group

    anonymous = User.objects.create(username="AnonymousUser")  # left by an older access library set-up
    anonymous.groups.add(Group.objects.get(name="Hiring manager"))

    offered = set(RequisitionForm().fields["budget_owner"].queryset)

    assert {hm, finance, hr} <= offered
    assert offered.isdisjoint({recruiter, interviewer, anonymous})
    assert all(person.has_role(Role.HIRING_MANAGER, Role.FINANCE, Role.HR) for person in offered)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("openings", "101", "less than or equal to 100"),
        ("openings", "0", "greater than or equal to 1"),
        ("base_max", "5000001", "less than or equal to 5000000"),
        ("bonus_pct", "101", "less than or equal to 100"),
        ("contract_hours", "4001", "less than or equal to 4000"),
        ("max_bill_rate", "5001", "less than or equal to 5000"),
        ("business_case", "x" * 4001, "at most 4000 characters"),
    ],
)
def test_every_number_and_text_of_the_intake_has_bounds(client, hm, field, value, message):
    client.force_login(hm)
    data = {"title": "Bounded", "hiring_manager": hm.pk, "openings": "1", field: value}

    response = client.post(reverse("requisitions:create"), data)

    assert message in response.content.decode()
    assert not Requisition.objects.exists()


def test_the_service_refuses_an_unbounded_opening_count_too(hm):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="less than or equal to 100"):
        create_requisition(by=hm, hiring_manager=hm, title="Army", openings=5000)


def test_raised_by_me_offers_a_look_not_an_action(client, hm, director):
    from portal.choices import REQUEST
    from portal.services.decisions import raise_decision

    raise_decision(kind=REQUEST, title="Confirm the panel", owner=director, by=hm)
    client.force_login(hm)

    response = client.get(reverse("portal:my_work"), {"scope": "raised"})

    [row] = response.context["object_list"]
    assert not row.is_mine
    assert ">Decide<" not in response.content.decode()
    assert ">View<" in response.content.decode()


def test_an_interviewer_is_not_offered_the_raised_by_me_tab(client, interviewer):
    client.force_login(interviewer)

    response = client.get(reverse("portal:my_work"))

    assert [key for key, _ in response.context["scopes"]] == ["mine"]
    refused = client.get(reverse("portal:my_work"), {"scope": "raised"})
    assert refused.status_code == 400 and list(refused.context["object_list"]) == []


def test_approving_a_step_not_addressed_to_you_is_refused_whoever_you_are(finance_step, hr):
    req, _ = finance_step
    with pytest.raises(Exception, match="waiting on you"):
        approve_requisition(requisition=req, by=hr)
    assert Decision.objects.filter(kind=APPROVAL_KIND, status=DecisionStatus.OPEN).count() == 1


def test_moving_a_requisition_the_wrong_way_is_refused(hm):
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    with pytest.raises(RequisitionError, match="not possible"):
        move_requisition(requisition=req, action=Action.FILL, by=hm)


def test_a_manager_outside_finance_cannot_pick_who_takes_a_finance_step(client, finance_step, interviewer):
    """Escalations go to the owner's manager, who may look, but hands a finance step on only if they
    could take it themselves."""
    _, step = finance_step
    named = UserFactory(username="named_fin", roles=[Role.FINANCE], manager=interviewer)
    reassign_decision(decision=step, by=named, owner=named, note="Mine.")
    client.force_login(interviewer)

    page = client.get(reverse("portal:decision_detail", args=[step.pk]))
    response = client.get(reverse("portal:decision_reassign", args=[step.pk]))

    assert page.status_code == 200 and not page.context["can_reassign"]
    assert response.status_code == 403
    with pytest.raises(DecisionError, match="may not reassign"):
        reassign_decision(
            decision=step, by=interviewer, owner=UserFactory(username="f2", roles=[Role.FINANCE]), note="x"
        )


def test_a_role_owned_approval_step_shows_its_requisition_to_the_roles_members(client, hm, director, admin_user):
    other_hm = UserFactory(username="other_hm", roles=[Role.HIRING_MANAGER])
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=req, by=hm)
    [step] = open_chain_decisions(req)
    reassign_decision(decision=step, by=admin_user, owner_role=Role.HIRING_MANAGER, note="Any manager.")
    client.force_login(other_hm)

    assert client.get(req.get_absolute_url()).status_code == 200
    client.post(reverse("requisitions:approve", args=[req.pk]), {"note": "Fine."})

    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_the_hiring_manager_never_approves_their_own_requisition(recruiter, hm, director):
    """A recruiter opens it for a hiring manager who is also the department head: that step goes up."""
    fields = requisition_fields(is_backfill=False)
    fields["department"].head = hm
    fields["department"].save()
    req = create_requisition(by=recruiter, hiring_manager=hm, **fields)
    submit_requisition(requisition=req, by=recruiter)

    steps = {decision.owner for decision in open_chain_decisions(req)}
    assert hm not in steps
    with pytest.raises(Exception, match="created this requisition"):
        approve_requisition(requisition=req, by=hm)
