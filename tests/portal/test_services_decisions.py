from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from portal.choices import REQUEST, DecisionStatus, Outcome, Role
from portal.exceptions import DecisionError
from portal.models import Decision, Holiday, Notification
from portal.services.decisions import cancel_decision, raise_decision, reassign_decision, resolve_decision
from tests.commit import committed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TORONTO = timezone.get_default_timezone()


def _request(owner=None, role="", by=None, **kwargs):
    return raise_decision(kind=REQUEST, title="Confirm Q1 budget", owner=owner, owner_role=role, by=by, **kwargs)


@time_machine.travel(datetime(2027, 1, 8, 10, 0, tzinfo=TORONTO))  # a Friday
def test_raise_decision_counts_the_sla_in_business_days(finance, hiring_manager):
    decision = _request(owner=finance, by=hiring_manager, sla_business_days=2)

    # Friday + 2 business days = Tuesday, due at the end of the business day.
    assert timezone.localtime(decision.due_at) == datetime(2027, 1, 12, 17, 0, tzinfo=TORONTO)
    assert decision.status == DecisionStatus.OPEN
    assert decision.raised_by == hiring_manager


@time_machine.travel(datetime(2027, 2, 12, 10, 0, tzinfo=TORONTO))  # Friday before Family Day
def test_raise_decision_skips_statutory_holidays(finance):
    Holiday.objects.create(date=datetime(2027, 2, 15).date(), name="Family Day")

    decision = _request(owner=finance, sla_business_days=1)

    assert timezone.localtime(decision.due_at).date() == datetime(2027, 2, 16).date()


def test_raise_decision_notifies_the_owner_once_the_transaction_commits(finance, hiring_manager):
    with committed():
        decision = _request(owner=finance, by=hiring_manager)
        assert Notification.objects.count() == 0  # not before the commit

    assert list(Notification.objects.values_list("user__username", "decision")) == [("p_finance", decision.pk)]


def test_a_rolled_back_decision_notifies_nobody(finance, hiring_manager):
    from django.db import transaction

    with committed(), transaction.atomic():
        _request(owner=finance, by=hiring_manager)
        transaction.set_rollback(True)

    assert Notification.objects.count() == 0


def test_raise_decision_for_a_role_notifies_every_member(finance, hr):
    second = UserFactory(username="finance2", roles=[Role.FINANCE])

    with committed():
        _request(role=Role.FINANCE)

    assert sorted(Notification.objects.values_list("user__username", flat=True)) == sorted(
        [finance.username, second.username]
    )


def test_raise_decision_with_a_key_is_idempotent_while_open(finance):
    first = _request(owner=finance, key="plan:1")
    again = _request(owner=finance, key="plan:1")

    assert again.pk == first.pk
    assert Decision.objects.count() == 1


def test_raise_decision_refuses_no_owner_both_owners_and_deactivated_owner(finance):
    with pytest.raises(DecisionError, match="person or a role"):
        _request()
    with pytest.raises(DecisionError, match="not both"):
        _request(owner=finance, role=Role.HR)
    finance.is_active = False
    finance.save()
    with pytest.raises(DecisionError, match="deactivated"):
        _request(owner=finance)
    assert Decision.objects.count() == 0


def test_raise_decision_writes_a_history_row_with_actor_and_reason(finance, hiring_manager):
    decision = _request(owner=finance, by=hiring_manager)

    record = decision.history.get()
    assert (record.history_user, record.history_change_reason, record.history_type) == (
        hiring_manager,
        "portal.decision.raised",
        "+",
    )


def test_resolve_decision_records_outcome_who_and_when(finance, hiring_manager):
    with committed():
        decision = _request(owner=finance, by=hiring_manager)

    with committed():
        resolved = resolve_decision(decision=decision, outcome=Outcome.DONE, by=finance, note="Fits the plan.")

    resolved.refresh_from_db()
    assert (resolved.status, resolved.outcome, resolved.decided_by, resolved.note) == (
        DecisionStatus.DONE,
        Outcome.DONE,
        finance,
        "Fits the plan.",
    )
    assert resolved.decided_at is not None
    assert resolved.history.first().history_change_reason == "portal.decision.resolved"
    # The person who asked hears the answer; the request to decide it is cleared.
    assert Notification.objects.filter(user=hiring_manager, decision=decision).count() == 1
    assert Notification.objects.unread().filter(user=finance).count() == 0


