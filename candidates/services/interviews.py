"""Interviews: a requisition's plan (rounds from the template of its role family), scheduling and
rescheduling with conflict and load warnings and calendar files, completing (which asks each scoring
panelist for their scorecard, a decision on the spine), cancelling and no-shows.

Each function takes the acting user as `by` and checks what it is allowed to do itself (the pages ask
the same predicates in candidates.permissions to decide what to show).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates import choices, ics, permissions, services
from candidates.choices import (
    HELD_INTERVIEW_STATUSES,
    SCORECARD_DUE_KIND,
    SCORING_PANEL_ROLES,
    UPCOMING_INTERVIEW_STATUSES,
    InterviewStatus,
    PanelRole,
    ScorecardStatus,
)
from candidates.models import (
    Application,
    Criterion,
    Interview,
    InterviewParticipant,
    InterviewPlan,
    InterviewPlanTemplate,
    InterviewReschedule,
    InterviewRound,
)
from candidates.models.interviews import MAX_ROUNDS
from candidates.selectors import week_bounds, weekly_caps
from candidates.services import PipelineError
from portal import calendar, clock
from portal.models import Decision, User
from portal.services import decisions
from portal.services.notifications import notify, send_email
from portal.services.records import save_with_history
from requisitions.choices import Status as RequisitionStatus
from requisitions.models import Requisition

MAX_INTERVIEW_HOURS = 8
MAX_PANEL = 8


class InterviewError(PipelineError):
    pass


class ConflictWarning(InterviewError):
    """The schedule is possible but clashes: an interviewer double-booked or over their weekly cap.
    Raised unless the caller confirms; `warnings` says what clashes."""

    def __init__(self, warnings: list[str]):
        super().__init__(" ".join(warnings))
        self.warnings = warnings


def template_for(requisition: Requisition) -> InterviewPlanTemplate | None:
    """The active template of the requisition's role family, else the default (no family)."""
    templates = InterviewPlanTemplate.objects.filter(is_active=True)
    if requisition.role_family_id:
        own = templates.filter(role_family_id=requisition.role_family_id).first()
        if own is not None:
            return own
    return templates.filter(role_family__isnull=True).first()


def ensure_plan(*, requisition: Requisition, by: User | None) -> InterviewPlan:
    """The requisition's plan, copied from its template the first time it is asked for."""
    existing = InterviewPlan.objects.filter(requisition=requisition).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        req = Requisition.objects.select_for_update().get(pk=requisition.pk)  # one plan, however many ask
        existing = InterviewPlan.objects.filter(requisition=req).first()
        if existing is not None:
            return existing
        template = template_for(req)
        now = clock.now()
        plan = InterviewPlan.objects.create(
            requisition=req, template=template, created_by=by, created_at=now, updated_at=now
        )
        if template is not None:
            for source in template.rounds.prefetch_related("criteria"):
                round_ = InterviewRound.objects.create(
                    plan=plan,
                    position=source.position,
                    name=source.name,
                    duration_minutes=source.duration_minutes,
                    panel_roles=list(source.panel_roles),
                )
                round_.criteria.set(source.criteria.filter(is_active=True))
    return plan


@dataclass
class RoundInput:
    """One round as the plan form sends it: `pk` for an existing round, None for a new one."""

    pk: int | None
    name: str
    duration_minutes: int
    panel_roles: list[str]
    criteria: list[Criterion]
    remove: bool = False


