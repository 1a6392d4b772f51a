"""Every change to candidates and applications: the person, applying, stage and status changes,
touches, merging duplicates.

Each function takes the acting user as `by`, validates, writes inside one transaction on a locked
row, and appends a StageTransition for every stage or status change (the analytics read those).
Nothing moves an application on a requisition that is not open.
"""

import hashlib
import re
import uuid
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _

from candidates import choices, resumes
from candidates.choices import (
    CLOSED_STATUSES,
    STATUS_FOR_CATEGORY,
    ApplicationStatus,
    ReasonCategory,
    StageKind,
)
from candidates.models import (
    Activity,
    Application,
    Candidate,
    ReasonCode,
    Resume,
    Source,
    Stage,
    StageTransition,
)
from portal import clock
from portal.choices import Role
from portal.exceptions import PortalError
from portal.models import User
from portal.services.records import save_with_history
from requisitions.choices import Status as RequisitionStatus
from requisitions.models import Requisition

CANDIDATE_FIELDS = ["first_name", "last_name", "email", "phone", "city", "work_eligibility", "links", "tags"]


class PipelineError(PortalError):
    pass


# --- The person ----------------------------------------------------------------------------------


def email_key(email: str) -> str:
    """How duplicates are found by email: trimmed and lower-cased."""
    return (email or "").strip().lower()


