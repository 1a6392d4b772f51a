"""Importing an ATS export (Greenhouse, Lever, Ashby or a spreadsheet of our own): read the CSV, map its
columns onto our fields and its labels onto our vocabulary, check every row, then write all the rows
in one transaction or none.

Mappings are saved (candidates.ImportMapping) and reused by the next import. A label without a mapping
is a row error, never free text. Re-importing a file updates what it imported before: an application
is matched by its external id, else by the candidate's email and the requisition.

`plan()` reads and checks (no writes); `run_import()` is the service the Celery task calls.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from candidates.choices import CLOSED_STATUSES, ApplicationStatus, ImportStatus, MappingKind, StageKind
from candidates.models import Application, Candidate, CandidateImport, ImportMapping, ReasonCode, Source, Stage
from candidates.services import (
    PipelineError,
    apply,
    close_application,
    close_problem,
    create_candidate,
    email_key,
    link_external_id,
    move_application,
    move_problem,
    owner_problem,
    reassign_owner,
)
from portal import clock
from portal.choices import Role
from portal.emails import validate_email
from portal.models import User
from requisitions.choices import Status as RequisitionStatus
from requisitions.selectors import requisitions_run_by

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 100
MAX_CELL = 1000
PROGRESS_EVERY = 250

# Our fields, in the order the mapping form shows them.
FIELDS = {
    "external_id": _("Application id"),
    "full_name": _("Full name"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "email": _("Email"),
    "phone": _("Phone"),
    "job": _("Job or requisition"),
    "stage": _("Stage"),
    "status": _("Status"),
    "reason": _("Rejection reason"),
    "source": _("Source"),
    "source_type": _("Source type"),
    "recruiter": _("Recruiter"),
    "applied_at": _("Applied"),
    "last_activity_at": _("Last activity"),
}
# Column headings of the usual exports, case-folded, for the first guess at the mapping.
ALIASES = {
    "external_id": ["application id", "application_id", "opportunity id", "external id", "applicationid"],
    "full_name": ["name", "full name", "candidate name", "candidate", "contact name"],
    "first_name": ["first name", "firstname", "candidate first name", "given name"],
    "last_name": ["last name", "lastname", "candidate last name", "family name", "surname"],
    "email": ["email", "email address", "emails", "candidate email", "personal email", "primary email"],
    "phone": ["phone", "phone number", "phones", "mobile", "candidate phone"],
    "job": [
        "job id", "requisition id", "req id", "job req id", "posting id", "job", "job name", "posting", "requisition",
    ],
    "stage": ["current stage", "stage", "current interview stage", "interview stage", "pipeline stage"],
    "status": ["status", "application status", "candidate status"],
    "reason": ["rejection reason", "reject reason", "archive reason", "archived reason", "disposition reason"],
    "source": ["source", "sources", "source name", "candidate source"],
    "source_type": ["source type", "origin", "source category"],
    "recruiter": ["recruiter", "recruiter email", "owner", "application owner", "recruiter name"],
    "applied_at": [
        "applied at", "applied date", "application date", "date applied", "applied on", "created at (gmt)",
        "created at",
    ],
    "last_activity_at": [
        "last activity", "last activity date", "last activity at", "last interaction", "updated at", "last updated",
    ],
}  # fmt: skip
LABEL_FIELDS = {
    "job": MappingKind.JOB,
    "stage": MappingKind.STAGE,
    "status": MappingKind.STATUS,
    "reason": MappingKind.REASON,
    "source": MappingKind.SOURCE,
    "source_type": MappingKind.SOURCE,
    "recruiter": MappingKind.RECRUITER,
}
ACTIVE, HIRED, CLOSED = "active", "hired", "closed"
STATUS_TARGETS = {ACTIVE: _("Active"), HIRED: _("Hired"), CLOSED: _("Closed (rejected or withdrawn, by the reason)")}
STATUS_WORDS = {
    ACTIVE: {"active", "in process", "in progress", "open", "lead"},
    HIRED: {"hired", "hire"},
    CLOSED: {"rejected", "archived", "withdrawn", "declined", "closed", "disqualified"},
}


class ImportRefused(PipelineError):
    pass


def key(label: str) -> str:
    """How a label is matched: trimmed, spaces collapsed, case-folded."""
    return " ".join(str(label).split()).casefold()


# --- Reading the file --------------------------------------------------------------------------------


def read_upload(name: str, raw: bytes) -> tuple[str, list[str], int]:
    """The file's text, headings and number of rows, or ImportRefused saying what is wrong with it."""
    if not raw:
        raise ImportRefused(_("The file is empty."))
    if len(raw) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than %(mb)d MB: split it.") % {"mb": MAX_BYTES // 2**20})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(_("The file is not UTF-8 text: export it as CSV (UTF-8).")) from None
    if "\x00" in text:
        raise ImportRefused(_("The file is not a CSV export."))
    headers, rows = parse(text)
    if not rows:
        raise ImportRefused(_("The file has headings but no rows."))
    return text, headers, len(rows)