def save_plan(*, plan: InterviewPlan, rounds: list[RoundInput], by: User) -> InterviewPlan:
    """Replace the plan's rounds with `rounds`, in that order. A removed round that has interviews is
    retired (its interviews and scorecards keep pointing at it); one without is deleted."""
    if not permissions.can_edit_plan(by, plan.requisition):
        raise InterviewError(_("Only the requisition's recruiter or hiring manager can edit its interview plan."))
    kept = [r for r in rounds if not r.remove]
    if not kept:
        raise InterviewError(_("A plan needs at least one round."))
    if len(kept) > MAX_ROUNDS:
        raise InterviewError(_("A plan has at most %(n)d rounds.") % {"n": MAX_ROUNDS})
    names = [" ".join(r.name.split()) for r in kept]
    if any(not name for name in names):
        raise InterviewError(_("Every round needs a name."))
    if len({name.casefold() for name in names}) != len(names):
        raise InterviewError(_("Two rounds have the same name: name each round differently."))
    for r, name in zip(kept, names, strict=True):
        _check_round(r, name)
    with transaction.atomic():
        locked = InterviewPlan.objects.select_for_update().get(pk=plan.pk)
        current = {r.pk: r for r in locked.rounds.filter(is_active=True)}
        unknown = {r.pk for r in rounds if r.pk is not None} - set(current)
        if unknown:
            raise InterviewError(_("A round of this plan was changed meanwhile: reload the page and try again."))
        for r in rounds:
            if r.remove and r.pk is not None:
                round_ = current[r.pk]
                if round_.interviews.exists():
                    round_.is_active = False
                    save_with_history(round_, by=by, reason=choices.PLAN_CHANGED)
                else:
                    round_.criteria.clear()
                    round_.delete()
        for position, (r, name) in enumerate(zip(kept, names, strict=True), start=1):
            round_ = current[r.pk] if r.pk is not None else InterviewRound(plan=locked)
            round_.position, round_.name, round_.duration_minutes = position, name, r.duration_minutes
            round_.panel_roles = [role for role in PanelRole.values if role in r.panel_roles]
            save_with_history(round_, by=by, reason=choices.PLAN_CHANGED)
            round_.criteria.set(r.criteria)
        locked.updated_at = clock.now()
        save_with_history(locked, by=by, reason=choices.PLAN_CHANGED)
    return locked


def _check_round(r: RoundInput, name: str) -> None:
    if len(name) > 80:
        raise InterviewError(_("Keep round names under 80 characters."))
    if not 15 <= r.duration_minutes <= 480:
        raise InterviewError(_("%(round)s: a round lasts 15 to 480 minutes.") % {"round": name})
    if set(r.panel_roles) - set(PanelRole.values):
        raise InterviewError(_("%(round)s: unknown panel role.") % {"round": name})
    if not set(r.panel_roles) & set(SCORING_PANEL_ROLES):
        raise InterviewError(
            _("%(round)s: the panel needs a lead, an interviewer or the hiring manager (a shadow does not score).")
            % {"round": name}
        )
    if not r.criteria:
        raise InterviewError(_("%(round)s: choose the criteria this round assesses.") % {"round": name})
    retired = [c.name for c in r.criteria if not c.is_active]
    if retired:
        raise InterviewError(
            _("%(round)s: %(criteria)s retired: choose current criteria.")
            % {"round": name, "criteria": ", ".join(retired)}
        )


@dataclass(frozen=True)
class Seat:
    user: User
    panel_role: str


def schedule_interview(
    *,
    application: Application,
    round: InterviewRound,
    panel: list[Seat],
    by: User,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    location: str = "",
    video_link: str = "",
    confirm: bool = False,
) -> Interview:
    """Book an interview of `application` in `round` with `panel`, at a time (scheduled) or not yet
    (to schedule). Clashes raise ConflictWarning unless `confirm`. The panel gets the calendar file."""
    if not permissions.can_manage_interviews(by, application):
        raise InterviewError(_("Only the requisition's recruiter or hiring manager can schedule its interviews."))
    with transaction.atomic():
        app = active_application(application)
        if round.plan.requisition_id != app.requisition_id or not round.is_active:
            raise InterviewError(_("Choose a current round of this requisition's interview plan."))
        _check_panel(panel, round=round, requisition=app.requisition)
        _check_time(starts_at, ends_at, location, video_link)
        if starts_at is not None and not confirm:
            warnings = conflicts(users=[seat.user for seat in panel], starts_at=starts_at, ends_at=ends_at)
            if warnings:
                raise ConflictWarning(warnings)
        interview = Interview(
            application=app,
            round=round,
            status=InterviewStatus.SCHEDULED if starts_at else InterviewStatus.TO_SCHEDULE,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location.strip(),
            video_link=video_link.strip(),
            created_at=clock.now(),
            created_by=by,
        )
        clean(interview, exclude=["application", "round", "created_by"])
        save_with_history(
            interview, by=by, reason=choices.INTERVIEW_PLANNED if starts_at is None else choices.INTERVIEW_SCHEDULED
        )
        InterviewParticipant.objects.bulk_create(
            InterviewParticipant(interview=interview, user=seat.user, panel_role=seat.panel_role) for seat in panel
        )
        if starts_at is not None:
            _send_calendar(interview, _("Interview scheduled"), users=[seat.user for seat in panel])
    return interview


