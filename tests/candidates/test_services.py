"""The pipeline's one writer: applying, moving, closing, touching, merging; every change logged."""

import pytest

from candidates.choices import ApplicationStatus, PreStartCause
from candidates.models import Application, Candidate, ReasonCode, Source, Stage, StageTransition
from candidates.services import (
    PipelineError,
    apply,
    close_application,
    confirm_hire,
    create_candidate,
    email_key,
    enter_pre_start,
    log_activity,
    merge_candidates,
    move_application,
    phone_key,
    reassign_owner,
)
from candidates.vocabulary import install_default_vocabulary
from portal.choices import Role
from requisitions.choices import Action
from requisitions.services import move_requisition, share_requisition
from tests.commit import purge_history
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _stage(code):
    return Stage.objects.get(code=code)


def _reason(code):
    return ReasonCode.objects.get(code=code)


@pytest.fixture
def candidate(recruiter):
    return create_candidate(
        by=recruiter, first_name="Ada", last_name="Byron", email=" Ada@Example.com ", phone="+1 (416) 555-0101"
    )


def test_a_new_installation_has_the_default_vocabulary():
    assert list(Stage.objects.values_list("name", flat=True)) == [
        "Applied", "Screen", "Interview", "Debrief", "Offer", "Pre-start", "Hired",
    ]  # fmt: skip
    assert all(stage.definition for stage in Stage.objects.all())
    assert set(ReasonCode.objects.values_list("category", flat=True)) == {
        "we_rejected", "they_withdrew", "no_show", "offer_declined",
    }  # fmt: skip
    assert set(ReasonCode.objects.filter(category="offer_declined").values_list("label", flat=True)) == {
        "Compensation", "Competing offer", "The role", "Location", "Timing", "Other",
    }  # fmt: skip
    assert Source.objects.get(code="linkedin").parent.code == "job_board"


def test_an_installation_with_reasons_from_before_offers_gets_the_offer_declined_reasons():
    ReasonCode.objects.filter(category="offer_declined").delete()
    purge_history(ReasonCode.history.filter(category="offer_declined"))

    created = install_default_vocabulary()

    assert created["reasons"] == 6
    assert install_default_vocabulary()["reasons"] == 0  # once only


def test_duplicates_are_found_by_normalised_email_and_phone(candidate):
    assert (candidate.email_key, candidate.phone_key) == ("ada@example.com", "4165550101")
    assert email_key("ADA@example.COM") == candidate.email_key
    assert phone_key("416.555.0101") == phone_key("1-416-555-0101") == candidate.phone_key


def test_applying_puts_the_candidate_in_the_first_stage_and_logs_it(candidate, open_requisition, recruiter):
    application = apply(
        candidate=candidate, requisition=open_requisition, by=recruiter, source=Source.objects.get(code="referral")
    )

    assert (application.stage.code, application.status, application.owner) == (
        "applied",
        "active",
        open_requisition.recruiter,
    )
    assert list(application.transitions.values_list("from_stage", "to_stage__code", "status")) == [
        (None, "applied", "active")
    ]
    with pytest.raises(PipelineError, match="already applied"):
        apply(candidate=candidate, requisition=open_requisition, by=recruiter)


def test_every_move_appends_a_transition_forwards_and_back(candidate, open_requisition, recruiter):
    application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)

    move_application(application=application, to_stage=_stage("interview"), by=recruiter)
    move_application(
        application=application, to_stage=_stage("screen"), by=recruiter, note="Panel asked for a re-screen."
    )

    moves = list(application.transitions.values_list("from_stage__code", "to_stage__code", "by", "note"))
    assert moves == [
        (None, "applied", recruiter.pk, ""),
        ("applied", "interview", recruiter.pk, ""),
        ("interview", "screen", recruiter.pk, "Panel asked for a re-screen."),
    ]
    application.refresh_from_db()
    assert application.stage.code == "screen"
    assert application.history.first().history_change_reason == "candidates.application.moved"
    with pytest.raises(PipelineError, match="already in Screen"):
        move_application(application=application, to_stage=_stage("screen"), by=recruiter)


RESERVED_REFUSALS = {
    "pre_start": "Pre-start is reached only by recording an accepted offer (or a contractor's start on the opening).",
    "hired": "Hired is reached only by confirming the start in pre-boarding.",
}


@pytest.mark.parametrize("code", ["pre_start", "hired"])
def test_a_person_moves_nobody_into_pre_start_or_hired(candidate, open_requisition, recruiter, admin_user, code):
    application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)

    for by in (recruiter, admin_user, None):  # neither the recruiter, an admin, nor the system
        with pytest.raises(PipelineError) as refused:
            move_application(application=application, to_stage=_stage(code), by=by)
        assert str(refused.value) == RESERVED_REFUSALS[code]

    application.refresh_from_db()
    assert (application.stage.code, application.status) == ("applied", "active")
    assert list(application.transitions.values_list("to_stage__code", flat=True)) == ["applied"]
    open_requisition.refresh_from_db()
    assert open_requisition.hires == 0


