"""The interview pages as their users work them: the interviewer's My work and scorecard, bias control on
the page, the hiring manager's debrief, the load page's over-cap flag, and bounded queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from candidates.choices import DEBRIEF_KIND, SCORECARD_DUE_KIND
from candidates.models import Interview, InterviewerCap, StageTransition
from candidates.services import apply, create_candidate, interviews, move_application
from portal.choices import Role
from portal.models import Decision
from tests import clock
from tests.factories import UserFactory, submit_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(open_requisition, recruiter):
    plan = interviews.ensure_plan(requisition=open_requisition, by=recruiter)
    panel = [UserFactory(username=f"kit{i}", roles=[Role.INTERVIEWER]) for i in range(2)]
    return {"plan": plan, "technical": plan.rounds.get(name="Technical"), "panel": panel, "req": open_requisition}


def _application(setting, recruiter, n=0):
    person = create_candidate(by=recruiter, first_name="Ada", last_name=f"Lovelace{n}", email=f"ada{n}@example.com")
    app = apply(candidate=person, requisition=setting["req"], by=recruiter)
    from candidates.models import Stage

    return move_application(application=app, to_stage=Stage.objects.get(code="interview"), by=recruiter)


def _book(setting, application, recruiter, *, days=1):
    start = clock.now() + timedelta(days=days)
    return interviews.schedule_interview(
        application=application,
        round=setting["technical"],
        panel=[interviews.Seat(setting["panel"][0], "lead"), interviews.Seat(setting["panel"][1], "interviewer")],
        by=recruiter,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        confirm=True,
    )


def _into_the_past(interview):
    start = clock.now() - timedelta(hours=3)
    Interview.objects.filter(pk=interview.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))


def _scorecard_post(interview, rating="3", action="submit", recommendation="yes"):
    data = {"action": action, "recommendation": recommendation, "private_note": "Solid."}
    for criterion in interview.round.criteria.all():
        data[f"rating-{criterion.pk}"] = rating
        data[f"evidence-{criterion.pk}"] = f"Evidence on {criterion.name}."
    return data


def test_the_interviewer_scores_then_the_hiring_manager_debriefs_and_advances(client, setting, recruiter):
    application = _application(setting, recruiter)
    interview = _book(setting, application, recruiter)
    first, second = setting["panel"]
    hm = setting["req"].hiring_manager

    client.force_login(first)
    page = client.get(reverse("portal:my_work")).content.decode()
    assert "Your upcoming interviews" in page and "Ada Lovelace0" in page
    kit = client.get(interview.get_absolute_url()).content.decode()
    assert "ada0@example.com" not in kit  # the panel sees the name, never the contact details
    assert "Problem solving" in kit and "Good looks like" in kit

    _into_the_past(interview)
    interviews.complete_interview(interview=interview, by=recruiter)
    assert "Scorecard: Ada Lovelace0" in client.get(reverse("portal:my_work")).content.decode()

    # The second interviewer submits first; the first still sees nothing of it.
    client.force_login(second)
    response = client.post(reverse("candidates:scorecard", args=[interview.pk]), _scorecard_post(interview, "4"))
    assert response.status_code == 302
    client.force_login(first)
    kit = client.get(interview.get_absolute_url()).content.decode()
    assert "Hidden until you submit your own" in kit and "Evidence on" not in kit

    refused = client.post(
        reverse("candidates:scorecard", args=[interview.pk]), _scorecard_post(interview, recommendation="")
    )
    assert refused.status_code == 400 and "Choose an overall recommendation" in refused.content.decode()
    assert (
        client.post(reverse("candidates:scorecard", args=[interview.pk]), _scorecard_post(interview)).status_code == 302
    )
    kit = client.get(interview.get_absolute_url()).content.decode()
    assert "Hidden until you submit" not in kit and escape(str(second)) in kit and "Evidence on" in kit

    debrief_decision = Decision.objects.get(kind=DEBRIEF_KIND, status="open")
    assert debrief_decision.owner == hm
    client.force_login(hm)
    assert "Debrief: Ada Lovelace0 after Technical" in client.get(reverse("portal:my_work")).content.decode()
    page = client.get(reverse("candidates:debrief", args=[debrief_decision.subject_id])).content.decode()
    assert "Problem solving" in page and "3.5" in page  # the mean of a 3 and a 4
    response = client.post(
        reverse("candidates:debrief", args=[debrief_decision.subject_id]), {"outcome": "advanced", "note": "Go"}
    )
    assert response.status_code == 302
    last = StageTransition.objects.filter(application=application).latest("at", "id")
    assert (last.to_stage.code, last.by) == ("debrief", hm)
    assert not Decision.objects.filter(kind__in=[DEBRIEF_KIND, SCORECARD_DUE_KIND], status="open").exists()


def test_bad_scorecard_input_is_refused_with_a_message(client, setting, recruiter):
    interview = _book(setting, _application(setting, recruiter), recruiter)
    _into_the_past(interview)
    client.force_login(setting["panel"][0])
    url = reverse("candidates:scorecard", args=[interview.pk])
    for rating in ("7", "abc"):
        response = client.post(url, _scorecard_post(interview, rating))
        assert response.status_code == 400 and "choose a rating from 1 to 4" in response.content.decode()
    response = client.post(url, {**_scorecard_post(interview), "recommendation": "maybe"})
    assert response.status_code == 400
    assert not interview.scorecards.exists()


def test_the_load_page_flags_an_interviewer_over_cap(client, setting, recruiter):
    lead = setting["panel"][0]
    InterviewerCap.objects.create(user=lead, weekly_cap=1)
    monday = interviews.week_bounds(clock.now() + timedelta(days=7))[0]
    for n in range(2):
        start = monday + timedelta(days=1, hours=10 + 2 * n)
        interviews.schedule_interview(
            application=_application(setting, recruiter, n),
            round=setting["technical"],
            panel=[interviews.Seat(lead, "lead")],
            by=recruiter,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            confirm=True,
        )
    client.force_login(recruiter)
    page = client.get(reverse("candidates:interviewer_load")).content.decode()
    row = page[page.index(str(lead)) :][:400]
    assert "over cap" in row


def test_scheduling_a_clash_asks_to_confirm(client, setting, recruiter):
    application = _application(setting, recruiter)
    booked = _book(setting, application, recruiter, days=3)
    client.force_login(recruiter)
    local = timezone.localtime(booked.starts_at)
    data = {
        "round": setting["technical"].pk,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 60,
        "lead": setting["panel"][0].pk,
    }
    url = reverse("candidates:schedule", args=[application.pk])
    response = client.post(url, data)
    assert response.status_code == 400 and "already in an interview" in response.content.decode()
    assert Interview.objects.count() == 1
    assert client.post(url, {**data, "confirm": "on"}).status_code == 302
    assert Interview.objects.count() == 2
    refused = client.post(url, {**data, "video_link": "javascript:alert(1)", "confirm": "on"})
    assert refused.status_code == 400 and "Enter a valid URL" in refused.content.decode()
    assert Interview.objects.count() == 2  # nothing booked with a script for a link


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_interview_pages_cost_the_same_with_more_data(client, setting, recruiter):
    first = _application(setting, recruiter, 0)
    interview = _book(setting, first, recruiter)
    _into_the_past(interview)
    interviews.complete_interview(interview=interview, by=recruiter)
    for seat in setting["panel"]:
        submit_scorecard(interview, seat)
    debrief = Decision.objects.get(kind=DEBRIEF_KIND).subject
    hm = setting["req"].hiring_manager
    # Something in each of the team lists: one to schedule, one booked, one held with a scorecard owed.
    interviews.schedule_interview(
        application=_application(setting, recruiter, 20),
        round=setting["technical"],
        panel=[interviews.Seat(setting["panel"][0], "lead")],
        by=recruiter,
    )
    _book(setting, _application(setting, recruiter, 21), recruiter)
    owed = _book(setting, _application(setting, recruiter, 22), recruiter)
    _into_the_past(owed)
    interviews.complete_interview(interview=owed, by=recruiter)
    pages = {
        recruiter: [
            reverse("candidates:interviewer_load"),
            reverse("candidates:interviews"),
            reverse("candidates:plan", args=[setting["req"].pk]),
            reverse("candidates:schedule", args=[first.pk]),
            reverse("candidates:detail", args=[first.candidate_id]),
        ],
        setting["panel"][0]: [reverse("candidates:interviews"), interview.get_absolute_url()],
        hm: [reverse("candidates:debrief", args=[debrief.pk]), reverse("portal:my_work")],
    }
    before = {}
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            client.get(url)  # warm the session
            before[user.pk, url] = _count(client, url)
    for n in range(1, 9):  # more applications, interviews and panelists
        _book(setting, _application(setting, recruiter, n), recruiter, days=1 + n)
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            client.get(url)
            after = _count(client, url)
            assert after == before[user.pk, url], url
            assert after <= 22, url


def test_the_plan_is_reached_from_the_requisition_and_its_board(client, open_requisition, recruiter, hm, finance, hr):
    plan_url = reverse("candidates:plan", args=[open_requisition.pk])
    for user, sees in [(recruiter, True), (hm, True), (hr, True), (finance, False)]:
        client.force_login(user)
        detail = client.get(open_requisition.get_absolute_url())
        assert detail.status_code == 200
        assert (plan_url in detail.content.decode()) is sees, user.username
        board = client.get(reverse("candidates:board", args=[open_requisition.pk]))
        assert board.status_code == 200
        assert (plan_url in board.content.decode()) is sees, user.username
        assert client.get(plan_url).status_code == (200 if sees else 403), user.username


def test_the_recruiter_sees_the_team_interviews_and_what_is_still_owed(client, setting, recruiter):
    waiting = interviews.schedule_interview(
        application=_application(setting, recruiter, 0),
        round=setting["technical"],
        panel=[interviews.Seat(setting["panel"][0], "lead")],
        by=recruiter,
    )
    booked = _book(setting, _application(setting, recruiter, 1), recruiter, days=2)
    held = _book(setting, _application(setting, recruiter, 2), recruiter)
    _into_the_past(held)
    interviews.complete_interview(interview=held, by=recruiter)
    lead = setting["panel"][0]
    submit_scorecard(held, lead)

    client.force_login(recruiter)
    page = client.get(reverse("candidates:interviews")).content.decode()
    schedule, upcoming, awaiting = (
        page[page.index(f'id="{h}"') :] for h in ("schedule-heading", "team-upcoming-heading", "awaiting-heading")
    )
    assert waiting.get_absolute_url() in schedule[: schedule.index("team-upcoming-heading")]
    assert booked.get_absolute_url() in upcoming[: upcoming.index("awaiting-heading")]
    assert held.get_absolute_url() in awaiting and "1/2" in awaiting  # one of two scorecards in

    # Someone who runs none of these requisitions sees none of them; an interviewer only their seats.
    client.force_login(UserFactory(username="elsewhere", roles=[Role.RECRUITER]))
    other = client.get(reverse("candidates:interviews")).content.decode()
    assert not any(i.get_absolute_url() in other for i in (waiting, booked, held))
    client.force_login(setting["panel"][1])
    seats = client.get(reverse("candidates:interviews") + "?scope=team").content.decode()
    assert "On the requisitions you oversee" not in seats
    assert booked.get_absolute_url() in seats and waiting.get_absolute_url() not in seats


def test_the_panel_is_not_sent_to_a_debrief_it_cannot_open(client, setting, recruiter):
    interview = _book(setting, _application(setting, recruiter), recruiter)
    _into_the_past(interview)
    interviews.complete_interview(interview=interview, by=recruiter)
    for seat in setting["panel"]:
        submit_scorecard(interview, seat)
    debrief_url = reverse("candidates:debrief", args=[Decision.objects.get(kind=DEBRIEF_KIND).subject_id])
    client.force_login(setting["panel"][0])
    assert debrief_url not in client.get(interview.get_absolute_url()).content.decode()
    assert client.get(debrief_url).status_code == 403
    client.force_login(setting["req"].hiring_manager)
    assert debrief_url in client.get(interview.get_absolute_url()).content.decode()


def _debriefed(setting, recruiter):
    """An application in Interview whose round's scorecards are all in: its debrief waits for the hiring manager."""
    application = _application(setting, recruiter)
    interview = _book(setting, application, recruiter)
    _into_the_past(interview)
    interviews.complete_interview(interview=interview, by=recruiter)
    for seat in setting["panel"]:
        submit_scorecard(interview, seat)
    return application, Decision.objects.get(kind=DEBRIEF_KIND).subject