def parse(text: str) -> tuple[list[str], list[list[str]]]:
    """Headings and rows (blank rows dropped); a comma, semicolon or tab separates the cells."""
    sample = text[:8192]
    delimiter = max([",", ";", "\t"], key=lambda d: sample.split("\n", 1)[0].count(d))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        lines = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise ImportRefused(_("The file cannot be read as CSV: %(error)s.") % {"error": exc}) from None
    if not lines:
        raise ImportRefused(_("The file is empty."))
    headers = [" ".join(cell.split()) for cell in lines[0]]
    if len(headers) > MAX_COLUMNS:
        raise ImportRefused(_("The file has more than %(n)d columns.") % {"n": MAX_COLUMNS})
    if any(not heading for heading in headers):
        raise ImportRefused(_("Every column needs a heading in the first row."))
    repeated = [heading for heading, n in Counter(key(h) for h in headers).items() if n > 1]
    if repeated:
        raise ImportRefused(_("Two columns have the same heading: %(h)s.") % {"h": ", ".join(repeated)})
    rows = lines[1:]
    if len(rows) > MAX_ROWS:
        raise ImportRefused(_("The file has more than %(n)d rows: split it.") % {"n": MAX_ROWS})
    return headers, rows


def guess_columns(headers: list[str]) -> dict[str, str]:
    """Our field → their heading: the saved column mappings first, then the usual headings."""
    saved = dict(ImportMapping.objects.filter(kind=MappingKind.COLUMN).values_list("label", "value"))
    by_key = {key(heading): heading for heading in headers}
    columns: dict[str, str] = {}
    for heading_key, field_name in saved.items():
        if heading_key in by_key and field_name in FIELDS and field_name not in columns:
            columns[field_name] = by_key[heading_key]
    taken = set(columns.values())
    for field_name, aliases in ALIASES.items():
        if field_name in columns:
            continue
        heading = next((by_key[a] for a in aliases if a in by_key and by_key[a] not in taken), None)
        if heading:
            columns[field_name] = heading
            taken.add(heading)
    if "full_name" in columns and {"first_name", "last_name"} <= set(columns):
        del columns["full_name"]
    return columns


def records(imp: CandidateImport) -> list[dict[str, str]]:
    """Each row as {our field: its cell}, under the import's column mapping."""
    headers, rows = parse(imp.content)
    index = {heading: position for position, heading in enumerate(headers)}
    picks = {name: index[heading] for name, heading in imp.columns.items() if heading in index}
    return [
        {name: (row[position].strip() if position < len(row) else "") for name, position in picks.items()}
        for row in rows
    ]


# --- Our vocabulary, and what each label maps to ---------------------------------------------------------


