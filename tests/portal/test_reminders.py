"""Reminders: once per due date and recipient, however often the sweep runs; catch up after a gap."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from portal.choices import REQUEST, Outcome, ReminderKind, Role
from portal.models import Notification, ReminderLog
from portal.services.decisions import raise_decision, resolve_decision
from portal.tasks import sweep_decisions
from tests.commit import committed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TORONTO = timezone.get_default_timezone()
MONDAY_NOON = datetime(2027, 1, 11, 12, 0, tzinfo=TORONTO)


@pytest.fixture
def owner(db):
    boss = UserFactory(username="boss", first_name="Bea", last_name="Boss")
    return UserFactory(username="owner", first_name="Olu", manager=boss, roles=[Role.FINANCE])


def _decision(owner, due_at, **kwargs):
    with time_machine.travel(due_at - timedelta(days=5)), committed():
        return raise_decision(kind=REQUEST, title="Confirm Q1 budget", owner=owner, due_at=due_at, **kwargs)


def _sweep_at(moment):
    """One run of the beat job, which commits as it goes."""
    with time_machine.travel(moment), committed():
        return sweep_decisions()


def test_an_overdue_decision_gets_one_reminder_however_often_the_sweep_runs(owner):
    _decision(owner, MONDAY_NOON - timedelta(hours=2))
    mail.outbox.clear()

    for minutes in (0, 15, 30, 45):
        _sweep_at(MONDAY_NOON + timedelta(minutes=minutes))

    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    assert "Overdue: Confirm Q1 budget" in mail.outbox[0].subject
    assert "/decisions/" in mail.outbox[0].body
    assert list(ReminderLog.objects.values_list("kind", "recipient__username")) == [(ReminderKind.OVERDUE, "owner")]


def test_a_decision_due_within_a_day_gets_a_due_soon_reminder_then_an_overdue_one(owner):
    due = MONDAY_NOON + timedelta(hours=5)
    _decision(owner, due)
    mail.outbox.clear()

    _sweep_at(MONDAY_NOON)
    _sweep_at(MONDAY_NOON + timedelta(hours=1))
    _sweep_at(due + timedelta(hours=1))
    _sweep_at(due + timedelta(hours=2))

    assert [m.subject.split(":")[0] for m in mail.outbox] == ["[Staffing portal] Due soon", "[Staffing portal] Overdue"]


def test_a_decision_due_next_week_is_not_reminded_yet(owner):
    _decision(owner, MONDAY_NOON + timedelta(days=7))
    mail.outbox.clear()

    assert _sweep_at(MONDAY_NOON) == 0
    assert mail.outbox == []


def test_escalation_goes_to_the_managers_after_n_business_days(owner, settings):
    settings.ESCALATE_AFTER_BUSINESS_DAYS = 2
    due = datetime(2027, 1, 8, 17, 0, tzinfo=TORONTO)  # Friday
    _decision(owner, due)
    mail.outbox.clear()

    _sweep_at(datetime(2027, 1, 11, 9, 0, tzinfo=TORONTO))  # Monday: 1 business day late
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]

    _sweep_at(datetime(2027, 1, 12, 9, 0, tzinfo=TORONTO))  # Tuesday: 2 business days late
    _sweep_at(datetime(2027, 1, 12, 10, 0, tzinfo=TORONTO))
    assert [m.to for m in mail.outbox] == [["owner@example.com"], ["boss@example.com"]]
    assert "Escalated to you" in mail.outbox[1].subject
    assert "as their manager" in mail.outbox[1].body


def test_a_missed_day_is_caught_up_on_the_next_run(owner, settings):
    settings.ESCALATE_AFTER_BUSINESS_DAYS = 2
    _decision(owner, datetime(2027, 1, 8, 17, 0, tzinfo=TORONTO))
    mail.outbox.clear()

    # No sweep ran for days; the first one sends what is owed: the overdue reminder and the escalation.
    _sweep_at(datetime(2027, 1, 14, 9, 0, tzinfo=TORONTO))

    assert sorted(m.to[0] for m in mail.outbox) == ["boss@example.com", "owner@example.com"]


def test_a_role_owned_decision_reminds_each_member_once(owner):
    second = UserFactory(username="finance2", roles=[Role.FINANCE])
    with time_machine.travel(MONDAY_NOON - timedelta(days=5)):
        raise_decision(kind=REQUEST, title="Sign off agency budget", owner_role=Role.FINANCE, due_at=MONDAY_NOON)
    mail.outbox.clear()

    _sweep_at(MONDAY_NOON + timedelta(hours=1))
    _sweep_at(MONDAY_NOON + timedelta(hours=2))

    assert sorted(m.to[0] for m in mail.outbox) == ["finance2@example.com", "owner@example.com"]
    assert second.notifications.filter(message__startswith="Overdue").count() == 1


def test_a_resolved_decision_is_not_reminded(owner):
    decision = _decision(owner, MONDAY_NOON - timedelta(hours=2))
    resolve_decision(decision=decision, outcome=Outcome.DONE, by=owner)
    mail.outbox.clear()

    assert _sweep_at(MONDAY_NOON) == 0
    assert mail.outbox == []


def test_a_new_due_date_restarts_the_reminders(owner):
    from portal.services.decisions import reassign_decision

    decision = _decision(owner, MONDAY_NOON - timedelta(hours=2))
    _sweep_at(MONDAY_NOON)
    with time_machine.travel(MONDAY_NOON):
        reassign_decision(
            decision=decision, by=owner, owner=owner, due_at=MONDAY_NOON + timedelta(hours=3), note="Need the numbers."
        )
    mail.outbox.clear()

    _sweep_at(MONDAY_NOON + timedelta(hours=4))

    assert [m.subject.split(":")[0] for m in mail.outbox] == ["[Staffing portal] Overdue"]


def test_the_reminder_also_lands_in_the_in_app_list(owner):
    _decision(owner, MONDAY_NOON - timedelta(hours=2))
    Notification.objects.all().delete()

    _sweep_at(MONDAY_NOON)

    assert list(owner.notifications.values_list("message", flat=True)) == ["Overdue: Confirm Q1 budget"]


def test_a_failed_email_leaves_the_reminder_unclaimed_for_the_next_sweep(owner, settings, monkeypatch):
    _decision(owner, MONDAY_NOON - timedelta(hours=2))
    mail.outbox.clear()

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("portal.services.reminders.send_mail", broken)
    _sweep_at(MONDAY_NOON)  # the sweep goes on: one recipient's mail server does not stop the others
    assert ReminderLog.objects.count() == 0
    assert not Notification.objects.filter(message__startswith="Overdue").exists()

    monkeypatch.undo()
    _sweep_at(MONDAY_NOON + timedelta(minutes=15))
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(message__startswith="Overdue").count() == 1


def test_the_escalation_links_to_the_decision_which_the_manager_may_open(owner, client):
    decision = _decision(owner, datetime(2027, 1, 8, 17, 0, tzinfo=TORONTO))
    mail.outbox.clear()

    _sweep_at(datetime(2027, 1, 13, 9, 0, tzinfo=TORONTO))

    escalation = next(m for m in mail.outbox if m.to == ["boss@example.com"])
    assert escalation.body.count(f"/decisions/{decision.pk}/") == 1
    client.force_login(owner.manager)
    assert client.get(decision.get_absolute_url()).status_code == 200


def test_a_decision_nobody_can_take_goes_to_the_admins(owner):
    admin = UserFactory(username="admin1", roles=[Role.ADMIN])
    with time_machine.travel(MONDAY_NOON - timedelta(days=5)):
        raise_decision(kind=REQUEST, title="Orphan", owner_role=Role.HR, due_at=MONDAY_NOON)
    mail.outbox.clear()

    _sweep_at(MONDAY_NOON + timedelta(hours=1))
    _sweep_at(MONDAY_NOON + timedelta(hours=2))

    assert [m.to for m in mail.outbox] == [[admin.email]]


def test_a_role_owned_decision_escalates_to_the_admins(owner, settings):
    settings.ESCALATE_AFTER_BUSINESS_DAYS = 1
    admin = UserFactory(username="admin1", roles=[Role.ADMIN])
    with time_machine.travel(datetime(2027, 1, 4, 9, 0, tzinfo=TORONTO)):
        raise_decision(
            kind=REQUEST,
            title="Queue",
            owner_role=Role.FINANCE,
            due_at=datetime(2027, 1, 8, 17, 0, tzinfo=TORONTO),
        )
    mail.outbox.clear()

    _sweep_at(datetime(2027, 1, 12, 9, 0, tzinfo=TORONTO))

    assert sorted(m.to[0] for m in mail.outbox) == [admin.email, "owner@example.com"]


def test_a_reminder_queued_before_its_decision_closed_is_not_sent(owner):
    decision = _decision(owner, MONDAY_NOON - timedelta(hours=2))
    mail.outbox.clear()

    with time_machine.travel(MONDAY_NOON), committed():
        sweep_decisions()
        resolve_decision(decision=decision, outcome=Outcome.DONE, by=owner)  # before the sweep's commit

    assert mail.outbox == []
    assert not Notification.objects.filter(message__startswith="Overdue").exists()
