"""Import pages: upload an ATS export, map its columns and labels, preview the rows, run it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.choices import ImportStatus, MappingKind
from candidates.forms.pipeline import ImportUploadForm
from candidates.models import CandidateImport
from candidates.permissions import can_import_applications
from candidates.services import PipelineError, imports
from candidates.views.pipeline import refuse_large_upload
from portal import clock

LABELS_SHOWN = 200  # per kind; a form stays well under Django's limit on posted fields
ERRORS_SHOWN = 200
SAMPLE_ROWS = 15


def _importer(request):
    if not can_import_applications(request.user):
        raise PermissionDenied


def _import_for(request, pk) -> CandidateImport:
    _importer(request)
    return get_object_or_404(imports.imports_for_user(request.user), pk=pk)


@require_http_methods(["GET", "POST"])
def import_list(request):
    """The person's recent imports, and the upload of a new one."""
    _importer(request)
    form = ImportUploadForm()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        try:
            refuse_large_upload(request, imports.MAX_BYTES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                refuse_large_upload(request, imports.MAX_BYTES, upload)
                text, headers, count = imports.read_upload(upload.name, upload.read())
                imp = CandidateImport.objects.create(
                    file_name=upload.name[-120:],
                    content=text,
                    headers=headers,
                    columns=imports.guess_columns(headers),
                    total_rows=count,
                    created_by=request.user,
                    created_at=clock.now(),
                )
                return redirect(imp)
        except PipelineError as exc:
            form.add_error("file", str(exc))
    context = {"form": form, "imports": imports.imports_for_user(request.user)[:20]}
    return render(request, "candidates/imports.html", context, status=400 if form.errors else 200)


@require_GET
def import_detail(request, pk):
    """Mapping, preview with every row's errors, and the button that runs it (or its progress/result)."""
    imp = _import_for(request, pk)
    context = {"imp": imp, "fields": imports.FIELDS.items()}
    if imp.status in (ImportStatus.MAPPING, ImportStatus.FAILED):
        context.update(_preview(imp, request.user))
    return render(request, "candidates/import_detail.html", context)


def _preview(imp: CandidateImport, user) -> dict:
    vocabulary = imports.Vocabulary.load(user)
    problems = imports.column_problems(imp.columns)
    found = imports.labels_in(imports.records(imp))
    label_tables = []
    for kind in MappingKind:
        if kind == MappingKind.COLUMN or kind not in found:
            continue
        labels = sorted(found[kind].items(), key=lambda item: (-item[1], item[0]))
        label_tables.append(
            {
                "kind": kind,
                "choices": vocabulary.choices(kind),
                "rows": [
                    {"label": label, "count": n, "value": vocabulary.suggest(kind, label)}
                    for label, n in labels[:LABELS_SHOWN]
                ],
                "more": max(len(labels) - LABELS_SHOWN, 0),
            }
        )
    plans = [] if problems else imports.plan(imp, user, vocabulary=vocabulary)
    bad = [p for p in plans if p.errors]
    return {
        "column_problems": problems,
        "columns": [(name, label, imp.columns.get(name, "")) for name, label in imports.FIELDS.items()],
        "label_tables": label_tables,
        "summary": imports.summary(plans),
        "error_rows": bad[:ERRORS_SHOWN],
        "more_errors": max(len(bad) - ERRORS_SHOWN, 0),
        "sample": [p for p in plans if not p.errors][:SAMPLE_ROWS],
    }


@require_POST
def import_mapping(request, pk):
    """Save the column and label mappings, then show the preview again."""
    imp = _import_for(request, pk)
    columns = {name: request.POST.get(f"col-{name}", "") for name in imports.FIELDS}
    labels: dict[str, dict[str, str]] = {}
    for name, label in request.POST.items():
        if name.startswith("label-"):
            kind = name.split("-")[1]
            labels.setdefault(kind, {})[label] = request.POST.get("value-" + name.removeprefix("label-"), "")
    try:
        imports.save_mapping(imp=imp, columns=columns, labels=labels, by=request.user)
    except PipelineError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Mapping saved; the rows were checked again."))
    return redirect(imp)


@require_POST
def import_run(request, pk):
    imp = _import_for(request, pk)
    try:
        imports.start_import(imp=imp, by=request.user, skip_errors=request.POST.get("skip_errors") == "on")
    except PipelineError as exc:
        messages.error(request, str(exc))
    return redirect(imp)


@require_GET
def import_progress(request, pk):
    """The progress bar (htmx polls it); once the import has finished, the page reloads to show the result."""
    imp = _import_for(request, pk)
    if not imp.in_progress and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "candidates/_import_progress.html", {"imp": imp})