def update_interview(
    *,
    interview: Interview,
    by: User,
    panel: list[Seat],
    starts_at: datetime | None,
    ends_at: datetime | None,
    location: str = "",
    video_link: str = "",
    reason: str = "",
    confirm: bool = False,
) -> Interview:
    """Change an interview that has not happened: its time (a booked one is rescheduled and its earlier
    time kept), its panel, where it happens. Removed panelists get a cancellation, the rest the update."""
    if not permissions.can_manage_interviews(by, interview.application):
        raise InterviewError(_("Only the requisition's recruiter or hiring manager can change its interviews."))
    with transaction.atomic():
        current = locked_interview(interview)
        if not current.can_change:
            raise InterviewError(
                _("This interview is %(status)s: only one still to happen can change.")
                % {"status": current.get_status_display().lower()}
            )
        app = active_application(current.application)
        _check_panel(panel, round=current.round, requisition=app.requisition)
        _check_time(starts_at, ends_at, location, video_link)
        if starts_at is None and current.starts_at is not None:
            raise InterviewError(_("A booked interview keeps a time: reschedule it or cancel it."))
        moved = starts_at is not None and (starts_at, ends_at) != (current.starts_at, current.ends_at)
        if moved and current.starts_at is not None and not reason.strip():
            raise InterviewError(_("Say why the interview moves: the panel and the log see it."))
        if starts_at is not None and not confirm:
            warnings = conflicts(
                users=[seat.user for seat in panel], starts_at=starts_at, ends_at=ends_at, excluding=current
            )
            if warnings:
                raise ConflictWarning(warnings)
        before = {p.user_id: p for p in current.participants.select_related("user")}
        after = {seat.user.pk: seat for seat in panel}
        removed = [p.user for pk, p in before.items() if pk not in after]
        if moved and current.starts_at is not None:
            InterviewReschedule.objects.create(
                interview=current,
                previous_starts_at=current.starts_at,
                previous_ends_at=current.ends_at,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=reason.strip()[:500],
                at=clock.now(),
                by=by,
            )
            current.status = InterviewStatus.RESCHEDULED
            audit = choices.INTERVIEW_RESCHEDULED
        elif moved:
            current.status = InterviewStatus.SCHEDULED
            audit = choices.INTERVIEW_SCHEDULED
        else:
            audit = choices.INTERVIEW_PLANNED if current.starts_at is None else choices.INTERVIEW_SCHEDULED
        current.starts_at, current.ends_at = starts_at, ends_at
        current.location, current.video_link = location.strip(), video_link.strip()
        current.sequence += 1
        clean(current, exclude=["application", "round", "created_by"])
        save_with_history(current, by=by, reason=audit)
        InterviewParticipant.objects.filter(interview=current, user_id__in=[u.pk for u in removed]).delete()
        for pk, seat in after.items():
            if pk in before:
                if before[pk].panel_role != seat.panel_role:
                    before[pk].panel_role = seat.panel_role
                    before[pk].save(update_fields=["panel_role"])
            else:
                InterviewParticipant.objects.create(interview=current, user=seat.user, panel_role=seat.panel_role)
        if current.starts_at is not None:
            title = _("Interview rescheduled") if audit == choices.INTERVIEW_RESCHEDULED else _("Interview updated")
            _send_calendar(current, title, users=[seat.user for seat in panel])
            if removed:
                _send_calendar(current, _("You are off this interview"), users=removed, cancel=True)
    return current


