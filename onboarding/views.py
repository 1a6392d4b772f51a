"""Pre-boarding pages: the start-date risk page, the starts list (and the HRIS export), a case, a task, and
one's own tasks (IT and facilities). Each fetches through a selector (outside the person's slice: 404),
checks a predicate (403), validates a form and calls one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView

from onboarding import schedule, selectors, services
from onboarding.choices import OPEN_TASK, RISK_HORIZON_DAYS, CaseStatus, CheckStatus
from onboarding.exports import HRIS_COLUMNS
from onboarding.filters import StartFilter
from onboarding.forms import (
    CheckRequestForm,
    CheckResultForm,
    ConfirmStartForm,
    FellThroughForm,
    MoveStartForm,
    TaskDueForm,
    TaskStatusForm,
    WorkEmailForm,
)
from onboarding.models import BackgroundCheck, PreboardingCase, PreboardingTask, StartChange
from onboarding.permissions import (
    can_confirm_start,
    can_export_starts,
    can_manage_case,
    can_see_cases,
    can_see_check_detail,
    can_see_contact,
    can_see_costs,
    can_see_my_tasks,
    can_waive,
    can_work_task,
    is_hr,
)
from portal import audit, clock
from portal.filters import filters_query
from portal.views.exports import export_response
from portal.views.lists import PartialListMixin
from portal.views.saved_views import saved_views_context


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- The start-date risk page ---------------------------------------------------------------------------


@require_GET
def risk(request):
    if not can_see_cases(request.user):
        raise PermissionDenied
    risks = selectors.upcoming_risks(request.user)
    return render(
        request,
        "onboarding/risk.html",
        {
            "risks": risks,
            "at_risk": sum(1 for r in risks if r.at_risk),
            "horizon": RISK_HORIZON_DAYS,
            "today": clock.today(),
        },
    )


# --- The starts list and the HRIS export ---------------------------------------------------------------


def _cases(request):
    return (
        selectors.cases_for_user(request.user)
        .select_related("candidate", "requisition__hiring_manager", "requisition__department", "location")
        .order_by("planned_start", "id")
    )


class StartListView(PartialListMixin, FilterView):
    """Every case the user sees, with its start and status; HR exports the confirmed starts for the HRIS."""

    template_name = "onboarding/start_list.html"
    partial_template_name = "includes/list_results.html"
    filterset_class = StartFilter
    paginate_by = 50
    allowed = staticmethod(can_see_cases)

    def get_queryset(self):
        return _cases(self.request)

    def get_context_data(self, **kwargs):
        exports = can_export_starts(self.request.user)
        return super().get_context_data(
            table_template="onboarding/_start_table.html",
            export_url=reverse("onboarding:starts_export") if exports else "",
            export_query=filters_query(self.filterset, self.request.GET),
            today=clock.today(),
            **saved_views_context(self.request, "onboarding:starts"),
            **kwargs,
        )


@require_GET
def starts_export(request):
    """The HRIS hand-off: confirmed starts (of the list's filters) with the employee fields an HRIS needs."""
    if not can_export_starts(request.user):
        raise PermissionDenied
    queryset = (
        _cases(request)
        .filter(status=CaseStatus.STARTED)
        .select_related("offer__current_version", "requisition__cost_center", "requisition__recruiter")
    )
    filterset = StartFilter(request.GET, queryset=queryset, request=request)
    return export_response(
        request, filterset=filterset, dataset="hris_starts", title=_("Confirmed starts"), columns=HRIS_COLUMNS
    )


# --- One's own tasks ------------------------------------------------------------------------------------


@require_GET
def my_tasks(request):
    user = request.user
    if not can_see_my_tasks(user):
        raise PermissionDenied
    tasks = list(
        selectors.tasks_owned_by(user)
        .select_related("case__candidate", "case__location", "decision__owner")
        .order_by("due_date", "case__planned_start", "id")[:201]
    )
    open_tasks = [t for t in tasks if t.status in OPEN_TASK]
    closed = [t for t in tasks if t.status not in OPEN_TASK][:50]
    return render(
        request,
        "onboarding/my_tasks.html",
        {"open_tasks": open_tasks, "closed_tasks": closed, "more": len(tasks) > 200, "today": clock.today()},
    )


# --- A case ---------------------------------------------------------------------------------------------


def _case_or_404(request, pk) -> PreboardingCase:
    qs = selectors.cases_for_user(request.user).select_related(
        "candidate", "requisition__hiring_manager", "requisition__recruiter", "requisition__department",
        "location", "application__stage", "offer", "engagement", "template",
    )  # fmt: skip
    return get_object_or_404(qs, pk=pk)


@require_GET
def case_detail(request, pk):
    case = _case_or_404(request, pk)
    user = request.user
    today = clock.today()
    tasks = list(
        case.tasks.select_related("decision__owner", "completed_by")
        .prefetch_related("waits_on")
        .order_by("due_date", "position", "id")
    )
    checks = {c.task_id: c for c in BackgroundCheck.objects.filter(task__case=case)}
    for task in tasks:
        task.bg_check = checks.get(task.pk)
    risk = selectors.risk_of(case, today=today, cal=schedule.BusinessCalendar.around(today), tasks=tasks)
    manages = can_manage_case(user, case)
    hr = is_hr(user)
    context = {
        "case": case,
        "tasks": tasks,
        "risk": risk if case.is_open else None,
        "today": today,
        "changes": list(StartChange.objects.filter(case=case).select_related("by")),
        "show_contact": can_see_contact(user, case),
        "show_costs": can_see_costs(user),
        "show_check_detail": can_see_check_detail(user),
        "manages": manages,
        "is_hr": hr,
        "move_form": MoveStartForm(initial={"start": case.planned_start}, auto_id="move_%s") if manages else None,
        "confirm_form": ConfirmStartForm(initial={"start": min(case.planned_start, today)}, auto_id="confirm_%s")
        if can_confirm_start(user, case)
        else None,
        "fell_through_form": FellThroughForm(auto_id="end_%s") if manages and case.offer_id else None,
        "email_form": WorkEmailForm(initial={"work_email": case.work_email}) if manages else None,
        "workable": {t.pk for t in tasks if can_work_task(user, t)},
        "history": audit.history_entries(case) if hr else [],
    }
    return render(request, "onboarding/case_detail.html", context)


def _case_action(request, pk, form_class, act, done_message):
    case = _case_or_404(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(case)
    try:
        act(case, form.cleaned_data)
    except services.OnboardingError as exc:
        messages.error(request, str(exc))
        return redirect(case)
    messages.success(request, done_message)
    return redirect(case)


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@require_POST
def case_move_start(request, pk):
    _refuse_unless(can_manage_case(request.user, _case_or_404(request, pk)))
    return _case_action(
        request, pk, MoveStartForm,
        lambda case, d: services.move_start(case=case, start=d["start"], by=request.user, reason=d["reason"]),
        _("The start moved; tasks anchored to it and the committed pay moved with it."),
    )  # fmt: skip


@require_POST
def case_confirm_start(request, pk):
    _refuse_unless(can_confirm_start(request.user, _case_or_404(request, pk)))
    return _case_action(
        request, pk, ConfirmStartForm,
        lambda case, d: services.confirm_start(case=case, start=d["start"], by=request.user, note=d["note"]),
        _("Start confirmed: the candidate is hired."),
    )  # fmt: skip


@require_POST
def case_fell_through(request, pk):
    case = _case_or_404(request, pk)
    _refuse_unless(can_manage_case(request.user, case) and case.offer_id is not None)
    return _case_action(
        request, pk, FellThroughForm,
        lambda case, d: services.end_before_start(
            case=case, outcome=d["outcome"], reason=d["reason"], by=request.user, note=d["note"]
        ),
        _("Recorded: the hire is reversed and the opening is free again."),
    )  # fmt: skip


@require_POST
def case_work_email(request, pk):
    """The work email: HR or those running the requisition from the case page; IT from its task page."""
    task_id = request.POST.get("task", "")
    if task_id.isascii() and task_id.isdigit():
        task = get_object_or_404(selectors.tasks_owned_by(request.user).select_related("case"), pk=int(task_id))
        if task.case_id != pk:
            raise PermissionDenied
        case, back = task.case, task
    else:
        case = _case_or_404(request, pk)
        _refuse_unless(can_manage_case(request.user, case))
        back = case
    form = WorkEmailForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(back)
    try:
        services.set_work_email(case=case, email=form.cleaned_data["work_email"], by=request.user)
    except services.OnboardingError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("Work email saved."))
    return redirect(back)


# --- A task ---------------------------------------------------------------------------------------------


def _task_or_404(request, pk) -> PreboardingTask:
    qs = selectors.tasks_for_user(request.user).select_related(
        "case__candidate", "case__location", "case__requisition__hiring_manager", "decision__owner", "completed_by"
    )
    return get_object_or_404(qs, pk=pk)


@require_GET
def task_detail(request, pk):
    """A task and what its owner needs: the person's name, start date, location, role and equipment
    profile (and the work email once created); pay and contact details only to those who may see them."""
    task = _task_or_404(request, pk)
    user = request.user
    case = task.case
    sees_case = selectors.cases_for_user(user).filter(pk=case.pk).exists()
    check = BackgroundCheck.objects.filter(task=task).first()
    workable = can_work_task(user, task)
    context = {
        "task": task,
        "case": case,
        "sees_case": sees_case,
        "check": check,
        "show_check_detail": can_see_check_detail(user),
        "show_costs": can_see_costs(user),
        "workable": workable,
        "status_form": TaskStatusForm(task=task, may_waive=can_waive(user, task)) if workable else None,
        "due_form": TaskDueForm(initial={"due": task.due_date}, auto_id="due_%s")
        if can_manage_case(user, case) and task.is_open
        else None,
        "check_request_form": CheckRequestForm(auto_id="order_%s")
        if check and check.status == CheckStatus.NOT_STARTED and can_see_check_detail(user) and task.is_open
        else None,
        "check_result_form": CheckResultForm(auto_id="result_%s")
        if check
        and check.status not in (CheckStatus.NOT_STARTED, CheckStatus.CLEAR, CheckStatus.ADVERSE)
        and can_see_check_detail(user)
        else None,
        "email_form": WorkEmailForm(initial={"work_email": case.work_email})
        if workable and task.kind == "accounts" and case.is_open
        else None,
        "waits_on": list(task.waits_on.all()),
        "today": clock.today(),
    }
    return render(request, "onboarding/task_detail.html", context)


def _task_action(request, task, form, act, done_message):
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(task)
    try:
        act(form.cleaned_data)
    except services.OnboardingError as exc:
        messages.error(request, str(exc))
        return redirect(task)
    messages.success(request, done_message)
    return redirect(task)


@require_POST
def task_status(request, pk):
    task = _task_or_404(request, pk)
    user = request.user
    may_waive = can_waive(user, task)
    _refuse_unless(can_work_task(user, task) or may_waive)
    form = TaskStatusForm(request.POST, task=task, may_waive=may_waive)
    return _task_action(
        request, task, form,
        lambda d: services.update_task(
            task=task, status=d["status"], by=user, reason=d["reason"], actual_cost=d.get("actual_cost")
        ),
        _("Task updated."),
    )  # fmt: skip


@require_POST
def task_due(request, pk):
    task = _task_or_404(request, pk)
    _refuse_unless(can_manage_case(request.user, task.case))
    return _task_action(
        request, task, TaskDueForm(request.POST),
        lambda d: services.set_task_due(task=task, due=d["due"], by=request.user, reason=d["reason"]),
        _("Due date set; it stays put when the start moves."),
    )  # fmt: skip


@require_POST
def check_request(request, pk):
    task = _task_or_404(request, pk)
    _refuse_unless(can_see_check_detail(request.user))
    check = get_object_or_404(BackgroundCheck, task=task)
    return _task_action(
        request, task, CheckRequestForm(request.POST),
        lambda d: services.request_check(check=check, provider=d["provider"], package=d["package"], by=request.user),
        _("Background check requested."),
    )  # fmt: skip


@require_POST
def check_result(request, pk):
    task = _task_or_404(request, pk)
    _refuse_unless(can_see_check_detail(request.user))
    check = get_object_or_404(BackgroundCheck, task=task)
    return _task_action(
        request, task, CheckResultForm(request.POST),
        lambda d: services.record_check_result(check=check, status=d["status"], report=d["report"], by=request.user),
        _("Background check updated."),
    )  # fmt: skip
