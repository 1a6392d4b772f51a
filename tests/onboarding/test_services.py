"""onboarding.services, behaviour by behaviour: the case an accepted offer opens (its dated tasks, their
owners and their forecasts), working the tasks and background checks, the start-date risk, moving the
start (tasks and committed pay follow it), confirming it (the only way to Hired), a no-show that reverses
the hire, and the hiring manager's digest before a start."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from candidates.choices import ApplicationStatus, StageKind
from candidates.models import ReasonCode, Source, Stage
from candidates.services import PipelineError, apply, create_candidate, move_application
from offers.choices import OfferStatus
from offers.models import Offer
from offers.services import accept_offer
from offers.signals import offer_accepted
from onboarding import services
from onboarding.choices import (
    FACILITIES,
    IT,
    TASK_KIND,
    CaseStatus,
    CheckStatus,
    OwnerRule,
    StartChangeKind,
    TaskKind,
    TaskStatus,
)
from onboarding.defaults import EMPLOYEE_TASKS
from onboarding.models import (
    BackgroundCheck,
    ChecklistTemplate,
    PreboardingCase,
    PreboardingTask,
    StartChange,
    StartDigest,
    TemplateTask,
)
from onboarding.schedule import BusinessCalendar
from onboarding.selectors import risk_of, upcoming_risks
from onboarding.services import (
    OnboardingError,
    confirm_start,
    earliest_feasible_start,
    earliest_start_for,
    end_before_start,
    move_start,
    record_check_result,
    request_check,
    resolve_owner,
    send_start_digests,
    set_task_due,
    set_work_email,
    template_for,
    template_problems,
    update_task,
)
from portal.choices import CostCategory, CostKind, DecisionStatus, Outcome, Role
from portal.models import CostEvent, Decision, Holiday, Notification
from requisitions.choices import Action, Status
from requisitions.permissions import actions_from, allowed_actions
from requisitions.services import (
    RequisitionError,
    approve_requisition,
    create_requisition,
    move_requisition,
    submit_requisition,
)
from tests import clock
from tests.commit import committed
from tests.factories import DepartmentFactory, LocationFactory, UserFactory, requisition_fields
from tests.onboarding.conftest import extended_offer
from tests.vendors.conftest import approved_vendor, contract_requisition, plan_engagement, rate_card_for
from vendors.choices import GUARANTEE_KIND, PlacementStatus
from vendors.models import Placement
from vendors.services import start_engagement

pytestmark = pytest.mark.django_db

TZ = ZoneInfo(settings.TIME_ZONE)


# --- Helpers --------------------------------------------------------------------------------------------


@pytest.fixture
def case(accepted):
    return PreboardingCase.objects.get(offer=accepted)


def _task(case, kind) -> PreboardingTask:
    return case.tasks.select_related("decision__owner").get(kind=kind)


def _reason(code) -> ReasonCode:
    return ReasonCode.objects.get(code=code)


def _holidays() -> set[date]:
    return set(Holiday.objects.values_list("date", flat=True))


def _workday(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays()


def _after(day: date, n: int) -> date:
    """`n` business days after `day` (0: `day`, or the next business day), counted by hand."""
    while not _workday(day):
        day += timedelta(days=1)
    for _ in range(n):
        day += timedelta(days=1)
        while not _workday(day):
            day += timedelta(days=1)
    return day


def _before(day: date, n: int) -> date:
    counted = 0
    while counted < n:
        day -= timedelta(days=1)
        counted += _workday(day)
    return day


def _at(day: date, hour: int = 10) -> datetime:
    """A moment of `day` in the portal's time zone (for time_machine)."""
    return datetime.combine(day, time(hour), tzinfo=TZ)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(settings.BUSINESS_DAY_END_HOUR), tzinfo=TZ)


def _outstanding(source, kind):
    return CostEvent.objects.for_source(source).outstanding().filter(kind=kind)


def _sum(events) -> Decimal:
    # Summed here, not by the database: SQLite sums decimals as floats.
    return sum(events.values_list("amount", flat=True), Decimal(0))


def _net(source, kind) -> Decimal:
    # Summed here, not by the database: SQLite sums decimals as floats.
    return sum(CostEvent.objects.for_source(source).filter(kind=kind).values_list("amount", flat=True), Decimal(0))


def _ledger_total() -> Decimal:
    return sum(CostEvent.objects.values_list("amount", flat=True), Decimal(0))


def _committed_total() -> Decimal:
    return _sum(CostEvent.objects.filter(kind=CostKind.COMMITTED))


def _finish(task, by):
    """Mark `task` done as `by`, at its expected cost when it has one."""
    return update_task(task=task, status=TaskStatus.DONE, by=by, actual_cost=task.expected_cost)


def _clear_check(case, hr):
    check = BackgroundCheck.objects.get(task__case=case)
    request_check(check=check, provider="Sterling", package="Standard Canada", by=hr)
    return record_check_result(check=check, status=CheckStatus.CLEAR, by=hr)


def _settle_blocking(case, hr, *, leave=()):
    """Finish every blocking task of `case` but those of the kinds in `leave` (the check by its result)."""
    for task in case.tasks.open().filter(blocks_start=True).exclude(kind__in=leave):
        if task.kind == TaskKind.BACKGROUND_CHECK:
            _clear_check(case, hr)
        else:
            _finish(task, hr)


def _requisition(hm, director, recruiter, head, **fields):
    """Another open requisition run by `hm` and `recruiter` (the approval rules as open_requisition left them)."""
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter, **fields))
    req.department.head = head
    req.department.save()
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    req.refresh_from_db()
    return req


def _hire(req, recruiter, approvers, *, start, name, source="referral", **terms) -> Offer:
    """`name` accepts an offer on `req` starting on `start` (their case opens with it)."""
    candidate = create_candidate(by=recruiter, first_name=name, last_name="Hire", email=f"{name.lower()}@example.com")
    source = source if isinstance(source, Source) else Source.objects.get(code=source)
    application = apply(candidate=candidate, requisition=req, by=recruiter, source=source)
    expires = min(clock.today() + timedelta(days=7), start - timedelta(days=1))
    offer = extended_offer(application, recruiter, approvers, start_date=start, expires_on=expires, **terms)
    return accept_offer(offer=offer, by=recruiter)


# --- Opening the case -----------------------------------------------------------------------------------


