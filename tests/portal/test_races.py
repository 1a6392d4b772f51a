"""Two people taking the same decision at the same instant: exactly one wins (PostgreSQL row locks)."""

import pytest

from portal.choices import REQUEST, Outcome, Role
from portal.exceptions import DecisionError
from portal.models import Decision
from portal.services.decisions import raise_decision, resolve_decision
from tests.concurrency import race
from tests.factories import UserFactory

TRIALS = 20
RACERS = 8


def _take(decision_id):
    def take(user):
        resolve_decision(decision=Decision.objects.get(pk=decision_id), outcome=Outcome.DONE, by=user)

    return take


@pytest.mark.django_db(transaction=True)
def test_a_role_owned_decision_raced_by_its_members_is_taken_once(requires_postgresql):
    members = [UserFactory(username=f"fin{i}", roles=[Role.FINANCE]) for i in range(RACERS)]

    duplicates = 0
    for trial in range(TRIALS):
        decision = raise_decision(kind=REQUEST, title=f"Race {trial}", owner_role=Role.FINANCE)
        results, reasons = race(_take(decision.pk), members, losing=DecisionError)
        assert all("already closed" in reason for reason in reasons), reasons
        decision.refresh_from_db()
        assert sorted(results) == ["lost"] * (RACERS - 1) + ["won"]
        duplicates += results.count("won") - 1
        # One resolution in history, by whoever won.
        assert decision.history.filter(history_change_reason="portal.decision.resolved").count() == 1
    assert duplicates == 0
