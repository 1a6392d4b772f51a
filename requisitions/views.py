"""Requisition pages: list (with CSV and XLSX export), intake, detail with the approval chain, and actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView

from portal import audit, registry
from portal.exceptions import PortalError
from portal.filters import filters_query
from portal.permissions import can_see_cost_centers
from portal.services.approvals import chain_timeline, open_chain_decisions
from portal.services.exports import Column
from portal.views.decisions import MyWorkView
from portal.views.exports import export_response
from portal.views.lists import PartialListMixin
from portal.views.saved_views import saved_views_context
from requisitions import selectors
from requisitions.choices import Action, Status
from requisitions.filters import RequisitionFilter
from requisitions.forms import CommentForm, IntakeHintsForm, RequisitionForm, ShareForm
from requisitions.models import Requisition
from requisitions.permissions import (
    COST_FIELDS,
    allowed_actions,
    can_create_requisition,
    can_edit_requisition,
    can_export_requisitions,
    can_share_requisition,
    can_view_costs,
)
from requisitions.services import (
    RequisitionError,
    SubmissionRefused,
    approve_requisition,
    create_requisition,
    move_requisition,
    reject_requisition,
    send_back_requisition,
    share_requisition,
    submit_requisition,
    unshare_requisition,
    update_requisition,
)
from requisitions.validation import intake_warnings, similar_summary, submission_problems


def _visible(request):
    return selectors.requisitions_for_user(request.user)


class RequisitionListView(PartialListMixin, FilterView):
    template_name = "requisitions/requisition_list.html"
    # An htmx swap sends the table and, out of band, the export buttons carrying the new filters.
    partial_template_name = "requisitions/_requisition_results.html"
    filterset_class = RequisitionFilter
    paginate_by = 25

    def get_queryset(self):
        qs = selectors.with_overdue_approval(_visible(self.request).with_list_relations())
        return qs.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            show_costs=can_view_costs(user),
            filter_cost_centers=can_see_cost_centers(user),
            can_export=can_export_requisitions(user),
            can_create=can_create_requisition(user),
            status_counts=[  # in the order a requisition moves through them
                (Status(status).label, n)
                for status, n in sorted(
                    selectors.status_counts(self.object_list).items(), key=lambda item: Status.values.index(item[0])
                )
            ],
            query=self.request.GET.urlencode(),
            export_query=filters_query(self.filterset, self.request.GET),
        )
        context.update(saved_views_context(self.request, "requisitions:list"))
        return context


EXPORT_COLUMNS = [
    Column("Reference", lambda r: r.reference),
    Column("Title", lambda r: r.title),
    Column("Status", lambda r: r.get_status_display()),
    Column("Department", lambda r: r.department),
    Column("Cost center", lambda r: r.cost_center),
    Column("Location", lambda r: r.location),
    Column("Employment type", lambda r: r.get_employment_type_display()),
    Column("Openings", lambda r: r.openings),
    Column("Hiring manager", lambda r: r.hiring_manager),
    Column("Recruiter", lambda r: r.recruiter),
    Column("Target start", lambda r: r.target_start_date),
    Column("First-year cost min", lambda r: r.cost_min),
    Column("First-year cost max", lambda r: r.cost_max),
    Column("Currency", lambda r: r.currency),
    Column("Approval overdue", lambda r: r.has_overdue_approval),
]


@require_GET
def requisition_export(request):
    """The filtered list as CSV or XLSX (`?format=csv|xlsx`, csv by default), for roles that may see costs.
    Strict and logged, as every export (portal.views.exports.export_response)."""
    if not can_export_requisitions(request.user):
        raise PermissionDenied
    base = selectors.with_overdue_approval(_visible(request).with_list_relations())
    filterset = RequisitionFilter(request.GET, queryset=base.order_by("-created_at", "-id"), request=request)
    return export_response(
        request, filterset=filterset, dataset="requisitions", title=_("Requisitions"), columns=EXPORT_COLUMNS
    )


def requisition_create(request):
    if not can_create_requisition(request.user):
        raise PermissionDenied
    form = RequisitionForm(request.POST or None, initial={"hiring_manager": request.user.pk, "openings": 1})
    return _intake(request, form, None, lambda data: create_requisition(by=request.user, **data))


def requisition_edit(request, pk):
    req = get_object_or_404(_visible(request), pk=pk)
    if not can_edit_requisition(request.user, req):
        raise PermissionDenied
    form = RequisitionForm(request.POST or None, instance=req)
    return _intake(request, form, req, lambda data: update_requisition(requisition=req, by=request.user, **data))


def _intake(request, form, req, save):
    """The intake form: show it; on POST validate, `save(intake data)` through the service, then submit
    when asked (see _after_save). An invalid "Save and submit" lists every problem at once."""
    if request.method == "POST":
        if form.is_valid():
            try:
                return _after_save(request, save(form.intake_data()), form)
            except PortalError as exc:
                form.add_error(None, str(exc))
        elif _submit_pressed(request):
            return _refuse_invalid_submit(request, form, req)
    warnings = intake_warnings(req, _visible(request)) if req is not None else []
    context = {"form": form, "requisition": req, "warnings": warnings}
    return render(request, "requisitions/requisition_form.html", context)


def _submit_pressed(request) -> bool:
    return request.POST.get("submit") is not None


def _add_submission_problems(form, problems: dict[str, list[str]]) -> None:
    """Each problem on its field, unless the form already found something wrong there."""
    for field, messages_ in problems.items():
        if field in form.fields and field in form.errors:
            continue
        for problem in messages_:
            form.add_error(field if field in form.fields else None, problem)


def _refuse_invalid_submit(request, form, req):
    """ "Save and submit" with input the form refuses: nothing is saved, and the page lists everything
    that stops submission at once, the form's errors and the submission checks on the valid rest."""
    draft = form.instance  # the valid fields applied, in memory only
    problems = submission_problems(draft)
    if draft.cost_center_id and draft.cost_center.budget_owner_id and not draft.budget_owner_id:
        problems.pop("budget_owner", None)  # saving takes the cost center's budget owner
    _add_submission_problems(form, problems)
    messages.warning(request, _("Nothing was saved: correct the fields marked below, then save or submit again."))
    context = {"form": form, "requisition": req, "warnings": []}
    return render(request, "requisitions/requisition_form.html", context, status=400)


