"""Every change in pre-boarding: opening a hire's case from its template, working its tasks, background
checks, moving the start, confirming it (the only way an application becomes Hired), a no-show or a
withdrawal before the start, and the hiring managers' digest before a start.

Each function takes the acting person as `by` (None: the portal's own jobs and receivers), checks what they
may do (onboarding.permissions), validates, and writes inside one transaction on a locked case. Each task is
a decision on the spine (portal.services.decisions): its owner, due date and reminders are the decision's.
The money a task implies is in the ledger: its expected cost forecast when the case opens, the actual
recorded when it is done with its amount, the forecast reversed when it is not needed.
"""

from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.choices import ApplicationStatus, StageKind
from candidates.models import Application, ReasonCode
from candidates.services import PipelineError, confirm_hire, release_pre_start
from offers.services import OfferError, move_commitment, reverse_commitment
from onboarding import checks, choices, schedule
from onboarding.choices import (
    CASE_TRANSITIONS,
    CHECK_TRANSITIONS,
    DECIDED_CHECK,
    DIGEST_BUSINESS_DAYS,
    OPEN_TASK,
    ROLE_RULES,
    TASK_KIND,
    TASK_STATUS_NEEDS_REASON,
    TASK_TRANSITIONS,
    Anchor,
    CaseStatus,
    CheckStatus,
    OwnerRule,
    StartChangeKind,
    TaskKind,
    TaskStatus,
)
from onboarding.models import (
    BackgroundCheck,
    ChecklistTemplate,
    PreboardingCase,
    PreboardingTask,
    StartChange,
    StartDigest,
    TemplateTask,
)
from onboarding.permissions import (
    can_confirm_start,
    can_manage_case,
    can_see_check_detail,
    can_waive,
    can_work_task,
    is_hr,
)
from onboarding.selectors import steps_of, tasks_owned_by
from portal import clock
from portal.choices import CostKind, Role
from portal.exceptions import PortalError
from portal.models import CostEvent, User
from portal.money import Money, MoneyError
from portal.permissions import can_take_decision
from portal.services import ledger
from portal.services.decisions import cancel_decision, raise_decision, reschedule_decision, resolve_decision
from portal.services.notifications import notify, send_email
from portal.services.records import check_move, move, save_with_history
from requisitions.services import RequisitionError, release_hire
from vendors.services import placement_fell_through

MANAGER_CHAIN_LIMIT = 10


class OnboardingError(PortalError):
    pass


# --- Templates ------------------------------------------------------------------------------------------


def template_for(*, employment_type: str, location_id: int | None, department_id: int | None):
    """The most specific active template for a hire: its employment type, and its location and department
    when a template names them (one naming both beats one naming either, which beats one naming neither)."""
    matches = ChecklistTemplate.objects.filter(is_active=True, employment_type=employment_type).filter(
        Q(location__isnull=True) | Q(location_id=location_id),
        Q(department__isnull=True) | Q(department_id=department_id),
    )
    ranked = sorted(
        matches,
        key=lambda t: (-(t.location_id is not None) - (t.department_id is not None), t.department_id is None, t.pk),
    )
    return ranked[0] if ranked else None


def template_problems(template: ChecklistTemplate, tasks: list[dict]) -> list[str]:
    """What is wrong with a template's tasks as an admin is about to save them: `tasks` gives each task's
    key, title and the keys it waits on. A task cannot wait on itself, on a task of another template, or in
    a loop."""
    keys = {task["key"] for task in tasks}
    problems = []
    for task in tasks:
        if task["key"] in task["waits_on"]:
            problems.append(_("“%(task)s” cannot wait on itself.") % {"task": task["title"]})
        stray = task["waits_on"] - keys
        if stray:
            problems.append(_("“%(task)s” waits on a task of another template.") % {"task": task["title"]})
    if schedule.waits_on_cycle({task["key"]: set(task["waits_on"]) & keys for task in tasks}):
        problems.append(_("The tasks wait on each other in a loop: one of them must come first."))
    return problems


def save_template(*, template: ChecklistTemplate, by: User | None) -> ChecklistTemplate:
    save_with_history(template, by=by, reason=choices.TEMPLATE_SAVED, validate=True)
    return template


# --- Owners ---------------------------------------------------------------------------------------------