@dataclass
class Vocabulary:
    """What labels can map onto for this user, and what the saved mappings say (a fixed number of queries)."""

    user: User
    stages: dict[str, Stage] = field(default_factory=dict)
    reasons: dict[str, ReasonCode] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    requisitions: dict[str, object] = field(default_factory=dict)
    recruiters: dict[str, User] = field(default_factory=dict)
    saved: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, user: User) -> "Vocabulary":
        vocabulary = cls(user=user)
        vocabulary.stages = {s.code: s for s in Stage.objects.active().order_by("position", "id")}
        vocabulary.reasons = {r.code: r for r in ReasonCode.objects.active()}
        vocabulary.sources = {s.code: s for s in Source.objects.active().select_related("parent")}
        # The requisitions the person runs (the services refuse any other): open ones to import into, and
        # those on hold or filled, so that their rows say so rather than "not mapped".
        vocabulary.requisitions = {
            str(r.pk): r
            for r in requisitions_run_by(user)
            .filter(status__in=[RequisitionStatus.OPEN, RequisitionStatus.ON_HOLD, RequisitionStatus.FILLED])
            .select_related("recruiter")
            .order_by("-pk")
        }
        vocabulary.recruiters = {
            str(u.pk): u for u in User.objects.with_role(Role.RECRUITER).order_by("first_name", "last_name")
        }
        for kind, label, value in ImportMapping.objects.exclude(kind=MappingKind.COLUMN).values_list(
            "kind", "label", "value"
        ):
            vocabulary.saved.setdefault(kind, {})[label] = value
        return vocabulary

    def choices(self, kind: str) -> list[tuple[str, str]]:
        if kind == MappingKind.STAGE:
            return [(code, stage.name) for code, stage in self.stages.items()]
        if kind == MappingKind.STATUS:
            return list(STATUS_TARGETS.items())
        if kind == MappingKind.REASON:
            return [(code, str(reason)) for code, reason in self.reasons.items()]
        if kind == MappingKind.SOURCE:
            return [(code, str(source)) for code, source in self.sources.items()]
        if kind == MappingKind.RECRUITER:
            return [(pk, f"{user} ({user.email})" if user.email else str(user)) for pk, user in self.recruiters.items()]
        return [(pk, f"{req.reference} {req.title}") for pk, req in self.requisitions.items()]

    def target(self, kind: str, value: str):
        """Our object (or status word) for a mapped value, or None when it is not (or no longer) valid here."""
        if kind == MappingKind.STATUS:
            return value if value in STATUS_TARGETS else None
        table = {
            MappingKind.STAGE: self.stages,
            MappingKind.REASON: self.reasons,
            MappingKind.SOURCE: self.sources,
            MappingKind.RECRUITER: self.recruiters,
            MappingKind.JOB: self.requisitions,
        }[kind]
        return table.get(value)

    def mapped(self, kind: str, label: str):
        """What a label maps to by its saved mapping, or None (unmapped, or mapped to what is gone)."""
        value = self.saved.get(kind, {}).get(key(label))
        return self.target(kind, value) if value else None

    def suggest(self, kind: str, label: str) -> str:
        """The saved mapping of a label, else an exact match by name or code, else ""."""
        wanted = key(label)
        saved = self.saved.get(kind, {}).get(wanted)
        if saved and self.target(kind, saved) is not None:
            return saved
        if kind == MappingKind.STATUS:
            return next((target for target, words in STATUS_WORDS.items() if wanted in words), "")
        for value, shown in self.choices(kind):
            obj = self.target(kind, value)
            names = {key(value), key(shown)}
            if kind == MappingKind.STAGE:
                names.add(key(obj.name))
            elif kind == MappingKind.REASON:
                names.add(key(obj.label))
            elif kind == MappingKind.SOURCE:
                names |= {key(obj.name), key(obj.get_kind_display())}
            elif kind == MappingKind.RECRUITER:
                names |= {key(obj.email), key(obj.get_full_name()), key(obj.username)}
            elif kind == MappingKind.JOB:
                names |= {key(obj.reference), key(obj.title), key(str(obj.pk))}
            if wanted in names:
                return value
        return ""