def _after_save(request, req, form):
    """Saved as a draft; with "Save and submit" also try to submit, and show what stops it."""
    if not _submit_pressed(request):
        messages.success(request, _("%(ref)s saved as a draft.") % {"ref": req.reference})
        return redirect(req)
    try:
        submit_requisition(requisition=req, by=request.user)
    except SubmissionRefused as refused:
        _add_submission_problems(form, refused.problems)
        messages.warning(request, str(refused))
        context = {"form": form, "requisition": req, "warnings": intake_warnings(req, _visible(request))}
        return render(request, "requisitions/requisition_form.html", context, status=400)
    except PortalError as exc:
        messages.error(request, str(exc))
        return redirect(req)
    messages.success(request, _("%(ref)s submitted for approval.") % {"ref": req.reference})
    return redirect(req)


def requisition_detail(request, pk):
    qs = _visible(request).with_list_relations()
    qs = qs.select_related("budget_owner", "hiring_plan__cost_center", "comp_band", "created_by")
    req = get_object_or_404(qs, pk=pk)
    user = request.user
    open_decisions = list(open_chain_decisions(req).select_related("owner"))
    show_costs = can_view_costs(user, req)
    show_cost_center = can_see_cost_centers(user)  # the cost center and its budget owner are cost data too
    hidden = [*(() if show_costs else COST_FIELDS), *(() if show_cost_center else ("cost_center", "budget_owner"))]
    actions = allowed_actions(user, req, open_decisions)
    can_edit = Action.SUBMIT in actions  # the same rule: the people who run it, while it is a draft
    context = {
        "requisition": req,
        "show_costs": show_costs,
        "show_cost_center": show_cost_center,
        "actions": actions,
        "can_edit": can_edit,
        "timeline": chain_timeline(req),
        "warnings": intake_warnings(req, _visible(request)) if can_edit else [],
        "history": audit.history_entries(req, hidden_fields=hidden),
        "comment_form": CommentForm(),
        "can_share": can_share_requisition(user, req),
        # What modules show about it (candidates, offers, contractors...), each to those who may see it.
        "panels": registry.detail_panels(req, user),
        "shared_with": selectors.shared_with(req),
        "share_form": ShareForm(),
    }
    return render(request, "requisitions/requisition_detail.html", context)