def cancel_interview(*, interview: Interview, by: User, reason: str) -> Interview:
    """Call off an interview that has not happened; the panel's calendars drop it."""
    if not permissions.can_manage_interviews(by, interview.application):
        raise InterviewError(_("Only the requisition's recruiter or hiring manager can cancel its interviews."))
    if not reason.strip():
        raise InterviewError(_("Say why the interview is cancelled."))
    with transaction.atomic():
        current = locked_interview(interview)
        if not current.can_change:
            raise InterviewError(
                _("This interview is %(status)s: it can no longer be cancelled.")
                % {"status": current.get_status_display().lower()}
            )
        was_booked = current.starts_at is not None
        current.status, current.note = InterviewStatus.CANCELLED, reason.strip()[:500]
        current.sequence += 1
        save_with_history(current, by=by, reason=choices.INTERVIEW_CANCELLED)
        if was_booked:
            users = [p.user for p in current.participants.select_related("user")]
            _send_calendar(current, _("Interview cancelled"), users=users, cancel=True)
    return current


def mark_no_show(*, interview: Interview, by: User, note: str = "") -> Interview:
    """The candidate did not come. Scorecards no longer fall due (none may have been submitted)."""
    if not permissions.can_manage_interviews(by, interview.application):
        raise InterviewError(_("Only the requisition's recruiter or hiring manager can record a no-show."))
    with transaction.atomic():
        current = locked_interview(interview)
        if current.status not in HELD_INTERVIEW_STATUSES:
            raise InterviewError(_("Only a booked interview can be a no-show."))
        if not current.has_started:
            raise InterviewError(_("This interview has not started yet."))
        if current.scorecards.filter(status=ScorecardStatus.SUBMITTED).exists():
            raise InterviewError(_("Scorecards were submitted for this interview: it took place."))
        current.status, current.note = InterviewStatus.NO_SHOW, note.strip()[:500]
        save_with_history(current, by=by, reason=choices.INTERVIEW_NO_SHOW)
        for decision in open_scorecard_decisions(current):
            decisions.cancel_decision(decision=decision, by=None, note=_("The candidate did not come."))
    return current


def complete_interview(*, interview: Interview, by: User | None) -> Interview:
    """The interview took place: every scoring panelist owes a scorecard, due SCORECARD_DUE_HOURS after
    its end. `by=None` is the hourly job that completes interviews whose end has passed."""
    if by is not None and not permissions.can_manage_interviews(by, interview.application):
        raise InterviewError(_("Only the requisition's recruiter or hiring manager can mark it completed."))
    with transaction.atomic():
        current = locked_interview(interview)
        if current.status == InterviewStatus.COMPLETED:
            return current
        if current.status not in UPCOMING_INTERVIEW_STATUSES:
            raise InterviewError(_("Only a booked interview can be completed."))
        now = clock.now()
        if not current.has_started:
            raise InterviewError(_("This interview has not started yet."))
        current.status, current.completed_at = InterviewStatus.COMPLETED, now
        save_with_history(current, by=by, reason=choices.INTERVIEW_COMPLETED)
        due = scorecard_due_at(current.ends_at)
        submitted = set(
            current.scorecards.filter(status=ScorecardStatus.SUBMITTED).values_list("interviewer_id", flat=True)
        )
        for participant in current.participants.select_related("user").filter(panel_role__in=SCORING_PANEL_ROLES):
            if participant.user_id in submitted or not participant.user.is_active:
                continue
            decisions.raise_decision(
                kind=SCORECARD_DUE_KIND,
                title=_("Scorecard: %(who)s, %(round)s")
                % {"who": current.application.candidate, "round": current.round.name},
                owner=participant.user,
                due_at=due,
                subject=current,
                key=scorecard_key(current, participant.user),
            )
    return current