def labels_in(rows: list[dict[str, str]]) -> dict[str, Counter]:
    """Every distinct label of each kind in the rows, with how many rows carry it."""
    found: dict[str, Counter] = {}
    for row in rows:
        for field_name, kind in LABEL_FIELDS.items():
            value = row.get(field_name, "")
            if value:
                found.setdefault(kind, Counter())[" ".join(value.split())] += 1
    return found


@transaction.atomic
def save_mapping(
    *, imp: CandidateImport, columns: dict[str, str], labels: dict[str, dict[str, str]], by: User
) -> CandidateImport:
    """Keep the import's column mapping (and save it for the next import), and save each label mapping:
    `labels` is {kind: {their label: our value or ""}}; "" removes a saved mapping."""
    imp = CandidateImport.objects.select_for_update().get(pk=imp.pk)
    if imp.status not in (ImportStatus.MAPPING, ImportStatus.FAILED):
        raise ImportRefused(_("This import has started: its mapping can no longer change."))
    unknown = [f for f, heading in columns.items() if f not in FIELDS or (heading and heading not in imp.headers)]
    if unknown:
        raise ImportRefused(_("Unknown field or column: %(f)s.") % {"f": ", ".join(unknown)})
    chosen = {f: heading for f, heading in columns.items() if heading}
    twice = [heading for heading, n in Counter(chosen.values()).items() if n > 1]
    if twice:
        raise ImportRefused(_("A column can fill one field only: %(h)s.") % {"h": ", ".join(twice)})
    vocabulary = Vocabulary.load(by)
    for kind, pairs in labels.items():
        if kind not in MappingKind.values or kind == MappingKind.COLUMN:
            raise ImportRefused(_("Unknown kind of label: %(k)s.") % {"k": kind})
        for label, value in pairs.items():
            if value and vocabulary.target(kind, value) is None:
                raise ImportRefused(
                    _("“%(value)s” is not a choice for %(label)s.") % {"value": value, "label": label[:80]}
                )
    now = clock.now()
    for field_name, heading in chosen.items():
        ImportMapping.objects.update_or_create(
            kind=MappingKind.COLUMN,
            label=key(heading)[:200],
            defaults={"value": field_name, "updated_at": now, "updated_by": by},
        )
    for kind, pairs in labels.items():
        for label, value in pairs.items():
            if value:
                ImportMapping.objects.update_or_create(
                    kind=kind, label=key(label)[:200], defaults={"value": value, "updated_at": now, "updated_by": by}
                )
            else:
                ImportMapping.objects.filter(kind=kind, label=key(label)[:200]).delete()
    imp.columns = chosen
    imp.status = ImportStatus.MAPPING
    imp.problems = []
    imp.save(update_fields=["columns", "status", "problems"])
    return imp


# --- Checking the rows -----------------------------------------------------------------------------------


@dataclass
class RowPlan:
    """One row of the file: what it says, what it will do (create, update, unchanged), or its errors."""

    number: int
    name: str = ""
    email: str = ""
    errors: list[str] = field(default_factory=list)
    action: str = ""
    changes: list[str] = field(default_factory=list)
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    requisition: object = None
    stage: Stage | None = None
    status: str = ACTIVE
    reason: ReasonCode | None = None
    source: Source | None = None
    owner: User | None = None
    applied_at: datetime | None = None
    last_activity_at: datetime | None = None
    external_id: str = ""
    candidate: Candidate | None = None
    application: Application | None = None


def column_problems(columns: dict[str, str]) -> list[str]:
    """What the mapping lacks before any row can be checked."""
    problems = []
    if "job" not in columns:
        problems.append(_("Map a column to “Job or requisition”."))
    if "full_name" not in columns and not {"first_name", "last_name"} <= set(columns):
        problems.append(_("Map “Full name”, or both “First name” and “Last name”."))
    if "email" not in columns and "external_id" not in columns:
        problems.append(_("Map “Email” or “Application id”: re-imports match on one of them."))
    return problems