def test_an_accepted_hire_is_neither_moved_nor_closed_by_hand(candidate, open_requisition, recruiter):
    application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)
    enter_pre_start(application=application, by=recruiter, cause=PreStartCause.OFFER)

    with pytest.raises(PipelineError, match="The application is in Pre-start: a hire is undone only by its own"):
        move_application(application=application, to_stage=_stage("offer"), by=recruiter)
    with pytest.raises(PipelineError, match="The application is in Pre-start: a hire is undone only by its own"):
        close_application(application=application, reason=_reason("timing"), by=recruiter)
    with pytest.raises(PipelineError, match="already in Pre-start"):
        enter_pre_start(application=application, by=recruiter, cause=PreStartCause.ENGAGEMENT)

    application.refresh_from_db()
    assert (application.stage.code, application.status) == ("pre_start", "active")


def test_entering_pre_start_is_logged_with_its_cause(candidate, open_requisition, recruiter):
    application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)
    with pytest.raises(PipelineError, match="Unknown cause"):
        enter_pre_start(application=application, by=recruiter, cause="dragged")

    enter_pre_start(application=application, by=recruiter, cause=PreStartCause.ENGAGEMENT)

    application.refresh_from_db()
    assert application.history.first().history_change_reason == "candidates.application.pre_start"
    assert list(application.transitions.values_list("from_stage__code", "to_stage__code", "status", "note")) == [
        (None, "applied", "active", ""),
        ("applied", "pre_start", "active", "Contractor started"),
    ]


def test_confirming_the_start_hires_from_pre_start_only(candidate, open_requisition, recruiter, hm):
    application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)
    with pytest.raises(PipelineError, match="Only an application in Pre-start can be hired; this one is in Applied"):
        confirm_hire(application=application, by=recruiter)
    enter_pre_start(application=application, by=recruiter, cause=PreStartCause.OFFER, note="Offer accepted.")
    # The last hire fills the requisition before the start: the start is confirmed all the same.
    move_requisition(requisition=open_requisition, action=Action.FILL, by=hm)

    confirm_hire(application=application, by=recruiter, note="Started on Monday.")

    application.refresh_from_db()
    assert (application.stage.code, application.status) == ("hired", ApplicationStatus.HIRED)
    assert application.history.first().history_change_reason == "candidates.application.hired"
    assert list(application.transitions.values_list("from_stage__code", "to_stage__code", "status", "note")) == [
        (None, "applied", "active", ""),
        ("applied", "pre_start", "active", "Offer accepted."),
        ("pre_start", "hired", "hired", "Started on Monday."),
    ]
    with pytest.raises(PipelineError, match="closed"):
        confirm_hire(application=application, by=recruiter)


def test_the_pipeline_service_checks_who_may_act(candidate, open_requisition, recruiter, hm, finance, admin_user):
    """Recruiters running the requisition and admins move, close and reassign; the system (None) too. A hiring
    manager, finance, another recruiter and a recruiter the requisition was only shared with may not."""
    shared = UserFactory(username="shared_recruiter", roles=[Role.RECRUITER])
    share_requisition(requisition=open_requisition, user=shared, by=hm)
    stranger = UserFactory(username="stranger_recruiter", roles=[Role.RECRUITER])
    application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)

    for by in (hm, finance, shared, stranger):
        for act in (
            lambda by=by: move_application(application=application, to_stage=_stage("screen"), by=by),
            lambda by=by: close_application(application=application, reason=_reason("timing"), by=by),
            lambda by=by: reassign_owner(application=application, owner=shared, by=by),
        ):
            with pytest.raises(PipelineError, match=f"Only a recruiter running {open_requisition.reference}, or an"):
                act()
        with pytest.raises(PipelineError, match="may add applications"):
            apply(candidate=create_candidate(by=recruiter, first_name="B", last_name=by.username),
                  requisition=open_requisition, by=by)  # fmt: skip
    for by in (finance, shared):  # a view-only share reads the notes but does not add to them
        with pytest.raises(PipelineError, match="does not log activities"):
            log_activity(application=application, kind="note", body="Seen.", by=by)
    assert StageTransition.objects.filter(application=application).count() == 1
    assert not application.activities.exists()

    log_activity(application=application, kind="note", body="Looks strong.", by=hm)  # the hiring manager runs it
    move_application(application=application, to_stage=_stage("screen"), by=admin_user)
    move_application(application=application, to_stage=_stage("interview"), by=None)
    reassign_owner(application=application, owner=shared, by=recruiter)
    assert list(application.transitions.values_list("to_stage__code", "by")) == [
        ("applied", recruiter.pk),
        ("screen", admin_user.pk),
        ("interview", None),
    ]


@pytest.mark.parametrize("code, status", [("skill_gap", "rejected"), ("no_show", "rejected"), ("timing", "withdrawn")])
def test_closing_needs_a_reason_code_whose_category_decides_the_status(
    candidate, open_requisition, recruiter, code, status
):
    application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)
    with pytest.raises(PipelineError, match="needs a reason code"):
        close_application(application=application, reason=None, by=recruiter)

    close_application(application=application, reason=_reason(code), by=recruiter, note="Told them by phone.")

    application.refresh_from_db()
    assert (application.status, application.disposition.code) == (status, code)
    last = application.transitions.last()
    assert (last.from_stage.code, last.to_stage.code, last.status, last.reason.code) == (
        "applied",
        "applied",
        status,
        code,
    )