def scorecard_due_at(ends_at: datetime) -> datetime:
    """SCORECARD_DUE_HOURS after the interview ends, carried past weekends and holidays to the same
    hour of the next business day (a Thursday interview is due Monday, not Saturday)."""
    due = timezone.localtime(ends_at + timedelta(hours=settings.SCORECARD_DUE_HOURS))
    off = calendar.holidays_between(due.date(), due.date() + timedelta(days=14))
    while not calendar.is_business_day(due.date(), off):
        due += timedelta(days=1)
    return due


def complete_past_interviews(now: datetime | None = None) -> int:
    """Complete booked interviews that ended over an hour ago (the hourly job). Returns how many."""
    cutoff = (now or clock.now()) - timedelta(hours=1)
    done = 0
    for interview in Interview.objects.filter(status__in=UPCOMING_INTERVIEW_STATUSES, ends_at__lte=cutoff):
        try:
            complete_interview(interview=interview, by=None)
        except PipelineError:
            continue  # closed meanwhile, or its requisition is no longer open
        done += 1
    return done


def conflicts(
    *, users: list[User], starts_at: datetime, ends_at: datetime, excluding: Interview | None = None
) -> list[str]:
    """What clashes for these people at this time: another booked interview overlapping it, or a week
    (Monday to Sunday) already at their cap."""
    booked = InterviewParticipant.objects.filter(
        user__in=users, interview__status__in=UPCOMING_INTERVIEW_STATUSES
    ).select_related("interview__round", "user")
    if excluding is not None:
        booked = booked.exclude(interview=excluding)
    warnings = []
    overlapping = booked.filter(interview__starts_at__lt=ends_at, interview__ends_at__gt=starts_at)
    for seat in overlapping.order_by("user_id", "interview__starts_at"):
        local = timezone.localtime(seat.interview.starts_at)
        warnings.append(
            _("%(who)s is already in an interview then (%(round)s, %(when)s).")
            % {"who": seat.user, "round": seat.interview.round.name, "when": f"{local:%a %d %b %H:%M}"}
        )
    week_start, week_end = week_bounds(starts_at)
    in_week = dict(
        booked.filter(interview__starts_at__gte=week_start, interview__starts_at__lt=week_end)
        .values_list("user_id")
        .annotate(n=Count("id"))
    )
    caps = weekly_caps(users)
    for user in users:
        count = in_week.get(user.pk, 0)
        if count + 1 > caps[user.pk]:
            warnings.append(
                _("%(who)s would have %(n)d interviews that week, over their cap of %(cap)d.")
                % {"who": user, "n": count + 1, "cap": caps[user.pk]}
            )
    return warnings


def _check_panel(panel: list[Seat], *, round: InterviewRound, requisition: Requisition) -> None:
    if not panel:
        raise InterviewError(_("Choose who interviews."))
    if len(panel) > MAX_PANEL:
        raise InterviewError(_("A panel has at most %(n)d people.") % {"n": MAX_PANEL})
    ids = [seat.user.pk for seat in panel]
    if len(set(ids)) != len(ids):
        raise InterviewError(_("Each person sits on the panel once."))
    for seat in panel:
        if seat.panel_role not in PanelRole.values:
            raise InterviewError(_("Unknown panel role: %(role)s.") % {"role": seat.panel_role})
        if seat.panel_role not in round.panel_roles:
            raise InterviewError(
                _("The %(round)s round has no %(role)s on its panel: edit the plan or choose another role.")
                % {"round": round.name, "role": PanelRole(seat.panel_role).label.lower()}
            )
        if not permissions.can_sit_on_panel(seat.user):
            raise InterviewError(_("%(who)s cannot interview (not an active interviewer).") % {"who": seat.user})
        if seat.panel_role == PanelRole.HIRING_MANAGER and seat.user.pk != requisition.hiring_manager_id:
            raise InterviewError(_("Only the requisition's hiring manager sits as hiring manager."))
    if sum(seat.panel_role == PanelRole.LEAD for seat in panel) > 1:
        raise InterviewError(_("A panel has one lead."))
    if not any(seat.panel_role in SCORING_PANEL_ROLES for seat in panel):
        raise InterviewError(_("A panel needs someone who scores: a lead, an interviewer or the hiring manager."))


