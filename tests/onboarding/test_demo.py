"""The pre-boarding demo seeded by `seed_demo`: the IT and facilities logins; upcoming starts with cases in
every state (one at risk, one whose start moved, one confirmed, a no-show on an agency hire within its
guarantee, a withdrawal); tasks in every status; background checks in several; the contractors who started
over the year confirmed; nothing in the future; a second run adds nothing.

The demo is seeded once for the module, at the run's frozen instant (`make test-dates` moves it across a
year end, 29 February and the daylight-saving changes), inside a transaction rolled back at the end; each
test runs in a savepoint of it."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from candidates.choices import ApplicationStatus, StageKind
from offers.models import Offer
from onboarding.choices import (
    FACILITIES,
    IT,
    OPEN_TASK,
    RISK_BUSINESS_DAYS,
    RISK_HORIZON_DAYS,
    TASK_STATUS_NEEDS_REASON,
    CaseStatus,
    CheckStatus,
    StartChangeKind,
    TaskKind,
    TaskStatus,
)
from onboarding.models import BackgroundCheck, PreboardingCase, PreboardingTask, StartChange
from onboarding.selectors import upcoming_risks
from portal.choices import CostKind, DecisionStatus, Role
from portal.demo import DEMO_PASSWORD, demo_people
from portal.models import CostEvent, Decision, Holiday, User
from portal.services.ledger import first_of_month
from requisitions.choices import Status
from tests import clock
from vendors.choices import GUARANTEE_KIND, PlacementStatus
from vendors.models import Placement

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("onboarding_demo")]


def _seed():
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """seed_demo once for the module, rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(clock.instant(), tick=False):
            _seed()
        yield
        transaction.set_rollback(True)


def _case(status, **filters) -> PreboardingCase:
    cases = PreboardingCase.objects.filter(status=status, **filters).select_related("application__stage", "offer")
    assert cases.exists(), f"no {status} case"
    return cases.first()


def _task(case, kind) -> PreboardingTask:
    return case.tasks.get(kind=kind)


def test_it_and_facilities_logins_are_listed_and_have_work(demo, client):
    people = {person.username: person for person in demo_people()}
    assert people["it"].roles == (IT,) and people["facilities"].roles == (FACILITIES,)
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    listed = out.getvalue()
    assert "Kai Nakamura, IT Support Lead [IT]" in listed
    assert "Noor Haddad, Workplace Coordinator [Facilities]" in listed

    for username in ("it", "facilities"):
        assert User.objects.get(username=username).roles == {people[username].roles[0]}
        client.logout()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True)
        assert response.resolver_match.view_name == "portal:my_work", username
        assert response.context["counts"]["total"] >= 1, f"{username} has an empty My work"
        response = client.get("/onboarding/my-tasks/")
        assert response.status_code == 200
        assert response.context["open_tasks"], f"{username} has no open pre-boarding task"