def test_accepting_an_offer_opens_one_case_with_the_default_checklist_dated_in_business_days(case, accepted, hm):
    version = accepted.current_version
    assert PreboardingCase.objects.count() == 1
    assert (case.application, case.candidate, case.requisition) == (
        accepted.application,
        accepted.application.candidate,
        accepted.requisition,
    )
    assert (case.template.name, case.status, case.equipment_profile) == (
        "Employees",
        CaseStatus.OPEN,
        "Standard laptop",
    )
    assert case.accepted_on == clock.today()
    assert case.planned_start == case.original_start == version.start_date
    assert (case.job_title, case.currency, case.location) == (version.title, "CAD", version.location)

    tasks = {task.kind: task for task in case.tasks.select_related("decision").prefetch_related("waits_on")}
    assert sorted(task.title for task in tasks.values()) == sorted(row[1] for row in EMPLOYEE_TASKS)

    accepted_on, start = case.accepted_on, case.planned_start
    contract = _after(accepted_on, 2)
    accounts = max(_before(start, 2), _after(contract, 2))
    expected = {
        TaskKind.CONTRACT_SIGNATURE: contract,
        TaskKind.BACKGROUND_CHECK: max(_after(accepted_on, 10), _after(contract, 7)),
        TaskKind.WORK_ELIGIBILITY: max(_before(start, 5), _after(contract, 2)),
        TaskKind.REFERENCE_CHECK: _after(accepted_on, 5),
        TaskKind.EQUIPMENT: max(_before(start, 3), _after(contract, 5)),
        TaskKind.ACCOUNTS: accounts,
        TaskKind.WORKSPACE: _before(start, 2),
        TaskKind.POLICIES: max(_after(start, 0), _after(accounts, 1)),
        TaskKind.FIRST_DAY: _before(start, 2),
    }
    assert {kind: task.due_date for kind, task in tasks.items()} == expected
    for task in tasks.values():
        assert _workday(task.due_date), f"{task.title} falls due on a day off ({task.due_date})"
        for earlier in task.waits_on.all():
            assert task.due_date >= earlier.due_date, f"{task.title} is due before {earlier.title}, which it waits on"
        decision = task.decision
        assert (decision.kind, decision.status, decision.subject) == (TASK_KIND, DecisionStatus.OPEN, task)
        assert decision.due_at == _end_of(task.due_date)
    assert {kind for kind, task in tasks.items() if task.blocks_start} == {
        TaskKind.CONTRACT_SIGNATURE,
        TaskKind.BACKGROUND_CHECK,
        TaskKind.WORK_ELIGIBILITY,
        TaskKind.EQUIPMENT,
        TaskKind.ACCOUNTS,
    }


def test_each_task_is_owned_by_its_role_or_by_the_person_running_the_requisition(case, hm, recruiter):
    owners = {
        task.kind: (task.decision.owner, task.decision.owner_role, task.owner_note)
        for task in case.tasks.select_related("decision__owner")
    }
    assert owners == {
        TaskKind.CONTRACT_SIGNATURE: (None, Role.HR, ""),
        TaskKind.BACKGROUND_CHECK: (None, Role.HR, ""),
        TaskKind.WORK_ELIGIBILITY: (None, Role.HR, ""),
        TaskKind.REFERENCE_CHECK: (recruiter, "", ""),
        TaskKind.EQUIPMENT: (None, IT, ""),
        TaskKind.ACCOUNTS: (None, IT, ""),
        TaskKind.WORKSPACE: (None, FACILITIES, ""),
        TaskKind.POLICIES: (None, Role.HR, ""),
        TaskKind.FIRST_DAY: (hm, "", ""),
    }


def test_the_background_check_task_gets_its_check_and_no_other_task_does(case):
    check = BackgroundCheck.objects.get()
    assert check.task == _task(case, TaskKind.BACKGROUND_CHECK)
    assert (check.status, check.report, check.decided_on) == (CheckStatus.NOT_STARTED, "", None)


def test_holidays_are_skipped_when_the_tasks_are_dated(application, recruiter, hr, finance, head, it_person):
    offer = extended_offer(application, recruiter, [hr, finance, head])
    nominal = _after(clock.today(), 2)  # when the contract would be due without the holiday
    Holiday.objects.create(date=nominal, name="Civic holiday")
    accept_offer(offer=offer, by=recruiter)
    contract = _task(PreboardingCase.objects.get(offer=offer), TaskKind.CONTRACT_SIGNATURE)
    assert contract.due_date == _after(nominal + timedelta(days=1), 0) != nominal


def test_a_task_waiting_on_another_is_not_due_before_it_even_when_the_start_is_close(
    application, recruiter, hr, finance, head, it_person
):
    start = clock.today() + timedelta(days=3)
    offer = extended_offer(application, recruiter, [hr, finance, head], start_date=start, expires_on=clock.today())
    accept_offer(offer=offer, by=recruiter)
    case = PreboardingCase.objects.get(offer=offer)
    contract, accounts = _task(case, TaskKind.CONTRACT_SIGNATURE), _task(case, TaskKind.ACCOUNTS)
    # Two business days before the start would be before the contract it waits on is even signed.
    assert _before(start, 2) < contract.due_date
    assert accounts.due_date == _after(contract.due_date, 2)
    assert accounts.decision.due_at == _end_of(accounts.due_date)


def test_a_second_offer_accepted_signal_for_the_same_hire_creates_nothing(case, accepted, recruiter):
    counts = lambda: [  # noqa: E731
        model.objects.count() for model in (PreboardingCase, PreboardingTask, BackgroundCheck, Decision, CostEvent)
    ]
    before = counts()
    offer_accepted.send(sender=Offer, offer=accepted, version=accepted.current_version, by=recruiter)
    assert services.open_case_for_offer(offer=accepted, version=accepted.current_version, by=None) is None
    assert counts() == before


def test_the_case_opens_inside_the_acceptance_and_a_rolled_back_acceptance_leaves_none(
    application, recruiter, hr, finance, head
):
    offer = extended_offer(application, recruiter, [hr, finance, head])
    seen = []

    def fail_after_the_case(sender, offer, **kwargs):
        seen.append(PreboardingCase.objects.filter(offer=offer).exists())
        raise RuntimeError("something after the acceptance failed")

    offer_accepted.connect(fail_after_the_case, weak=False, dispatch_uid="test-onboarding-rollback")
    try:
        with pytest.raises(RuntimeError):
            accept_offer(offer=offer, by=recruiter)
    finally:
        offer_accepted.disconnect(dispatch_uid="test-onboarding-rollback")
    assert seen == [True]  # the case was there, in the acceptance's transaction
    assert not PreboardingCase.objects.exists() and not PreboardingTask.objects.exists()
    assert not BackgroundCheck.objects.exists()
    assert not Decision.objects.filter(kind=TASK_KIND).exists()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXTENDED


@pytest.fixture
def contractor_case(open_requisition, hm, director, recruiter, finance):
    """A contractor who started today on the one opening of a contract requisition (their case opens with it)."""
    req = contract_requisition(hm, director, recruiter, openings=1)
    supplier = approved_vendor(finance)
    card = rate_card_for(supplier, req, finance)
    worker = create_candidate(by=recruiter, first_name="Grace", last_name="Hopper", email="grace@example.com")
    engagement = plan_engagement(req, worker, supplier, card, recruiter, start=clock.today())
    start_engagement(engagement=engagement, by=recruiter)
    return PreboardingCase.objects.get(engagement=engagement)


def test_a_contractors_start_on_an_opening_opens_the_contractor_checklist_once(contractor_case):
    case, engagement = contractor_case, contractor_case.engagement
    assert (case.offer, case.template.name, case.planned_start) == (None, "Contractors", clock.today())
    assert case.tasks.count() == 4
    assert services.open_case_for_engagement(engagement=engagement, by=None) is None
    assert PreboardingCase.objects.count() == 1


