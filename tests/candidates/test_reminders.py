"""Stuck-candidate digests: once per application and threshold however often the job runs; catch-up;
a new stall after a touch is new. Weekly summaries: once a week per hiring manager."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from candidates.models import StuckReminder
from candidates.services import apply, create_candidate, log_activity
from candidates.tasks import send_stuck_digests, send_weekly_summaries
from portal.models import Notification
from tests.commit import committed

pytestmark = pytest.mark.django_db


@pytest.fixture
def stalled(open_requisition, recruiter):
    """Two applications owned by the requisition's recruiter, applied now (so idle from now on)."""
    owner = open_requisition.recruiter
    apps = []
    for name in ("Ada", "Grace"):
        candidate = create_candidate(by=recruiter, first_name=name, last_name="Test")
        apps.append(apply(candidate=candidate, requisition=open_requisition, by=recruiter, owner=owner))
    return apps


def _run(days, job=send_stuck_digests):
    with time_machine.travel(timezone.now() + timedelta(days=days)), committed():
        return job()


def test_a_digest_is_sent_once_per_application_and_threshold_however_often_the_job_runs(stalled):
    owner = stalled[0].owner
    mail.outbox.clear()

    assert _run(6) == 0
    assert [_run(8), _run(8), _run(9)] == [2, 0, 0]
    assert [_run(15), _run(15)] == [2, 0]

    assert [m.to for m in mail.outbox] == [[owner.email], [owner.email]]
    assert "2 candidates need a follow-up" in mail.outbox[0].subject
    assert "Ada Test" in mail.outbox[0].body and "no activity for 7+ days" in mail.outbox[0].body
    assert "no activity for 14+ days" in mail.outbox[1].body
    assert sorted(StuckReminder.objects.values_list("threshold", flat=True)) == [7, 7, 14, 14]
    assert Notification.objects.filter(user=owner, url__contains="flag=stuck_7").count() == 1


def test_a_missed_week_catches_up_with_the_highest_threshold_only(stalled):
    mail.outbox.clear()

    assert _run(20) == 2
    assert _run(21) == 0
    assert sorted(StuckReminder.objects.values_list("threshold", flat=True)) == [14, 14]
    assert "7+ days" not in mail.outbox[0].body


def test_a_touch_ends_a_stall_and_a_later_one_is_reported_again(stalled):
    ada = stalled[0]
    _run(8)
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        log_activity(application=ada, kind="call", body="Reached her.", by=ada.owner)

    assert _run(12) == 0  # Grace already reported at 7; Ada touched on day 9
    assert _run(17) == 2  # Ada stalled again for 8 days (a new stall), Grace reached 14


def test_closed_applications_and_requisitions_not_open_are_not_reported(stalled, hm):
    from candidates.models import ReasonCode
    from candidates.services import close_application
    from requisitions.choices import Action
    from requisitions.services import move_requisition

    close_application(application=stalled[0], reason=ReasonCode.objects.get(code="skill_gap"), by=stalled[0].owner)
    assert _run(8) == 1
    move_requisition(requisition=stalled[1].requisition, action=Action.HOLD, by=hm, note="Budget review.")
    assert _run(16) == 0


def test_each_hiring_manager_gets_one_summary_a_week(stalled, hm):
    mail.outbox.clear()

    assert [_run(1, send_weekly_summaries), _run(1, send_weekly_summaries)] == [1, 0]
    assert _run(8, send_weekly_summaries) == 1

    assert [m.to for m in mail.outbox] == [[hm.email], [hm.email]]
    assert "2 active, 2 new this week, 0 stuck" in mail.outbox[0].body
    assert "2 active, 0 new this week, 2 stuck" in mail.outbox[1].body