def phone_key(phone: str) -> str:
    """How duplicates are found by phone: the digits, without a North American leading 1."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def create_candidate(*, by: User | None, **fields) -> Candidate:
    """Save a person. Only CANDIDATE_FIELDS (and consent/retention dates) are taken."""
    allowed = {*CANDIDATE_FIELDS, "consent_at", "retain_until"}
    unknown = set(fields) - allowed
    if unknown:
        raise PipelineError(_("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    candidate = Candidate(**fields, created_by=by, created_at=clock.now())
    candidate.email, candidate.phone = candidate.email.strip(), candidate.phone.strip()
    candidate.email_key, candidate.phone_key = email_key(candidate.email), phone_key(candidate.phone)
    candidate.full_clean(exclude=["created_by", "merged_into"])
    with transaction.atomic():
        save_with_history(candidate, by=by, reason=choices.CANDIDATE_CREATED)
    return candidate


def merge_candidates(*, keep: Candidate, merge: Candidate, by: User) -> Candidate:
    """Fold `merge` into `keep`: its applications move over, blank details of `keep` are filled from it,
    and `merge` stays (in history) pointing at `keep`. Refused while both applied to one requisition."""
    if keep.pk == merge.pk:
        raise PipelineError(_("Choose two different candidates to merge."))
    with transaction.atomic():
        kept, merged = (Candidate.objects.select_for_update().get(pk=c.pk) for c in (keep, merge))
        if kept.merged_into_id or merged.merged_into_id:
            raise PipelineError(_("One of these candidates was already merged into another."))
        shared = Requisition.objects.filter(applications__candidate=kept).filter(applications__candidate=merged)
        if shared.exists():
            raise PipelineError(
                _("Both applied to %(refs)s: close one of those applications first.")
                % {"refs": ", ".join(r.reference for r in shared)}
            )
        for application in Application.objects.select_for_update().filter(candidate=merged):
            application.candidate = kept
            save_with_history(application, by=by, reason=choices.CANDIDATE_MERGED)
        Resume.objects.filter(candidate=merged).update(candidate=kept)  # the resumes follow the person
        for name in CANDIDATE_FIELDS:
            if not getattr(kept, name) and getattr(merged, name):
                setattr(kept, name, getattr(merged, name))
        kept.email_key, kept.phone_key = email_key(kept.email), phone_key(kept.phone)
        save_with_history(kept, by=by, reason=choices.CANDIDATE_MERGED)
        merged.merged_into = kept
        save_with_history(merged, by=by, reason=choices.CANDIDATE_MERGED)
    return kept


# --- Resumes ---------------------------------------------------------------------------------------


def attach_resume(*, candidate: Candidate, name: str, content: bytes, by: User | None) -> Resume:
    """Keep `content` as the candidate's current resume (earlier ones stay), once candidates.resumes
    accepts it. Stored under a generated name in the private storage; a refused file leaves nothing."""
    try:
        checked = resumes.check(name, content)
    except resumes.ResumeRefused as exc:
        raise PipelineError(str(exc)) from None
    storage = storages["resumes"]
    now = clock.now()
    generated = f"{now:%Y/%m}/{uuid.uuid4().hex}{resumes.EXTENSIONS[checked.kind]}"
    stored = storage.save(generated, ContentFile(checked.content))
    try:
        with transaction.atomic():
            current = Candidate.objects.select_for_update().get(pk=candidate.pk)
            if current.merged_into_id:
                raise PipelineError(_("This candidate was merged into another: add the resume there."))
            return Resume.objects.create(
                candidate=current,
                storage_name=stored,
                original_name=checked.original_name,
                kind=checked.kind,
                size=len(checked.content),
                sha256=hashlib.sha256(checked.content).hexdigest(),
                uploaded_at=now,
                uploaded_by=by,
            )
    except BaseException:
        storage.delete(stored)  # nothing half-saved: no row, no file
        raise


def open_resume(resume: Resume):
    """The stored file, opened for reading (the caller closes it)."""
    return storages["resumes"].open(resume.storage_name, "rb")


# --- Applying and moving -----------------------------------------------------------------------------


def apply(
    *,
    candidate: Candidate,
    requisition: Requisition,
    by: User | None,
    source: Source | None = None,
    owner: User | None = None,
    stage: Stage | None = None,
    applied_at: datetime | None = None,
    referrer: str = "",
    agency_name: str = "",
    external_id: str = "",
) -> Application:
    """Put `candidate` on an open `requisition`, in its first stage unless `stage` says otherwise."""
    with transaction.atomic():
        req = _open_requisition(requisition)
        if candidate.merged_into_id:
            raise PipelineError(_("This candidate was merged into another: apply that one instead."))
        if Application.objects.filter(candidate=candidate, requisition=req).exists():
            raise PipelineError(_("%(who)s already applied to %(ref)s.") % {"who": candidate, "ref": req.reference})
        stage = stage or Stage.objects.active().order_by("position", "id").first()
        if stage is None:
            raise PipelineError(_("No stage is set up: an admin must define the pipeline's stages first."))
        now = applied_at or clock.now()
        application = Application(
            candidate=candidate,
            requisition=req,
            stage=stage,
            stage_entered_at=now,
            owner=owner or req.recruiter,
            source=source,
            referrer=referrer,
            agency_name=agency_name,
            external_id=external_id,
            applied_at=now,
            last_activity_at=now,
            created_at=clock.now(),
        )
        application.full_clean(exclude=["candidate", "requisition", "stage", "owner", "source", "disposition"])
        save_with_history(application, by=by, reason=choices.APPLICATION_CREATED)
        _transition(application, from_stage=None, by=by, at=now)
    return application


def move_application(*, application: Application, to_stage: Stage, by: User | None, note: str = "") -> Application:
    """Move an active application to another stage, forwards or back (both are logged). The last stage
    (kind "hired") hires."""
    with transaction.atomic():
        app = _locked(application)
        check_active(app)
        if not to_stage.is_active:
            raise PipelineError(_("“%(stage)s” is retired: choose a current stage.") % {"stage": to_stage})
        if to_stage.pk == app.stage_id:
            raise PipelineError(_("The application is already in %(stage)s.") % {"stage": to_stage})
        from_stage = app.stage
        now = clock.now()
        app.stage, app.stage_entered_at, app.last_activity_at = to_stage, now, now
        if to_stage.kind == StageKind.HIRED:
            app.status = ApplicationStatus.HIRED
        save_with_history(app, by=by, reason=choices.APPLICATION_MOVED)
        _transition(app, from_stage=from_stage, by=by, at=now, note=note)
    return app


def close_application(*, application: Application, reason: ReasonCode, by: User | None, note: str = "") -> Application:
    """Reject (we rejected, no show) or withdraw (they withdrew) an active application: a reason code is
    required, and its category decides which."""
    if reason is None:
        raise PipelineError(_("Choose a reason: rejecting or withdrawing needs a reason code."))
    if not reason.is_active:
        raise PipelineError(_("“%(reason)s” is retired: choose a current reason.") % {"reason": reason.label})
    with transaction.atomic():
        app = _locked(application)
        check_active(app)
        now = clock.now()
        app.status = STATUS_FOR_CATEGORY[ReasonCategory(reason.category)]
        app.disposition = reason
        app.last_activity_at = now
        reason_code = (
            choices.APPLICATION_WITHDRAWN if app.status == ApplicationStatus.WITHDRAWN else choices.APPLICATION_REJECTED
        )
        save_with_history(app, by=by, reason=reason_code)
        _transition(app, from_stage=app.stage, by=by, at=now, reason=reason, note=note)
    return app


def log_activity(*, application: Application, kind: str, body: str, by: User | None) -> Activity:
    """Record a touch (note, call, email or message logged); it moves the application's last activity."""
    if kind not in choices.ActivityKind.values:
        raise PipelineError(_("Unknown kind of activity: %(kind)s.") % {"kind": kind})
    if not body.strip():
        raise PipelineError(_("Write what happened."))
    with transaction.atomic():
        app = _locked(application)
        activity = Activity(application=app, kind=kind, body=body.strip(), at=clock.now(), by=by)
        activity.full_clean(exclude=["application", "by"])
        activity.save()
        app.last_activity_at = activity.at
        save_with_history(app, by=by, reason=choices.APPLICATION_TOUCHED)
    return activity