# --- Owners ---------------------------------------------------------------------------------------------


def test_an_inactive_named_owner_falls_back_to_their_active_manager_then_to_hr(case, hm, director):
    hm.is_active = False
    hm.save()
    owner, role, note = resolve_owner(OwnerRule.HIRING_MANAGER, person=None, case=case)
    assert (owner, role) == (director, "")
    assert "inactive" in note and str(hm) in note and str(director) in note

    director.is_active = False
    director.save()
    case = PreboardingCase.objects.get(pk=case.pk)  # read the people again
    owner, role, note = resolve_owner(OwnerRule.HIRING_MANAGER, person=None, case=case)
    assert (owner, role) == (None, Role.HR)
    assert "no active manager" in note and "HR owns it" in note

    away = UserFactory(username="away", is_active=False, manager=UserFactory(username="boss", roles=[Role.HR]))
    owner, role, note = resolve_owner(OwnerRule.PERSON, person=away, case=case)
    assert (owner.username, role) == ("boss", "") and "inactive" in note

    assert resolve_owner(OwnerRule.IT, person=None, case=case) == (None, IT, "")


def test_a_requisition_without_a_recruiter_gives_the_recruiters_task_to_hr_and_says_so(case):
    case.requisition.recruiter = None
    owner, role, note = resolve_owner(OwnerRule.RECRUITER, person=None, case=case)
    assert (owner, role) == (None, Role.HR)
    assert note == "Nobody is named as the recruiter: HR owns it."


def test_a_named_owner_who_left_is_replaced_on_the_task_and_the_task_says_so(
    application, open_requisition, recruiter, hr, finance, head, director
):
    gone = UserFactory(username="gone", first_name="Gus", last_name="Gone", is_active=False, manager=director)
    template = ChecklistTemplate.objects.create(
        name="Backend, here",
        employment_type="full_time",
        location=open_requisition.location,
        department=open_requisition.department,
    )
    TemplateTask.objects.create(
        template=template, title="Walk-through", owner_rule=OwnerRule.PERSON, owner_person=gone, offset_days=-1
    )
    offer = extended_offer(application, recruiter, [hr, finance, head])
    accept_offer(offer=offer, by=recruiter)
    case = PreboardingCase.objects.get(offer=offer)
    assert case.template == template
    task = case.tasks.select_related("decision").get()
    assert task.decision.owner == director
    assert "inactive" in task.owner_note and str(gone) in task.owner_note
    assert task.decision.detail == task.owner_note


# --- Money ----------------------------------------------------------------------------------------------


def test_expected_task_costs_are_forecast_in_the_ledger_when_the_case_opens(case):
    req = case.requisition
    check, laptop = _task(case, TaskKind.BACKGROUND_CHECK), _task(case, TaskKind.EQUIPMENT)
    for task, amount, category in (
        (check, Decimal("85.00"), CostCategory.BACKGROUND_CHECK),
        (laptop, Decimal("2400.00"), CostCategory.EQUIPMENT),
    ):
        event = CostEvent.objects.for_source(task).get()
        assert (event.kind, event.amount, event.category) == (CostKind.FORECAST, amount, category)
        assert (event.month, event.need, event.cost_center) == (task.due_date.replace(day=1), req, req.cost_center)
    uncosted = case.tasks.exclude(pk__in=[check.pk, laptop.pk])
    assert not any(CostEvent.objects.for_source(task).filter(kind=CostKind.FORECAST).exists() for task in uncosted)


def test_completing_a_costed_task_records_the_actual_and_reverses_the_forecast(case, it_person):
    laptop = _task(case, TaskKind.EQUIPMENT)
    update_task(task=laptop, status=TaskStatus.DONE, by=it_person, actual_cost="2250.00")
    laptop.refresh_from_db()
    assert (laptop.status, laptop.actual_cost, laptop.completed_by) == (TaskStatus.DONE, Decimal("2250.00"), it_person)
    actual = _outstanding(laptop, CostKind.ACTUAL).get()
    assert (actual.amount, actual.category, actual.month) == (
        Decimal("2250.00"),
        CostCategory.EQUIPMENT,
        clock.today().replace(day=1),
    )
    assert not _outstanding(laptop, CostKind.FORECAST).exists()
    assert _net(laptop, CostKind.FORECAST) == 0


def test_a_costed_task_done_with_nothing_spent_records_no_actual(case, it_person):
    laptop = _task(case, TaskKind.EQUIPMENT)
    update_task(task=laptop, status=TaskStatus.DONE, by=it_person, actual_cost="0")
    laptop.refresh_from_db()
    assert laptop.actual_cost == 0
    assert not CostEvent.objects.for_source(laptop).filter(kind=CostKind.ACTUAL).exists()
    assert _net(laptop, CostKind.FORECAST) == 0


def test_a_costed_task_is_not_done_without_what_it_cost(case, it_person):
    laptop = _task(case, TaskKind.EQUIPMENT)
    with pytest.raises(OnboardingError, match="Enter what it cost"):
        update_task(task=laptop, status=TaskStatus.DONE, by=it_person)
    with pytest.raises(OnboardingError, match="Enter the cost as an amount"):
        update_task(task=laptop, status=TaskStatus.DONE, by=it_person, actual_cost="a lot")
    with pytest.raises(OnboardingError, match="between 0 and 100,000"):
        update_task(task=laptop, status=TaskStatus.DONE, by=it_person, actual_cost="-5")
    laptop.refresh_from_db()
    assert laptop.status == TaskStatus.TODO and laptop.decision.is_open
    assert _outstanding(laptop, CostKind.FORECAST).get().amount == Decimal("2400.00")


def test_a_task_made_not_applicable_reverses_its_forecast(case, it_person, hr):
    laptop = _task(case, TaskKind.EQUIPMENT)
    # The start waits for the laptop: its owner may not set it aside, only HR.
    with pytest.raises(OnboardingError, match="only HR sets it aside"):
        update_task(task=laptop, status=TaskStatus.NOT_APPLICABLE, by=it_person, reason="Brings their own laptop.")
    update_task(task=laptop, status=TaskStatus.NOT_APPLICABLE, by=hr, reason="Brings their own laptop.")
    laptop.refresh_from_db()
    assert (laptop.status, laptop.status_reason) == (TaskStatus.NOT_APPLICABLE, "Brings their own laptop.")
    assert _net(laptop, CostKind.FORECAST) == 0
    assert not CostEvent.objects.for_source(laptop).filter(kind=CostKind.ACTUAL).exists()


# --- Task statuses --------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [TaskStatus.BLOCKED, TaskStatus.NOT_APPLICABLE, TaskStatus.WAIVED])
def test_blocking_not_applicable_and_waived_need_a_reason(case, hr, status):
    task = _task(case, TaskKind.ACCOUNTS)
    with pytest.raises(OnboardingError, match="needs a reason"):
        update_task(task=task, status=status, by=hr, reason="   ")
    task.refresh_from_db()
    assert task.status == TaskStatus.TODO and task.decision.is_open


