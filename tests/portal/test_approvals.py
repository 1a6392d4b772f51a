"""Approval chains on a subject the core has never heard of: a test-only purchase (tests/chainapp)."""

from decimal import Decimal

import pytest

from portal.choices import ChainStatus, DecisionStatus, Outcome, Role
from portal.exceptions import DecisionError
from portal.models import ApprovalChain, ApprovalRule, Decision
from portal.permissions import can_take_decision, hold_rule
from portal.services.approvals import (
    ApprovalError,
    approve,
    cancel_chain,
    open_chain_decisions,
    refuse,
    start_chain,
)
from portal.services.decisions import reassign_decision
from tests.chainapp.models import Purchase
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    boss = UserFactory(username="boss", roles=[Role.HIRING_MANAGER])
    return {
        "boss": boss,
        "buyer": UserFactory(username="buyer", roles=[Role.HIRING_MANAGER], manager=boss),
        "fin1": UserFactory(username="fin1", roles=[Role.FINANCE]),
        "fin2": UserFactory(username="fin2", roles=[Role.FINANCE]),
        "interviewer": UserFactory(username="int", roles=[Role.INTERVIEWER]),
        "admin": UserFactory(username="adm", roles=[Role.ADMIN]),
    }


def _rules():
    ApprovalRule.objects.create(
        policy="purchase", name="Manager", position=1, condition="always", approver="requester_manager", step=1
    )
    ApprovalRule.objects.create(
        policy="purchase",
        name="Finance over 1,000",
        position=2,
        condition="over",
        fact="amount",
        threshold=Decimal("1000"),
        approver="role",
        approver_role=Role.FINANCE,
        step=2,
    )


def _purchase(people, amount="2500"):
    return Purchase.objects.create(title="Laptops", amount=Decimal(amount), created_by=people["buyer"])


def test_a_chain_runs_its_steps_in_order_and_completes(people):
    _rules()
    purchase = _purchase(people)

    chain = start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])

    assert [(s.step, s.approver_display, s.reason) for s in chain.steps.order_by("step")] == [
        (1, str(people["boss"]), "Manager"),
        (2, "Finance", "amount 2,500 > 1,000"),
    ]
    [first] = open_chain_decisions(purchase)
    assert (first.kind, first.owner, first.title) == (
        "purchase_approval",
        people["boss"],
        "Approve the purchase of Laptops",
    )

    assert approve(subject=purchase, by=people["boss"]).status == ChainStatus.OPEN
    [second] = open_chain_decisions(purchase)
    assert (second.owner_role, second.sequence) == (Role.FINANCE, 2)
    assert approve(subject=purchase, by=people["fin1"]).status == ChainStatus.APPROVED
    assert not open_chain_decisions(purchase).exists()


def test_a_small_purchase_skips_the_finance_step(people):
    _rules()
    purchase = _purchase(people, amount="300")

    start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])

    assert approve(subject=purchase, by=people["boss"]).status == ChainStatus.APPROVED


def test_nobody_approves_what_they_created_or_submitted(people):
    ApprovalRule.objects.create(
        policy="purchase", name="Finance", position=1, condition="always", approver="role", approver_role="finance"
    )
    people["buyer"].groups.add(*people["fin1"].groups.all())  # the buyer is in finance too
    people["buyer"].__dict__.pop("roles", None)
    purchase = _purchase(people)
    start_chain(subject=purchase, policy_key="purchase", by=people["fin2"])

    with pytest.raises(ApprovalError, match="You created this purchase"):
        approve(subject=purchase, by=people["buyer"])
    with pytest.raises(ApprovalError, match="You submitted this purchase"):
        approve(subject=purchase, by=people["fin2"])
    assert approve(subject=purchase, by=people["fin1"]).status == ChainStatus.APPROVED


def test_one_approval_per_person_per_round(people):
    """fin1 approves the first finance step, and cannot also take the second."""
    for step in (1, 2):
        ApprovalRule.objects.create(
            policy="purchase",
            name=f"Finance {step}",
            position=step,
            condition="always",
            approver="role",
            approver_role=Role.FINANCE,
            step=step,
        )
    purchase = _purchase(people)
    ApprovalRule.objects.filter(name="Finance 2").update(approver="user", approver_role="", user=people["fin1"])
    start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])

    approve(subject=purchase, by=people["fin1"])

    # fin1's own step 2 goes to the admins when it comes: fin1 already approved in this round.
    [second] = open_chain_decisions(purchase)
    assert (second.owner, second.owner_role) == (None, Role.ADMIN)
    assert "may not take this step now: routed to admins" in second.approval_step.reason
    assert not can_take_decision(people["fin1"], second)
    with pytest.raises(ApprovalError, match="waiting on you"):
        approve(subject=purchase, by=people["fin1"])
    assert approve(subject=purchase, by=people["admin"]).status == ChainStatus.APPROVED


def test_a_role_step_is_not_in_the_work_of_a_member_who_already_approved_this_round(people, client):
    """A manager who is also in finance approves step 1: finance's step 2 is for the other members."""
    from django.urls import reverse

    from tests.commit import committed

    _rules()
    people["boss"].groups.add(*people["fin1"].groups.all())
    people["boss"].__dict__.pop("roles", None)
    purchase = _purchase(people)
    with committed():
        start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])
    with committed():
        approve(subject=purchase, by=people["boss"])

    client.force_login(people["boss"])
    assert list(client.get(reverse("portal:my_work")).context["object_list"]) == []
    client.force_login(people["fin2"])
    assert [d.sequence for d in client.get(reverse("portal:my_work")).context["object_list"]] == [2]
    from portal.models import Notification

    assert sorted(Notification.objects.filter(decision__sequence=2).values_list("user__username", flat=True)) == [
        "fin1",
        "fin2",
    ]