def test_closing_a_decision_clears_every_notification_that_asked_for_it(finance, hiring_manager):
    """A role's decision reminded twice: once one member takes it, nobody keeps an unread request."""
    second = UserFactory(username="finance2", roles=[Role.FINANCE])
    with committed():
        decision = _request(role=Role.FINANCE, by=hiring_manager)
        Notification.objects.create(user=second, message="Overdue: Confirm Q1 budget", decision=decision)
    other = _request(owner=second, by=hiring_manager)
    with committed():
        Notification.objects.create(user=second, message="Unrelated", decision=other)
    assert Notification.objects.unread().filter(user=second).count() == 3

    with committed():
        resolve_decision(decision=decision, outcome=Outcome.DONE, by=finance)

    assert list(Notification.objects.unread().filter(user__in=[finance, second]).values_list("message", flat=True)) == [
        "Unrelated"
    ]


def test_a_request_asked_of_a_decision_already_closed_is_never_written(finance, hiring_manager):
    """Raised and decided in one transaction: the request to decide it would only be noise."""
    with committed():
        decision = _request(owner=finance, by=hiring_manager)
        resolve_decision(decision=decision, outcome=Outcome.DONE, by=finance)

    assert not Notification.objects.filter(user=finance).exists()


def test_resolve_decision_refuses_an_outcome_its_kind_does_not_allow(finance):
    decision = _request(owner=finance)

    with pytest.raises(DecisionError, match="not an outcome of a request"):
        resolve_decision(decision=decision, outcome=Outcome.APPROVED, by=finance)
    decision.refresh_from_db()
    assert decision.is_open


def test_notes_and_details_have_a_length_limit(finance):
    with pytest.raises(DecisionError, match="keep them under 4000"):
        _request(owner=finance, detail="x" * 4001)
    decision = _request(owner=finance)
    with pytest.raises(DecisionError, match="keep them under 4000"):
        resolve_decision(decision=decision, outcome=Outcome.DONE, by=finance, note="y" * 4001)
    assert Decision.objects.open().count() == 1


def test_resolve_decision_refuses_someone_who_does_not_own_it(finance, hr):
    decision = _request(owner=finance)

    with pytest.raises(DecisionError, match="not yours"):
        resolve_decision(decision=decision, outcome=Outcome.DONE, by=hr)

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN


def test_a_role_owned_decision_can_be_taken_by_any_member(finance, hr):
    decision = _request(role=Role.FINANCE)

    resolve_decision(decision=decision, outcome=Outcome.DONE, by=finance)

    decision.refresh_from_db()
    assert decision.decided_by == finance


def test_resolve_decision_refuses_a_closed_decision(finance):
    decision = _request(owner=finance)
    resolve_decision(decision=decision, outcome=Outcome.DONE, by=finance)

    with pytest.raises(DecisionError, match="already closed"):
        resolve_decision(decision=decision, outcome=Outcome.DECLINED, by=finance, note="changed my mind")

    decision.refresh_from_db()
    assert decision.outcome == Outcome.DONE


def test_refusing_outcomes_need_a_note(finance):
    decision = _request(owner=finance)

    with pytest.raises(DecisionError, match="note is required"):
        resolve_decision(decision=decision, outcome=Outcome.DECLINED, by=finance, note="  ")

    decision.refresh_from_db()
    assert decision.is_open


def test_reassign_decision_moves_it_and_records_why(finance, hr, hiring_manager):
    with committed():
        decision = _request(owner=finance, by=hiring_manager)

    with committed():
        reassign_decision(decision=decision, by=finance, owner=hr, note="HR owns relocation policy.")

    decision.refresh_from_db()
    assert decision.owner == hr
    assert decision.history.first().history_change_reason == "portal.decision.reassigned"
    assert Notification.objects.filter(user=hr, decision=decision).count() == 1
    # The old owner's request to decide it is cleared: it is no longer theirs.
    assert Notification.objects.unread().filter(user=finance).count() == 0


def test_reassign_decision_refuses_an_outsider_and_a_past_due_date(finance, hr, outsider):
    decision = _request(owner=finance)

    with pytest.raises(DecisionError, match="may not reassign"):
        reassign_decision(decision=decision, by=outsider, owner=outsider, note="mine now")
    with pytest.raises(DecisionError, match="future"):
        reassign_decision(decision=decision, by=finance, owner=hr, note="x", due_at=timezone.now() - timedelta(hours=1))

    decision.refresh_from_db()
    assert decision.owner == finance


def test_cancel_decision_by_whoever_raised_it(finance, hiring_manager):
    decision = _request(owner=finance, by=hiring_manager)

    with pytest.raises(DecisionError, match="may not cancel"):
        cancel_decision(decision=decision, by=finance, note="not mine to cancel")
    cancel_decision(decision=decision, by=hiring_manager, note="Raised in error.")

    decision.refresh_from_db()
    assert (decision.status, decision.decided_by) == (DecisionStatus.CANCELLED, hiring_manager)


def test_decisions_are_never_deleted_through_the_owner(finance):
    decision = _request(owner=finance)

    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        finance.delete()
    assert Decision.objects.filter(pk=decision.pk).exists()
