"""Every change to candidates and applications: the person, applying, stage and status changes,
touches, merging duplicates.

Each function takes the acting user as `by`, checks what they may do (candidates.permissions; None is the
system), validates, writes inside one transaction on a locked row, and appends a StageTransition for every
stage or status change (the analytics read those). Nothing moves an application on a requisition that is not
open (but confirm_hire: the last hire fills it).

Pre-start and Hired belong to workflows: a person's move, bulk action or import neither enters nor leaves
them (move_problem, close_problem; the wording is Stage.entry_refusal and exit_refusal). An accepted offer
or a contractor's start calls enter_pre_start; the start confirmation calls confirm_hire.
"""

import hashlib
import re
import unicodedata
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
from candidates.permissions import (
    can_add_application,
    can_log_activity,
    can_move_application,
    can_move_applications,
    requisitions_run_by,
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
    """How duplicates are found by email: trimmed, composed (an accent typed as a combining mark is the same
    letter) and lower-cased."""
    return unicodedata.normalize("NFC", (email or "").strip()).lower()


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


# --- What a person may not do to an application ----------------------------------------------------------
# Each rule is stated once here (the reserved stages' own wording is Stage.entry_refusal and exit_refusal) and
# read by the services below, the pages' choices and the ATS import's preview, so what a page offers or a
# preview calls valid is what the service then does.


def move_problem(*, stage: Stage, status: str, to_stage: Stage) -> str | None:
    """Why an application in `stage` with `status` cannot be moved by a person to `to_stage`, or None."""
    if status in CLOSED_STATUSES:
        return _closed(status)
    if not to_stage.is_active:
        return _("“%(stage)s” is retired: choose a current stage.") % {"stage": to_stage}
    if to_stage.pk == stage.pk:
        return _("The application is already in %(stage)s.") % {"stage": to_stage}
    return stage.exit_refusal or to_stage.entry_refusal or None


def close_problem(*, stage: Stage, status: str, reason: ReasonCode | None) -> str | None:
    """Why an application in `stage` with `status` cannot be closed by a person with `reason`, or None."""
    if reason is None:
        return _("Choose a reason: rejecting or withdrawing needs a reason code.")
    if not reason.is_active:
        return _("“%(reason)s” is retired: choose a current reason.") % {"reason": reason.label}
    if status in CLOSED_STATUSES:
        return _closed(status)
    return stage.exit_refusal or None


def owner_problem(owner: User) -> str | None:
    """Why `owner` cannot own applications, or None."""
    if not owner.is_active or not owner.has_role(Role.RECRUITER):
        return _("%(who)s is not an active recruiter.") % {"who": owner}
    return None


def _closed(status: str) -> str:
    return _("This application is closed (%(status)s).") % {"status": ApplicationStatus(status).label.lower()}


def _refuse(problem: str | None) -> None:
    if problem:
        raise PipelineError(problem)


def _check_may_move(by: User | None, app: Application, *, debrief=None) -> None:
    """`by` may move, close or reassign `app` (can_move_application); None is the system."""
    if by is not None and not can_move_application(by, app, debrief=debrief):
        raise PipelineError(
            _("Only a recruiter running %(ref)s, or an admin, may move, close or reassign its applications.")
            % {"ref": app.requisition.reference}
        )


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
    """Put `candidate` on an open `requisition`, in its first stage unless `stage` says otherwise (never a
    stage a workflow enters). `by` must run the requisition (can_add_application); None is the system."""
    with transaction.atomic():
        req = _open_requisition(requisition)
        if by is not None and not can_add_application(by, req):
            raise PipelineError(
                _("Only a recruiter running %(ref)s, or an admin, may add applications to it.") % {"ref": req.reference}
            )
        if candidate.merged_into_id:
            raise PipelineError(_("This candidate was merged into another: apply that one instead."))
        if Application.objects.filter(candidate=candidate, requisition=req).exists():
            raise PipelineError(_("%(who)s already applied to %(ref)s.") % {"who": candidate, "ref": req.reference})
        stage = stage or Stage.objects.active().order_by("position", "id").first()
        if stage is None:
            raise PipelineError(_("No stage is set up: an admin must define the pipeline's stages first."))
        _refuse(stage.entry_refusal)
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


def move_application(
    *, application: Application, to_stage: Stage, by: User | None, note: str = "", debrief=None
) -> Application:
    """A person moves an active application to another stage, forwards or back (both are logged). `by` must
    be allowed (can_move_application; `debrief`: the open debrief whose decision lets its hiring manager
    advance); None is the system. Pre-start and Hired are neither entered nor left here (move_problem): their
    workflows call enter_pre_start and confirm_hire."""
    with transaction.atomic():
        app = _locked(application)
        _check_may_move(by, app, debrief=debrief)
        _refuse(move_problem(stage=app.stage, status=app.status, to_stage=to_stage))
        return _enter(app, to_stage, by=by, note=note, reason=choices.APPLICATION_MOVED)


def enter_pre_start(*, application: Application, by: User | None, cause: str, note: str = "") -> Application:
    """The application enters Pre-start: its offer was accepted (offers.services.accept_offer) or its candidate
    started as a contractor on the opening (vendors.services.start_engagement). Those are the only callers:
    each has authorised `by` and counts the hire (requisitions.services.record_hire) in the same transaction.
    Refused unless the application is active, not yet in Pre-start or Hired, on an open requisition."""
    if cause not in choices.PreStartCause.values:
        raise PipelineError(_("Unknown cause for Pre-start: %(cause)s.") % {"cause": cause})
    with transaction.atomic():
        app = _locked(application)
        check_active(app)
        if app.stage.is_reserved:
            raise PipelineError(_("The application is already in %(stage)s.") % {"stage": app.stage})
        stage = _reserved_stage(StageKind.PRE_START)
        note = note or str(choices.PreStartCause(cause).label)
        return _enter(app, stage, by=by, note=note, reason=choices.APPLICATION_PRE_START)


def confirm_hire(*, application: Application, by: User | None, note: str = "") -> Application:
    """Pre-start → Hired: the person started, and the application closes as a hire. Only the start confirmation
    of pre-boarding calls it (the caller has authorised `by`). The hire was counted when the application entered
    Pre-start, so nothing is counted here; the requisition may be filled by then (its last hire filled it)."""
    with transaction.atomic():
        app = _locked(application, requisition_open=False)
        check_active(app)
        if app.stage.kind != StageKind.PRE_START:
            raise PipelineError(
                _("Only an application in Pre-start can be hired; this one is in %(stage)s.") % {"stage": app.stage}
            )
        stage = _reserved_stage(StageKind.HIRED)
        return _enter(app, stage, by=by, note=note, reason=choices.APPLICATION_HIRED)


def release_pre_start(*, application: Application, reason: ReasonCode, by: User | None, note: str = "") -> Application:
    """A hire in Pre-start fell through before the start: the person did not show up, or withdrew. The
    application closes with `reason` (a "no show" or "they withdrew" reason). Only pre-boarding's no-show
    calls it (the caller has authorised `by` and releases the opening in the same transaction)."""
    if reason is None or reason.category not in (ReasonCategory.NO_SHOW, ReasonCategory.THEY_WITHDREW):
        raise PipelineError(_("Choose a “no show” or “they withdrew” reason."))
    if not reason.is_active:
        raise PipelineError(_("“%(reason)s” is retired: choose a current reason.") % {"reason": reason.label})
    with transaction.atomic():
        app = _locked(application, requisition_open=False)
        check_active(app)
        if app.stage.kind != StageKind.PRE_START:
            raise PipelineError(
                _("Only an application in Pre-start falls through before the start; this one is in %(stage)s.")
                % {"stage": app.stage}
            )
        now = clock.now()
        app.status = STATUS_FOR_CATEGORY[ReasonCategory(reason.category)]
        app.disposition = reason
        app.last_activity_at = now
        code = (
            choices.APPLICATION_WITHDRAWN if app.status == ApplicationStatus.WITHDRAWN else choices.APPLICATION_REJECTED
        )
        save_with_history(app, by=by, reason=code)
        _transition(app, from_stage=app.stage, by=by, at=now, reason=reason, note=note)
    return app


def close_application(
    *, application: Application, reason: ReasonCode, by: User | None, note: str = "", debrief=None
) -> Application:
    """Reject (we rejected, no show) or withdraw (they withdrew) an active application: a reason code is
    required, and its category decides which. `by` as for move_application; an application in Pre-start is
    not closed by hand (close_problem)."""
    with transaction.atomic():
        app = _locked(application)
        _check_may_move(by, app, debrief=debrief)
        _refuse(close_problem(stage=app.stage, status=app.status, reason=reason))
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
    """Record a touch (note, call, email or message logged); it moves the application's last activity.
    `by` must be allowed (can_log_activity); None is the system."""
    if kind not in choices.ActivityKind.values:
        raise PipelineError(_("Unknown kind of activity: %(kind)s.") % {"kind": kind})
    if not body.strip():
        raise PipelineError(_("Write what happened."))
    with transaction.atomic():
        app = _locked(application)
        if by is not None and not can_log_activity(by, app.requisition):
            raise PipelineError(_("Your role does not log activities on this application."))
        activity = Activity(application=app, kind=kind, body=body.strip(), at=clock.now(), by=by)
        activity.full_clean(exclude=["application", "by"])
        activity.save()
        app.last_activity_at = activity.at
        save_with_history(app, by=by, reason=choices.APPLICATION_TOUCHED)
    return activity


def reassign_owner(*, application: Application, owner: User, by: User | None) -> Application:
    """Give an active application to another recruiter. `by` as for move_application."""
    _refuse(owner_problem(owner))
    with transaction.atomic():
        app = _locked(application)
        _check_may_move(by, app)
        check_active(app)
        if app.owner_id == owner.pk:
            return app
        app.owner = owner
        save_with_history(app, by=by, reason=choices.APPLICATION_REASSIGNED)
    return app


def link_external_id(*, application: Application, external_id: str, by: User | None) -> Application:
    """Record the ATS's own id of an application that has none yet (an import matching it by email), so
    the next import finds it by that id. An id once set is kept: the ATS does not renumber."""
    with transaction.atomic():
        app = _locked(application)
        _check_may_move(by, app)
        if app.external_id or not external_id:
            return app
        app.external_id = external_id
        app.full_clean(exclude=["candidate", "requisition", "stage", "owner", "source", "disposition"])
        save_with_history(app, by=by, reason=choices.APPLICATION_LINKED)
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
    and says which application refused. `by` must be allowed on each (can_move_application, asked of the
    lot first, then again by each service). Returns how many changed."""
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
    run = requisitions_run_by(by, {app.requisition_id for app in applications}) if can_move_applications(by) else set()
    refused = [app for app in applications if app.requisition_id not in run]
    if refused:
        raise PipelineError(
            _("Nothing was changed: you may not move the applications of %(refs)s.")
            % {"refs": ", ".join(sorted({app.requisition.reference for app in refused}))}
        )
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


def _open_requisition(requisition: Requisition, *, must_be_open: bool = True) -> Requisition:
    # Lock the requisition: it must stay open while an application on it changes.
    req = Requisition.objects.select_for_update(of=("self",)).select_related("recruiter").get(pk=requisition.pk)
    if must_be_open and req.status != RequisitionStatus.OPEN:
        raise PipelineError(
            _("%(ref)s is %(status)s: applications move only on an open requisition.")
            % {"ref": req.reference, "status": req.get_status_display().lower()}
        )
    return req


def _locked(application: Application, *, requisition_open: bool = True) -> Application:
    _open_requisition(application.requisition, must_be_open=requisition_open)
    # Lock the application: two moves at once must not both start from the same stage.
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("stage", "requisition")
        .get(pk=application.pk)
    )


def _reserved_stage(kind: str) -> Stage:
    stage = Stage.objects.active().filter(kind=kind).first()
    if stage is None:
        raise PipelineError(
            _("The pipeline has no active stage of the kind “%(kind)s”: an admin must restore it.")
            % {"kind": StageKind(kind).label}
        )
    return stage


def _enter(app: Application, to_stage: Stage, *, by: User | None, note: str, reason: str) -> Application:
    """Put the locked `app` in `to_stage` now, logged (the stage of kind "hired" closes it as a hire)."""
    from_stage = app.stage
    now = clock.now()
    app.stage, app.stage_entered_at, app.last_activity_at = to_stage, now, now
    if to_stage.kind == StageKind.HIRED:
        app.status = ApplicationStatus.HIRED
    save_with_history(app, by=by, reason=reason)
    _transition(app, from_stage=from_stage, by=by, at=now, note=note)
    return app


def check_active(app: Application) -> None:
    """PipelineError unless the application is still active (not hired, rejected or withdrawn)."""
    if app.status in CLOSED_STATUSES:
        raise PipelineError(_closed(app.status))


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