def test_nobody_who_submitted_an_earlier_round_approves_a_later_one(people):
    """The buyer's colleague submits round 1; once sent back and resubmitted by the buyer, the colleague
    still may not approve: they raised this purchase too."""
    ApprovalRule.objects.create(
        policy="purchase", name="Finance", position=1, condition="always", approver="role", approver_role="finance"
    )
    purchase = _purchase(people)
    start_chain(subject=purchase, policy_key="purchase", by=people["fin1"])
    refuse(subject=purchase, by=people["fin2"], note="Quote?", outcome=Outcome.SENT_BACK)
    start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])

    with pytest.raises(ApprovalError, match="You submitted this purchase"):
        approve(subject=purchase, by=people["fin1"])
    assert approve(subject=purchase, by=people["fin2"]).status == ChainStatus.APPROVED


def test_sending_back_closes_the_round_and_a_resubmission_opens_the_next(people):
    _rules()
    purchase = _purchase(people)
    start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])

    refuse(subject=purchase, by=people["boss"], note="Fewer laptops.", outcome=Outcome.SENT_BACK)
    purchase.amount = Decimal("800")
    purchase.save()
    second = start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])

    chains = ApprovalChain.objects.filter(subject_id=purchase.pk).order_by("round")
    assert [(c.round, c.status) for c in chains] == [(1, ChainStatus.SENT_BACK), (2, ChainStatus.OPEN)]
    assert [s.step for s in second.steps.all()] == [1]  # re-planned from the new facts
    with pytest.raises(ApprovalError, match="already in approval"):
        start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])


def test_rejecting_closes_the_rounds_other_decisions(people):
    ApprovalRule.objects.create(
        policy="purchase", name="Manager", position=1, condition="always", approver="requester_manager", step=1
    )
    ApprovalRule.objects.create(
        policy="purchase", name="Finance", position=2, condition="always", approver="role", approver_role="finance"
    )
    purchase = _purchase(people)
    start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])

    with pytest.raises(ApprovalError, match="comment is required"):
        refuse(subject=purchase, by=people["fin1"], note=" ", outcome=Outcome.REJECTED)
    chain = refuse(subject=purchase, by=people["fin1"], note="No budget.", outcome=Outcome.REJECTED)

    assert chain.status == ChainStatus.REJECTED
    assert sorted(Decision.objects.values_list("status", "outcome")) == [
        (DecisionStatus.CANCELLED, ""),
        (DecisionStatus.DONE, Outcome.REJECTED),
    ]


def test_cancelling_a_chain_cancels_its_open_decisions(people):
    _rules()
    purchase = _purchase(people)
    start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])

    assert cancel_chain(subject=purchase, note="Not needed.").status == ChainStatus.CANCELLED
    assert not Decision.objects.open().exists()
    assert cancel_chain(subject=purchase, note="Again.") is None


def test_a_finance_step_is_handed_only_to_finance(people):
    """The interviewer can neither be handed a finance step nor, had someone forced it, approve it."""
    _rules()
    purchase = _purchase(people)
    start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])
    approve(subject=purchase, by=people["boss"])
    [step] = open_chain_decisions(purchase)

    for target in (people["interviewer"], people["boss"]):
        with pytest.raises(DecisionError, match="may not hold a purchase approval"):
            reassign_decision(decision=step, by=people["admin"], owner=target, note="Please look.")
    with pytest.raises(DecisionError, match="role may not hold"):
        reassign_decision(decision=step, by=people["admin"], owner_role=Role.HR, note="HR?")
    reassign_decision(decision=step, by=people["admin"], owner=people["fin2"], note="Yours.")

    step.refresh_from_db()
    assert step.owner == people["fin2"]
    assert set(hold_rule(step).people()) == {people["fin1"], people["fin2"]}
    Decision.objects.filter(pk=step.pk).update(owner=people["interviewer"])  # forced past the service
    step.refresh_from_db()
    assert not can_take_decision(people["interviewer"], step)
    with pytest.raises(ApprovalError, match="needs an authority you do not hold"):
        approve(subject=purchase, by=people["interviewer"])


def test_an_outcome_the_chain_kind_does_not_allow_is_refused(people):
    from portal.services.decisions import resolve_decision

    _rules()
    purchase = _purchase(people)
    start_chain(subject=purchase, policy_key="purchase", by=people["buyer"])
    [decision] = open_chain_decisions(purchase)

    with pytest.raises(DecisionError, match="not an outcome of a purchase approval"):
        resolve_decision(decision=decision, outcome=Outcome.DONE, by=people["boss"])


def test_the_core_names_no_module():
    """portal/ is below every module: only the project wiring and migrations may name one."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "portal"
    wiring = {root / "settings.py", root / "urls.py"}
    pattern = re.compile(r"requisition|candidate|offers?\b|vendor|engagement|onboarding", re.IGNORECASE)
    named = [
        f"{path.relative_to(root.parent)}:{n}"
        for path in root.rglob("*.py")
        if path not in wiring and "migrations" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line) and "connection.vendor" not in line
    ]
    assert named == []
