"""Interviews through their service: plans, scheduling with conflict warnings, scorecards with bias
control and revisions, scorecard-due decisions and their reminder, debriefs that move the candidate."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from candidates.choices import DEBRIEF_KIND, SCORECARD_DUE_KIND, InterviewStatus, ScorecardStatus
from candidates.models import (
    Criterion,
    Interview,
    InterviewerCap,
    InterviewReschedule,
    ReasonCode,
    Scorecard,
    Stage,
    StageTransition,
)
from candidates.selectors import interviews_for_user, sees_all_scorecards
from candidates.services import PipelineError, apply, create_candidate, interviews, move_application, scorecards
from portal.choices import Outcome, Role
from portal.models import Decision, ReminderLog
from portal.services import reminders
from tests import clock
from tests.commit import committed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def panelists(db):
    return [UserFactory(username=f"panel{i}", roles=[Role.INTERVIEWER]) for i in range(3)]


@pytest.fixture
def application(open_requisition, recruiter):
    person = create_candidate(by=recruiter, first_name="Grace", last_name="Hopper", email="grace@example.com")
    app = apply(candidate=person, requisition=open_requisition, by=recruiter)
    return move_application(application=app, to_stage=Stage.objects.get(code="interview"), by=recruiter)


@pytest.fixture
def plan(open_requisition, recruiter):
    return interviews.ensure_plan(requisition=open_requisition, by=recruiter)


def _round(plan, name):
    return plan.rounds.get(name=name)


def _book(application, round_, panel, by, *, start_in=timedelta(days=1), confirm=False, minutes=60):
    start = timezone.now() + start_in
    return interviews.schedule_interview(
        application=application,
        round=round_,
        panel=panel,
        by=by,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        video_link="https://meet.example.com/abc",
        confirm=confirm,
    )


def _happened(interview, hours_ago=2):
    """Move a booked interview into the past, as if time had passed."""
    start = timezone.now() - timedelta(hours=hours_ago)
    Interview.objects.filter(pk=interview.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    interview.refresh_from_db()
    return interview


def _ratings(interview, rating=3, evidence="Walked through a real design and its trade-offs."):
    return {c.pk: scorecards.RatingInput(rating, evidence) for c in interview.round.criteria.all()}


def test_a_plan_starts_from_the_default_template_and_can_be_edited(plan, recruiter, interviewer):
    names = list(plan.rounds.values_list("name", flat=True))
    assert names == ["Phone screen", "Technical", "Panel", "Values"]
    technical = _round(plan, "Technical")
    assert set(technical.criteria.values_list("name", flat=True)) == {"Problem solving", "Technical depth"}

    rounds = [
        interviews.RoundInput(r.pk, r.name, r.duration_minutes, r.panel_roles, list(r.criteria.all()))
        for r in plan.rounds.all()
    ]
    rounds[0].remove = True
    rounds.append(interviews.RoundInput(None, "Case study", 90, ["lead", "interviewer"], [Criterion.objects.first()]))
    interviews.save_plan(plan=plan, rounds=rounds, by=recruiter)
    assert list(plan.rounds.filter(is_active=True).values_list("name", "position")) == [
        ("Technical", 1), ("Panel", 2), ("Values", 3), ("Case study", 4),
    ]  # fmt: skip

    with pytest.raises(interviews.InterviewError, match="recruiter or hiring manager"):
        interviews.save_plan(plan=plan, rounds=rounds, by=interviewer)
    shadow_only = [interviews.RoundInput(None, "Watch", 30, ["shadow"], [Criterion.objects.first()])]
    with pytest.raises(interviews.InterviewError, match="shadow does not score"):
        interviews.save_plan(plan=plan, rounds=shadow_only, by=recruiter)
    with pytest.raises(interviews.InterviewError, match="choose the criteria"):
        interviews.save_plan(plan=plan, rounds=[interviews.RoundInput(None, "Chat", 30, ["lead"], [])], by=recruiter)


def test_a_round_with_interviews_is_retired_not_deleted(plan, application, recruiter, panelists):
    screen = _round(plan, "Phone screen")
    _book(application, screen, [interviews.Seat(panelists[0], "lead")], recruiter)
    rounds = [
        interviews.RoundInput(
            r.pk, r.name, r.duration_minutes, r.panel_roles, list(r.criteria.all()), remove=r == screen
        )
        for r in plan.rounds.all()
    ]
    interviews.save_plan(plan=plan, rounds=rounds, by=recruiter)
    screen.refresh_from_db()
    assert not screen.is_active and screen.interviews.count() == 1


def test_scheduling_sends_the_panel_a_calendar_file(plan, application, recruiter, panelists):
    with committed():
        interview = _book(
            application,
            _round(plan, "Technical"),
            [interviews.Seat(panelists[0], "lead"), interviews.Seat(panelists[1], "shadow")],
            recruiter,
        )
    assert interview.status == InterviewStatus.SCHEDULED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {panelists[0].email, panelists[1].email}
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"interview-{interview.pk}.ics", "text/calendar")
    text = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VEVENT" in text and "METHOD:REQUEST" in text and "Grace Hopper" in text
    assert "grace@example.com" not in text  # the panel gets the name, not the contact details


def test_the_panel_is_checked(plan, application, recruiter, panelists, finance, hiring_manager):
    technical = _round(plan, "Technical")
    with pytest.raises(interviews.InterviewError, match="no hiring manager on its panel"):
        _book(application, technical, [interviews.Seat(panelists[0], "hiring_manager")], recruiter)
    with pytest.raises(interviews.InterviewError, match="cannot interview"):
        _book(application, technical, [interviews.Seat(finance, "lead")], recruiter)
    with pytest.raises(interviews.InterviewError, match="someone who scores"):
        _book(application, technical, [interviews.Seat(panelists[0], "shadow")], recruiter)
    with pytest.raises(interviews.InterviewError, match="one lead"):
        _book(
            application,
            technical,
            [interviews.Seat(panelists[0], "lead"), interviews.Seat(panelists[1], "lead")],
            recruiter,
        )
    with pytest.raises(interviews.InterviewError, match="in the future"):
        _book(application, technical, [interviews.Seat(panelists[0], "lead")], recruiter, start_in=-timedelta(days=1))
    with pytest.raises(interviews.InterviewError, match="recruiter or hiring manager"):
        _book(application, technical, [interviews.Seat(panelists[0], "lead")], finance)
    assert not Interview.objects.exists()


def _next_tuesday_morning():
    """10:00 on the coming Tuesday (local): the bookings below share one week whatever day the suite runs."""
    local = clock.now()
    target = (local + timedelta(days=(1 - local.weekday()) % 7 or 7)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return timedelta(seconds=target.timestamp() - local.timestamp())  # real seconds, across a DST change too


def test_double_booking_and_a_full_week_are_warned_until_confirmed(plan, application, recruiter, panelists):
    technical = _round(plan, "Technical")
    lead = [interviews.Seat(panelists[0], "lead")]
    tuesday = _next_tuesday_morning()
    _book(application, technical, lead, recruiter, start_in=tuesday)
    with pytest.raises(interviews.ConflictWarning) as warned:
        _book(application, technical, lead, recruiter, start_in=tuesday + timedelta(minutes=30))
    assert "already in an interview" in warned.value.warnings[0]
    assert Interview.objects.count() == 1
    _book(application, technical, lead, recruiter, start_in=tuesday + timedelta(minutes=30), confirm=True)
    assert Interview.objects.count() == 2

    InterviewerCap.objects.create(user=panelists[0], weekly_cap=2)
    with pytest.raises(interviews.ConflictWarning) as warned:
        _book(application, technical, lead, recruiter, start_in=tuesday + timedelta(hours=3))
    assert any("over their cap of 2" in w for w in warned.value.warnings)


def test_rescheduling_keeps_the_previous_time(plan, application, recruiter, panelists):
    interview = _book(application, _round(plan, "Technical"), [interviews.Seat(panelists[0], "lead")], recruiter)
    first_start = interview.starts_at
    new_start = first_start + timedelta(days=2)
    with pytest.raises(interviews.InterviewError, match="Say why"):
        interviews.update_interview(
            interview=interview, by=recruiter, panel=[interviews.Seat(panelists[0], "lead")],
            starts_at=new_start, ends_at=new_start + timedelta(hours=1),
        )  # fmt: skip
    with committed():
        interviews.update_interview(
            interview=interview, by=recruiter, panel=[interviews.Seat(panelists[1], "lead")],
            starts_at=new_start, ends_at=new_start + timedelta(hours=1), reason="Candidate travelling",
        )  # fmt: skip
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.RESCHEDULED and interview.sequence == 1
    kept = InterviewReschedule.objects.get(interview=interview)
    assert (kept.previous_starts_at, kept.starts_at, kept.reason) == (first_start, new_start, "Candidate travelling")
    cancelled = [m for m in mail.outbox if "off this interview" in m.subject]
    assert cancelled and cancelled[0].to == [panelists[0].email]
    content = cancelled[0].attachments[0][1]
    assert "METHOD:CANCEL" in (content.decode() if isinstance(content, bytes) else content)


def test_an_interviewer_submits_and_only_then_sees_the_others(
    plan, application, recruiter, panelists, open_requisition, finance
):
    interview = _book(
        application,
        _round(plan, "Technical"),
        [
            interviews.Seat(panelists[0], "lead"),
            interviews.Seat(panelists[1], "interviewer"),
            interviews.Seat(panelists[2], "shadow"),
        ],
        recruiter,
    )
    assert set(interviews_for_user(panelists[0])) == {interview}
    _happened(interview)
    interviews.complete_interview(interview=interview, by=recruiter)
    due = Decision.objects.filter(kind=SCORECARD_DUE_KIND, status="open")
    assert {d.owner for d in due} == {panelists[0], panelists[1]}  # the shadow owes nothing
    assert all(
        d.due_at == interviews.scorecard_due_at(interview.ends_at) >= interview.ends_at + timedelta(hours=48)
        for d in due
    )
    assert all(timezone.localtime(d.due_at).weekday() < 5 for d in due)

    assert not sees_all_scorecards(panelists[0], application)
    scorecards.save_scorecard(interview=interview, by=panelists[0], ratings=_ratings(interview), recommendation="yes")
    assert not sees_all_scorecards(panelists[0], application)  # a draft is not a submission
    card = scorecards.save_scorecard(
        interview=interview, by=panelists[0], ratings=_ratings(interview), recommendation="yes", submit=True
    )
    assert card.status == ScorecardStatus.SUBMITTED and card.ratings.count() == 2
    assert sees_all_scorecards(panelists[0], application)
    assert not sees_all_scorecards(panelists[1], application)
    assert sees_all_scorecards(open_requisition.hiring_manager, application)
    assert not sees_all_scorecards(finance, application)
    assert not Decision.objects.filter(kind=SCORECARD_DUE_KIND, owner=panelists[0], status="open").exists()
    with pytest.raises(interviews.InterviewError, match="locked"):
        scorecards.save_scorecard(
            interview=interview, by=panelists[0], ratings=_ratings(interview), recommendation="no"
        )
    with pytest.raises(interviews.InterviewError, match="Shadows"):
        scorecards.save_scorecard(
            interview=interview, by=panelists[2], ratings=_ratings(interview), recommendation="no"
        )


def test_a_submission_needs_every_criterion_evidence_and_a_recommendation(plan, application, recruiter, panelists):
    interview = _happened(
        _book(application, _round(plan, "Technical"), [interviews.Seat(panelists[0], "lead")], recruiter)
    )
    criteria = list(interview.round.criteria.all())
    partial = {criteria[0].pk: scorecards.RatingInput(3, "ok")}
    with pytest.raises(interviews.InterviewError, match="Rate every criterion"):
        scorecards.save_scorecard(
            interview=interview, by=panelists[0], ratings=partial, recommendation="yes", submit=True
        )
    bare = {c.pk: scorecards.RatingInput(2, "") for c in criteria}
    with pytest.raises(interviews.InterviewError, match="evidence"):
        scorecards.save_scorecard(interview=interview, by=panelists[0], ratings=bare, recommendation="yes", submit=True)
    nothing = {c.pk: scorecards.RatingInput(None) for c in criteria}
    with pytest.raises(interviews.InterviewError, match="at least one"):
        scorecards.save_scorecard(
            interview=interview, by=panelists[0], ratings=nothing, recommendation="yes", submit=True
        )
    with pytest.raises(interviews.InterviewError, match="recommendation"):
        scorecards.save_scorecard(
            interview=interview, by=panelists[0], ratings=_ratings(interview), recommendation="", submit=True
        )
    assert not Scorecard.objects.filter(status="submitted").exists()


def test_a_correction_is_a_new_revision_and_both_are_kept(plan, application, recruiter, panelists):
    interview = _happened(
        _book(application, _round(plan, "Technical"), [interviews.Seat(panelists[0], "lead")], recruiter)
    )
    first = scorecards.save_scorecard(
        interview=interview, by=panelists[0], ratings=_ratings(interview, 2), recommendation="no", submit=True
    )
    with pytest.raises(interviews.InterviewError, match="Say why"):
        scorecards.revise_scorecard(
            scorecard=first, by=panelists[0], reason=" ", ratings=_ratings(interview), recommendation="yes"
        )
    with pytest.raises(interviews.InterviewError, match="author"):
        scorecards.revise_scorecard(
            scorecard=first, by=panelists[1], reason="x", ratings=_ratings(interview), recommendation="yes"
        )
    second = scorecards.revise_scorecard(
        scorecard=first, by=panelists[0], reason="Mixed up two candidates", ratings=_ratings(interview, 4),
        recommendation="strong_yes",
    )  # fmt: skip
    assert (second.revision, second.supersedes, second.status) == (2, first, "submitted")
    first.refresh_from_db()
    assert first.recommendation == "no" and set(first.ratings.values_list("rating", flat=True)) == {2}
    with pytest.raises(interviews.InterviewError, match="latest"):
        scorecards.revise_scorecard(
            scorecard=first, by=panelists[0], reason="again", ratings=_ratings(interview), recommendation="no"
        )


def test_an_overdue_scorecard_gets_one_reminder(plan, application, recruiter, panelists):
    interview = _happened(
        _book(application, _round(plan, "Technical"), [interviews.Seat(panelists[0], "lead")], recruiter),
        hours_ago=24 * 7,
    )
    interviews.complete_interview(interview=interview, by=recruiter)
    decision = Decision.objects.get(kind=SCORECARD_DUE_KIND)
    assert decision.is_overdue
    mail.outbox.clear()
    for _ in range(3):
        with committed():
            for decision_id in reminders.decisions_needing_reminders():
                reminders.send_reminders(decision_id=decision_id)
    overdue = ReminderLog.objects.filter(decision=decision, kind="overdue")
    assert overdue.count() == 1 and overdue.get().recipient == panelists[0]
    assert [m.to for m in mail.outbox if "overdue" in m.subject.lower()] == [[panelists[0].email]]


def test_past_interviews_are_completed_by_the_job(plan, application, recruiter, panelists):
    interview = _happened(
        _book(application, _round(plan, "Technical"), [interviews.Seat(panelists[0], "lead")], recruiter), hours_ago=3
    )
    assert interviews.complete_past_interviews() == 1
    assert interviews.complete_past_interviews() == 0
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.COMPLETED
    assert Decision.objects.filter(kind=SCORECARD_DUE_KIND, owner=panelists[0], status="open").count() == 1


def test_the_debrief_follows_the_last_scorecard_and_advances_the_candidate(
    plan, application, recruiter, panelists, hiring_manager, open_requisition
):
    technical = _round(plan, "Technical")
    interview = _happened(
        _book(
            application,
            technical,
            [interviews.Seat(panelists[0], "lead"), interviews.Seat(panelists[1], "interviewer")],
            recruiter,
        )
    )
    scorecards.save_scorecard(
        interview=interview, by=panelists[0], ratings=_ratings(interview), recommendation="yes", submit=True
    )
    assert not Decision.objects.filter(kind=DEBRIEF_KIND).exists()
    scorecards.save_scorecard(
        interview=interview, by=panelists[1], ratings=_ratings(interview, 4), recommendation="strong_yes", submit=True
    )
    decision = Decision.objects.get(kind=DEBRIEF_KIND)
    assert decision.owner == open_requisition.hiring_manager
    debrief = decision.subject

    with pytest.raises(interviews.InterviewError, match="not yours"):
        scorecards.decide_debrief(debrief=debrief, by=recruiter, outcome=Outcome.ADVANCED)
    scorecards.decide_debrief(
        debrief=debrief, by=open_requisition.hiring_manager, outcome=Outcome.ADVANCED, note="Strong panel"
    )
    application.refresh_from_db()
    assert application.stage.code == "debrief"
    last = StageTransition.objects.filter(application=application).latest("at", "id")
    assert (last.to_stage.code, last.by) == ("debrief", open_requisition.hiring_manager)
    assert "Debrief after Technical" in last.note
    decision.refresh_from_db()
    assert (decision.status, decision.outcome, decision.decided_by) == (
        "done",
        "advanced",
        open_requisition.hiring_manager,
    )
    with pytest.raises(interviews.InterviewError, match="already decided"):
        scorecards.decide_debrief(debrief=debrief, by=open_requisition.hiring_manager, outcome=Outcome.HELD)


def test_a_debrief_never_advances_into_pre_start_or_hired(plan, application, recruiter, panelists, open_requisition):
    move_application(application=application, to_stage=Stage.objects.get(code="offer"), by=recruiter)
    interview = _happened(
        _book(application, _round(plan, "Technical"), [interviews.Seat(panelists[0], "lead")], recruiter)
    )
    scorecards.save_scorecard(
        interview=interview, by=panelists[0], ratings=_ratings(interview, 4), recommendation="yes", submit=True
    )
    debrief = Decision.objects.get(kind=DEBRIEF_KIND).subject
    hm = open_requisition.hiring_manager
    application.refresh_from_db()

    assert list(scorecards.later_stages(application.stage)) == [] and scorecards.next_stage(application.stage) is None
    with pytest.raises(interviews.InterviewError, match="Advance moves the candidate to a later stage"):
        scorecards.decide_debrief(debrief=debrief, by=hm, outcome=Outcome.ADVANCED)
    with pytest.raises(PipelineError, match="Hired is reached only by confirming the start in pre-boarding."):
        scorecards.decide_debrief(
            debrief=debrief, by=hm, outcome=Outcome.ADVANCED, to_stage=Stage.objects.get(code="hired")
        )
    application.refresh_from_db()
    assert (application.stage.code, debrief.decision.status) == ("offer", "open")


def test_a_debrief_rejects_with_our_reason_code(plan, application, recruiter, panelists, open_requisition):
    interview = _happened(
        _book(application, _round(plan, "Technical"), [interviews.Seat(panelists[0], "lead")], recruiter)
    )
    scorecards.save_scorecard(
        interview=interview, by=panelists[0], ratings=_ratings(interview, 1), recommendation="strong_no", submit=True
    )
    debrief = Decision.objects.get(kind=DEBRIEF_KIND).subject
    hm = open_requisition.hiring_manager
    withdrew = ReasonCode.objects.filter(category="they_withdrew").first()
    with pytest.raises(interviews.InterviewError, match="reason code of ours"):
        scorecards.decide_debrief(debrief=debrief, by=hm, outcome=Outcome.REJECTED, reason=withdrew)
    gap = ReasonCode.objects.get(code="skill_gap")
    scorecards.decide_debrief(debrief=debrief, by=hm, outcome=Outcome.REJECTED, reason=gap)
    application.refresh_from_db()
    assert (application.status, application.disposition) == ("rejected", gap)


def test_the_hiring_manager_can_proceed_before_every_scorecard_is_in(
    plan, application, recruiter, panelists, open_requisition
):
    technical = _round(plan, "Technical")
    interview = _happened(
        _book(
            application,
            technical,
            [interviews.Seat(panelists[0], "lead"), interviews.Seat(panelists[1], "interviewer")],
            recruiter,
        )
    )
    hm = open_requisition.hiring_manager
    with pytest.raises(interviews.InterviewError, match="nothing to debrief"):
        scorecards.proceed_to_debrief(application=application, round=technical, by=hm)
    scorecards.save_scorecard(
        interview=interview, by=panelists[0], ratings=_ratings(interview), recommendation="yes", submit=True
    )
    with pytest.raises(interviews.InterviewError, match="hiring manager"):
        scorecards.proceed_to_debrief(application=application, round=technical, by=recruiter)
    debrief = scorecards.proceed_to_debrief(application=application, round=technical, by=hm)
    assert debrief.early and debrief.decision.owner == hm
    with pytest.raises(interviews.InterviewError, match="already has"):
        scorecards.proceed_to_debrief(application=application, round=technical, by=hm)


def test_interviewers_see_only_the_interviews_they_sit_on(
    plan, application, recruiter, panelists, finance, hr, interviewer
):
    interview = _book(application, _round(plan, "Technical"), [interviews.Seat(panelists[0], "lead")], recruiter)
    assert list(interviews_for_user(panelists[0])) == [interview]
    assert not interviews_for_user(interviewer).exists()
    assert not interviews_for_user(finance).exists()
    assert list(interviews_for_user(hr)) == [interview]
    assert list(interviews_for_user(recruiter)) == [interview]
