"""The offer's one writer: versions, checks, the chain on each version, the extension rule, the answer."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import ReasonCode
from offers.checks import assess
from offers.choices import RESPONSE_KIND, OfferStatus, VersionStatus
from offers.models import Offer, OfferLetterTemplate
from offers.selectors import offers_for_user
from offers.services import (
    AllowanceInput,
    OfferError,
    accept_offer,
    approve_offer,
    create_offer,
    decline_offer,
    expire_offers,
    extend_offer,
    rescind_offer,
    revise_offer,
    save_letter_template,
    send_back_offer,
    submit_offer,
    withdraw_offer,
)
from offers.signals import offer_accepted
from portal.choices import CostKind, DecisionStatus, Outcome
from portal.models import CostEvent, Decision, Notification
from portal.services.approvals import ApprovalError
from requisitions.choices import Status as RequisitionStatus
from tests.commit import committed
from tests.factories import approval_steps
from tests.offers.conftest import terms

pytestmark = pytest.mark.django_db


def _approve_all(offer, *people):
    for person in people:
        approve_offer(offer=offer, by=person)
    offer.refresh_from_db()
    return offer


def _draft(application, recruiter, **overrides):
    return create_offer(application=application, by=recruiter, terms=terms(application.requisition, **overrides))


def test_the_done_when_flow_above_band_to_acceptance(application, recruiter, hr, finance, head):
    received = []
    offer_accepted.connect(lambda sender, **kw: received.append(kw["offer"].pk), weak=False, dispatch_uid="t-accept")
    req = application.requisition

    offer = _draft(application, recruiter, base_amount=Decimal("125000"), signing_bonus=Decimal("5000"))
    band = assess(offer.current_version)[0]
    assert (band.key, band.status) == ("band", "fail")
    assert "125,000" in band.summary and "110,000" in band.summary
    application.refresh_from_db()
    assert application.stage.code == "offer"

    submit_offer(offer=offer, by=recruiter)
    steps = list(approval_steps(offer.current_version))
    assert [(s.step, s.approver_role or s.approver.username) for s in steps] == [(1, "hr"), (2, "finance"), (3, "head")]
    finance_step = steps[1]
    assert "above the band maximum" in finance_step.reason and "125,000" in finance_step.reason

    with pytest.raises(ApprovalError):
        approve_offer(offer=offer, by=recruiter)  # nobody approves their own offer
    offer = _approve_all(offer, hr, finance, head)
    assert offer.status == OfferStatus.APPROVED and offer.approved_version == offer.current_version

    v2 = revise_offer(
        offer=offer, by=recruiter, terms={"base_amount": Decimal("128000")}, change_note="Candidate countered."
    )
    offer.refresh_from_db()
    v1 = offer.versions.get(number=1)
    assert (v2.number, v2.supersedes, v2.follows_approval) == (2, v1, True)
    assert v1.status == VersionStatus.VOIDED and offer.status == OfferStatus.DRAFT
    assert offer.current_version == v2

    with pytest.raises(OfferError, match="Version 2 is not approved yet"):
        extend_offer(offer=offer, by=recruiter)
    submit_offer(offer=offer, by=recruiter)
    with pytest.raises(OfferError, match="Version 2 is not approved yet"):
        extend_offer(offer=offer, by=recruiter)
    assert any("changed after approval" in s.reason for s in approval_steps(v2) if s.approver_role == "finance")
    offer = _approve_all(offer, hr, finance, head)

    extend_offer(offer=offer, by=recruiter)
    offer.refresh_from_db()
    response = Decision.objects.get(kind=RESPONSE_KIND, subject_id=offer.pk)
    assert (offer.status, offer.extended_version, response.owner) == (OfferStatus.EXTENDED, v2, req.recruiter)

    with committed():
        accept_offer(offer=offer, by=recruiter)
    offer.refresh_from_db()
    application.refresh_from_db()
    req.refresh_from_db()
    response.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and offer.responded_at is not None
    assert application.stage.code == "pre_start"
    # The offer's own path into Pre-start (the pipeline refuses people's moves there), logged as such.
    assert application.history.first().history_change_reason == "candidates.application.pre_start"
    assert application.transitions.last().note == "Offer accepted."
    assert (req.hires, req.status) == (1, RequisitionStatus.FILLED)
    assert (response.status, response.outcome) == (DecisionStatus.DONE, Outcome.ACCEPTED)
    committed_events = CostEvent.objects.filter(source_id=offer.pk, kind=CostKind.COMMITTED)
    assert sum(e.amount for e in committed_events) == Decimal("128000") * Decimal("1.30") + Decimal("5000")
    salary_months = sorted(e.month for e in committed_events if e.category == "base_salary")
    assert len(salary_months) == 12 and salary_months[0] == v2.start_date.replace(day=1)
    assert not CostEvent.objects.for_source(req).filter(kind=CostKind.FORECAST).outstanding().exists()
    # What stands forecast on the need now is the hire's pre-boarding: its equipment and background check.
    standing = CostEvent.objects.filter(need=req, kind=CostKind.FORECAST).outstanding()
    assert {e.category for e in standing} == {"equipment", "background_check"}
    assert received == [offer.pk]


def test_the_database_refuses_an_offer_sent_before_its_version_is_approved(application, recruiter):
    offer = _draft(application, recruiter)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.EXTENDED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.APPROVED)


def test_a_draft_is_edited_in_place_and_a_submitted_version_only_by_a_new_one(application, recruiter):
    offer = _draft(application, recruiter)
    same = revise_offer(offer=offer, by=recruiter, terms={"base_amount": Decimal("99000")})
    assert same.number == 1 and offer.versions.count() == 1
    submit_offer(offer=offer, by=recruiter)
    with pytest.raises(OfferError, match="needs a note"):
        revise_offer(offer=offer, by=recruiter, terms={"base_amount": Decimal("98000")})
    with pytest.raises(OfferError, match="Nothing changed"):
        revise_offer(offer=offer, by=recruiter, terms={"base_amount": Decimal("99000")}, change_note="x")
    v2 = revise_offer(
        offer=offer,
        by=recruiter,
        terms={},
        allowances=[AllowanceInput("phone", Decimal("600"))],
        change_note="Phone allowance.",
    )
    offer.refresh_from_db()
    assert v2.number == 2 and offer.status == OfferStatus.DRAFT
    assert offer.versions.get(number=1).status == VersionStatus.SUPERSEDED
    assert not Decision.objects.open().filter(kind="offer_approval").exists()  # v1's open steps cancelled


def test_bad_terms_are_refused_with_a_message_and_nothing_saved(application, recruiter):
    with pytest.raises(OfferError, match="expire on or before the start"):
        _draft(application, recruiter, expires_on=timezone.localdate() + timedelta(days=90))
    with pytest.raises(OfferError, match="contract offer needs a bill rate"):
        _draft(application, recruiter, employment_type="contract")
    assert not Offer.objects.exists()


def test_one_live_offer_per_application(application, recruiter):
    _draft(application, recruiter)
    with pytest.raises(OfferError, match="already has a live offer"):
        _draft(application, recruiter)


def test_only_a_recruiter_running_the_requisition_drafts(application, hm, finance, interviewer):
    for person in (hm, finance, interviewer):
        with pytest.raises(OfferError, match="Only a recruiter"):
            _draft(application, person)


def test_send_back_then_resubmit_and_approve(application, recruiter, hr, finance, head):
    offer = _draft(application, recruiter)
    submit_offer(offer=offer, by=recruiter)
    approve_offer(offer=offer, by=hr)
    send_back_offer(offer=offer, by=finance, note="Check the bonus.")
    offer.refresh_from_db()
    assert (offer.status, offer.status_note) == (OfferStatus.DRAFT, "Check the bonus.")
    submit_offer(offer=offer, by=recruiter)
    assert _approve_all(offer, hr, finance, head).status == OfferStatus.APPROVED


def _extended(application, recruiter, hr, finance, head, **overrides):
    offer = _draft(application, recruiter, **overrides)
    submit_offer(offer=offer, by=recruiter)
    _approve_all(offer, hr, finance, head)
    return extend_offer(offer=offer, by=recruiter)


def test_a_decline_needs_an_offer_declined_reason_and_closes_the_application(application, recruiter, hr, finance, head):
    offer = _extended(application, recruiter, hr, finance, head)
    with pytest.raises(OfferError, match="Choose why"):
        decline_offer(offer=offer, by=recruiter, reason=ReasonCode.objects.get(code="skill_gap"))
    decline_offer(offer=offer, by=recruiter, reason=ReasonCode.objects.get(code="declined_competing"), note="Big tech")
    offer.refresh_from_db()
    application.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED and offer.decline_reason.code == "declined_competing"
    assert (application.status, application.disposition.code) == ("withdrawn", "declined_competing")
    assert Decision.objects.get(kind=RESPONSE_KIND).outcome == Outcome.DECLINED


def test_unanswered_offers_expire_and_the_recruiter_is_told(application, recruiter, hr, finance, head):
    offer = _extended(application, recruiter, hr, finance, head)
    expiry = offer.current_version.expires_on
    assert expire_offers(today=expiry) == 0  # the whole expiry day is the candidate's
    with committed():
        assert expire_offers(today=expiry + timedelta(days=1)) == 1
    assert expire_offers(today=expiry + timedelta(days=1)) == 0
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert Decision.objects.get(kind=RESPONSE_KIND).status == DecisionStatus.CANCELLED
    assert Notification.objects.filter(user=recruiter, message__contains="Expired unanswered").exists()


def test_rescinding_and_withdrawing_need_a_reason(application, recruiter, hr, finance, head):
    offer = _draft(application, recruiter)
    with pytest.raises(OfferError, match="Say why"):
        withdraw_offer(offer=offer, by=recruiter, note=" ")
    withdraw_offer(offer=offer, by=recruiter, note="Role re-scoped.")
    offer = _extended(application, recruiter, hr, finance, head)
    rescind_offer(offer=offer, by=recruiter, note="Background check failed.")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.RESCINDED


def test_internal_equity_compares_with_accepted_offers(application, recruiter, hr, finance, head, open_requisition):
    from candidates.services import apply, create_candidate

    offer = _extended(application, recruiter, hr, finance, head, base_amount=Decimal("90000"))
    # Two openings more, so the requisition stays open for the next offers.
    type(open_requisition).objects.filter(pk=open_requisition.pk).update(openings=3)
    accept_offer(offer=offer, by=recruiter)
    other = apply(
        candidate=create_candidate(by=recruiter, first_name="Grace", last_name="Hopper"),
        requisition=open_requisition,
        by=recruiter,
    )
    second = _draft(other, recruiter, base_amount=Decimal("104000"))
    equity = assess(second.current_version)[2]
    assert equity.status == "warn" and equity.values["median"] == Decimal("90000")
    assert equity.values["percentile"] == 100 and "+15.6" in equity.summary


def test_who_sees_offers(application, recruiter, hm, interviewer, finance, hr, head, other_hiring_manager):
    offer = _draft(application, recruiter)
    submit_offer(offer=offer, by=recruiter)
    assert offer in offers_for_user(recruiter) and offer in offers_for_user(hm)
    assert offer in offers_for_user(finance) and offer in offers_for_user(hr)
    assert offer not in offers_for_user(interviewer)
    assert offer not in offers_for_user(other_hiring_manager)
    assert offer not in offers_for_user(head)  # not yet asked: their step is the third
    approve_offer(offer=offer, by=hr)
    approve_offer(offer=offer, by=finance)
    assert offer in offers_for_user(head)


def test_a_letter_template_with_an_unknown_placeholder_is_refused():
    template = OfferLetterTemplate(name="Short", body="Dear {candidate_name}, your {salary}.")
    with pytest.raises(OfferError, match="Unknown placeholders: {salary}"):
        save_letter_template(template=template, by=None)
    with pytest.raises(OfferError, match="brace"):
        save_letter_template(template=OfferLetterTemplate(name="Broken", body="Dear {candidate_name"), by=None)
