import io
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from portal.demo import DEMO_PASSWORD, PEOPLE
from portal.models import CompBand, CostCenter, Decision, HiringPlan, Holiday, User

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 9, 30, tzinfo=timezone.get_default_timezone())


def _seed(**options):
    call_command("seed_demo", stdout=io.StringIO(), **options)


def _snapshot():
    return {
        "users": sorted(User.objects.values_list("username", "manager__username")),
        "decisions": sorted(
            Decision.objects.values_list("key", "title", "owner__username", "owner_role", "due_at", "status")
        ),
        "plans": sorted(HiringPlan.objects.values_list("period", "cost_center__code", "approved_headcount")),
        "bands": CompBand.objects.count(),
    }


class Rollback(Exception):
    pass


@time_machine.travel(NOW, tick=False)
def test_seed_demo_is_idempotent():
    _seed()
    first = _snapshot()
    histories = Decision.history.count()

    _seed()

    assert _snapshot() == first
    assert Decision.history.count() == histories


@time_machine.travel(NOW, tick=False)
def test_seed_demo_is_deterministic_for_a_seed():
    snapshots = []
    for _ in range(2):
        try:
            with transaction.atomic():
                _seed(seed=7, scale=2)
                snapshots.append(_snapshot())
                raise Rollback
        except Rollback:
            pass
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]["decisions"]) > 30  # scale 2 adds a round of generated requests


def test_seed_demo_refuses_a_scale_below_one():
    from django.core.management.base import CommandError

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


@time_machine.travel(NOW, tick=False)
def test_demo_data_covers_the_reference_tables_and_overdue_work():
    _seed()

    assert CostCenter.objects.count() == 5
    assert Holiday.objects.filter(date__year=2027).count() >= 9
    assert Decision.objects.overdue().count() >= 3
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="hiring_manager").manager.username == "director"
