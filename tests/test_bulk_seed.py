"""seed_demo --scale N: the volume layer written in bulk, its counts and the pipeline's invariants."""

import io
import statistics
from collections import defaultdict
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from candidates.bulk import APPLICATIONS, CANDIDATES, TRANSITIONS
from candidates.models import Activity, Application, Candidate, StageTransition
from candidates.selectors import applications_for_user, board
from candidates.services import email_key, phone_key
from portal.models import Decision, User
from requisitions.bulk import UNIT
from requisitions.choices import Status
from requisitions.models import Requisition
from requisitions.selectors import requisitions_for_user

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 9, 30, tzinfo=timezone.get_default_timezone())


def _seed(**options):
    call_command("seed_demo", stdout=io.StringIO(), **options)


@pytest.fixture
def scaled():
    with time_machine.travel(NOW, tick=False):
        _seed(scale=2)
        yield


def test_scale_two_seeds_two_units_of_everything_in_bulk(scaled):
    assert Requisition.objects.count() == 2 * UNIT == 82
    assert Candidate.objects.count() == 2 * CANDIDATES == 3_280
    assert Application.objects.count() == 2 * APPLICATIONS == 4_100
    assert StageTransition.objects.count() == 2 * TRANSITIONS == 24_600
    assert Decision.objects.filter(key__startswith="demo:bulk:").count() == 15

    _seed(scale=2)  # again: nothing new
    assert Requisition.objects.count() == 2 * UNIT
    assert Application.objects.count() == 2 * APPLICATIONS
    assert StageTransition.objects.count() == 2 * TRANSITIONS


def test_volume_applications_agree_with_their_transitions(scaled):
    volume = Application.objects.filter(candidate__email__endswith="@volume.example")
    assert volume.count() > 3_000
    steps = defaultdict(list)
    for row in StageTransition.objects.filter(application__in=volume).values_list(
        "application_id", "id", "at", "from_stage_id", "to_stage_id", "status", "reason_id"
    ):
        steps[row[0]].append(row[1:])
    touched = dict(Activity.objects.filter(application__in=volume).values_list("application_id", "at"))
    fields = ["id", "stage_id", "status", "disposition_id", "stage_entered_at", "applied_at", "last_activity_at"]
    fields += ["candidate__created_at", "requisition__status", "requisition__opened_at"]
    for app in volume.values(*fields):
        rows = sorted(steps[app["id"]])  # by id
        times = [at for _, at, *_ in rows]
        assert times == sorted(times) and len(set(times)) == len(times), app["id"]  # in time order
        _, first_at, first_from, *_ = rows[0]
        assert first_from is None and first_at == app["applied_at"]
        _, last_at, _, last_to, last_status, last_reason = rows[-1]
        assert (last_to, last_status, last_reason) == (app["stage_id"], app["status"], app["disposition_id"])
        moves = [at for _, at, frm, to, *_ in rows if frm != to]
        assert app["stage_entered_at"] == moves[-1]
        assert app["last_activity_at"] == max(last_at, touched.get(app["id"], last_at))
        assert app["candidate__created_at"] <= app["applied_at"]
        assert app["requisition__opened_at"] <= app["applied_at"] <= app["last_activity_at"] <= NOW
        if app["status"] in ("rejected", "withdrawn"):
            assert app["disposition_id"] is not None
        else:
            assert app["disposition_id"] is None
        if app["requisition__status"] == Status.FILLED:
            assert app["status"] != "active"
        else:
            assert app["requisition__status"] in (Status.OPEN, Status.ON_HOLD) and app["status"] != "hired"
    pairs = volume.values("candidate", "requisition").annotate(n=Count("id")).filter(n__gt=1)
    assert not pairs.exists()
    for req in Requisition.objects.filter(status=Status.FILLED).annotate(
        hired=Count("applications", filter=Q(applications__status="hired"))
    ):
        assert req.hires == req.hired <= req.openings

    _volume_candidates_requisitions_and_who_sees_them()
    _the_largest_board_capped_per_column()


def _the_largest_board_capped_per_column():
    """board(per_column=N) shows each column's first N cards of the full board and counts the rest."""
    active = Count("applications", filter=Q(applications__status="active"))
    largest = Requisition.objects.annotate(n=active).order_by("-n").first()
    full, capped = board(largest, largest.recruiter), board(largest, largest.recruiter, per_column=3)
    for whole, part in zip(full, capped, strict=True):
        assert [c.pk for c in part["cards"]] == [c.pk for c in whole["cards"]][:3]
        assert len(part["cards"]) + part["more"] == len(whole["cards"])
    assert sum(column["more"] for column in capped) > 0


def _volume_candidates_requisitions_and_who_sees_them():
    for candidate in Candidate.objects.filter(email__endswith="@volume.example"):
        assert candidate.email_key == email_key(candidate.email)
        assert candidate.phone_key == phone_key(candidate.phone)
    phones = Candidate.objects.exclude(phone_key="").values("phone_key")
    assert not phones.annotate(n=Count("id")).filter(n__gt=1).exists()

    volume = Requisition.objects.filter(title__endswith=")")
    assert volume.count() == UNIT * 2 - UNIT
    assert volume.filter(status=Status.OPEN).count() > volume.count() / 2
    for req in volume:
        assert req.created_at <= (req.submitted_at or req.created_at) <= (req.approved_at or NOW) <= NOW
        assert req.cost_max is not None and req.hiring_plan_id is not None
    # The runners see theirs through object permissions: the demo logins have a share of the volume.
    recruiter = User.objects.get(username="recruiter")
    mine = requisitions_for_user(recruiter).filter(pk__in=volume.values("pk"))
    assert set(mine.values_list("pk", flat=True)) >= set(
        volume.filter(recruiter=recruiter).values_list("pk", flat=True)
    )
    assert mine.exists()
    assert applications_for_user(recruiter).count() > 200
    # Demand is skewed: the largest requisition has many times the typical one's applications.
    sizes = sorted(volume.annotate(n=Count("applications")).filter(n__gt=0).values_list("n", flat=True))
    assert sizes[-1] > 3 * statistics.median(sizes)
    # The organisation's other people run the rest; they cannot sign in.
    others = User.objects.filter(username__startswith="volume.")
    assert others.count() >= 2 and not any(u.has_usable_password() for u in others)
