"""Two people taking the same decision at the same instant: exactly one wins (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from portal.choices import DecisionKind, Outcome, Role
from portal.exceptions import DecisionError
from portal.models import Decision
from portal.services.decisions import raise_decision, resolve_decision
from tests.factories import UserFactory

TRIALS = 20
RACERS = 8


def _race(decision_id, users):
    barrier = threading.Barrier(len(users))
    results = []
    lock = threading.Lock()

    def take(user):
        try:
            barrier.wait()
            resolve_decision(decision=Decision.objects.get(pk=decision_id), outcome=Outcome.DONE, by=user)
            outcome = "won"
        except DecisionError as exc:
            outcome = "lost" if "already closed" in str(exc) else f"refused: {exc}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=take, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_a_role_owned_decision_raced_by_its_members_is_taken_once(requires_postgresql):
    members = [UserFactory(username=f"fin{i}", roles=[Role.FINANCE]) for i in range(RACERS)]

    duplicates = 0
    for trial in range(TRIALS):
        decision = raise_decision(kind=DecisionKind.REQUEST, title=f"Race {trial}", owner_role=Role.FINANCE)
        results = _race(decision.pk, members)
        decision.refresh_from_db()
        assert sorted(results) == ["lost"] * (RACERS - 1) + ["won"]
        duplicates += results.count("won") - 1
        # One resolution in history, by whoever won.
        assert decision.history.filter(history_change_reason="portal.decision.resolved").count() == 1
    assert duplicates == 0