def resolve_owner(rule: str, *, person: User | None, case: PreboardingCase) -> tuple[User | None, str, str]:
    """(owner, owner role, note) for a task of `case` under owner `rule`. A person who is inactive (or
    missing) falls back up their manager chain to the first active manager, then to HR; the note says so."""
    if rule in ROLE_RULES:
        return None, ROLE_RULES[rule], ""
    req = case.requisition
    named = {OwnerRule.HIRING_MANAGER: req.hiring_manager, OwnerRule.RECRUITER: req.recruiter}.get(rule, person)
    if named is None:
        return None, Role.HR, _("Nobody is named as %(who)s: HR owns it.") % {"who": OwnerRule(rule).label.lower()}
    if named.is_active:
        return named, "", ""
    seen, manager = {named.pk}, named.manager
    while manager is not None and manager.pk not in seen and len(seen) < MANAGER_CHAIN_LIMIT:
        if manager.is_active:
            return (
                manager,
                "",
                _("%(who)s is inactive: handed to their manager %(manager)s.")
                % {
                    "who": named,
                    "manager": manager,
                },
            )
        seen.add(manager.pk)
        manager = manager.manager
    return None, Role.HR, _("%(who)s is inactive and has no active manager: HR owns it.") % {"who": named}


# --- Opening a case -------------------------------------------------------------------------------------


def open_case_for_offer(*, offer, version, by: User | None) -> PreboardingCase | None:
    """An offer was accepted (`offer_accepted`, inside the acceptance's transaction): open its hire's case."""
    app = offer.application
    req = offer.requisition
    return _open_case(
        requisition=req,
        candidate=app.candidate,
        application=app,
        offer=offer,
        engagement=None,
        start=version.start_date,
        employment_type=version.employment_type,
        location=version.location or req.location,
        job_title=version.title,
        currency=version.currency,
        by=by,
    )


def open_case_for_engagement(*, engagement, by: User | None) -> PreboardingCase | None:
    """A contractor started on an opening of a contract requisition (`engagement_started`): open the case.
    Cover for a salaried hire takes no opening, so it has none."""
    req = engagement.requisition
    if not req.is_contract:
        return None
    # The worker's application the start moved to Pre-start, if they applied (vendors' _worker_to_pre_start).
    app = Application.objects.filter(
        candidate=engagement.worker_id,
        requisition=req.pk,
        status=ApplicationStatus.ACTIVE,
        stage__kind=StageKind.PRE_START,
    ).first()
    return _open_case(
        requisition=req,
        candidate=engagement.worker,
        application=app,
        offer=None,
        engagement=engagement,
        start=engagement.start_date,
        employment_type=req.employment_type,
        location=req.location,
        job_title=req.title,
        currency=engagement.currency,
        by=by,
    )


def _open_case(
    *, requisition, candidate, application, offer, engagement, start, employment_type, location, job_title, currency, by
) -> PreboardingCase | None:
    """Open the case with its tasks, their decisions and their forecasts, exactly once per hire: a second
    signal for the same application, offer or engagement creates nothing (None)."""
    same = Q(offer=offer) if offer is not None else Q(engagement=engagement)
    if application is not None:
        same |= Q(application=application)
    if PreboardingCase.objects.filter(same).exists():
        return None
    template = template_for(
        employment_type=employment_type,
        location_id=getattr(location, "pk", None),
        department_id=requisition.department_id,
    )
    today = clock.today()
    case = PreboardingCase(
        candidate=candidate,
        requisition=requisition,
        application=application,
        offer=offer,
        engagement=engagement,
        template=template,
        job_title=job_title,
        employment_type=employment_type,
        location=location,
        equipment_profile=template.equipment_profile if template else "",
        currency=currency,
        accepted_on=today,
        planned_start=start,
        original_start=start,
        created_at=clock.now(),
    )
    try:
        with transaction.atomic():
            save_with_history(case, by=by, reason=choices.CASE_OPENED)
    except IntegrityError:
        return None  # the same hire's case was opened by another signal at the same moment
    if template is not None:
        _create_tasks(
            case, list(template.tasks.select_related("owner_person__manager").prefetch_related("waits_on")), by=by
        )
    return case