def test_a_blocked_task_keeps_its_reason_and_its_decision_open(case, it_person):
    task = _task(case, TaskKind.ACCOUNTS)
    update_task(task=task, status=TaskStatus.BLOCKED, by=it_person, reason="Waiting on the licence order.")
    task.refresh_from_db()
    assert (task.status, task.status_reason, task.decision.status) == (
        TaskStatus.BLOCKED,
        "Waiting on the licence order.",
        DecisionStatus.OPEN,
    )
    update_task(task=task, status=TaskStatus.IN_PROGRESS, by=it_person)
    task.refresh_from_db()
    assert (task.status, task.status_reason) == (TaskStatus.IN_PROGRESS, "")


def test_only_hr_waives_and_only_a_blocking_task(case, hr, it_person):
    accounts = _task(case, TaskKind.ACCOUNTS)
    with pytest.raises(OnboardingError, match="Only HR waives"):
        update_task(task=accounts, status=TaskStatus.WAIVED, by=it_person, reason="Not needed.")
    with pytest.raises(OnboardingError, match="Only HR waives"):
        update_task(task=_task(case, TaskKind.WORKSPACE), status=TaskStatus.WAIVED, by=hr, reason="Remote.")
    update_task(task=accounts, status=TaskStatus.WAIVED, by=hr, reason="Uses the shared kiosk for a week.")
    accounts.refresh_from_db()
    assert (accounts.status, accounts.completed_by) == (TaskStatus.WAIVED, hr)
    assert (accounts.decision.status, accounts.decision.outcome) == (DecisionStatus.DONE, Outcome.DONE)


def test_it_updates_its_own_tasks_and_facilities_cannot_update_its(case, it_person, facilities_person, hm):
    laptop = _task(case, TaskKind.EQUIPMENT)
    update_task(task=laptop, status=TaskStatus.IN_PROGRESS, by=it_person)
    laptop.refresh_from_db()
    assert laptop.status == TaskStatus.IN_PROGRESS
    for someone in (facilities_person, hm):
        with pytest.raises(OnboardingError, match="not yours"):
            update_task(task=laptop, status=TaskStatus.DONE, by=someone, actual_cost="2400")
    with pytest.raises(OnboardingError, match="not yours"):
        update_task(task=_task(case, TaskKind.WORKSPACE), status=TaskStatus.IN_PROGRESS, by=it_person)
    update_task(task=_task(case, TaskKind.WORKSPACE), status=TaskStatus.IN_PROGRESS, by=facilities_person)
    update_task(task=_task(case, TaskKind.FIRST_DAY), status=TaskStatus.DONE, by=hm)
    laptop.refresh_from_db()
    assert laptop.status == TaskStatus.IN_PROGRESS


def test_the_decision_closes_when_the_task_is_settled_and_a_settled_task_stays_so(case, it_person):
    accounts = _task(case, TaskKind.ACCOUNTS)
    update_task(task=accounts, status=TaskStatus.IN_PROGRESS, by=it_person)
    accounts.refresh_from_db()
    assert accounts.decision.is_open
    update_task(task=accounts, status=TaskStatus.DONE, by=it_person)
    accounts.refresh_from_db()
    decision = accounts.decision
    assert (decision.status, decision.outcome, decision.decided_by) == (DecisionStatus.DONE, Outcome.DONE, it_person)
    assert accounts.completed_at is not None
    with pytest.raises(OnboardingError):
        update_task(task=accounts, status=TaskStatus.TODO, by=it_person)
    with pytest.raises(OnboardingError, match="Choose a status"):
        update_task(task=_task(case, TaskKind.EQUIPMENT), status=TaskStatus.CANCELLED, by=it_person)


def test_a_background_check_task_is_not_done_until_the_check_is_clear(case, hr):
    task = _task(case, TaskKind.BACKGROUND_CHECK)
    with pytest.raises(OnboardingError, match="not clear yet"):
        update_task(task=task, status=TaskStatus.DONE, by=hr, actual_cost="85")
    task.refresh_from_db()
    assert task.status == TaskStatus.TODO and task.decision.is_open


# --- Background checks ----------------------------------------------------------------------------------


def test_only_hr_orders_a_check_and_the_vendor_gives_its_reference(case, hr, hm, it_person):
    check = BackgroundCheck.objects.get()
    for someone in (hm, it_person):
        with pytest.raises(OnboardingError, match="Only HR orders"):
            request_check(check=check, provider="Sterling", package="Standard", by=someone)
    with pytest.raises(OnboardingError, match="Name the vendor and the package"):
        request_check(check=check, provider="Sterling", package=" ", by=hr)
    request_check(check=check, provider="Sterling", package="Standard Canada", by=hr)
    check.refresh_from_db()
    assert (check.status, check.provider, check.package) == (CheckStatus.REQUESTED, "Sterling", "Standard Canada")
    assert check.external_ref == f"FAKE-{check.pk:06d}" and check.requested_at is not None
    assert _task(case, TaskKind.BACKGROUND_CHECK).status == TaskStatus.IN_PROGRESS


def test_only_hr_or_the_integration_records_a_result(case, hr, hm, admin_user, finance):
    check = BackgroundCheck.objects.get()
    with pytest.raises(OnboardingError):
        record_check_result(check=check, status=CheckStatus.CLEAR, by=hr)  # not requested yet
    request_check(check=check, provider="Sterling", package="Standard", by=hr)
    for someone in (hm, admin_user, finance):
        with pytest.raises(OnboardingError, match="Only HR records"):
            record_check_result(check=check, status=CheckStatus.CLEAR, by=someone)
    record_check_result(check=check, status=CheckStatus.IN_PROGRESS, by=None)
    check.refresh_from_db()
    assert check.status == CheckStatus.IN_PROGRESS


def test_a_clear_check_reduces_its_report_completes_the_task_and_records_the_actual(case, hr):
    secret = "Record found: see page 3 of the vendor's report."
    check = BackgroundCheck.objects.get()
    request_check(check=check, provider="Sterling", package="Standard", by=hr)
    record_check_result(check=check, status=CheckStatus.REVIEW_NEEDED, by=None, report=secret)
    check.refresh_from_db()
    assert (check.status, check.report, check.decided_on) == (CheckStatus.REVIEW_NEEDED, secret, None)

    record_check_result(check=check, status=CheckStatus.CLEAR, by=hr, report=secret)
    check.refresh_from_db()
    assert (check.status, check.report, check.decided_on) == (CheckStatus.CLEAR, "", clock.today())
    assert "report" not in {field.name for field in BackgroundCheck.history.model._meta.get_fields()}
    for row in BackgroundCheck.history.filter(id=check.pk).values():
        assert secret not in str(row)

    task = _task(case, TaskKind.BACKGROUND_CHECK)
    assert (task.status, task.actual_cost, task.decision.status) == (
        TaskStatus.DONE,
        Decimal("85.00"),
        DecisionStatus.DONE,
    )
    assert _outstanding(task, CostKind.ACTUAL).get().amount == Decimal("85.00")
    assert not _outstanding(task, CostKind.FORECAST).exists()