def plan(imp: CandidateImport, user: User, progress=None, vocabulary: Vocabulary | None = None) -> list[RowPlan]:
    """Check every row against the mappings and the portal as it is now. Reads only."""
    rows = records(imp)
    vocabulary = vocabulary or Vocabulary.load(user)
    emails = {email_key(row.get("email", "")) for row in rows} - {""}
    candidates = {c.email_key: c for c in Candidate.objects.filter(email_key__in=emails, merged_into__isnull=True)}
    external_ids = {row.get("external_id", "") for row in rows} - {""}
    existing = Application.objects.filter(
        Q(external_id__in=external_ids) | Q(candidate__email_key__in=emails, candidate__merged_into__isnull=True)
    ).select_related("candidate", "stage", "requisition")
    known = _Known(
        vocabulary=vocabulary,
        candidates=candidates,
        by_external={a.external_id: a for a in existing if a.external_id},
        by_pair={(a.candidate.email_key, a.requisition_id): a for a in existing},
        first_stage=next(iter(vocabulary.stages.values()), None),
        hired_stage=next((s for s in vocabulary.stages.values() if s.kind == StageKind.HIRED), None),
    )
    plans = []
    for number, row in enumerate(rows, start=2):  # row 1 holds the headings
        plans.append(_check_row(number, row, known))
        if progress and len(plans) % PROGRESS_EVERY == 0:
            progress(len(plans))
    return plans


@dataclass
class _Known:
    """What the rows are checked against, loaded once for the whole file."""

    vocabulary: Vocabulary
    candidates: dict[str, Candidate]
    by_external: dict[str, Application]
    by_pair: dict[tuple, Application]
    first_stage: Stage | None
    hired_stage: Stage | None
    seen: dict[tuple, int] = field(default_factory=dict)  # an application's match → the first row naming it