def _create_tasks(case: PreboardingCase, template_tasks: list[TemplateTask], *, by) -> None:
    cal = schedule.BusinessCalendar.around(clock.today())
    made: dict[int, PreboardingTask] = {}
    for source in template_tasks:
        task = PreboardingTask(
            case=case,
            template_task=source,
            position=source.position,
            title=source.title,
            kind=source.kind,
            owner_rule=source.owner_rule,
            anchor=source.anchor,
            offset_days=source.offset_days,
            duration_days=source.duration_days,
            blocks_start=source.blocks_start,
            due_date=case.planned_start,
            currency=case.currency,
            expected_cost=source.expected_cost,
            cost_category=source.cost_category,
        )
        save_with_history(task, by=by, reason=choices.TASK_CREATED)
        made[source.pk] = task
    for source in template_tasks:
        deps = [made[dep.pk] for dep in source.waits_on.all() if dep.pk in made]
        if deps:
            made[source.pk].waits_on.set(deps)
    tasks = list(made.values())
    due = schedule.due_dates(_steps(tasks), accepted_on=case.accepted_on, start=case.planned_start, cal=cal)
    for source in template_tasks:
        task = made[source.pk]
        task.due_date = due[task.pk]
        owner, role, note = resolve_owner(source.owner_rule, person=source.owner_person, case=case)
        task.owner_note = note
        task.decision = raise_decision(
            kind=TASK_KIND,
            title=_task_title(task, case),
            detail=note,
            owner=owner,
            owner_role=role,
            due_at=end_of_day(task.due_date),
            subject=task,
            by=None,
            key=f"preboarding:task:{task.pk}",
        )
        save_with_history(task, by=by, reason=choices.TASK_CREATED)
        if task.kind == TaskKind.BACKGROUND_CHECK:
            save_with_history(BackgroundCheck(task=task), by=by, reason=choices.CHECK_CREATED)
        _forecast(task, case, by=by)


def _steps(tasks) -> list[schedule.Step]:
    """The schedule's view of tasks whose waits-on were just set (read back once)."""
    return steps_of(PreboardingTask.objects.filter(pk__in=[t.pk for t in tasks]).prefetch_related("waits_on"))


def _task_title(task: PreboardingTask, case: PreboardingCase) -> str:
    return _("%(task)s: %(who)s (starts %(start)s)") % {
        "task": task.title,
        "who": case.candidate,
        "start": case.planned_start.isoformat(),
    }


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour=settings.BUSINESS_DAY_END_HOUR)))


# --- Money ----------------------------------------------------------------------------------------------


def _forecast(task: PreboardingTask, case: PreboardingCase, *, by) -> None:
    req = case.requisition
    if task.expected_cost is None or not task.expected_cost or not req.cost_center_id:
        return
    ledger.record_cost(
        category=task.cost_category,
        kind=CostKind.FORECAST,
        money=task.expected_money,
        month=task.due_date,
        cost_center=req.cost_center,
        by=by,
        need=req,
        source=task,
        memo=_("%(ref)s %(task)s for %(who)s") % {"ref": case.reference, "task": task.title, "who": case.candidate},
    )


def _reverse_forecast(task: PreboardingTask, *, by, why: str) -> None:
    ledger.reverse_outstanding(source=task, kind=CostKind.FORECAST, by=by, memo=f"{task.case.reference} {why}")


def _move_forecast(task: PreboardingTask, *, by, why: str) -> None:
    """The task's due date moved to another month: its standing forecast follows it."""
    standing = CostEvent.objects.for_source(task).outstanding().filter(kind=CostKind.FORECAST)
    if standing.exclude(month=ledger.first_of_month(task.due_date)).exists():
        _reverse_forecast(task, by=by, why=why)
        _forecast(task, task.case, by=by)


# --- Tasks ----------------------------------------------------------------------------------------------