def test_the_debrief_form_refuses_bad_input_with_a_message_and_keeps_what_was_posted(client, setting, recruiter):
    from candidates.models import Stage

    application, debrief = _debriefed(setting, recruiter)
    url = reverse("candidates:debrief", args=[debrief.pk])
    client.force_login(setting["req"].hiring_manager)
    earlier = Stage.objects.get(code="screen").pk
    refused = [
        # Read by hand, an unreadable stage advanced to the next one and a long note was cut short.
        ({"outcome": "advanced", "to_stage": "abc", "note": "On to the next"}, "Select a valid choice"),
        ({"outcome": "held", "note": "x" * 4001}, "at most 4000 characters"),
        ({"outcome": "maybe", "note": "Unsure"}, "Select a valid choice"),
        ({"outcome": "advanced", "to_stage": earlier, "note": "Back a step"}, "Select a valid choice"),
        ({"outcome": "rejected", "reason": "", "note": "Not this time"}, "Choose why we reject"),
        ({"outcome": "rejected", "reason": "timing", "note": "Theirs, not ours"}, "Select a valid choice"),
    ]
    for data, message in refused:
        response = client.post(url, data)
        page = response.content.decode()
        assert (response.status_code, message in page) == (400, True), data
        assert f">{data['note']}</textarea>" in page, data  # what was written is kept
    page = client.post(url, {"outcome": "rejected", "reason": "", "note": "Kept"}).content.decode()
    assert 'value="rejected" id="o-rej" checked' in page and 'value="advanced" id="o-adv" checked' not in page

    debrief.refresh_from_db()
    application.refresh_from_db()
    assert (debrief.status, application.stage.code) == ("open", "interview")

    response = client.post(url, {"outcome": "rejected", "reason": "skill_gap", "note": "Gaps in design."})
    application.refresh_from_db()
    assert (response.status_code, application.status, application.disposition.code) == (302, "rejected", "skill_gap")


def test_only_who_may_take_the_debrief_decides_it(client, setting, recruiter):
    application, debrief = _debriefed(setting, recruiter)
    url = reverse("candidates:debrief", args=[debrief.pk])
    client.force_login(recruiter)  # sees the debrief, does not decide it
    page = client.get(url)
    assert (page.status_code, page.context["can_decide"], "Record the decision" in page.content.decode()) == (
        200,
        False,
        False,
    )
    assert client.post(url, {"outcome": "advanced"}).status_code == 403
    client.force_login(setting["req"].hiring_manager)
    page = client.get(url)
    assert (page.context["can_decide"], "Record the decision" in page.content.decode()) == (True, True)
    debrief.refresh_from_db()
    assert debrief.status == "open"