def _check_row(number: int, row: dict[str, str], known: _Known) -> RowPlan:
    p = RowPlan(number=number)
    vocabulary, seen = known.vocabulary, known.seen
    errors = p.errors
    too_long = [FIELDS[f] for f, value in row.items() if len(value) > MAX_CELL]
    if too_long:
        errors.append(_("Too long: %(f)s.") % {"f": ", ".join(str(f) for f in too_long)})
        return p
    p.first_name, p.last_name = row.get("first_name", ""), row.get("last_name", "")
    if not (p.first_name and p.last_name) and row.get("full_name"):
        parts = row["full_name"].rsplit(" ", 1)
        p.first_name, p.last_name = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "")
    p.name = f"{p.first_name} {p.last_name}".strip()
    if not p.first_name or not p.last_name:
        errors.append(_("A first and a last name are needed."))
    elif len(p.first_name) > 80 or len(p.last_name) > 80:
        errors.append(_("A name has at most 80 characters."))
    p.email = row.get("email", "")
    if p.email:
        try:
            validate_email(p.email)
        except ValidationError:
            errors.append(_("“%(email)s” is not an email address.") % {"email": p.email[:80]})
    p.external_id = row.get("external_id", "")[:120]
    if not p.email and not p.external_id:
        errors.append(_("An email or an application id is needed to match the row on a re-import."))
    p.phone = row.get("phone", "")[:40]

    p.requisition = _label(p, row, "job", vocabulary, required=True)
    if row.get("stage"):
        p.stage = _label(p, row, "stage", vocabulary)
    status = _label(p, row, "status", vocabulary) if row.get("status") else ""
    if row.get("reason"):
        p.reason = _label(p, row, "reason", vocabulary)
    p.status = status or (CLOSED if row.get("reason") else ACTIVE)
    if p.status == CLOSED and p.reason is None and not row.get("reason"):
        errors.append(_("A closed application needs a rejection reason."))
    if p.status == HIRED:
        if known.hired_stage is None:
            errors.append(_("No stage is the hired stage."))
        p.stage = known.hired_stage
    source_field = "source" if row.get("source") else "source_type"
    if row.get(source_field):
        p.source = _label(p, row, source_field, vocabulary)
    if row.get("recruiter"):
        p.owner = _label(p, row, "recruiter", vocabulary)
    p.applied_at = _moment(p, row, "applied_at")
    p.last_activity_at = _moment(p, row, "last_activity_at")
    now = clock.now()
    for moment in (p.applied_at, p.last_activity_at):
        if moment and moment > now:
            errors.append(_("A date is in the future: %(d)s.") % {"d": moment.date().isoformat()})
    if p.applied_at and p.last_activity_at and p.last_activity_at < p.applied_at:
        errors.append(_("The last activity is before the application date."))

    match = (p.external_id,) if p.external_id else (email_key(p.email), getattr(p.requisition, "pk", None))
    if match in seen:
        errors.append(_("The same application as row %(n)d.") % {"n": seen[match]})
    seen.setdefault(match, p.number)
    if errors:
        return p

    p.candidate = known.candidates.get(email_key(p.email)) if p.email else None
    p.application = known.by_external.get(p.external_id) if p.external_id else None
    if p.application is None and p.email:
        p.application = known.by_pair.get((email_key(p.email), p.requisition.pk))
    if p.application is not None and p.application.requisition_id != p.requisition.pk:
        errors.append(_("Application id %(id)s is on %(ref)s in the portal.") % {
            "id": p.external_id, "ref": p.application.requisition.reference})  # fmt: skip
        return p
    if p.application is None:
        p.stage = p.stage or known.first_stage
        p.action = "create"
        if p.requisition.status != RequisitionStatus.OPEN:
            errors.append(_("%(ref)s is not open.") % {"ref": p.requisition.reference})
        if p.stage is None:
            errors.append(_("No stage is set up."))
        elif problem := write_problem(p, stage=known.first_stage, status=ApplicationStatus.ACTIVE):
            errors.append(problem)
        return p
    p.changes = _changes(p)
    p.action = "update" if p.changes else "unchanged"
    if p.changes and p.requisition.status != RequisitionStatus.OPEN:
        errors.append(_("%(ref)s is not open: the application cannot change.") % {"ref": p.requisition.reference})
    if p.changes and (problem := write_problem(p, stage=p.application.stage, status=p.application.status)):
        errors.append(problem)
    return p


def write_problem(p: RowPlan, *, stage: Stage, status: str) -> str | None:
    """The first refusal the pipeline's services would make of the writes `_write_row` makes for this row,
    from an application in `stage` with `status` (the first stage, active, for a new one), or None: the same
    rules (move_problem, owner_problem, close_problem) in the same order, so a row the preview calls valid is
    a row the run writes. A row that would enter Pre-start or Hired is refused, with what to do instead."""
    moves = p.stage is not None and p.stage.pk != stage.pk
    reassigns = p.application is not None and p.owner is not None and p.owner.pk != p.application.owner_id
    return (
        (moves and _move_problem(stage=stage, status=status, to_stage=p.stage))
        or (reassigns and owner_problem(p.owner))
        or (p.status == CLOSED and close_problem(stage=p.stage if moves else stage, status=status, reason=p.reason))
        or None
    )


def _move_problem(*, stage: Stage, status: str, to_stage: Stage) -> str | None:
    problem = move_problem(stage=stage, status=status, to_stage=to_stage)
    if problem and problem == to_stage.entry_refusal:
        return _("%(why)s Import the row at an earlier stage (such as Offer), or leave it out.") % {"why": problem}
    return problem


def _label(p: RowPlan, row: dict, field_name: str, vocabulary: Vocabulary, *, required=False):
    label = " ".join(row.get(field_name, "").split())
    kind = LABEL_FIELDS[field_name]
    if not label:
        if required:
            p.errors.append(_("%(field)s is empty.") % {"field": FIELDS[field_name]})
        return None
    target = vocabulary.mapped(kind, label)
    if target is None:
        p.errors.append(
            _("%(kind)s “%(label)s” is not mapped.") % {"kind": MappingKind(kind).label, "label": label[:80]}
        )
    return target