def update_task(*, task: PreboardingTask, status: str, by: User, reason: str = "", actual_cost=None) -> PreboardingTask:
    """Set a task's status. Its owner (or HR) may set to do, in progress, blocked (with a reason), done or
    not applicable (with a reason); HR waives a blocking task (with a reason). Done with an expected cost
    needs the amount it cost (recorded as the actual; 0 when nothing was spent). A background check task is
    done when its check is clear. A settled task's decision closes and its forecast is reversed."""
    if status not in TaskStatus.values or status == TaskStatus.CANCELLED:
        raise OnboardingError(_("Choose a status for the task."))
    reason = reason.strip()
    with transaction.atomic():
        task = _locked_task(task)
        allowed = can_waive(by, task) if status == TaskStatus.WAIVED else can_work_task(by, task)
        if not allowed:
            raise OnboardingError(
                _("Only HR waives a blocking task.")
                if status == TaskStatus.WAIVED
                else _("This task is not yours to update.")
            )
        if status == task.status:
            raise OnboardingError(_("The task is already %(status)s.") % {"status": task.get_status_display().lower()})
        check_move(task, status, transitions=TASK_TRANSITIONS, error=OnboardingError)
        if status == TaskStatus.NOT_APPLICABLE and task.blocks_start and not is_hr(by):
            raise OnboardingError(
                _("The start waits for this task: only HR sets it aside, by waiving it with a reason.")
            )
        if status in TASK_STATUS_NEEDS_REASON and not reason:
            raise OnboardingError(_("Say why: “%(status)s” needs a reason.") % {"status": TaskStatus(status).label})
        money = None
        if status == TaskStatus.DONE:
            _check_done(task)
            money = _actual(task, actual_cost)
        task.status = status
        task.status_reason = reason if status in TASK_STATUS_NEEDS_REASON else ""
        if status == TaskStatus.DONE and money is not None:
            task.actual_cost = money.amount
        _settle(task, by=by, note=reason or _("Done."))
        save_with_history(task, by=by, reason=choices.TASK_UPDATED)
        if status == TaskStatus.DONE and money is not None and money.amount:
            _record_actual(task, money, by=by)
    return task


def _check_done(task: PreboardingTask) -> None:
    check = BackgroundCheck.objects.filter(task=task).first()
    if check is not None and not check.is_clear:
        raise OnboardingError(
            _("The background check is not clear yet: it is done when the vendor reports it clear (or HR waives it).")
        )


def _actual(task: PreboardingTask, actual_cost) -> Money | None:
    if task.expected_cost is None:
        if actual_cost not in (None, ""):
            raise OnboardingError(_("This task carries no cost in the ledger: leave the cost empty."))
        return None
    if actual_cost in (None, ""):
        if task.expected_cost is not None:
            raise OnboardingError(
                _("Enter what it cost (expected %(amount)s; 0 when nothing was spent).")
                % {"amount": task.expected_money}
            )
        return None
    try:
        money = Money(actual_cost, task.currency)
    except (MoneyError, ValueError, ArithmeticError):
        raise OnboardingError(_("Enter the cost as an amount, such as 1450.00.")) from None
    if money.amount < 0 or money.amount > 100_000:
        raise OnboardingError(_("Enter a cost between 0 and 100,000."))
    return money


def _record_actual(task: PreboardingTask, money: Money, *, by) -> None:
    req = task.case.requisition
    if not req.cost_center_id or not task.cost_category:
        return
    ledger.record_cost(
        category=task.cost_category,
        kind=CostKind.ACTUAL,
        money=money,
        month=clock.today(),
        cost_center=req.cost_center,
        by=by,
        need=req,
        source=task,
        memo=_("%(ref)s %(task)s done") % {"ref": task.case.reference, "task": task.title},
    )


def _settle(task: PreboardingTask, *, by, note: str) -> None:
    """Close the task's decision when it is settled, and reverse its forecast (an actual replaces it)."""
    if task.status in OPEN_TASK:
        return
    decision = task.decision
    if decision is not None and decision.is_open:
        if task.status == TaskStatus.CANCELLED:
            cancel_decision(decision=decision, by=None, note=note)
        else:
            taker = by if by is not None and can_take_decision(by, decision) else None
            resolve_decision(decision=decision, outcome="done", by=taker, note=note)
    task.completed_at = clock.now()
    task.completed_by = by
    _reverse_forecast(
        task, by=by, why=_("%(task)s %(status)s") % {"task": task.title, "status": task.get_status_display().lower()}
    )