def test_an_adverse_check_blocks_its_task_for_hr_to_decide(case, hr):
    check = BackgroundCheck.objects.get()
    request_check(check=check, provider="Sterling", package="Standard", by=hr)
    record_check_result(check=check, status=CheckStatus.ADVERSE, by=None, report="Conviction on record.")
    check.refresh_from_db()
    assert (check.status, check.report, check.decided_on) == (CheckStatus.ADVERSE, "", clock.today())
    task = _task(case, TaskKind.BACKGROUND_CHECK)
    assert task.status == TaskStatus.BLOCKED and "Adverse" in task.status_reason
    assert task.decision.is_open
    assert _outstanding(task, CostKind.FORECAST).exists()
    with pytest.raises(OnboardingError):
        record_check_result(check=check, status=CheckStatus.CLEAR, by=hr)  # a decided check stays decided


# --- Start-date risk ------------------------------------------------------------------------------------


def test_a_blocking_task_left_open_close_to_the_start_puts_it_at_risk_and_late(case, hr, it_person):
    _settle_blocking(case, hr, leave=(TaskKind.BACKGROUND_CHECK,))
    start = case.planned_start
    close = _before(start, 3)
    cal = BusinessCalendar.around(close)

    risk = risk_of(case, today=close, cal=cal)
    assert risk.blocking_open == 1 and risk.business_days_to_start <= 5
    # The check takes seven business days from today: the person can start the business day after.
    earliest = _after(_after(close, 6), 1)
    assert risk.earliest_start == earliest == earliest_feasible_start(case, today=close)
    assert earliest > start and risk.late_by == (earliest - _after(start, 0)).days
    assert risk.at_risk and not risk.watch
    assert risk.overdue == 2  # the check and the reference checks were due weeks ago

    # Weeks ahead the same open check still leaves time: watched, not at risk.
    early = risk_of(case, today=clock.today(), cal=cal)
    assert early.earliest_start < start and early.late_by == 0
    assert not early.at_risk and early.watch

    _clear_check(case, hr)
    done = risk_of(case, today=close, cal=cal)
    assert (done.blocking_open, done.earliest_start, done.at_risk) == (0, None, False)
    assert done.watch  # the overdue reference checks still want watching
    assert earliest_feasible_start(case, today=close) is None


def test_a_start_planned_on_a_day_off_is_met_by_the_next_business_day(case, hr):
    _settle_blocking(case, hr, leave=(TaskKind.BACKGROUND_CHECK,))
    first_day = _after(case.planned_start, 0)  # the planned start, or the business day after it
    # Seven business days of check ending the business day before the first day.
    today = _before(_before(first_day, 1), 6)
    risk = risk_of(case, today=today, cal=BusinessCalendar.around(today))
    assert risk.business_days_to_start > 5 and risk.blocking_open == 1
    assert risk.earliest_start == first_day
    assert risk.late_by == 0 and not risk.at_risk and risk.watch


def test_the_earliest_start_of_a_fresh_case_is_the_templates(case):
    template, earliest = earliest_start_for(
        employment_type="full_time",
        location_id=case.location_id,
        department_id=case.requisition.department_id,
    )
    assert template == case.template
    assert earliest == earliest_feasible_start(case) < case.planned_start


def test_the_risk_list_shows_the_starts_worst_first(
    case, hm, director, recruiter, head, hr, finance, it_person, interviewer
):
    today = clock.today()
    _settle_blocking(case, hr)  # secure: nothing blocking left
    approvers = [hr, finance, head]
    soon = PreboardingCase.objects.get(
        offer=_hire(
            _requisition(hm, director, recruiter, head),
            recruiter,
            approvers,
            start=today + timedelta(days=10),
            name="Soon",
        )
    )
    later = PreboardingCase.objects.get(
        offer=_hire(
            _requisition(hm, director, recruiter, head),
            recruiter,
            approvers,
            start=today + timedelta(days=50),
            name="Later",
        )
    )
    far = PreboardingCase.objects.get(
        offer=_hire(
            _requisition(hm, director, recruiter, head),
            recruiter,
            approvers,
            start=today + timedelta(days=75),
            name="Far",
        )
    )

    risks = upcoming_risks(hr, today=today)
    assert [risk.case for risk in risks] == [soon, later, case]  # beyond 60 days: not listed
    assert [(risk.at_risk, risk.watch) for risk in risks] == [(True, False), (False, True), (False, False)]
    assert risks[0].earliest_start > soon.planned_start
    assert far not in [risk.case for risk in upcoming_risks(hr, today=today)]
    assert [risk.case for risk in upcoming_risks(hm, today=today)] == [soon, later, case]
    assert upcoming_risks(interviewer, today=today) == []


# --- Moving the start -----------------------------------------------------------------------------------


def test_moving_the_start_needs_a_reason(case, hr):
    with pytest.raises(OnboardingError, match="Say why"):
        move_start(case=case, start=case.planned_start + timedelta(days=7), by=hr, reason="  ")
    with pytest.raises(OnboardingError, match="already"):
        move_start(case=case, start=case.planned_start, by=hr, reason="Same day.")
    with pytest.raises(OnboardingError, match="today or a later date"):
        move_start(case=case, start=clock.today() - timedelta(days=1), by=hr, reason="Backdated.")
    assert not StartChange.objects.exists()


def test_only_hr_and_those_running_the_requisition_move_the_start(
    case, interviewer, finance, it_person, other_hiring_manager, hm, recruiter
):
    start = case.planned_start
    for someone in (interviewer, finance, it_person, other_hiring_manager):
        with pytest.raises(OnboardingError, match="Only HR or whoever runs the requisition"):
            move_start(case=case, start=start + timedelta(days=7), by=someone, reason="Notice period.")
    move_start(case=case, start=start + timedelta(days=7), by=hm, reason="Notice period.")
    move_start(case=case, start=start + timedelta(days=14), by=recruiter, reason="Longer notice period.")
    case.refresh_from_db()
    assert case.planned_start == start + timedelta(days=14)