def _moment(p: RowPlan, row: dict, field_name: str) -> datetime | None:
    value = row.get(field_name, "")
    if not value:
        return None
    parsed = _parse_moment(value)
    if parsed is None:
        p.errors.append(
            _("%(field)s “%(value)s” is not a date: use YYYY-MM-DD.")
            % {"field": FIELDS[field_name], "value": value[:40]}
        )
    return parsed


def _parse_moment(value: str) -> datetime | None:
    value = value.strip().replace("/", "-")
    if value.endswith(" UTC"):
        value = value[:-4] + "Z"
    try:
        moment = parse_datetime(value.replace(" ", "T", 1)) if len(value) > 10 else None
        day = parse_date(value[:10]) if moment is None and len(value) == 10 else None
    except ValueError:
        return None
    if moment is None and day is None:
        return None
    if moment is None:
        moment = datetime.combine(day, time(12, 0))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _changes(p: RowPlan) -> list[str]:
    """What re-importing this row changes on its application (a closed application stays as it is)."""
    app = p.application
    if app.status in CLOSED_STATUSES:
        return []
    changes = []
    if p.stage is not None and p.stage.pk != app.stage_id:
        changes.append(_("stage %(a)s → %(b)s") % {"a": app.stage.name, "b": p.stage.name})
    if p.status == CLOSED:
        changes.append(_("closed: %(r)s") % {"r": p.reason.label})
    if p.owner is not None and p.owner.pk != app.owner_id:
        changes.append(_("owner → %(o)s") % {"o": p.owner})
    if p.external_id and not app.external_id:
        changes.append(_("application id %(id)s") % {"id": p.external_id})
    return changes


# --- Writing ---------------------------------------------------------------------------------------------


def start_import(*, imp: CandidateImport, by: User, skip_errors: bool) -> CandidateImport:
    """Queue the import (the task writes it). Refused while rows have errors, unless they are to be skipped."""
    from candidates.tasks import run_candidate_import
    from portal.services.notifications import after_commit

    with transaction.atomic():
        imp = CandidateImport.objects.select_for_update().get(pk=imp.pk)
        if imp.status not in (ImportStatus.MAPPING, ImportStatus.FAILED):
            raise ImportRefused(_("This import has already started."))
        problems = column_problems(imp.columns)
        if problems:
            raise ImportRefused(" ".join(problems))
        plans = plan(imp, by)
        bad = sum(1 for p in plans if p.errors)
        if bad and not skip_errors:
            raise ImportRefused(
                _("%(n)d rows have errors: fix the file or the mapping, or choose to skip them.") % {"n": bad}
            )
        if bad == len(plans):
            raise ImportRefused(_("Every row has errors: there is nothing to import."))
        imp.status, imp.skip_errors, imp.checked_rows, imp.problems = ImportStatus.QUEUED, skip_errors, 0, []
        imp.save(update_fields=["status", "skip_errors", "checked_rows", "problems"])
        after_commit(lambda: run_candidate_import.delay(imp.pk))
    return imp


