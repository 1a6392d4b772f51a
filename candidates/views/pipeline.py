"""Pipeline pages: the list of the user's applications, and a candidate's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView

from candidates import resumes, selectors
from candidates.choices import ActivityKind, ApplicationStatus
from candidates.filters import ApplicationFilter
from candidates.forms.pipeline import ActivityForm, BulkForm, CloseForm, MoveForm, ResumeForm
from candidates.models import ReasonCode, Resume, Stage
from candidates.permissions import (
    CONTACT_FIELDS,
    can_edit_candidates,
    can_import_applications,
    can_log_activity,
    can_move_application,
    can_move_applications,
    can_move_applications_on,
    can_see_applications,
    can_see_scorecards,
    can_view_contact_details,
    requisitions_run_by,
)
from candidates.services import (
    PipelineError,
    apply_in_bulk,
    attach_resume,
    close_application,
    log_activity,
    move_application,
    open_resume,
)
from portal import audit, registry
from portal.views.lists import PartialListMixin, is_partial_request
from portal.views.saved_views import saved_views_context
from requisitions.selectors import requisitions_for_user

UPLOAD_OVERHEAD = 64 * 1024  # the multipart envelope around the file


def refuse_large_upload(request, limit: int, upload=None) -> None:
    """PipelineError when the request (before reading it) or the received file is over `limit` bytes."""
    sent = int(request.META.get("CONTENT_LENGTH") or 0) - UPLOAD_OVERHEAD
    if sent > limit or (upload is not None and upload.size > limit):
        raise PipelineError(_("The file is larger than %(mb)s MB.") % {"mb": f"{limit / 2**20:g}"})


BOARD_CARDS_PER_COLUMN = 25  # the longest waiting first; the rest are a link to the pipeline list


class PipelineView(PartialListMixin, FilterView):
    """Every application on the requisitions the user runs (or sees), with flags, filters and search."""

    template_name = "candidates/pipeline.html"
    partial_template_name = "candidates/_pipeline_table.html"
    filterset_class = ApplicationFilter
    paginate_by = 50

    allowed = staticmethod(can_see_applications)

    def get_queryset(self):
        qs = selectors.pipeline(self.request.user)
        # The pipeline is about who is still in play: closed applications only when a status is asked for.
        return qs if self.request.GET.get("status") else qs.filter(status=ApplicationStatus.ACTIVE)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_move"] = can_move_applications(user)
        run = (
            requisitions_run_by(user, {a.requisition_id for a in context["object_list"]}) if context["can_move"] else ()
        )
        for application in context["object_list"]:
            application.flags = selectors.risk_flags(application)
            application.can_move = can_move_applications_on(
                user, application.requisition, runs=application.requisition_id in run
            )
        context["show_contact"] = can_view_contact_details(self.request.user)
        context["can_import"] = can_import_applications(self.request.user)
        context.update(saved_views_context(self.request, "candidates:pipeline"))
        context["oob_saved_views"] = is_partial_request(self.request)
        if context["can_move"] and not is_partial_request(self.request):
            context["bulk_form"] = BulkForm(applications=selectors.applications_for_user(user).none())
            context["move_stages"] = Stage.objects.active().movable()
        return context


def candidate_detail(request, pk):
    """The person, their applications in the user's slice with each one's stage timeline and activities."""
    candidate = get_object_or_404(selectors.candidates_for_user(request.user).select_related("merged_into"), pk=pk)
    show_contact = can_view_contact_details(request.user)
    applications = selectors.candidate_applications(candidate, request.user)
    run = requisitions_run_by(request.user, {a.requisition_id for a in applications})
    for application in applications:
        application.flags = selectors.risk_flags(application)
        runs = application.requisition_id in run
        application.can_move = (
            can_move_applications_on(request.user, application.requisition, runs=runs)
            and not application.stage.is_reserved
        )
        application.can_log = can_log_activity(request.user, application.requisition, runs=runs)
        # What other modules show and offer on it (the offers, and whether one may be made).
        application.panels = registry.detail_panels(application, request.user)
    show_interviews = can_see_scorecards(request.user)
    if show_interviews:
        selectors.attach_interviews(applications, request.user, run=run)
    context = {
        "candidate": candidate,
        "show_interviews": show_interviews,
        "applications": applications,
        "show_contact": show_contact,
        "duplicates": list(
            selectors.possible_duplicates(candidate).filter(
                pk__in=selectors.candidates_for_user(request.user).values("pk")
            )[:5]
        ),
        "history": audit.history_entries(candidate, hidden_fields=() if show_contact else CONTACT_FIELDS),
        # The resume carries contact details: only those who may see them see it.
        "resumes": list(candidate.resumes.select_related("uploaded_by")[:5]) if show_contact else [],
        "can_upload_resume": show_contact and can_edit_candidates(request.user) and not candidate.merged_into_id,
        "max_resume_mb": resumes.max_bytes() // (1024 * 1024),
        "stages": Stage.objects.active().movable().order_by("position", "id"),
        "reasons": ReasonCode.objects.active(),
        "activity_kinds": ActivityKind.choices,
    }
    return render(request, "candidates/candidate_detail.html", context)


@require_POST
def resume_upload(request, pk):
    """Keep an uploaded file as the candidate's resume, if its content is a PDF, a DOCX or plain text."""
    candidate = get_object_or_404(selectors.candidates_for_user(request.user), pk=pk)
    if not (can_edit_candidates(request.user) and can_view_contact_details(request.user)):
        raise PermissionDenied
    try:
        refuse_large_upload(request, resumes.max_bytes())
        upload = _valid(ResumeForm(request.POST, request.FILES))["file"]
        refuse_large_upload(request, resumes.max_bytes(), upload)
        resume = attach_resume(candidate=candidate, name=upload.name, content=upload.read(), by=request.user)
    except PipelineError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Resume %(name)s uploaded.") % {"name": resume.original_name})
    return redirect(candidate)