def _check_time(starts_at, ends_at, location: str, video_link: str) -> None:
    if (starts_at is None) != (ends_at is None):
        raise InterviewError(_("Give both the start and the end, or neither (to schedule later)."))
    if starts_at is not None:
        if ends_at <= starts_at:
            raise InterviewError(_("The interview must end after it starts."))
        if ends_at - starts_at > timedelta(hours=MAX_INTERVIEW_HOURS):
            raise InterviewError(_("An interview lasts at most %(n)d hours.") % {"n": MAX_INTERVIEW_HOURS})
        if starts_at < clock.now() - timedelta(minutes=5):
            raise InterviewError(_("Choose a time in the future."))
    if len(location) > 200:
        raise InterviewError(_("Keep the location under 200 characters."))
    link = video_link.strip()
    if link and not link.lower().startswith(("https://", "http://")):
        raise InterviewError(_("The video link must be a web address (https://…)."))


def _send_calendar(interview: Interview, title: str, *, users: list[User], cancel: bool = False) -> None:
    interview = (
        Interview.objects.select_related("application__candidate", "application__requisition", "round")
        .prefetch_related("participants__user")
        .get(pk=interview.pk)
    )
    when = timezone.localtime(interview.starts_at)
    subject = f"{title}: {interview.application.candidate}, {interview.round.name} ({when:%a %d %b %H:%M})"
    url = interview.get_absolute_url()
    body = _(
        "%(title)s.\n\nCandidate: %(who)s\nRole: %(role)s\nRound: %(round)s\nWhen: %(when)s\nWhere: %(where)s\n\n"
        "Interview kit: %(url)s\n"
    ) % {
        "title": title,
        "who": interview.application.candidate,
        "role": interview.application.requisition.title,
        "round": interview.round.name,
        "when": f"{when:%A %d %B %Y, %H:%M}",
        "where": interview.location or interview.video_link or _("not set"),
        "url": settings.PORTAL_BASE_URL + url,
    }
    attachment = (ics.file_name(interview), ics.interview_calendar(interview, cancel=cancel), ics.MIME_TYPE)
    send_email(to=[u.email for u in users if u.is_active], subject=subject, body=body, attachments=[attachment])
    notify(users=users, message=subject, url=url)


def scorecard_key(interview: Interview, user: User) -> str:
    return f"scorecard:{interview.pk}:{user.pk}"


def open_scorecard_decisions(interview: Interview):
    return Decision.objects.open().for_subject(interview).filter(kind=SCORECARD_DUE_KIND)


def active_application(application: Application) -> Application:
    app = Application.objects.select_related("requisition", "candidate").get(pk=application.pk)
    if app.requisition.status != RequisitionStatus.OPEN:
        raise InterviewError(
            _("%(ref)s is %(status)s: interviews are planned only on an open requisition.")
            % {"ref": app.requisition.reference, "status": app.requisition.get_status_display().lower()}
        )
    services.check_active(app)
    return app


def clean(instance, *, exclude: list[str]) -> None:
    """The model's own checks (field lengths, URL, constraints), refused like every other rule here."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise InterviewError(" ".join(exc.messages)) from None


def locked_interview(interview: Interview) -> Interview:
    return (
        Interview.objects.select_for_update(of=("self",))
        .select_related("application__candidate", "application__requisition", "round")
        .get(pk=interview.pk)
    )