def set_task_due(*, task: PreboardingTask, due: date, by: User, reason: str) -> PreboardingTask:
    """Set an open task's due date by hand (it then stays put when the start moves)."""
    if not reason.strip():
        raise OnboardingError(_("Say why the date changes."))
    with transaction.atomic():
        case = _locked_case(task.case)  # the case first, as moving the start does: the tasks waiting follow
        task = _locked_task(task)
        if not can_manage_case(by, task.case) or task.status not in OPEN_TASK:
            raise OnboardingError(_("Only HR or whoever runs the requisition sets an open task's date."))
        if due < clock.today():
            raise OnboardingError(_("Choose today or a later date."))
        task.due_date = due
        task.due_set_by_hand = True
        save_with_history(task, by=by, reason=choices.TASK_RESCHEDULED)
        if task.decision is not None:
            reschedule_decision(decision=task.decision, due_at=end_of_day(due), by=by, note=reason)
        _move_forecast(task, by=by, why=_("%(task)s moved to %(day)s") % {"task": task.title, "day": due.isoformat()})
        # A task waiting on this one is never due before it (nor before its own duration after it).
        _reschedule(case, by=by, note=reason.strip())
    return task


def _locked_task(task: PreboardingTask) -> PreboardingTask:
    locked = (
        PreboardingTask.objects.select_for_update(of=("self",))
        .select_related("case__requisition", "case__candidate", "decision")
        .get(pk=task.pk)
    )
    return locked