def run_import(import_id: int) -> CandidateImport:
    """Check the rows again (the portal may have changed since the preview), then write every valid row
    in one transaction; a row that fails undoes them all and the import says which row and why."""
    with transaction.atomic():
        imp = CandidateImport.objects.select_for_update().select_related("created_by").get(pk=import_id)
        if imp.status != ImportStatus.QUEUED:
            return imp  # already run (a task delivered twice) or not queued
        imp.status = ImportStatus.CHECKING
        imp.save(update_fields=["status"])

    def progress(n):
        CandidateImport.objects.filter(pk=imp.pk).update(checked_rows=n)

    by = imp.created_by
    plans = plan(imp, by, progress=progress)
    bad = [p for p in plans if p.errors]
    if bad and not imp.skip_errors:
        return _finish(imp, ImportStatus.FAILED, problems=[[p.number, "; ".join(p.errors)] for p in bad])
    imp.status, imp.checked_rows = ImportStatus.WRITING, len(plans)
    imp.save(update_fields=["status", "checked_rows"])
    good = [p for p in plans if not p.errors]
    try:
        with transaction.atomic():
            counts = Counter(_write(p, by=by, file_name=imp.file_name) for p in _in_order(good))
    except (PipelineError, ValidationError) as exc:
        row = getattr(exc, "row", None)
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _finish(imp, ImportStatus.FAILED, problems=[[row, message]])
    return _finish(
        imp,
        ImportStatus.DONE,
        created=counts["create"],
        updated=counts["update"],
        unchanged=counts["unchanged"],
        skipped=len(bad),
        problems=[[p.number, "; ".join(p.errors)] for p in bad],
    )


def _in_order(plans: list[RowPlan]) -> list[RowPlan]:
    return sorted(plans, key=lambda p: p.number)


def _write(p: RowPlan, *, by: User, file_name: str) -> str:
    try:
        return _write_row(p, by=by, file_name=file_name)
    except (PipelineError, ValidationError) as exc:
        exc.row = p.number
        raise


def _write_row(p: RowPlan, *, by: User, file_name: str) -> str:
    note = _("Imported from %(file)s, row %(n)d.") % {"file": file_name, "n": p.number}
    if p.action == "unchanged":
        return "unchanged"
    if p.action == "update":
        app = p.application
        if p.stage is not None and p.stage.pk != app.stage_id:
            app = move_application(application=app, to_stage=p.stage, by=by, note=note)
        if p.owner is not None and p.owner.pk != app.owner_id:
            app = reassign_owner(application=app, owner=p.owner, by=by)
        if p.external_id and not app.external_id:
            app = link_external_id(application=app, external_id=p.external_id, by=by)
        if p.status == CLOSED:
            close_application(application=app, reason=p.reason, by=by, note=note)
        return "update"
    now = clock.now()
    applied = p.applied_at or now
    last = max(p.last_activity_at or applied, applied)
    candidate = p.candidate
    if candidate is None and p.email:  # an earlier row of this file may have added the person
        candidate = Candidate.objects.filter(email_key=email_key(p.email), merged_into__isnull=True).first()
    if candidate is None:
        with clock.frozen(applied):
            candidate = create_candidate(
                by=by, first_name=p.first_name, last_name=p.last_name, email=p.email, phone=p.phone
            )
    first = Stage.objects.active().order_by("position", "id").first()
    with clock.frozen(applied):
        app = apply(
            candidate=candidate,
            requisition=p.requisition,
            by=by,
            source=p.source,
            owner=p.owner,
            applied_at=applied,
            external_id=p.external_id,
        )
    with clock.frozen(last):
        if p.stage is not None and p.stage.pk != first.pk:
            app = move_application(application=app, to_stage=p.stage, by=by, note=note)
        if p.status == CLOSED:
            close_application(application=app, reason=p.reason, by=by, note=note)
    return "create"


def _finish(imp: CandidateImport, status: str, *, problems, created=0, updated=0, unchanged=0, skipped=0):
    imp.status, imp.problems, imp.finished_at = status, problems[:1000], clock.now()
    imp.created_count, imp.updated_count, imp.unchanged_count, imp.skipped_count = created, updated, unchanged, skipped
    imp.save()
    return imp


def imports_for_user(user: User):
    """The imports a person may open: their own; admins see every one."""
    qs = CandidateImport.objects.select_related("created_by")
    return qs if user.has_role(Role.ADMIN) or user.is_superuser else qs.filter(created_by=user)


def summary(plans: list[RowPlan]) -> dict:
    counts = Counter("error" if p.errors else p.action for p in plans)
    result = {k: counts.get(k, 0) for k in ("create", "update", "unchanged", "error")}
    return {"rows": len(plans), "valid": len(plans) - result["error"], **result}