def test_a_retired_reason_or_stage_cannot_be_used(candidate, open_requisition, recruiter):
    application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)
    ReasonCode.objects.filter(code="location").update(is_active=False)
    Stage.objects.filter(code="debrief").update(is_active=False)

    with pytest.raises(PipelineError, match="retired"):
        close_application(application=application, reason=_reason("location"), by=recruiter)
    with pytest.raises(PipelineError, match="retired"):
        move_application(application=application, to_stage=_stage("debrief"), by=recruiter)


def test_nothing_moves_on_a_requisition_that_is_not_open(candidate, open_requisition, recruiter, hm):
    application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)
    move_requisition(requisition=open_requisition, action=Action.HOLD, by=hm, note="Budget review.")

    for act in (
        lambda: move_application(application=application, to_stage=_stage("screen"), by=recruiter),
        lambda: close_application(application=application, reason=_reason("timing"), by=recruiter),
        lambda: log_activity(application=application, kind="note", body="Called.", by=recruiter),
        lambda: apply(
            candidate=create_candidate(by=recruiter, first_name="B", last_name="C"),
            requisition=open_requisition,
            by=recruiter,
        ),
    ):
        with pytest.raises(PipelineError, match="on hold: applications move only on an open requisition"):
            act()
    assert StageTransition.objects.count() == 1


def test_an_activity_moves_last_activity(candidate, open_requisition, recruiter):
    application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)
    before = application.last_activity_at

    activity = log_activity(application=application, kind="call", body="Left a voicemail.", by=recruiter)

    application.refresh_from_db()
    assert application.last_activity_at == activity.at > before
    with pytest.raises(PipelineError, match="Write what happened"):
        log_activity(application=application, kind="call", body="  ", by=recruiter)
    with pytest.raises(PipelineError, match="Unknown kind"):
        log_activity(application=application, kind="smoke signal", body="x", by=recruiter)


def test_merging_moves_applications_fills_blanks_and_keeps_history(open_requisition, recruiter):
    keep = create_candidate(by=recruiter, first_name="Ada", last_name="Byron", email="ada@example.com")
    merge = create_candidate(
        by=recruiter, first_name="Ada", last_name="Lovelace", email="ADA@example.com", phone="416-555-0101"
    )
    application = apply(candidate=merge, requisition=open_requisition, by=recruiter)

    merge_candidates(keep=keep, merge=merge, by=recruiter)

    keep.refresh_from_db()
    merge.refresh_from_db()
    assert (merge.merged_into, keep.phone_key) == (keep, "4165550101")
    assert Application.objects.get(pk=application.pk).candidate == keep
    assert merge.history.first().history_change_reason == "candidates.candidate.merged"
    with pytest.raises(PipelineError, match="already merged"):
        merge_candidates(keep=keep, merge=merge, by=recruiter)


def test_merging_two_people_on_one_requisition_is_refused_until_one_closes(open_requisition, recruiter):
    one = create_candidate(by=recruiter, first_name="A", last_name="One")
    two = create_candidate(by=recruiter, first_name="A", last_name="Two")
    apply(candidate=one, requisition=open_requisition, by=recruiter)
    apply(candidate=two, requisition=open_requisition, by=recruiter)

    with pytest.raises(PipelineError, match=f"Both applied to {open_requisition.reference}"):
        merge_candidates(keep=one, merge=two, by=recruiter)
    assert Candidate.objects.filter(merged_into__isnull=False).count() == 0


def test_a_candidate_with_an_accented_address_is_kept_and_found_again(recruiter):
    marc = create_candidate(by=recruiter, first_name="Marc-André", last_name="Côté", email="Marc-André.Côté@example.ca")

    assert (marc.email, marc.email_key) == ("Marc-André.Côté@example.ca", "marc-andré.côté@example.ca")
    # The same letters typed as combining marks (as macOS writes them) are the same address.
    assert email_key("MARC-ANDRE\u0301.CO\u0302TE\u0301@example.ca") == marc.email_key


def test_a_candidate_with_a_bad_email_is_refused(recruiter):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="valid email"):
        create_candidate(by=recruiter, first_name="A", last_name="B", email="not-an-email")
    with pytest.raises(PipelineError, match="cannot be set"):
        create_candidate(by=recruiter, first_name="A", last_name="B", merged_into=None)


def test_stage_transitions_cannot_be_changed_on_postgresql(requires_postgresql, candidate, open_requisition, recruiter):
    from django.db import DatabaseError, connection, transaction

    apply(candidate=candidate, requisition=open_requisition, by=recruiter)
    for statement in (
        "UPDATE candidates_stagetransition SET note = 'forged'",
        "DELETE FROM candidates_stagetransition",
    ):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert StageTransition.objects.get().note == ""
