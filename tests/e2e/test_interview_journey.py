"""The interview loop in the browser: an interviewer finds the scorecard in My work, scores on their own
evidence (the others' hidden until then), and the hiring manager advances the candidate from the debrief."""

from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.models import Interview, Scorecard, Stage, StageTransition
from candidates.services import apply, create_candidate, interviews, move_application
from portal.choices import Role
from portal.models import ApprovalRule
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests.conftest import requires_chromium
from tests.e2e.helpers import sign_in
from tests.factories import UserFactory, requisition_fields, submit_scorecard

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def _held_interview():
    director = UserFactory(username="director", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)
    recruiter = UserFactory(username="rec", roles=[Role.RECRUITER])
    kit, lee = (UserFactory(username=name, roles=[Role.INTERVIEWER]) for name in ("kit", "lee"))
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    person = create_candidate(by=recruiter, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    application = move_application(
        application=apply(candidate=person, requisition=req, by=recruiter),
        to_stage=Stage.objects.get(code="interview"),
        by=recruiter,
    )
    technical = interviews.ensure_plan(requisition=req, by=recruiter).rounds.get(name="Technical")
    start = timezone.now() + timedelta(days=1)
    interview = interviews.schedule_interview(
        application=application,
        round=technical,
        panel=[interviews.Seat(kit, "lead"), interviews.Seat(lee, "interviewer")],
        by=recruiter,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        confirm=True,
    )
    earlier = timezone.now() - timedelta(hours=3)
    Interview.objects.filter(pk=interview.pk).update(starts_at=earlier, ends_at=earlier + timedelta(hours=1))
    interview.refresh_from_db()
    interviews.complete_interview(interview=interview, by=recruiter)
    return interview, application, hm, lee


def test_an_interviewer_scores_and_the_hiring_manager_advances_from_the_debrief(live_server, page):
    interview, application, hm, lee = _held_interview()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, live_server, "kit")
    row = page.locator("tr", has_text="Scorecard: Ada Lovelace, Technical")
    row.get_by_role("link", name="Write scorecard").click()
    page.get_by_text("Hidden until you submit your own").wait_for()
    assert "ada@example.com" not in page.content()  # the panel sees the name only
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label("3 · Meets the bar").check()
        fieldset.get_by_role("textbox").fill("Explained the trade-offs of two designs with numbers.")
    page.get_by_label("Overall recommendation").select_option("yes")
    page.get_by_role("button", name="Submit (locks it)").click()
    page.get_by_role("heading", name="Your scorecard").wait_for()
    assert Scorecard.objects.get(interviewer__username="kit").status == "submitted"

    # The second interviewer's card becomes visible to the first, whose own is in.
    submit_scorecard(interview, lee, rating=4, evidence="Strong, specific examples.", recommendation="strong_yes")
    page.reload()
    page.get_by_role("article", name=f"Scorecard of {lee}").wait_for()

    sign_in(page, live_server, "hm")
    page.locator("tr", has_text="Debrief: Ada Lovelace after Technical").get_by_role(
        "link", name="Debrief", exact=True
    ).click()
    page.get_by_role("heading", name="Per criterion").wait_for()
    page.get_by_text("Strong, specific examples.").first.wait_for()
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_role("status").filter(has_text="Advanced").wait_for()

    application.refresh_from_db()
    moved = StageTransition.objects.filter(application=application).latest("id")
    assert (moved.to_stage.code, moved.by) == (application.stage.code, hm)
    assert application.stage.code != "interview"
    assert errors == [], errors