def test_moving_the_start_moves_the_tasks_anchored_to_it_and_the_committed_pay(case, accepted, hr, hm, recruiter):
    before_start = case.planned_start
    new_start = before_start + timedelta(days=28)  # another month
    assert new_start.replace(day=1) != before_start.replace(day=1)
    workspace = _task(case, TaskKind.WORKSPACE)
    by_hand = _after(workspace.due_date, 1)
    set_task_due(task=workspace, due=by_hand, by=hr, reason="The desk is free from then.")
    contract_due = _task(case, TaskKind.CONTRACT_SIGNATURE).due_date
    first_day = _task(case, TaskKind.FIRST_DAY)
    update_task(task=first_day, status=TaskStatus.DONE, by=hm)  # done already: its date stays
    ledger_total, committed_total = _ledger_total(), _committed_total()
    offer_committed = _net(accepted, CostKind.COMMITTED)
    assert min(_outstanding(accepted, CostKind.COMMITTED).values_list("month", flat=True)) == before_start.replace(
        day=1
    )

    with committed():
        move_start(case=case, start=new_start, by=hm, reason="Their notice period is a month longer.")

    case.refresh_from_db()
    assert (case.planned_start, case.original_start, case.slip_days) == (new_start, before_start, 28)
    eligibility, laptop = _task(case, TaskKind.WORK_ELIGIBILITY), _task(case, TaskKind.EQUIPMENT)
    assert eligibility.due_date == _before(new_start, 5)
    assert eligibility.decision.due_at == _end_of(eligibility.due_date)
    assert laptop.due_date == _before(new_start, 3)
    assert _task(case, TaskKind.POLICIES).due_date == _after(new_start, 0)
    assert _task(case, TaskKind.CONTRACT_SIGNATURE).due_date == contract_due  # anchored to the acceptance
    assert _task(case, TaskKind.FIRST_DAY).due_date == first_day.due_date
    workspace.refresh_from_db()
    assert (workspace.due_date, workspace.due_set_by_hand) == (by_hand, True)  # set by hand: stays
    assert workspace.decision.due_at == _end_of(by_hand)

    # The laptop's forecast follows it into the new month.
    assert _outstanding(laptop, CostKind.FORECAST).get().month == laptop.due_date.replace(day=1)
    # The committed pay moves to the months from the new start: reversed and recorded, totals unchanged.
    months = sorted(
        _outstanding(accepted, CostKind.COMMITTED)
        .filter(category=CostCategory.BASE_SALARY)
        .values_list("month", flat=True)
    )
    assert len(months) == 12 and months[0] == new_start.replace(day=1)
    assert not _outstanding(accepted, CostKind.COMMITTED).filter(month__lt=new_start.replace(day=1)).exists()
    assert _net(accepted, CostKind.COMMITTED) == offer_committed
    assert (_ledger_total(), _committed_total()) == (ledger_total, committed_total)

    change = StartChange.objects.get()
    assert (change.kind, change.from_date, change.to_date, change.by) == (
        StartChangeKind.MOVED,
        before_start,
        new_start,
        hm,
    )
    assert change.reason == "Their notice period is a month longer."
    told = Notification.objects.get(user=recruiter)
    assert "Their notice period is a month longer." in told.message and told.url == case.get_absolute_url()
    assert not Notification.objects.filter(user=hm, url=case.get_absolute_url()).exists()  # who moved it


def test_a_task_date_is_set_by_hand_only_by_those_running_the_case_with_a_reason(case, hr, it_person):
    laptop = _task(case, TaskKind.EQUIPMENT)
    day = laptop.due_date - timedelta(days=7)
    with pytest.raises(OnboardingError, match="Say why"):
        set_task_due(task=laptop, due=day, by=hr, reason="")
    with pytest.raises(OnboardingError, match="Only HR or whoever runs"):
        set_task_due(task=laptop, due=day, by=it_person, reason="Earlier.")
    with pytest.raises(OnboardingError, match="today or a later date"):
        set_task_due(task=laptop, due=clock.today() - timedelta(days=1), by=hr, reason="Earlier.")
    set_task_due(task=laptop, due=day, by=hr, reason="Order earlier.")
    laptop.refresh_from_db()
    assert (laptop.due_date, laptop.due_set_by_hand, laptop.decision.due_at) == (day, True, _end_of(day))


def test_a_task_set_later_by_hand_takes_the_tasks_waiting_on_it_along(case, hr):
    contract, check = _task(case, TaskKind.CONTRACT_SIGNATURE), _task(case, TaskKind.BACKGROUND_CHECK)
    later = _after(check.due_date, 5)
    set_task_due(task=contract, due=later, by=hr, reason="The candidate is travelling.")
    check.refresh_from_db()
    assert check.due_date == _after(later, 7)  # it waits on the contract, and takes seven business days
    assert check.decision.due_at == _end_of(check.due_date)
    for task in case.tasks.prefetch_related("waits_on"):
        for earlier in task.waits_on.all():
            assert task.due_date >= earlier.due_date, f"{task.title} is due before {earlier.title}"


# --- Confirming the start -------------------------------------------------------------------------------


def test_confirming_the_start_is_the_only_way_to_hired(case, accepted, hr, hm):
    application = accepted.application
    application.refresh_from_db()
    assert application.stage.kind == StageKind.PRE_START
    hired = Stage.objects.get(kind=StageKind.HIRED)
    assert "confirming the start" in hired.entry_refusal
    with pytest.raises(PipelineError):  # no person moves a hire there (nor out of Pre-start)
        move_application(application=application, to_stage=hired, by=hm)
    _settle_blocking(case, hr)

    day = _after(case.planned_start, 0)
    with time_machine.travel(_at(day), tick=False):
        confirm_start(case=case, start=day, by=hm, note="First day went well.")

    application.refresh_from_db()
    case.refresh_from_db()
    assert (application.stage.kind, application.status) == (StageKind.HIRED, ApplicationStatus.HIRED)
    assert (case.status, case.confirmed_start, case.status_note) == (CaseStatus.STARTED, day, "First day went well.")
    assert case.closed_at is not None
    change = StartChange.objects.get()
    assert (change.kind, change.from_date, change.to_date, change.by) == (
        StartChangeKind.CONFIRMED,
        case.planned_start,
        day,
        hm,
    )
    with pytest.raises(OnboardingError):
        confirm_start(case=case, start=day, by=hr)  # confirmed once
    with pytest.raises(OnboardingError):
        move_start(case=case, start=day + timedelta(days=7), by=hr, reason="Too late for that.")


def test_the_start_is_not_confirmed_while_a_blocking_task_is_open_unless_hr_waived_it(case, hr, hm):
    _settle_blocking(case, hr, leave=(TaskKind.BACKGROUND_CHECK, TaskKind.ACCOUNTS))
    update_task(task=_task(case, TaskKind.POLICIES), status=TaskStatus.IN_PROGRESS, by=hr)  # not blocking
    day = _after(case.planned_start, 0)
    with time_machine.travel(_at(day), tick=False):
        with pytest.raises(OnboardingError, match="blocking tasks are still open") as refused:
            confirm_start(case=case, start=day, by=hm)
        message = str(refused.value)
        assert "Background check" in message and "Accounts and access created" in message
        assert "Contract signed" not in message and "Policy acknowledgements" not in message

        update_task(
            task=_task(case, TaskKind.BACKGROUND_CHECK),
            status=TaskStatus.WAIVED,
            by=hr,
            reason="Check delayed by the vendor; cleared to start.",
        )
        _finish(_task(case, TaskKind.ACCOUNTS), hr)
        confirm_start(case=case, start=day, by=hm)
    case.refresh_from_db()
    assert case.status == CaseStatus.STARTED
    assert _task(case, TaskKind.POLICIES).status == TaskStatus.IN_PROGRESS  # after the start, still its owner's


def test_a_start_is_not_confirmed_before_the_day(case, hr):
    _settle_blocking(case, hr)
    with pytest.raises(OnboardingError, match="still to come"):
        confirm_start(case=case, start=clock.today() + timedelta(days=1), by=hr)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.confirmed_start is None