def test_cases_in_every_state_and_upcoming_starts(demo):
    today = clock.today()
    assert set(PreboardingCase.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    # Every open case starts after today (the contractors who started were confirmed), most within the
    # risk page's horizon; each has its tasks.
    open_cases = PreboardingCase.objects.filter(status=CaseStatus.OPEN)
    assert open_cases.count() >= 4
    assert not open_cases.filter(planned_start__lte=today).exists()
    horizon = today + timedelta(days=RISK_HORIZON_DAYS)
    assert open_cases.filter(planned_start__lte=horizon).count() >= 3
    assert not PreboardingCase.objects.filter(tasks__isnull=True).exists()
    # A case opened today with nothing done yet, and one under way.
    assert any(all(t.status == TaskStatus.TODO for t in case.tasks.all()) for case in open_cases)
    assert open_cases.filter(tasks__status=TaskStatus.DONE).count() >= 2

    # The contractors' cases: started on the engagement's first day.
    contractors = PreboardingCase.objects.filter(engagement__isnull=False)
    assert contractors.count() >= 3
    assert set(contractors.values_list("status", flat=True)) == {CaseStatus.STARTED}
    assert all(case.confirmed_start == case.planned_start for case in contractors)


def test_tasks_in_every_status_with_their_reasons_and_costs(demo):
    tasks = PreboardingTask.objects.all()
    assert set(tasks.values_list("status", flat=True)) == set(TaskStatus.values)
    for task in tasks.filter(status__in=TASK_STATUS_NEEDS_REASON):
        assert task.status_reason.strip(), f"{task} ({task.status}) has no reason"
    for task in tasks.exclude(status__in=OPEN_TASK):
        assert task.completed_at is not None and not task.decision.is_open, task
    for task in tasks.filter(status__in=OPEN_TASK):
        assert task.decision.is_open, task
    # Done at what it cost: the actual is in the ledger and the forecast reversed.
    costed = tasks.filter(status=TaskStatus.DONE, kind=TaskKind.EQUIPMENT, actual_cost__gt=0)
    assert costed.count() >= 3
    for task in costed:
        events = CostEvent.objects.for_source(task)
        actual = events.filter(kind=CostKind.ACTUAL).outstanding()
        assert [e.amount for e in actual] == [task.actual_cost], task
        assert not events.filter(kind=CostKind.FORECAST).outstanding().exists(), task
    assert tasks.filter(status=TaskStatus.DONE, actual_cost__isnull=False).exclude(actual_cost=0).exists()
    blocked = tasks.get(status=TaskStatus.BLOCKED)
    assert blocked.blocks_start and "backorder" in blocked.status_reason
    assert tasks.filter(status=TaskStatus.WAIVED, blocks_start=True).exists()


def test_background_checks_in_several_statuses(demo):
    statuses = set(BackgroundCheck.objects.values_list("status", flat=True))
    wanted = {
        CheckStatus.NOT_STARTED,
        CheckStatus.REQUESTED,
        CheckStatus.IN_PROGRESS,
        CheckStatus.REVIEW_NEEDED,
        CheckStatus.CLEAR,
    }
    assert wanted <= statuses
    for check in BackgroundCheck.objects.exclude(status=CheckStatus.NOT_STARTED):
        assert check.provider and check.package and check.external_ref and check.requested_at, check
    for check in BackgroundCheck.objects.filter(status=CheckStatus.CLEAR):
        assert check.report == "" and check.decided_on is not None  # reduced to outcome and date
        assert check.task.status == TaskStatus.DONE
    review = BackgroundCheck.objects.get(status=CheckStatus.REVIEW_NEEDED)
    assert review.report  # kept until the decision


def test_one_start_is_at_risk(demo):
    today = clock.today()
    hr = User.objects.get(username="hr")
    risks = upcoming_risks(hr, today=today)
    red = [risk for risk in risks if risk.at_risk]
    assert len(red) == 1, [(r.case.candidate, r.earliest_start, r.case.planned_start) for r in red]
    risk = red[0]
    assert risks[0] is risk  # worst first
    assert risk.blocking_open and 0 < risk.business_days_to_start <= RISK_BUSINESS_DAYS
    assert risk.earliest_start > risk.case.planned_start
    case = risk.case
    assert _task(case, TaskKind.EQUIPMENT).status == TaskStatus.BLOCKED
    assert BackgroundCheck.objects.get(task__case=case).status == CheckStatus.REVIEW_NEEDED
    assert case.work_email


def test_one_start_moved_with_its_reason(demo):
    change = StartChange.objects.get(kind=StartChangeKind.MOVED)
    case = change.case
    assert change.reason.strip() and change.by is not None
    assert case.status == CaseStatus.OPEN
    assert (change.from_date, change.to_date) == (case.original_start, case.planned_start)
    assert case.planned_start > case.original_start and case.slip_days > 0
    # The tasks anchored to the start moved with it; the committed pay starts in the new start's month.
    assert _task(case, TaskKind.POLICIES).due_date == case.planned_start
    committed = CostEvent.objects.for_source(case.offer).outstanding().filter(kind=CostKind.COMMITTED)
    assert min(committed.values_list("month", flat=True)) == first_of_month(case.planned_start)
    # Waived by HR and not applicable, each with its reason.
    assert _task(case, TaskKind.WORK_ELIGIBILITY).status == TaskStatus.WAIVED
    assert _task(case, TaskKind.REFERENCE_CHECK).status == TaskStatus.NOT_APPLICABLE


def test_one_start_confirmed_makes_the_hire(demo):
    case = _case(CaseStatus.STARTED, offer__isnull=False)
    assert case.confirmed_start is not None and case.confirmed_start < clock.today()
    assert case.application.stage.kind == StageKind.HIRED
    assert case.application.status == ApplicationStatus.HIRED
    assert not case.tasks.filter(blocks_start=True).exclude(status__in=[TaskStatus.DONE, TaskStatus.WAIVED]).exists()
    change = StartChange.objects.get(case=case, kind=StartChangeKind.CONFIRMED)
    assert change.by.has_role(Role.HIRING_MANAGER)


def test_a_no_show_on_an_agency_hire_within_its_guarantee(demo):
    case = _case(CaseStatus.NO_SHOW)
    placement = Placement.objects.get(offer=case.offer)
    assert placement.status == PlacementStatus.REPLACED
    change = StartChange.objects.get(case=case, kind=StartChangeKind.NO_SHOW)
    assert case.planned_start < timezone.localdate(change.at) <= placement.guarantee_until
    decision = Decision.objects.get(kind=GUARANTEE_KIND, key=f"placement:{placement.pk}:guarantee")
    assert decision.status == DecisionStatus.OPEN and decision.owner_role == Role.FINANCE
    # The hire is reversed: the application closed, the commitments reversed, the opening free again.
    assert case.application.status != ApplicationStatus.ACTIVE
    assert not CostEvent.objects.for_source(case.offer).outstanding().filter(kind=CostKind.COMMITTED).exists()
    assert case.requisition.status == Status.OPEN and case.requisition.openings_left >= 1
    assert not case.tasks.filter(status__in=OPEN_TASK).exists()
    assert case.tasks.filter(status=TaskStatus.CANCELLED).exists()


def test_a_withdrawal_before_the_start(demo):
    case = _case(CaseStatus.WITHDRAWN)
    assert case.application.status == ApplicationStatus.WITHDRAWN
    assert case.status_note and StartChange.objects.filter(case=case, kind=StartChangeKind.WITHDRAWN).exists()
    assert set(case.tasks.filter(status__in=OPEN_TASK)) == set()


def test_nothing_in_the_future_and_no_task_due_on_a_day_off(demo):
    now = clock.now()
    holidays = set(Holiday.objects.values_list("date", flat=True))
    stamps = [
        *PreboardingCase.objects.values_list("created_at", flat=True),
        *PreboardingCase.objects.exclude(closed_at=None).values_list("closed_at", flat=True),
        *PreboardingCase.history.values_list("history_date", flat=True),
        *PreboardingTask.objects.exclude(completed_at=None).values_list("completed_at", flat=True),
        *PreboardingTask.history.values_list("history_date", flat=True),
        *BackgroundCheck.objects.exclude(requested_at=None).values_list("requested_at", flat=True),
        *StartChange.objects.values_list("at", flat=True),
        *Offer.objects.exclude(responded_at=None).values_list("responded_at", flat=True),
        *CostEvent.objects.values_list("recorded_at", flat=True),
    ]
    assert [stamp for stamp in stamps if stamp > now] == []
    due = set(PreboardingTask.objects.values_list("due_date", flat=True))
    assert sorted(day for day in due if day.weekday() >= 5 or day in holidays) == []
    assert not BackgroundCheck.objects.filter(decided_on__gt=clock.today()).exists()


def test_the_pages_show_the_demo(demo, client):
    client.force_login(User.objects.get(username="hr"))
    response = client.get("/onboarding/")
    assert response.status_code == 200
    assert response.context["at_risk"] == 1
    for case in PreboardingCase.objects.all():
        assert client.get(case.get_absolute_url()).status_code == 200, case.reference


def test_a_second_run_adds_nothing(demo):
    def counts():
        models = [PreboardingCase, PreboardingTask, BackgroundCheck, StartChange, Decision, CostEvent, User, Offer]
        return {model.__name__: model.objects.count() for model in models}

    first = counts()
    with time_machine.travel(clock.instant(), tick=False):
        _seed()
    assert counts() == first