def reassign_owner(*, application: Application, owner: User, by: User | None) -> Application:
    """Give an active application to another recruiter."""
    if not owner.is_active or not owner.has_role(Role.RECRUITER):
        raise PipelineError(_("%(who)s is not an active recruiter.") % {"who": owner})
    with transaction.atomic():
        app = _locked(application)
        check_active(app)
        if app.owner_id == owner.pk:
            return app
        app.owner = owner
        save_with_history(app, by=by, reason=choices.APPLICATION_REASSIGNED)
    return app


def apply_in_bulk(
    *,
    applications: list[Application],
    action: str,
    by: User,
    stage: Stage | None = None,
    reason: ReasonCode | None = None,
    owner: User | None = None,
    note: str = "",
) -> int:
    """Move, close or reassign every one of `applications`, all or none: the first refusal undoes the lot
    and says which application refused. Returns how many changed."""
    one = {
        choices.BulkAction.MOVE: lambda app: move_application(application=app, to_stage=stage, by=by, note=note),
        choices.BulkAction.CLOSE: lambda app: close_application(application=app, reason=reason, by=by, note=note),
        choices.BulkAction.REASSIGN: lambda app: reassign_owner(application=app, owner=owner, by=by),
    }.get(action)
    if (
        one is None
        or (action == choices.BulkAction.MOVE and stage is None)
        or (action == choices.BulkAction.REASSIGN and owner is None)
    ):
        raise PipelineError(_("Choose an action and what it needs (a stage, a reason or an owner)."))
    with transaction.atomic():
        for app in sorted(applications, key=lambda a: a.pk):  # one lock order for every bulk run
            try:
                one(app)
            except PipelineError as exc:
                raise PipelineError(
                    _("Nothing was changed: %(who)s (%(ref)s): %(why)s")
                    % {"who": app.candidate, "ref": app.requisition.reference, "why": exc}
                ) from exc
    return len(applications)


# --- Plumbing ------------------------------------------------------------------------------------------


def _open_requisition(requisition: Requisition) -> Requisition:
    # Lock the requisition: it must stay open while an application on it changes.
    req = Requisition.objects.select_for_update(of=("self",)).select_related("recruiter").get(pk=requisition.pk)
    if req.status != RequisitionStatus.OPEN:
        raise PipelineError(
            _("%(ref)s is %(status)s: applications move only on an open requisition.")
            % {"ref": req.reference, "status": req.get_status_display().lower()}
        )
    return req


def _locked(application: Application) -> Application:
    _open_requisition(application.requisition)
    # Lock the application: two moves at once must not both start from the same stage.
    return Application.objects.select_for_update(of=("self",)).select_related("stage").get(pk=application.pk)


def check_active(app: Application) -> None:
    """PipelineError unless the application is still active (not hired, rejected or withdrawn)."""
    if app.status in CLOSED_STATUSES:
        raise PipelineError(
            _("This application is closed (%(status)s).") % {"status": app.get_status_display().lower()}
        )


def _transition(app: Application, *, from_stage, by, at, reason=None, note: str = "") -> StageTransition:
    return StageTransition.objects.create(
        application=app,
        from_stage=from_stage,
        to_stage=app.stage,
        status=app.status,
        reason=reason,
        note=note.strip()[:500],
        at=at,
        by=by,
    )
