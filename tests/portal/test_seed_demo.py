import io
import re
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from portal.demo import DEMO_PASSWORD, PEOPLE
from portal.models import CostCenter, Decision, Holiday, User
from requisitions.choices import Status
from requisitions.demo import NEEDS
from requisitions.models import Requisition

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 9, 30, tzinfo=timezone.get_default_timezone())


def _seed(**options):
    call_command("seed_demo", stdout=io.StringIO(), **options)


def _sorted(rows):
    return sorted(rows, key=lambda row: tuple("" if value is None else str(value) for value in row))


def _snapshot():
    """What the seeder made, without database ids (PostgreSQL does not reuse them after a rollback)."""
    decisions = Decision.objects.values_list("kind", "title", "owner__username", "owner_role", "due_at", "status")
    return {
        "users": _sorted(User.objects.values_list("username", "manager__username")),
        "decisions": _sorted((kind, re.sub(r"REQ-\d+", "REQ", title), *rest) for kind, title, *rest in decisions),
        "requisitions": _sorted(
            Requisition.objects.values_list("title", "status", "openings", "cost_max", "created_at", "approved_at")
        ),
        "history": Decision.history.count() + Requisition.history.count(),
    }


class Rollback(Exception):
    pass


@time_machine.travel(NOW, tick=False)
def test_seed_demo_is_deterministic_idempotent_and_scales():
    try:
        with transaction.atomic():
            _seed(seed=7)
            first = _snapshot()
            raise Rollback
    except Rollback:
        pass
    _seed(seed=7)
    assert _snapshot() == first

    _seed(seed=7)  # again: nothing new
    assert _snapshot() == first

    _seed(seed=7, scale=2)  # a second round of generated volume, the first left as it is
    assert Requisition.objects.count() == 2 * len(NEEDS)
    assert Decision.objects.filter(key__startswith="demo:bulk:").count() > 0


def test_seed_demo_refuses_a_scale_below_one():
    with pytest.raises(CommandError, match="--scale"):
        _seed(scale=0)


@time_machine.travel(NOW, tick=False)
def test_every_demo_login_lands_on_my_work_with_something_to_do(client):
    _seed()

    for person in PEOPLE:
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": person.username, "password": DEMO_PASSWORD}, follow=True
        )
        assert response.status_code == 200, person.username
        assert response.resolver_match.view_name == "portal:my_work", person.username
        assert response.context["counts"]["total"] >= 1, f"{person.username} has an empty My work"

    # Reference data, overdue work, and requisitions in every status with chains in flight.
    assert CostCenter.objects.count() == 5
    assert Holiday.objects.filter(date__year=2027).count() >= 9
    assert Decision.objects.overdue().count() >= 3
    assert set(Requisition.objects.values_list("status", flat=True)) == set(Status.values)
    assert Decision.objects.open().filter(kind="requisition_approval").count() >= 5
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="hiring_manager").manager.username == "director"
