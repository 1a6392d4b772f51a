"""Reads of pre-boarding scoped to a person, and the figures its pages show (each at a fixed number of
queries whatever the number of cases)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from onboarding import schedule
from onboarding.choices import OPEN_TASK, RISK_BUSINESS_DAYS, RISK_HORIZON_DAYS, Anchor, CaseStatus
from onboarding.models import PreboardingCase, PreboardingTask
from onboarding.permissions import can_see_cases, can_see_my_tasks, sees_all_cases
from portal import clock
from portal.models import Decision, User
from requisitions.selectors import requisitions_run_by


def cases_for_user(user: User) -> QuerySet[PreboardingCase]:
    """Every case for HR, finance and admins; those of the requisitions they run for hiring managers and
    recruiters; none for anyone else (IT and facilities reach their tasks, not cases)."""
    if not user.is_authenticated or not can_see_cases(user):
        return PreboardingCase.objects.none()
    if sees_all_cases(user):
        return PreboardingCase.objects.all()
    return PreboardingCase.objects.filter(requisition__in=requisitions_run_by(user))


def tasks_owned_by(user: User) -> QuerySet[PreboardingTask]:
    """Tasks whose decision is the user's, by name or by one of their roles (open or closed)."""
    if not user.is_authenticated or not can_see_my_tasks(user):
        return PreboardingTask.objects.none()
    owned = Decision.objects.owned_by(user).values("pk")
    return PreboardingTask.objects.filter(decision__in=owned)


def tasks_for_user(user: User) -> QuerySet[PreboardingTask]:
    """The tasks a user may open: their own, and every task of the cases they see."""
    if not user.is_authenticated or not can_see_my_tasks(user):
        return PreboardingTask.objects.none()
    owned = Decision.objects.owned_by(user).values("pk")
    return PreboardingTask.objects.filter(Q(decision__in=owned) | Q(case__in=cases_for_user(user).values("pk")))


def with_tasks(cases: QuerySet[PreboardingCase]) -> QuerySet[PreboardingCase]:
    tasks = PreboardingTask.objects.select_related("decision__owner").prefetch_related("waits_on")
    return cases.select_related("candidate", "requisition__hiring_manager", "location").prefetch_related(
        Prefetch("tasks", queryset=tasks)
    )


def steps_of(tasks) -> list[schedule.Step]:
    return [
        schedule.Step(
            key=task.pk,
            anchor_is_start=task.anchor == Anchor.START,
            offset=task.offset_days,
            duration=task.duration_days,
            blocks=task.blocks_start,
            waits_on={dep.pk for dep in task.waits_on.all()},
            is_open=task.status in OPEN_TASK,
            fixed_due=task.due_date if task.due_set_by_hand else None,
        )
        for task in tasks
    ]


@dataclass
class Risk:
    """Where one case's start stands: days to go, what is open, and whether the start is secure."""

    case: PreboardingCase
    days_to_start: int
    business_days_to_start: int
    blocking_open: int
    overdue: int
    open_tasks: int
    earliest_start: date | None
    # The business day the planned start falls on (a start planned on a weekend or holiday begins the next
    # business day, so an earliest start on that day is on time); None: the planned start itself.
    first_day: date | None = None

    @property
    def late_by(self) -> int:
        """Calendar days the earliest feasible start falls after the planned one (0: on time)."""
        if self.earliest_start is None:
            return 0
        return max((self.earliest_start - (self.first_day or self.case.planned_start)).days, 0)

    @property
    def at_risk(self) -> bool:
        """Red: a blocking task still open within RISK_BUSINESS_DAYS of the start, or a start that cannot
        be met."""
        close = self.blocking_open and self.business_days_to_start <= RISK_BUSINESS_DAYS
        return bool(close or self.late_by)

    @property
    def watch(self) -> bool:
        """Amber: not at risk, but something is overdue or a blocking task is open."""
        return not self.at_risk and bool(self.overdue or self.blocking_open)


def risk_of(case: PreboardingCase, *, today: date, cal: schedule.BusinessCalendar, tasks=None) -> Risk:
    """Where `case`'s start stands today; `tasks`: its tasks with their waits-on (default: read prefetched)."""
    tasks = list(case.tasks.all()) if tasks is None else tasks
    open_tasks = [task for task in tasks if task.status in OPEN_TASK]
    return Risk(
        case=case,
        days_to_start=(case.planned_start - today).days,
        business_days_to_start=cal.between(today, case.planned_start),
        blocking_open=sum(1 for task in open_tasks if task.blocks_start),
        overdue=sum(1 for task in open_tasks if task.due_date < today),
        open_tasks=len(open_tasks),
        earliest_start=schedule.earliest_start(steps_of(tasks), today=today, cal=cal),
        first_day=cal.on_or_after(case.planned_start),
    )


def upcoming_risks(user: User, *, today: date | None = None) -> list[Risk]:
    """Open cases the user sees starting within RISK_HORIZON_DAYS (or already past their date), worst first:
    at risk, then the latest against their start, the most blocking tasks open, the soonest."""
    today = today or clock.today()
    horizon = date.fromordinal(today.toordinal() + RISK_HORIZON_DAYS)
    cases = with_tasks(cases_for_user(user).filter(status=CaseStatus.OPEN, planned_start__lte=horizon))
    cal = schedule.BusinessCalendar.around(today)
    risks = [risk_of(case, today=today, cal=cal) for case in cases]
    risks.sort(key=lambda r: (not r.at_risk, not r.watch, -r.late_by, -r.blocking_open, r.days_to_start, r.case.pk))
    return risks