def set_work_email(*, case: PreboardingCase, email: str, by: User) -> PreboardingCase:
    """Record the work email IT created (shown to IT and facilities once it exists)."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise OnboardingError(_("Enter a valid email address.")) from None
    with transaction.atomic():
        case = _locked_case(case)
        owns_a_task = tasks_owned_by(by).filter(case=case).exists()
        if not (can_manage_case(by, case) or (case.is_open and owns_a_task and by.has_role(choices.IT))):
            raise OnboardingError(_("Only IT, HR or whoever runs the requisition records the work email."))
        case.work_email = email
        save_with_history(case, by=by, reason=choices.CASE_EDITED)
    return case


# --- Background checks ----------------------------------------------------------------------------------


def request_check(*, check: BackgroundCheck, provider: str, package: str, by: User | None) -> BackgroundCheck:
    """HR orders the check from its vendor (through the vendor's adapter; a fake one serves the demo)."""
    provider, package = provider.strip(), package.strip()
    if not provider or not package:
        raise OnboardingError(_("Name the vendor and the package."))
    with transaction.atomic():
        check = _locked_check(check)
        if by is not None and not can_see_check_detail(by):
            raise OnboardingError(_("Only HR orders background checks."))
        if check.task.status not in OPEN_TASK:
            raise OnboardingError(_("The task of this check is closed."))
        check_move(check, CheckStatus.REQUESTED, transitions=CHECK_TRANSITIONS, error=OnboardingError)
        check.provider, check.package = provider[:120], package[:120]
        check.requested_at = clock.now()
        check.external_ref = checks.adapter().request(check)[:80]
        move(
            check,
            CheckStatus.REQUESTED,
            transitions=CHECK_TRANSITIONS,
            error=OnboardingError,
            by=by,
            reason=choices.CHECK_UPDATED,
        )
        task = check.task
        if task.status == TaskStatus.TODO:
            task.status = TaskStatus.IN_PROGRESS
            save_with_history(task, by=by, reason=choices.TASK_UPDATED)
    return check


def record_check_result(*, check: BackgroundCheck, status: str, by: User | None, report: str = "") -> BackgroundCheck:
    """HR (or the vendor's integration, `by=None`) records where a check stands. Once decided (clear or
    adverse) the report is reduced to outcome and date. Clear completes the task at its expected cost;
    adverse blocks it for HR to decide."""
    if status not in CheckStatus.values:
        raise OnboardingError(_("Choose the check's status."))
    with transaction.atomic():
        check = _locked_check(check)
        if by is not None and not can_see_check_detail(by):
            raise OnboardingError(_("Only HR records background check results."))
        check_move(check, status, transitions=CHECK_TRANSITIONS, error=OnboardingError)
        check.report = report.strip()[:20_000]
        if status in DECIDED_CHECK:
            check.report = ""
            check.decided_on = clock.today()
        move(
            check,
            status,
            transitions=CHECK_TRANSITIONS,
            error=OnboardingError,
            by=by,
            reason=choices.CHECK_REDUCED if status in DECIDED_CHECK else choices.CHECK_UPDATED,
        )
        task = check.task
        if task.status not in OPEN_TASK:
            return check
        if status == CheckStatus.CLEAR:
            task.status = TaskStatus.DONE
            task.status_reason = ""
            if task.expected_cost is not None:
                task.actual_cost = task.expected_cost
            _settle(task, by=by, note=_("Background check clear."))
            save_with_history(task, by=by, reason=choices.TASK_UPDATED)
            if task.actual_cost:
                _record_actual(task, Money(task.actual_cost, task.currency), by=by)
        elif status == CheckStatus.ADVERSE:
            task.status = TaskStatus.BLOCKED
            task.status_reason = _("Adverse background check: HR decides whether the hire goes ahead.")
            save_with_history(task, by=by, reason=choices.TASK_UPDATED)
        elif task.status == TaskStatus.TODO:
            task.status = TaskStatus.IN_PROGRESS
            save_with_history(task, by=by, reason=choices.TASK_UPDATED)
    return check


def _locked_check(check: BackgroundCheck) -> BackgroundCheck:
    return (
        BackgroundCheck.objects.select_for_update(of=("self",))
        .select_related("task__case__requisition", "task__decision")
        .get(pk=check.pk)
    )


# --- The start ------------------------------------------------------------------------------------------


def move_start(*, case: PreboardingCase, start: date, by: User, reason: str) -> PreboardingCase:
    """Move the start date (HR, or whoever runs the requisition; a reason is required). Open tasks anchored
    to the start move with it (and those waiting on them), unless someone set their date by hand; the pay
    the offer committed moves to the months from the new start (reversed and recorded again); the change is
    logged on the case and shown on the requisition."""
    reason = reason.strip()
    if not reason:
        raise OnboardingError(_("Say why the start moves."))
    with transaction.atomic():
        case = _locked_case(case)
        if not can_manage_case(by, case):
            raise OnboardingError(_("Only HR or whoever runs the requisition moves an open case's start."))
        if start == case.planned_start:
            raise OnboardingError(_("The start is already %(day)s.") % {"day": start.isoformat()})
        if start < clock.today():
            raise OnboardingError(_("Choose today or a later date."))
        before = case.planned_start
        case.planned_start = start
        save_with_history(case, by=by, reason=choices.CASE_START_MOVED)
        _log(case, StartChangeKind.MOVED, before, start, reason, by)
        memo = _("%(ref)s start moved %(from)s → %(to)s") % {
            "ref": case.reference,
            "from": before.isoformat(),
            "to": start.isoformat(),
        }
        _reschedule(case, by=by, note=memo)
        if case.offer_id:
            try:
                move_commitment(offer=case.offer, start=start, by=by, memo=memo)
            except OfferError as exc:
                raise OnboardingError(str(exc)) from exc
        _tell(
            case,
            _("%(who)s's start moved from %(from)s to %(to)s: %(why)s")
            % {"who": case.candidate, "from": before.isoformat(), "to": start.isoformat(), "why": reason},
            by,
        )
    return case


def _reschedule(case: PreboardingCase, *, by, note: str) -> None:
    tasks = list(case.tasks.select_related("decision").prefetch_related("waits_on"))
    due = schedule.due_dates(
        steps_of(tasks),
        accepted_on=case.accepted_on,
        start=case.planned_start,
        cal=schedule.BusinessCalendar.around(clock.today()),
    )
    for task in tasks:
        if task.status not in OPEN_TASK:
            continue
        title = _task_title(task, case)
        if task.due_set_by_hand or due[task.pk] == task.due_date:
            if task.decision is not None and task.decision.title != title:  # the start in the title moved
                reschedule_decision(decision=task.decision, due_at=task.decision.due_at, by=by, note=note, title=title)
            continue
        task.due_date = due[task.pk]
        save_with_history(task, by=by, reason=choices.TASK_RESCHEDULED)
        if task.decision is not None:
            reschedule_decision(decision=task.decision, due_at=end_of_day(task.due_date), by=by, note=note, title=title)
        _move_forecast(task, by=by, why=note)


def earliest_feasible_start(case: PreboardingCase, *, today: date | None = None) -> date | None:
    today = today or clock.today()
    tasks = list(case.tasks.prefetch_related("waits_on"))
    return schedule.earliest_start(steps_of(tasks), today=today, cal=schedule.BusinessCalendar.around(today))


def earliest_start_for(*, employment_type: str, location_id, department_id, today: date | None = None):
    """(template, earliest feasible start) of a hire accepted today: the blocking tasks of the template that
    would apply, each taking its full duration. (None, None) when no template applies."""
    today = today or clock.today()
    template = template_for(employment_type=employment_type, location_id=location_id, department_id=department_id)
    if template is None:
        return None, None
    steps = [
        schedule.Step(
            key=task.pk,
            anchor_is_start=task.anchor == Anchor.START,
            offset=task.offset_days,
            duration=task.duration_days,
            blocks=task.blocks_start,
            waits_on={dep.pk for dep in task.waits_on.all()},
        )
        for task in template.tasks.prefetch_related("waits_on")
    ]
    return template, schedule.earliest_start(steps, today=today, cal=schedule.BusinessCalendar.around(today))


def confirm_start(*, case: PreboardingCase, start: date, by: User, note: str = "") -> PreboardingCase:
    """The hiring manager or HR confirms the day the person started: the only way an application becomes
    Hired. Every blocking task must be done, not applicable or waived by HR. The case closes as started (tasks
    after the start stay with their owners) and the committed pay follows the confirmed date."""
    with transaction.atomic():
        case = _locked_case(case)
        if not can_confirm_start(by, case):
            raise OnboardingError(_("Only the hiring manager or HR confirms an open case's start."))
        if start > clock.today():
            raise OnboardingError(
                _("A start is confirmed on or after the day: %(day)s is still to come.") % {"day": start.isoformat()}
            )
        if start < case.accepted_on:
            raise OnboardingError(
                _("The start cannot be before the acceptance (%(day)s).") % {"day": case.accepted_on.isoformat()}
            )
        blocking = list(case.tasks.open().filter(blocks_start=True).values_list("title", flat=True))
        if blocking:
            raise OnboardingError(
                _("These blocking tasks are still open: %(tasks)s. Finish them, or HR waives them with a reason.")
                % {"tasks": ", ".join(blocking)}
            )
        if case.application_id:
            try:
                confirm_hire(application=case.application, by=by, note=note.strip() or _("Start confirmed."))
            except PipelineError as exc:
                raise OnboardingError(str(exc)) from exc
        before = case.planned_start
        case.confirmed_start = start
        case.closed_at = clock.now()
        case.status_note = note.strip()
        _move_case(case, CaseStatus.STARTED, by=by, reason=choices.CASE_STARTED)
        _log(case, StartChangeKind.CONFIRMED, before, start, note.strip(), by)
        if case.offer_id and ledger.first_of_month(start) != ledger.first_of_month(before):
            memo = _("%(ref)s started %(day)s") % {"ref": case.reference, "day": start.isoformat()}
            move_commitment(offer=case.offer, start=start, by=by, memo=memo)
        _tell(case, _("%(who)s started on %(day)s.") % {"who": case.candidate, "day": start.isoformat()}, by)
    return case


def end_before_start(
    *, case: PreboardingCase, outcome: str, reason: ReasonCode, by: User, note: str = ""
) -> PreboardingCase:
    """A no-show or a withdrawal before the start reverses the hire: the application closes with `reason`,
    the offer's commitments are reversed, the opening is free again (the requisition's forecast returns),
    open tasks are cancelled (their forecasts reversed), and for an agency placement within its guarantee
    finance gets a decision to claim the replacement or refund."""
    kinds = {CaseStatus.NO_SHOW: StartChangeKind.NO_SHOW, CaseStatus.WITHDRAWN: StartChangeKind.WITHDRAWN}
    if outcome not in kinds:
        raise OnboardingError(_("Choose a no-show or a withdrawal."))
    with transaction.atomic():
        case = _locked_case(case)
        if not can_manage_case(by, case):
            raise OnboardingError(_("Only HR or whoever runs the requisition records that a hire fell through."))
        if case.offer_id is None:
            raise OnboardingError(_("A contractor's case ends with the engagement: end it on the contractor's page."))
        what = _("%(who)s: %(outcome)s") % {"who": case.candidate, "outcome": CaseStatus(outcome).label.lower()}
        try:
            if case.application_id:
                release_pre_start(application=case.application, reason=reason, by=by, note=note)
            release_hire(requisition=case.requisition, by=by, what=str(what))
        except (PipelineError, RequisitionError) as exc:
            raise OnboardingError(str(exc)) from exc
        reverse_commitment(offer=case.offer, by=by, memo=f"{case.reference} {what}")
        for task in case.tasks.open().select_related("decision"):
            task.status = TaskStatus.CANCELLED
            task.status_reason = str(what)
            _settle(task, by=by, note=str(what))
            save_with_history(task, by=by, reason=choices.TASK_CANCELLED)
        case.closed_at = clock.now()
        case.status_note = f"{reason.label}: {note.strip()}" if note.strip() else reason.label
        _move_case(
            case,
            outcome,
            by=by,
            reason=choices.CASE_NO_SHOW if outcome == CaseStatus.NO_SHOW else choices.CASE_WITHDRAWN,
        )
        _log(case, kinds[outcome], case.planned_start, None, case.status_note, by)
        # The hire never started, so the guarantee (running from the agreed start) has not begun to run
        # out, however far the start moved since: judged on the placement's timeline, not today's.
        on = min(clock.today(), case.original_start)
        placement_fell_through(offer=case.offer, on=on, by=by, what=str(what))
        _tell(case, str(what), by)
    return case


def _locked_case(case: PreboardingCase) -> PreboardingCase:
    return (
        PreboardingCase.objects.select_for_update(of=("self",))
        .select_related("requisition", "candidate", "application", "offer")
        .get(pk=case.pk)
    )


def _move_case(case: PreboardingCase, to: str, *, by, reason: str) -> None:
    move(case, to, transitions=CASE_TRANSITIONS, error=OnboardingError, by=by, reason=reason)


def _log(case, kind, from_date, to_date, reason, by) -> StartChange:
    return StartChange.objects.create(
        case=case, kind=kind, from_date=from_date, to_date=to_date, reason=reason[:4000], by=by, at=clock.now()
    )


def _tell(case: PreboardingCase, message: str, by: User | None) -> None:
    req = case.requisition
    people = [p for p in (req.hiring_manager, req.recruiter) if p is not None and p != by]
    notify(users=people, message=message, url=case.get_absolute_url())


# --- The hiring manager's digest ------------------------------------------------------------------------


def send_start_digests(*, today: date | None = None) -> int:
    """One digest to each hiring manager DIGEST_BUSINESS_DAYS business days (or fewer) before a start that
    has anything open, once per case and start date (a moved start gets its own). Safe to run any number of
    times; a run that missed days catches up. Returns how many were sent."""
    today = today or clock.today()
    cal = schedule.BusinessCalendar.around(today)
    cases = (
        PreboardingCase.objects.filter(status=CaseStatus.OPEN, planned_start__gte=today, tasks__status__in=OPEN_TASK)
        .distinct()
        .select_related("requisition__hiring_manager", "candidate")
    )
    sent = 0
    for case in cases:
        manager = case.requisition.hiring_manager
        if manager is None or not manager.is_active or cal.between(today, case.planned_start) > DIGEST_BUSINESS_DAYS:
            continue
        try:
            with transaction.atomic():
                StartDigest.objects.create(
                    case=case, start_date=case.planned_start, recipient=manager, sent_at=clock.now()
                )
        except IntegrityError:
            continue
        open_tasks = list(case.tasks.open().select_related("decision__owner").order_by("due_date", "position"))
        subject = _("%(who)s starts %(day)s: %(n)d pre-boarding tasks open") % {
            "who": case.candidate,
            "day": case.planned_start.isoformat(),
            "n": len(open_tasks),
        }
        lines = [
            f"- {task.title} · {task.decision.owner_display if task.decision else ''} · due {task.due_date.isoformat()}"
            + (" · blocks the start" if task.blocks_start else "")
            for task in open_tasks
        ]
        url = case.get_absolute_url()
        send_email(
            to=[manager.email],
            subject=f"[Staffing portal] {subject}",
            body="\n".join([subject, "", *lines, "", f"{settings.PORTAL_BASE_URL}{url}"]),
        )
        notify(users=[manager], message=subject, url=url)
        sent += 1
    return sent


__all__ = [
    "OnboardingError",
    "confirm_start",
    "earliest_feasible_start",
    "earliest_start_for",
    "end_before_start",
    "move_start",
    "open_case_for_engagement",
    "open_case_for_offer",
    "record_check_result",
    "request_check",
    "resolve_owner",
    "send_start_digests",
    "set_task_due",
    "set_work_email",
    "template_for",
    "template_problems",
    "update_task",
]