ACTIONS = {
    Action.SUBMIT: lambda req, by, note: submit_requisition(requisition=req, by=by),
    Action.APPROVE: lambda req, by, note: approve_requisition(requisition=req, by=by, note=note),
    Action.REJECT: lambda req, by, note: reject_requisition(requisition=req, by=by, note=note),
    Action.SEND_BACK: lambda req, by, note: send_back_requisition(requisition=req, by=by, note=note),
    **{
        action: (lambda a: lambda req, by, note: move_requisition(requisition=req, action=a, by=by, note=note))(action)
        for action in (Action.OPEN, Action.HOLD, Action.RESUME, Action.FILL, Action.CANCEL)
    },
}

DONE_MESSAGES = {
    Action.SUBMIT: _("Submitted for approval."),
    Action.APPROVE: _("Approval recorded."),
    Action.REJECT: _("Requisition rejected."),
    Action.SEND_BACK: _("Sent back for changes."),
    Action.OPEN: _("Requisition opened for sourcing."),
    Action.HOLD: _("Requisition put on hold."),
    Action.RESUME: _("Requisition resumed."),
    Action.FILL: _("Requisition marked filled."),
    Action.CANCEL: _("Requisition cancelled."),
}


@require_POST
def requisition_act(request, pk, action):
    req = get_object_or_404(_visible(request), pk=pk)
    open_decisions = list(open_chain_decisions(req))
    if action not in allowed_actions(request.user, req, open_decisions):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(req)
    note = form.cleaned_data["note"]
    try:
        ACTIONS[action](req, request.user, note)
    except SubmissionRefused as refused:
        problems = "; ".join(p for ps in refused.problems.values() for p in ps)
        messages.error(request, f"{refused} {problems}")
        return redirect("requisitions:edit", pk=req.pk)
    except (RequisitionError, PortalError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, DONE_MESSAGES[action])
    return redirect(req)


@require_GET
def intake_hints(request):
    """htmx partial under the intake form: the band, what the plan has left, similar requisitions."""
    if not can_create_requisition(request.user):
        raise PermissionDenied
    form = IntakeHintsForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    draft = Requisition(
        role_family=data.get("role_family"),
        level=data.get("level"),
        location=data.get("location"),
        department=data.get("department"),
        hiring_plan=data.get("hiring_plan"),
        target_start_date=data.get("target_start_date"),
        employment_type=data.get("employment_type") or "full_time",
    )
    editing = request.GET.get("requisition", "")
    if editing.isascii() and editing.isdigit() and len(editing) < 12:
        draft.pk = int(editing)
    band = selectors.band_for(
        role_family_id=draft.role_family_id, level_id=draft.level_id, location_id=draft.location_id,
        on=draft.target_start_date, currency=data.get("currency") or "CAD",
    )  # fmt: skip
    capacity = selectors.plan_capacity(draft.hiring_plan, excluding=draft) if draft.hiring_plan else None
    context = {"band": band, "capacity": capacity, "similar": similar_summary(draft, _visible(request))}
    return render(request, "requisitions/_intake_hints.html", context)


class MyApprovalsView(MyWorkView):
    """My work, narrowed to approvals: every policy's steps (requisitions, offers...)."""

    template_name = "requisitions/my_approvals.html"

    def get_queryset(self):
        kinds = {policy.decision_kind for policy in registry.approval_policies()}
        return super().get_queryset().filter(kind__in=kinds)

    def scope(self) -> str:
        return "mine"

    def panels(self) -> list[dict]:
        return []


@require_POST
def requisition_share(request, pk):
    req = get_object_or_404(_visible(request), pk=pk)
    if not can_share_requisition(request.user, req):
        raise PermissionDenied
    form = ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an active recruiter or hiring manager to share with."))
        return redirect(req)
    try:
        share_requisition(requisition=req, user=form.cleaned_data["user"], by=request.user)
    except RequisitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Shared with %(user)s.") % {"user": form.cleaned_data["user"]})
    return redirect(req)


@require_POST
def requisition_unshare(request, pk, user_pk):
    req = get_object_or_404(_visible(request), pk=pk)
    if not can_share_requisition(request.user, req):
        raise PermissionDenied
    person = {u.pk: u for u in selectors.shared_with(req)}.get(user_pk)
    if person is None:
        raise Http404
    try:
        unshare_requisition(requisition=req, user=person, by=request.user)
    except RequisitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(user)s no longer sees this requisition.") % {"user": person})
    return redirect(req)