def test_only_the_hiring_manager_or_hr_confirms_the_start(
    case, hr, finance, it_person, recruiter, interviewer, other_hiring_manager
):
    _settle_blocking(case, hr)
    for someone in (finance, it_person, recruiter, interviewer, other_hiring_manager):
        with pytest.raises(OnboardingError, match="Only the hiring manager or HR"):
            confirm_start(case=case, start=clock.today(), by=someone)
    confirm_start(case=case, start=clock.today(), by=hr)
    case.refresh_from_db()
    assert case.status == CaseStatus.STARTED


def test_a_start_confirmed_in_another_month_moves_the_committed_pay_there(case, accepted, hr):
    _settle_blocking(case, hr)
    next_month = (case.planned_start.replace(day=1) + timedelta(days=31)).replace(day=1)
    day = _after(next_month, 0)  # started late, in the month after the planned start
    committed_total = _committed_total()
    with time_machine.travel(_at(day), tick=False):
        confirm_start(case=case, start=day, by=hr)
    months = _outstanding(accepted, CostKind.COMMITTED).values_list("month", flat=True)
    assert min(months) == day.replace(day=1) != case.planned_start.replace(day=1)
    assert _committed_total() == committed_total


# --- A no-show or a withdrawal --------------------------------------------------------------------------


def test_a_no_show_reverses_the_hire_frees_the_opening_and_cancels_the_open_tasks(case, accepted, hr, it_person):
    req = case.requisition
    req.refresh_from_db()
    assert (req.hires, req.status) == (1, Status.FILLED)
    assert not _outstanding(req, CostKind.FORECAST).exists()
    recorded = CostEvent.objects.for_source(req).filter(kind=CostKind.FORECAST, reverses__isnull=True)
    approved_forecast = _sum(recorded)  # the opening's, recorded at approval
    assert approved_forecast > 0
    laptop = _task(case, TaskKind.EQUIPMENT)
    update_task(task=laptop, status=TaskStatus.DONE, by=it_person, actual_cost="2400")
    check = _task(case, TaskKind.BACKGROUND_CHECK)
    assert _outstanding(check, CostKind.FORECAST).exists()

    end_before_start(case=case, outcome=CaseStatus.NO_SHOW, reason=_reason("no_show"), by=hr, note="Never arrived.")

    application = accepted.application
    application.refresh_from_db()
    assert (application.status, application.disposition.code) == (ApplicationStatus.REJECTED, "no_show")
    assert not _outstanding(accepted, CostKind.COMMITTED).exists()
    assert _net(accepted, CostKind.COMMITTED) == 0
    req.refresh_from_db()
    assert (req.hires, req.status, req.filled_at) == (0, Status.OPEN, None)
    forecast = _sum(_outstanding(req, CostKind.FORECAST))
    assert forecast == approved_forecast  # the opening's forecast is back

    case.refresh_from_db()
    assert (case.status, case.status_note) == (CaseStatus.NO_SHOW, "No show: Never arrived.")
    assert case.closed_at is not None
    tasks = list(case.tasks.select_related("decision"))
    for task in tasks:
        if task.pk == laptop.pk:
            assert (task.status, task.decision.status) == (TaskStatus.DONE, DecisionStatus.DONE)
        else:
            assert (task.status, task.decision.status) == (TaskStatus.CANCELLED, DecisionStatus.CANCELLED)
        assert not _outstanding(task, CostKind.FORECAST).exists()
    assert _net(check, CostKind.FORECAST) == 0
    assert _outstanding(laptop, CostKind.ACTUAL).get().amount == Decimal("2400.00")  # what was spent stands
    change = StartChange.objects.get()
    assert (change.kind, change.from_date, change.to_date, change.by) == (
        StartChangeKind.NO_SHOW,
        case.planned_start,
        None,
        hr,
    )
    assert not Decision.objects.filter(kind=GUARANTEE_KIND).exists()  # no agency placed this hire
    with pytest.raises(OnboardingError):
        end_before_start(case=case, outcome=CaseStatus.NO_SHOW, reason=_reason("no_show"), by=hr)


def test_a_filled_requisition_offers_its_runner_no_open_action_though_a_no_show_reopens_it(case, hm, hr):
    req = case.requisition
    req.refresh_from_db()
    assert req.status == Status.FILLED
    assert Action.OPEN not in actions_from(Status.FILLED)
    assert Action.OPEN not in allowed_actions(hm, req, [])
    with pytest.raises(RequisitionError):
        move_requisition(requisition=req, action=Action.OPEN, by=hm)
    end_before_start(case=case, outcome=CaseStatus.NO_SHOW, reason=_reason("no_show"), by=hr)
    req.refresh_from_db()
    assert req.status == Status.OPEN


def test_a_no_show_on_a_requisition_still_open_gives_back_its_openings_forecast(
    accepted, hm, director, recruiter, head, hr, finance
):
    req = _requisition(hm, director, recruiter, head, openings=2)
    both = _sum(_outstanding(req, CostKind.FORECAST))
    offer = _hire(req, recruiter, [hr, finance, head], start=clock.today() + timedelta(days=45), name="Second")
    req.refresh_from_db()
    one = _sum(_outstanding(req, CostKind.FORECAST))
    assert (req.hires, req.status) == (1, Status.OPEN) and 0 < one < both

    case = PreboardingCase.objects.get(offer=offer)
    end_before_start(case=case, outcome=CaseStatus.NO_SHOW, reason=_reason("no_show"), by=hm)
    req.refresh_from_db()
    assert (req.hires, req.status) == (0, Status.OPEN)
    assert _sum(_outstanding(req, CostKind.FORECAST)) == both


def test_a_withdrawal_before_the_start_closes_the_application_as_withdrawn(case, accepted, recruiter):
    end_before_start(case=case, outcome=CaseStatus.WITHDRAWN, reason=_reason("other_offer"), by=recruiter)
    application = accepted.application
    application.refresh_from_db()
    case.refresh_from_db()
    assert (application.status, application.disposition.code) == (ApplicationStatus.WITHDRAWN, "other_offer")
    assert case.status == CaseStatus.WITHDRAWN
    assert StartChange.objects.get().kind == StartChangeKind.WITHDRAWN


def test_a_no_show_is_refused_without_the_right_reason_or_by_the_wrong_person_and_changes_nothing(
    case, accepted, hr, interviewer, finance, it_person
):
    with pytest.raises(OnboardingError, match="no show"):
        end_before_start(case=case, outcome=CaseStatus.NO_SHOW, reason=_reason("skill_gap"), by=hr)
    with pytest.raises(OnboardingError, match="Choose a no-show or a withdrawal"):
        end_before_start(case=case, outcome=CaseStatus.STARTED, reason=_reason("no_show"), by=hr)
    for someone in (interviewer, finance, it_person):
        with pytest.raises(OnboardingError, match="Only HR or whoever runs"):
            end_before_start(case=case, outcome=CaseStatus.NO_SHOW, reason=_reason("no_show"), by=someone)
    case.refresh_from_db()
    case.requisition.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.requisition.status == Status.FILLED
    assert _outstanding(accepted, CostKind.COMMITTED).exists()
    assert case.tasks.open().count() == 9