@require_GET
def resume_download(request, pk):
    """A resume, always as a download (never shown in the browser), to those who may see contact details."""
    resume = get_object_or_404(
        Resume.objects.filter(candidate__in=selectors.candidates_for_user(request.user).values("pk")), pk=pk
    )
    if not can_view_contact_details(request.user):
        raise PermissionDenied
    try:
        handle = open_resume(resume)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=resume.original_name, content_type=resumes.CONTENT_TYPES[resume.kind]
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def pipeline_bulk(request):
    """Move, close or reassign the ticked applications, all or none."""
    if not can_move_applications(request.user):
        raise PermissionDenied
    form = BulkForm(
        request.POST,
        applications=selectors.applications_for_user(request.user).select_related("candidate", "requisition"),
    )
    try:
        data = _valid(form)
        changed = apply_in_bulk(
            applications=list(data["application"]),
            action=data["action"],
            by=request.user,
            stage=data["stage"],
            reason=data["reason"],
            owner=data["owner"],
            note=data["note"],
        )
    except PipelineError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)d applications changed.") % {"n": changed})
    return redirect(request.POST.get("next") if _safe(request) else "candidates:pipeline")


def _safe(request) -> bool:
    """Back to the list the user came from (with its filters), never elsewhere."""
    target = request.POST.get("next", "")
    return target.startswith("/candidates/") and url_has_allowed_host_and_scheme(target, {request.get_host()})


@require_GET
def requisition_board(request, pk):
    """One requisition's active applications in columns by stage; recruiters move them from here."""
    if not can_see_applications(request.user):
        raise PermissionDenied
    req = get_object_or_404(requisitions_for_user(request.user), pk=pk)
    return _render_board(request, req)


def _render_board(request, req, *, status=200):
    columns = selectors.board(req, request.user, per_column=BOARD_CARDS_PER_COLUMN)
    for column in columns:  # a workflow's column is shown, never a place to drop a card (it says why)
        column["refusal"] = column["stage"].entry_refusal
    context = {
        "requisition": req,
        "columns": columns,
        "stages": [column["stage"] for column in columns if not column["refusal"]],
        "reason_options": _reason_options(),
        "can_move": can_move_applications_on(request.user, req),
        "show_plan": request.user.has_perm("candidates.view_interviewplan"),
    }
    template = "candidates/_board.html" if is_partial_request(request) else "candidates/board.html"
    return render(request, template, context, status=status)


def _reason_options() -> str:
    """The reason codes as <optgroup>s by category, rendered once for every card's close form."""
    groups: dict[str, list] = {}
    for reason in ReasonCode.objects.active():
        groups.setdefault(reason.get_category_display(), []).append(reason)
    return format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        (
            (category, format_html_join("", '<option value="{}">{}</option>', ((r.code, r.label) for r in reasons)))
            for category, reasons in groups.items()
        ),
    )


def _application_for(request, pk):
    """The application if it is in the user's slice (else 404), and the user may move it (else 403)."""
    application = get_object_or_404(selectors.applications_for_user(request.user).select_related("requisition"), pk=pk)
    if not can_move_application(request.user, application):
        raise PermissionDenied
    return application


@require_POST
def application_move(request, pk):
    def move(application, data):
        move_application(application=application, to_stage=data["stage"], by=request.user, note=data["note"])
        return _("Moved %(who)s to %(stage)s.") % {"who": application.candidate, "stage": data["stage"]}

    return _act_on_card(request, pk, MoveForm, move)


@require_POST
def application_close(request, pk):
    def close(application, data):
        close_application(application=application, reason=data["reason"], by=request.user, note=data["note"])
        return _("%(who)s closed: %(reason)s.") % {"who": application.candidate, "reason": data["reason"]}

    return _act_on_card(request, pk, CloseForm, close)


def _act_on_card(request, pk, form_class, act):
    """Validate `form_class`, call `act(application, cleaned_data)` (a service call returning what to
    say), and answer with the board (htmx) or a redirect to it. A refusal is shown, never a 500."""
    application = _application_for(request, pk)
    try:
        done = act(application, _valid(form_class(request.POST)))
    except PipelineError as exc:
        messages.error(request, str(exc))
        return _after(request, application, ok=False)
    messages.success(request, done)
    return _after(request, application, ok=True)


def _valid(form) -> dict:
    """The cleaned data, or PipelineError with every error of the form (shown like the service's refusals)."""
    if not form.is_valid():
        raise PipelineError(" ".join(error for errors in form.errors.values() for error in errors))
    return form.cleaned_data


def _after(request, application, *, ok: bool):
    if request.htmx:  # the board swaps itself, messages included
        return _render_board(request, application.requisition, status=200 if ok else 400)
    if request.POST.get("from") == "candidate":  # acted on from the candidate's page: back there
        return redirect(application.candidate)
    return redirect("candidates:board", pk=application.requisition_id)


@require_POST
def application_activity(request, pk):
    """Log a note, call, email or message on an application (it moves the application's last activity)."""
    application = get_object_or_404(
        selectors.applications_for_user(request.user).select_related("requisition", "candidate"), pk=pk
    )
    if not can_log_activity(request.user, application.requisition):
        raise PermissionDenied
    try:
        data = _valid(ActivityForm(request.POST))
        log_activity(application=application, kind=data["kind"], body=data["body"], by=request.user)
    except PipelineError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Logged."))
    return redirect(application.candidate)