def test_an_agency_hire_who_does_not_show_within_the_guarantee_gives_finance_a_claim(
    open_requisition, recruiter, hr, finance, head
):
    agency = approved_vendor(finance, name="Keystone Search", kind="agency", fee_pct=Decimal("20"), guarantee_days=90)
    offer = _hire(
        open_requisition,
        recruiter,
        [hr, finance, head],
        start=clock.today() + timedelta(days=45),
        name="Linus",
        source=agency.source,
    )
    placement = Placement.objects.get(offer=offer)
    case = PreboardingCase.objects.get(offer=offer)
    end_before_start(case=case, outcome=CaseStatus.NO_SHOW, reason=_reason("no_show"), by=hr)

    placement.refresh_from_db()
    assert placement.status == PlacementStatus.REPLACED
    claim = Decision.objects.get(kind=GUARANTEE_KIND)
    assert (claim.owner_role, claim.subject, claim.status) == (Role.FINANCE, placement, DecisionStatus.OPEN)
    assert "Keystone Search" in claim.title


def test_an_agency_hire_whose_start_moved_past_the_first_guarantee_is_still_within_it(
    open_requisition, recruiter, hr, finance, head
):
    agency = approved_vendor(finance, name="Keystone Search", kind="agency", fee_pct=Decimal("20"), guarantee_days=90)
    start = clock.today() + timedelta(days=45)
    offer = _hire(open_requisition, recruiter, [hr, finance, head], start=start, name="Linus", source=agency.source)
    placement = Placement.objects.get(offer=offer)
    case = PreboardingCase.objects.get(offer=offer)
    new_start = _after(placement.guarantee_until + timedelta(days=30), 0)
    move_start(case=case, start=new_start, by=hr, reason="Visa delayed.")
    with time_machine.travel(_at(new_start), tick=False):
        # The person never started: the guarantee, which runs from the start, has not begun.
        end_before_start(case=case, outcome=CaseStatus.NO_SHOW, reason=_reason("no_show"), by=hr)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.REPLACED
    assert Decision.objects.filter(kind=GUARANTEE_KIND, owner_role=Role.FINANCE).count() == 1


def test_a_contractors_case_is_not_ended_as_a_no_show(contractor_case, hr):
    case, req = contractor_case, contractor_case.requisition
    with pytest.raises(OnboardingError, match="contractor's case ends with the engagement"):
        end_before_start(case=case, outcome=CaseStatus.NO_SHOW, reason=_reason("no_show"), by=hr)
    case.refresh_from_db()
    req.refresh_from_db()
    assert case.status == CaseStatus.OPEN and req.hires == 1


# --- Work email -----------------------------------------------------------------------------------------


def test_it_owning_a_task_records_the_work_email_and_facilities_does_not(case, it_person, facilities_person):
    with pytest.raises(OnboardingError, match="valid email"):
        set_work_email(case=case, email="not an address", by=it_person)
    with pytest.raises(OnboardingError, match="Only IT, HR or whoever runs"):
        set_work_email(case=case, email="ada.lovelace@corp.example", by=facilities_person)
    set_work_email(case=case, email=" ada.lovelace@corp.example ", by=it_person)
    case.refresh_from_db()
    assert case.work_email == "ada.lovelace@corp.example"


# --- The hiring manager's digest ------------------------------------------------------------------------


def test_the_hiring_manager_gets_one_digest_before_a_start_with_tasks_open(case, hm, hr):
    start = case.planned_start
    assert send_start_digests(today=_before(start, 8)) == 0  # too early
    day = _before(start, 4)
    with committed():
        assert send_start_digests(today=day) == 1
    assert [message.to for message in mail.outbox] == [[hm.email]]
    body = mail.outbox[0].body
    assert str(case.candidate) in mail.outbox[0].subject and start.isoformat() in mail.outbox[0].subject
    assert "Laptop and peripherals ready" in body and "blocks the start" in body
    assert case.get_absolute_url() in body
    assert Notification.objects.filter(user=hm, url=case.get_absolute_url()).exists()
    digest = StartDigest.objects.get()
    assert (digest.case, digest.start_date, digest.recipient) == (case, start, hm)

    with committed():
        assert send_start_digests(today=day) == 0  # run again: nothing more
        assert send_start_digests(today=_before(start, 1)) == 0
    assert len(mail.outbox) == 1

    new_start = start + timedelta(days=7)
    move_start(case=case, start=new_start, by=hr, reason="Moved a week.")
    with committed():
        assert send_start_digests(today=_before(new_start, 3)) == 1  # a moved start gets its own
    assert len(mail.outbox) == 2
    assert sorted(StartDigest.objects.values_list("start_date", flat=True)) == [start, new_start]


def test_no_digest_for_a_start_with_nothing_open(case, hr):
    for task in case.tasks.open():
        if task.kind == TaskKind.BACKGROUND_CHECK:
            _clear_check(case, hr)
        else:
            _finish(task, hr)
    assert not case.tasks.open().exists()
    assert send_start_digests(today=_before(case.planned_start, 2)) == 0


# --- Templates ------------------------------------------------------------------------------------------


def test_the_most_specific_active_template_wins():
    here, there = LocationFactory(), LocationFactory()
    team, other_team = DepartmentFactory(), DepartmentFactory()
    general = ChecklistTemplate.objects.get(name="Employees")

    def pick(location, department, employment_type="full_time"):
        return template_for(employment_type=employment_type, location_id=location.pk, department_id=department.pk)

    assert pick(here, team) == general
    by_location = ChecklistTemplate.objects.create(name="Here", employment_type="full_time", location=here)
    assert pick(here, team) == by_location
    assert pick(there, team) == general  # another location's template does not apply
    by_department = ChecklistTemplate.objects.create(name="Team", employment_type="full_time", department=team)
    assert pick(there, team) == by_department
    both = ChecklistTemplate.objects.create(
        name="Team, here", employment_type="full_time", location=here, department=team
    )
    assert pick(here, team) == both
    assert pick(here, other_team) == by_location
    both.is_active = False
    both.save()
    assert pick(here, team) in (by_location, by_department)
    assert pick(here, team, "contract").name == "Contractors"  # the employment type comes first
    ChecklistTemplate.objects.filter(employment_type="intern").update(is_active=False)
    assert pick(here, team, "intern") is None
    assert earliest_start_for(employment_type="intern", location_id=here.pk, department_id=team.pk) == (None, None)


def test_template_problems_finds_self_waits_waits_on_another_template_and_loops():
    template = ChecklistTemplate.objects.get(name="Employees")

    def task(key, title, *waits):
        return {"key": key, "title": title, "waits_on": set(waits)}

    assert template_problems(template, [task(1, "Contract"), task(2, "Laptop", 1), task(3, "Accounts", 1, 2)]) == []
    problems = template_problems(template, [task(1, "Contract", 1)])
    assert any("“Contract” cannot wait on itself" in p for p in problems)
    problems = template_problems(template, [task(1, "Contract"), task(2, "Laptop", 99)])
    assert problems == ["“Laptop” waits on a task of another template."]
    problems = template_problems(template, [task(1, "Contract", 3), task(2, "Laptop", 1), task(3, "Accounts", 2)])
    assert problems == ["The tasks wait on each other in a loop: one of them must come first."]
