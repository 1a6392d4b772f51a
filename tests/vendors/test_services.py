"""vendors.services, behaviour by behaviour: the vendor list and its clauses, rate cards, agency
placements, engagements (rate approval, start, renewal, end, the daily job), expiry reminders,
timesheets and invoices, and the ledger events each leaves."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from candidates.models import Source
from candidates.services import apply, create_candidate
from offers.services import accept_offer, approve_offer, create_offer, extend_offer, submit_offer
from portal.choices import ChainStatus, CostCategory, CostKind, DecisionStatus, Outcome, Role
from portal.models import CostEvent, Decision, Notification
from portal.services.approvals import latest_chain
from requisitions.choices import Action as RequisitionAction
from requisitions.services import move_requisition
from tests.commit import committed
from tests.factories import (
    LevelFactory,
    LocationFactory,
    RoleFamilyFactory,
    UserFactory,
    approval_steps,
)
from tests.offers.conftest import terms
from tests.vendors.conftest import approved_vendor, contract_requisition, monday, plan_engagement, rate_card_for
from vendors import tasks
from vendors.choices import (
    RENEWAL_KIND,
    EngagementStatus,
    ExpiryKind,
    InvoiceStatus,
    LineFlag,
    RateApproval,
    TimesheetStatus,
    VendorStatus,
)
from vendors.costs import monthly_labour
from vendors.models import ExpiryNotice, Placement, RateCard, RequiredClause, Vendor
from vendors.services import (
    InvoiceInput,
    LineInput,
    RenewalInput,
    VendorError,
    approve_invoice,
    approve_rate,
    approve_timesheet,
    check_clause,
    create_invoice,
    end_engagement,
    mark_paid,
    record_timesheet,
    refuse_rate,
    reject_invoice,
    reject_timesheet,
    rematch_invoice,
    renew_engagement,
    revise_rate,
    run_daily,
    save_rate_card,
    save_vendor,
    send_expiry_reminders,
    start_engagement,
    uncheck_clause,
)
from vendors.signals import engagement_started

# Pre-boarding's own money (checklist tasks) is tested in tests/onboarding: here only vendors' events count.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_checklists")]


def _today():
    return timezone.localdate()


def _workdays(first, last) -> int:
    return sum(1 for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5)


def _last_workday(day):
    """`day`, or the Friday before it when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _slot():
    return {"role_family": RoleFamilyFactory(), "level": LevelFactory(), "location": LocationFactory()}


def _req_slot(req):
    return {"role_family": req.role_family, "level": req.level, "location": req.location}


def _card(vendor, by, *, valid_from, valid_to, pay="80", markup="25", bill=None, **slot):
    return save_rate_card(
        card=RateCard(
            vendor=vendor,
            pay_rate=Decimal(pay),
            markup_pct=Decimal(markup),
            bill_rate=None if bill is None else Decimal(bill),
            valid_from=valid_from,
            valid_to=valid_to,
            **slot,
        ),
        by=by,
    )


def _plan(req, worker, vendor, card, by, *, start=None, **kwargs):
    """An engagement from four Mondays ago (or `start`) for 120 days (or to `end`)."""
    start = start or monday(_today()) - timedelta(weeks=4)
    return plan_engagement(req, worker, vendor, card, by, start=start, days=120, **kwargs)


def _forecast_events(engagement):
    return CostEvent.objects.for_source(engagement).filter(
        kind=CostKind.FORECAST, category=CostCategory.CONTRACTOR_LABOUR
    )


def _standing(engagement) -> dict:
    """The engagement's standing labour forecast by month (months netting to zero left out)."""
    totals = defaultdict(Decimal)
    for event in _forecast_events(engagement):
        totals[event.month] += event.amount
    return {month: total for month, total in totals.items() if total}


def _implied(engagement) -> dict:
    """What the engagement's terms in force imply, recomputed from the stored rows."""
    engagement.refresh_from_db()
    labour = monthly_labour(engagement, list(engagement.terms.all()))
    return {month: money.amount for month, money in labour.items() if money.amount}


def _open_renewals(engagement):
    return Decision.objects.open().for_subject(engagement).filter(kind=RENEWAL_KIND)


def _invoice(vendor, by, number, *lines, start, end=None, currency="CAD"):
    return create_invoice(
        data=InvoiceInput(
            vendor=vendor,
            number=number,
            currency=currency,
            period_start=start,
            period_end=end or start + timedelta(days=6),
            received_on=_today(),
            lines=tuple(lines),
        ),
        by=by,
    )


def _accepted_offer(application, recruiter, hr, finance, head):
    offer = create_offer(application=application, by=recruiter, terms=terms(application.requisition))
    submit_offer(offer=offer, by=recruiter)
    for person in (hr, finance, head):
        approve_offer(offer=offer, by=person)
    extend_offer(offer=offer, by=recruiter)
    accept_offer(offer=offer, by=recruiter)
    offer.refresh_from_db()
    return offer


def _placed(vendor, req, recruiter, hr, finance, head, *, email="linus@example.com"):
    candidate = create_candidate(by=recruiter, first_name="Linus", last_name="Torvalds", email=email)
    application = apply(candidate=candidate, requisition=req, by=recruiter, source=vendor.source)
    return _accepted_offer(application, recruiter, hr, finance, head)


@pytest.fixture
def finance2(db):
    return UserFactory(username="finance2", roles=[Role.FINANCE])


@pytest.fixture
def second_worker(recruiter):
    return create_candidate(by=recruiter, first_name="Alan", last_name="Turing", email="alan@example.com")


@pytest.fixture
def agency(finance):
    return approved_vendor(finance, name="Keystone Search", kind="agency", fee_pct=Decimal("20"), guarantee_days=90)


@pytest.fixture
def placement(agency, open_requisition, recruiter, hr, finance, head):
    """Keystone Search placed a hire at 100,000 a year: a fee of 20,000.00."""
    offer = _placed(agency, open_requisition, recruiter, hr, finance, head)
    return Placement.objects.get(offer=offer)


@pytest.fixture
def running(open_requisition, supplier, card, worker, recruiter):
    """Active since the Monday four weeks ago, for 120 days, 40 h a week at the card's 100.00."""
    engagement = _plan(open_requisition, worker, supplier, card, recruiter)
    return start_engagement(engagement=engagement, by=recruiter)


# --- Vendors ----------------------------------------------------------------------------------------------


def test_approving_a_vendor_is_refused_while_clauses_are_unchecked_and_names_them(finance):
    vendor = save_vendor(vendor=Vendor(name="Acme Contract", kind="supplier", owner=finance), by=finance)
    assert vendor.status == VendorStatus.ON_HOLD
    first, *rest = RequiredClause.objects.filter(is_active=True)
    assert rest
    check_clause(vendor=vendor, clause=first, by=finance, checked_on=_today())

    vendor.status = VendorStatus.APPROVED
    with pytest.raises(VendorError, match="Check these clauses before approving") as refused:
        save_vendor(vendor=vendor, by=finance)
    message = str(refused.value)
    assert first.name not in message and all(clause.name in message for clause in rest)
    assert Vendor.objects.get(pk=vendor.pk).status == VendorStatus.ON_HOLD

    for clause in rest:
        check_clause(vendor=vendor, clause=clause, by=finance, checked_on=_today())
    save_vendor(vendor=vendor, by=finance)
    assert Vendor.objects.get(pk=vendor.pk).status == VendorStatus.APPROVED


def test_an_agency_needs_its_fee_terms(finance):
    with pytest.raises(VendorError, match="An agency needs its fee terms"):
        save_vendor(vendor=Vendor(name="Feeless Search", kind="agency", owner=finance), by=finance)
    with pytest.raises(VendorError, match="An agency needs its fee terms"):
        save_vendor(vendor=Vendor(name="Feeless Both", kind="both", owner=finance), by=finance)
    assert not Vendor.objects.exists()
    assert not Source.objects.filter(name__startswith="Feeless").exists()


def test_an_agency_gets_a_source_that_follows_its_name_and_is_retired_when_terminated(finance):
    vendor = save_vendor(
        vendor=Vendor(name="Keystone Search", kind="agency", owner=finance, fee_pct=Decimal("20")), by=finance
    )
    source = vendor.source
    assert (source.name, source.kind, source.is_active) == ("Keystone Search", "agency", True)
    assert Vendor.objects.get(pk=vendor.pk).source_id == source.pk

    vendor.name = "Keystone Talent Partners"
    save_vendor(vendor=vendor, by=finance)
    source.refresh_from_db()
    assert (source.name, source.is_active) == ("Keystone Talent Partners", True)
    assert Vendor.objects.get(pk=vendor.pk).source_id == source.pk

    vendor.status = VendorStatus.TERMINATED
    save_vendor(vendor=vendor, by=finance)
    source.refresh_from_db()
    assert not source.is_active and Source.objects.filter(name__startswith="Keystone").count() == 1


def test_a_contractor_supplier_gets_no_source(finance):
    vendor = save_vendor(vendor=Vendor(name="Plain Supplier", kind="supplier", owner=finance), by=finance)
    assert vendor.source is None


def test_only_finance_and_admins_keep_the_vendor_list(recruiter, hiring_manager, hr, interviewer, admin_user, finance):
    for person in (recruiter, hiring_manager, hr, interviewer):
        with pytest.raises(VendorError, match="Only finance and admins"):
            save_vendor(vendor=Vendor(name=f"By {person.username}", kind="supplier", owner=finance), by=person)
    assert not Vendor.objects.exists()
    saved = save_vendor(vendor=Vendor(name="By admin", kind="supplier", owner=finance), by=admin_user)
    assert saved.pk is not None


def test_unchecking_a_clause_puts_an_approved_vendor_on_hold(supplier, finance, recruiter):
    clause = RequiredClause.objects.filter(is_active=True).first()
    with pytest.raises(VendorError, match="Only finance and admins"):
        uncheck_clause(vendor=supplier, clause=clause, by=recruiter)
    uncheck_clause(vendor=supplier, clause=clause, by=finance)
    supplier.refresh_from_db()
    assert supplier.status == VendorStatus.ON_HOLD
    assert not supplier.clause_checks.filter(clause=clause).exists()

    supplier.status = VendorStatus.APPROVED
    with pytest.raises(VendorError, match=clause.name):
        save_vendor(vendor=supplier, by=finance)


# --- Rate cards -----------------------------------------------------------------------------------------


def test_a_rate_cards_bill_rate_is_pay_plus_markup_unless_given(supplier, finance):
    slot = _slot()
    computed = _card(
        supplier, finance, pay="80", markup="12.5", valid_from=_today(), valid_to=_today() + timedelta(days=90), **slot
    )
    assert computed.bill_rate == Decimal("90.00")
    other = {**slot, "location": LocationFactory()}
    quoted = _card(
        supplier,
        finance,
        pay="80",
        markup="12.5",
        bill="95.50",
        valid_from=_today(),
        valid_to=_today() + timedelta(days=90),
        **other,
    )
    assert RateCard.objects.get(pk=quoted.pk).bill_rate == Decimal("95.50")


def test_overlapping_rate_cards_are_refused_naming_the_clash_but_another_location_is_not(supplier, finance):
    slot = _slot()
    kept = _card(supplier, finance, valid_from=date(2031, 1, 1), valid_to=date(2031, 6, 30), **slot)
    with pytest.raises(VendorError, match="overlap the card valid 2031-01-01 to 2031-06-30"):
        _card(supplier, finance, valid_from=date(2031, 6, 30), valid_to=date(2031, 12, 31), **slot)
    with pytest.raises(VendorError, match="2031-01-01 to 2031-06-30"):
        _card(supplier, finance, valid_from=date(2030, 1, 1), valid_to=date(2032, 1, 1), **slot)
    assert list(RateCard.objects.filter(vendor=supplier)) == [kept]

    _card(supplier, finance, valid_from=date(2031, 7, 1), valid_to=date(2031, 12, 31), **slot)
    _card(
        supplier,
        finance,
        valid_from=date(2031, 3, 1),
        valid_to=date(2031, 9, 30),
        **{**slot, "location": LocationFactory()},
    )
    _card(
        supplier, finance, valid_from=date(2031, 3, 1), valid_to=date(2031, 9, 30), **{**slot, "level": LevelFactory()}
    )
    other = approved_vendor(finance, name="Other Supplier")
    _card(other, finance, valid_from=date(2031, 3, 1), valid_to=date(2031, 9, 30), **slot)
    assert RateCard.objects.count() == 5

    kept.valid_from = date(2030, 10, 1)
    save_rate_card(card=kept, by=finance)
    kept.valid_to = date(2031, 7, 1)
    with pytest.raises(VendorError, match="overlap the card valid 2031-07-01 to 2031-12-31"):
        save_rate_card(card=kept, by=finance)
    assert RateCard.objects.get(pk=kept.pk).valid_to == date(2031, 6, 30)


def test_a_terminated_vendor_or_an_agency_takes_no_rate_cards(supplier, agency, finance, recruiter):
    with pytest.raises(VendorError, match="Only finance and admins keep rate cards"):
        _card(supplier, recruiter, valid_from=_today(), valid_to=_today() + timedelta(days=30), **_slot())
    with pytest.raises(VendorError, match="does not supply contractors"):
        _card(agency, finance, valid_from=_today(), valid_to=_today() + timedelta(days=30), **_slot())
    supplier.status = VendorStatus.TERMINATED
    save_vendor(vendor=supplier, by=finance)
    with pytest.raises(VendorError, match="is terminated"):
        _card(supplier, finance, valid_from=_today(), valid_to=_today() + timedelta(days=30), **_slot())
    assert not RateCard.objects.exists()


def test_a_rate_card_cannot_be_narrowed_off_the_terms_started_under_it(running, card, finance):
    card.valid_from = running.start_date + timedelta(days=1)
    with pytest.raises(VendorError, match="keep them covered"):
        save_rate_card(card=card, by=finance)
    assert RateCard.objects.get(pk=card.pk).valid_from < running.start_date


# --- Agency placements ----------------------------------------------------------------------------------


def test_a_hire_through_an_agency_records_the_placement_and_forecasts_its_fee(
    agency, open_requisition, recruiter, hr, finance, head
):
    offer = _placed(agency, open_requisition, recruiter, hr, finance, head)
    version = offer.current_version
    placement = Placement.objects.get(offer=offer)
    assert (placement.vendor, placement.requisition, placement.currency) == (agency, open_requisition, "CAD")
    assert (placement.base, placement.fee_pct, placement.fee) == (Decimal("100000"), Decimal("20"), Decimal("20000.00"))
    assert placement.start_date == version.start_date
    assert placement.guarantee_until == version.start_date + timedelta(days=90)

    fee = CostEvent.objects.for_source(placement).get()
    assert (fee.category, fee.kind, fee.amount) == (CostCategory.AGENCY_FEE, CostKind.FORECAST, Decimal("20000.00"))
    assert fee.month == version.start_date.replace(day=1)
    assert (fee.cost_center, fee.need) == (open_requisition.cost_center, open_requisition)


def test_an_agency_without_a_guarantee_period_gives_no_guarantee_date(finance, open_requisition, recruiter, hr, head):
    agency = approved_vendor(finance, name="Quick Search", kind="both", fee_pct=Decimal("12.5"))
    offer = _placed(agency, open_requisition, recruiter, hr, finance, head)
    placement = Placement.objects.get(offer=offer)
    assert (placement.fee, placement.guarantee_until) == (Decimal("12500.00"), None)


def test_a_hire_from_another_source_records_no_placement(application, recruiter, hr, finance, head):
    offer = _accepted_offer(application, recruiter, hr, finance, head)
    assert offer.status == "accepted"
    assert not Placement.objects.exists()
    assert not CostEvent.objects.filter(category=CostCategory.AGENCY_FEE).exists()


# --- Engagements: planning --------------------------------------------------------------------------------


def test_an_engagement_within_its_card_is_in_force_at_once_and_forecast(
    open_requisition, supplier, card, worker, recruiter
):
    engagement = _plan(open_requisition, worker, supplier, card, recruiter)
    term = engagement.terms.get()
    assert engagement.status == EngagementStatus.PLANNED
    assert (term.rate_approval, term.bill_rate, engagement.bill_rate) == (
        RateApproval.WITHIN_CARD,
        Decimal("100.00"),
        Decimal("100.00"),
    )
    assert not approval_steps(term).exists()
    standing = _standing(engagement)
    assert standing and standing == _implied(engagement)
    assert sum(standing.values()) == _workdays(engagement.start_date, engagement.end_date) * Decimal("800")
    assert {e.cost_center for e in _forecast_events(engagement)} == {open_requisition.cost_center}


def test_a_vendor_not_approved_takes_no_engagement(open_requisition, supplier, card, worker, recruiter, finance):
    clause = RequiredClause.objects.filter(is_active=True).first()
    uncheck_clause(vendor=supplier, clause=clause, by=finance)
    supplier.refresh_from_db()
    with pytest.raises(VendorError, match="is on hold: new engagements go to approved vendors"):
        _plan(open_requisition, worker, supplier, card, recruiter)


def test_the_rate_card_must_be_the_vendors_own(open_requisition, supplier, card, worker, recruiter, finance):
    other = approved_vendor(finance, name="Other Supplier")
    with pytest.raises(VendorError, match="another vendor's"):
        _plan(open_requisition, worker, other, card, recruiter)


def test_the_rate_card_must_cover_the_start_date(open_requisition, supplier, card, worker, recruiter):
    late = card.valid_to + timedelta(days=1)
    with pytest.raises(VendorError, match=f"does not cover {late.isoformat()}"):
        _plan(open_requisition, worker, supplier, card, recruiter, start=late)
    early = card.valid_from - timedelta(days=1)
    with pytest.raises(VendorError, match="does not cover"):
        _plan(open_requisition, worker, supplier, card, recruiter, start=early)


def test_the_rate_card_must_be_for_the_requisitions_role_family(open_requisition, supplier, worker, recruiter, finance):
    other_family = _card(
        supplier,
        finance,
        valid_from=_today() - timedelta(days=60),
        valid_to=_today() + timedelta(days=200),
        **{**_req_slot(open_requisition), "role_family": RoleFamilyFactory(name="Data Science")},
    )
    with pytest.raises(VendorError, match="The rate card is for Data Science"):
        _plan(open_requisition, worker, supplier, other_family, recruiter)


def test_an_engagement_cannot_end_before_it_starts(open_requisition, supplier, card, worker, recruiter):
    start = _today()
    with pytest.raises(VendorError, match="end date is before the start date"):
        _plan(open_requisition, worker, supplier, card, recruiter, start=start, end=start - timedelta(days=1))


def test_a_worker_is_not_engaged_twice_over_the_same_dates(
    open_requisition, supplier, card, worker, second_worker, recruiter
):
    first = _plan(open_requisition, worker, supplier, card, recruiter)
    with pytest.raises(VendorError, match=f"already engaged on {first.reference}"):
        _plan(open_requisition, worker, supplier, card, recruiter, start=first.end_date, end=first.end_date)
    _plan(open_requisition, second_worker, supplier, card, recruiter)
    after = first.end_date + timedelta(days=1)
    _plan(open_requisition, worker, supplier, card, recruiter, start=after, end=after + timedelta(days=10))


def test_only_a_recruiter_running_the_requisition_adds_engagements(
    open_requisition, supplier, card, worker, hm, finance, admin_user
):
    outsider = UserFactory(username="outside_recruiter", roles=[Role.RECRUITER])
    for person in (outsider, hm, finance):
        with pytest.raises(VendorError, match="Only a recruiter running"):
            _plan(open_requisition, worker, supplier, card, person)
    assert _plan(open_requisition, worker, supplier, card, admin_user).pk is not None


def test_a_rate_above_the_card_needs_a_reason_and_goes_for_approval(
    open_requisition, supplier, card, worker, recruiter
):
    with pytest.raises(VendorError, match="above the rate card's 100.00: say why"):
        _plan(open_requisition, worker, supplier, card, recruiter, bill_rate="105")
    with pytest.raises(VendorError, match="say why"):
        _plan(open_requisition, worker, supplier, card, recruiter, bill_rate="105", reason="   ")
    engagement = _plan(open_requisition, worker, supplier, card, recruiter, bill_rate="105", reason="Scarce skill.")
    term = engagement.terms.get()
    assert (term.rate_approval, term.rate_reason) == (RateApproval.PENDING, "Scarce skill.")
    assert latest_chain(term).status == ChainStatus.OPEN
    assert not _forecast_events(engagement).exists()


# --- Engagements: the rate ---------------------------------------------------------------------------------


def test_revising_a_pending_rate_back_within_the_card_puts_it_in_force_and_forecasts(
    open_requisition, supplier, card, worker, recruiter
):
    engagement = _plan(open_requisition, worker, supplier, card, recruiter, bill_rate="110", reason="Scarce skill.")
    term = engagement.terms.get()
    revised = revise_rate(engagement=engagement, by=recruiter, bill_rate=Decimal("95"))
    engagement.refresh_from_db()
    assert (revised.rate_approval, revised.rate_reason, revised.bill_rate) == (
        RateApproval.WITHIN_CARD,
        "",
        Decimal("95"),
    )
    assert engagement.bill_rate == Decimal("95")
    assert latest_chain(term).status == ChainStatus.CANCELLED
    assert not Decision.objects.open().for_subject(term).exists()
    standing = _standing(engagement)
    assert standing and standing == _implied(engagement)
    assert sum(standing.values()) == _workdays(engagement.start_date, engagement.end_date) * Decimal("760")
    start_engagement(engagement=engagement, by=recruiter)


def test_revising_to_a_rate_still_above_the_card_starts_the_next_round(
    open_requisition, supplier, card, worker, recruiter
):
    engagement = _plan(open_requisition, worker, supplier, card, recruiter, bill_rate="110", reason="Scarce skill.")
    term = engagement.terms.get()
    with pytest.raises(VendorError, match="say why, and it goes for approval"):
        revise_rate(engagement=engagement, by=recruiter, bill_rate=Decimal("120"))
    assert latest_chain(term).round == 1 and latest_chain(term).status == ChainStatus.OPEN

    revise_rate(engagement=engagement, by=recruiter, bill_rate=Decimal("120"), reason="Counter-offer elsewhere.")
    term.refresh_from_db()
    assert (term.rate_approval, term.bill_rate) == (RateApproval.PENDING, Decimal("120"))
    assert latest_chain(term).round == 2 and latest_chain(term).status == ChainStatus.OPEN
    steps = [(s.chain.round, s.step, s.approver_role or s.approver.username) for s in approval_steps(term)]
    assert steps == [(1, 1, "hm"), (1, 2, "finance"), (2, 1, "hm"), (2, 2, "finance"), (2, 3, "head")]
    assert Decision.objects.open().for_subject(term).count() == 1
    assert not _forecast_events(engagement).exists()


def test_revising_a_planned_rate_above_the_card_takes_back_the_forecast_of_the_old_rate(
    open_requisition, supplier, card, worker, recruiter
):
    engagement = _plan(open_requisition, worker, supplier, card, recruiter)
    assert _standing(engagement)
    revise_rate(engagement=engagement, by=recruiter, bill_rate=Decimal("110"), reason="Scarce skill.")
    assert _implied(engagement) == {}
    assert _standing(engagement) == _implied(engagement)


def test_only_a_planned_engagements_rate_is_revised(running, recruiter, hm):
    with pytest.raises(VendorError, match="Only a recruiter running"):
        revise_rate(engagement=running, by=hm, bill_rate=Decimal("90"))
    with pytest.raises(VendorError, match="Only a planned engagement's rate"):
        revise_rate(engagement=running, by=recruiter, bill_rate=Decimal("90"))


def test_a_refused_rate_leaves_the_engagement_planned_until_a_new_rate(
    open_requisition, supplier, card, worker, recruiter, hm
):
    engagement = _plan(
        open_requisition, worker, supplier, card, recruiter, start=_today(), bill_rate="110", reason="Scarce skill."
    )
    with pytest.raises(VendorError, match="Say why"):
        refuse_rate(engagement=engagement, by=hm, note=" ", outcome=Outcome.REJECTED)
    refuse_rate(engagement=engagement, by=hm, note="Too dear for this role.", outcome=Outcome.REJECTED)
    term = engagement.terms.get()
    engagement.refresh_from_db()
    assert term.rate_approval == RateApproval.REJECTED and engagement.status == EngagementStatus.PLANNED
    assert latest_chain(term).status == ChainStatus.REJECTED
    with pytest.raises(VendorError, match="refused"):
        start_engagement(engagement=engagement, by=recruiter)
    with pytest.raises(VendorError, match="No rate of this engagement is waiting"):
        approve_rate(engagement=engagement, by=hm)
    assert not _forecast_events(engagement).exists()

    revise_rate(engagement=engagement, by=recruiter, bill_rate=Decimal("100"))
    start_engagement(engagement=engagement, by=recruiter)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.ACTIVE


# --- Engagements: start --------------------------------------------------------------------------------------


def test_starting_an_engagement_makes_it_active_and_sends_engagement_started(
    open_requisition, supplier, card, worker, recruiter, hm
):
    engagement = _plan(open_requisition, worker, supplier, card, recruiter)
    received = []

    def receiver(sender, engagement, by, **kwargs):
        received.append((engagement.pk, by))

    engagement_started.connect(receiver, weak=False, dispatch_uid="test-engagement-started")
    try:
        with pytest.raises(VendorError, match="Only a recruiter running"):
            start_engagement(engagement=engagement, by=hm)
        start_engagement(engagement=engagement, by=recruiter)
        with pytest.raises(VendorError, match="Only a planned engagement starts"):
            start_engagement(engagement=engagement, by=recruiter)
    finally:
        engagement_started.disconnect(dispatch_uid="test-engagement-started")
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.ACTIVE and received == [(engagement.pk, recruiter)]
    assert _standing(engagement) == _implied(engagement)
    assert not _open_renewals(engagement).exists()


def test_an_engagement_does_not_start_before_its_start_date(open_requisition, supplier, card, worker, recruiter):
    tomorrow = _today() + timedelta(days=1)
    engagement = _plan(open_requisition, worker, supplier, card, recruiter, start=tomorrow)
    with pytest.raises(VendorError, match=f"starts on {tomorrow.isoformat()}"):
        start_engagement(engagement=engagement, by=recruiter)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.PLANNED


def test_an_engagement_started_within_30_days_of_its_end_asks_for_renewal_at_once(
    open_requisition, supplier, card, worker, recruiter, hm
):
    start = _today() - timedelta(days=10)
    engagement = _plan(
        open_requisition, worker, supplier, card, recruiter, start=start, end=_today() + timedelta(days=20)
    )
    start_engagement(engagement=engagement, by=recruiter)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.EXTENSION_PENDING
    assert _open_renewals(engagement).get().owner == hm


# --- Engagements and the requisition's openings ------------------------------------------------------------


def _requisition_forecast(req) -> Decimal:
    """The requisition's own standing forecast (its engagements' is theirs)."""
    return sum(CostEvent.objects.for_source(req).filter(kind=CostKind.FORECAST).values_list("amount", flat=True))


def test_contractors_fill_a_contract_requisitions_openings_as_they_start(
    open_requisition, supplier, recruiter, hm, director, finance
):
    req = contract_requisition(hm, director, recruiter)
    card = rate_card_for(supplier, req, finance)
    assert _requisition_forecast(req) == req.cost_max * 2

    workers = [
        create_candidate(by=recruiter, first_name=name, last_name="Contractor", email=f"{name}@example.com")
        for name in ("ada", "grace", "linus")
    ]
    first = _plan(req, workers[0], supplier, card, recruiter)
    second = _plan(req, workers[1], supplier, card, recruiter)
    with pytest.raises(VendorError, match="2 openings left, and 2 engagements are already planned for them"):
        _plan(req, workers[2], supplier, card, recruiter)
    # Planned, they forecast nothing: the requisition's forecast still stands for both openings.
    assert _requisition_forecast(req) == req.cost_max * 2 and not _forecast_events(first).exists()

    start_engagement(engagement=first, by=recruiter)
    req.refresh_from_db()
    assert (req.status, req.hires, req.openings_left) == ("open", 1, 1)
    assert _requisition_forecast(req) == req.cost_max  # the opening left, and no more
    assert _standing(first) == _implied(first) != {}

    start_engagement(engagement=second, by=recruiter)
    req.refresh_from_db()
    assert (req.status, req.hires) == ("filled", 2)
    assert _requisition_forecast(req) == 0
    # What the requisition's need is forecast to cost now: its two contractors' labour, nothing twice.
    need = CostEvent.objects.filter(need=req, kind=CostKind.FORECAST)
    assert sum(need.values_list("amount", flat=True)) == sum(_implied(first).values()) + sum(_implied(second).values())
    with pytest.raises(VendorError, match="is filled: engagements are added to approved or open requisitions"):
        _plan(req, workers[2], supplier, card, recruiter)


def test_a_contractor_who_applied_enters_pre_start_as_they_take_the_opening(
    open_requisition, supplier, recruiter, hm, director, finance
):
    """A contractor's start is the one path into Pre-start besides an accepted offer: the worker's application on
    the contract requisition moves there with the hire counted; a cover engagement (no opening) moves nothing."""
    req = contract_requisition(hm, director, recruiter)
    card = rate_card_for(supplier, req, finance)
    applied, never_applied, covering = (
        create_candidate(by=recruiter, first_name=name, last_name="Contractor", email=f"{name}@example.com")
        for name in ("ada", "grace", "linus")
    )
    application = apply(candidate=applied, requisition=req, by=recruiter)
    first = _plan(req, applied, supplier, card, recruiter)
    second = _plan(req, never_applied, supplier, card, recruiter)
    cover_application = apply(candidate=covering, requisition=open_requisition, by=recruiter)
    cover = _plan(open_requisition, covering, supplier, rate_card_for(supplier, open_requisition, finance), recruiter)

    for engagement in (first, second, cover):
        start_engagement(engagement=engagement, by=recruiter)

    application.refresh_from_db()
    assert (application.stage.code, application.status) == ("pre_start", "active")
    assert application.history.first().history_change_reason == "candidates.application.pre_start"
    assert application.transitions.last().note == f"{first.reference} started."
    cover_application.refresh_from_db()
    assert cover_application.stage.code == "applied"
    req.refresh_from_db()
    assert (req.status, req.hires) == ("filled", 2)


def test_a_contractor_waits_to_start_while_the_contract_requisition_is_on_hold(
    open_requisition, supplier, worker, recruiter, hm, director, finance
):
    req = contract_requisition(hm, director, recruiter, openings=1)
    engagement = _plan(req, worker, supplier, rate_card_for(supplier, req, finance), recruiter)
    move_requisition(requisition=req, action=RequisitionAction.HOLD, by=hm, note="Budget review.")
    with pytest.raises(VendorError, match="is on hold: a hire is recorded only on an open requisition"):
        start_engagement(engagement=engagement, by=recruiter)
    assert run_daily().get("waiting") == 1
    engagement.refresh_from_db()
    req.refresh_from_db()
    assert (engagement.status, req.hires) == (EngagementStatus.PLANNED, 0)
    assert not _forecast_events(engagement).exists()

    move_requisition(requisition=req, action=RequisitionAction.RESUME, by=hm)
    assert run_daily().get("started") == 1
    req.refresh_from_db()
    assert (req.status, req.hires, _requisition_forecast(req)) == ("filled", 1, 0)


def test_a_contractor_past_their_end_date_or_whose_requisition_closed_never_starts(
    open_requisition, supplier, recruiter, hm, director, finance
):
    req = contract_requisition(hm, director, recruiter, openings=2)
    card = rate_card_for(supplier, req, finance)
    late, other = (
        create_candidate(by=recruiter, first_name=name, last_name="Contractor", email=f"{name}@example.com")
        for name in ("ada", "grace")
    )
    today = _today()
    lapsed = _plan(
        req, late, supplier, card, recruiter, start=today - timedelta(days=20), end=today - timedelta(days=1)
    )
    with pytest.raises(VendorError, match="cannot start after its end date"):
        start_engagement(engagement=lapsed, by=recruiter)
    waiting = _plan(req, other, supplier, card, recruiter, start=today)
    move_requisition(requisition=req, action=RequisitionAction.FILL, by=hm)  # filled some other way

    with committed():
        assert run_daily() == {"ended": 2, "reminders": 0}
    for engagement, why in ((lapsed, "Its end date passed"), (waiting, f"{req.reference} was filled")):
        engagement.refresh_from_db()
        assert engagement.status == EngagementStatus.ENDED and engagement.end_date == engagement.start_date
        assert engagement.status_note.startswith(why)
        assert not _forecast_events(engagement).exists()
        assert Notification.objects.filter(user=recruiter, message__contains=f"{engagement.reference} ended").exists()
    req.refresh_from_db()
    assert req.hires == 0  # neither took an opening


def test_a_planned_contractor_forecasts_nothing_through_rate_changes_approval_and_an_end(
    open_requisition, supplier, recruiter, hm, director, finance, head
):
    req = contract_requisition(hm, director, recruiter, openings=1)
    worker = create_candidate(by=recruiter, first_name="Ada", last_name="Contractor", email="ada@example.com")
    engagement = _plan(
        req, worker, supplier, rate_card_for(supplier, req, finance), recruiter, start=_today() + timedelta(days=7)
    )
    revise_rate(engagement=engagement, by=recruiter, bill_rate=Decimal("110"), reason="Scarce skill.")
    for person in (hm, finance):
        approve_rate(engagement=engagement, by=person)
    assert engagement.terms.get().rate_approval == RateApproval.APPROVED
    assert not _forecast_events(engagement).exists()
    assert _requisition_forecast(req) == req.cost_max  # the opening's own forecast stands for it
    end_engagement(engagement=engagement, by=recruiter, note="The contractor took another offer.")
    assert not _forecast_events(engagement).exists() and _requisition_forecast(req) == req.cost_max


def test_cover_on_a_permanent_requisition_adds_to_its_forecast_and_takes_no_opening(
    open_requisition, supplier, card, worker, recruiter
):
    before = _requisition_forecast(open_requisition)
    engagement = _plan(open_requisition, worker, supplier, card, recruiter)
    start_engagement(engagement=engagement, by=recruiter)
    open_requisition.refresh_from_db()
    assert (open_requisition.status, open_requisition.hires) == ("open", 0)
    assert _requisition_forecast(open_requisition) == before == open_requisition.cost_max
    assert _standing(engagement) == _implied(engagement) != {}


# --- Engagements: renewal -------------------------------------------------------------------------------------


def test_a_renewal_within_the_card_is_in_force_at_once_and_forecasts_the_new_months(running, hm):
    old_end = running.end_date
    before = _standing(running)
    new_end = old_end + timedelta(days=60)
    with pytest.raises(VendorError, match="after the current end"):
        renew_engagement(engagement=running, by=hm, data=RenewalInput(end_date=old_end))

    term = renew_engagement(engagement=running, by=hm, data=RenewalInput(end_date=new_end))
    running.refresh_from_db()
    assert (term.number, term.rate_approval, term.bill_rate) == (2, RateApproval.WITHIN_CARD, Decimal("100.00"))
    assert (term.starts_on, term.ends_on) == (old_end + timedelta(days=1), new_end)
    assert (running.status, running.end_date) == (EngagementStatus.ACTIVE, new_end)

    after = _standing(running)
    assert after == _implied(running)
    # The forecast runs to the month of the last working day: a new end on a weekend early in a month (the
    # renewal to Saturday 1 May 2027 when the suite ran on 6 December 2026) adds nothing to that month.
    assert max(after) > max(before) and max(after) == _last_workday(new_end).replace(day=1)
    added = _workdays(old_end + timedelta(days=1), new_end) * Decimal("800")
    assert sum(after.values()) - sum(before.values()) == added
    assert all(after[month] >= total for month, total in before.items())


def test_a_renewal_closes_the_open_renewal_decision_as_renewed(running, hm):
    with time_machine.travel(timezone.now() + timedelta(days=(running.end_date - _today()).days - 30)):
        run_daily()
    running.refresh_from_db()
    decision = _open_renewals(running).get()
    assert running.status == EngagementStatus.EXTENSION_PENDING

    renew_engagement(engagement=running, by=hm, data=RenewalInput(end_date=running.end_date + timedelta(days=30)))
    decision.refresh_from_db()
    running.refresh_from_db()
    assert (decision.status, decision.outcome, decision.decided_by) == (DecisionStatus.DONE, Outcome.RENEWED, hm)
    assert running.status == EngagementStatus.ACTIVE


def test_a_renewal_above_the_card_waits_in_extension_pending_until_approved(running, hm, director, finance):
    old_end = running.end_date
    before = _standing(running)
    new_end = old_end + timedelta(days=60)
    term = renew_engagement(
        engagement=running,
        by=hm,
        data=RenewalInput(end_date=new_end, bill_rate=Decimal("110"), rate_reason="Project slipped a quarter."),
    )
    running.refresh_from_db()
    assert term.rate_approval == RateApproval.PENDING
    assert (running.status, running.end_date) == (EngagementStatus.EXTENSION_PENDING, old_end)
    assert _standing(running) == before
    steps = [(s.step, s.approver_role or s.approver.username) for s in approval_steps(term)]
    assert steps == [(1, "director"), (2, "finance")]
    with pytest.raises(VendorError, match="already waiting for approval"):
        renew_engagement(engagement=running, by=hm, data=RenewalInput(end_date=new_end + timedelta(days=7)))

    approve_rate(engagement=running, by=director)
    running.refresh_from_db()
    assert running.status == EngagementStatus.EXTENSION_PENDING
    approve_rate(engagement=running, by=finance)
    term.refresh_from_db()
    running.refresh_from_db()
    assert term.rate_approval == RateApproval.APPROVED
    assert (running.status, running.end_date) == (EngagementStatus.ACTIVE, new_end)
    after = _standing(running)
    assert after == _implied(running)
    assert sum(after.values()) - sum(before.values()) == _workdays(old_end + timedelta(days=1), new_end) * Decimal(
        "880"
    )


def test_a_refused_renewal_asks_the_hiring_manager_again(running, hm, director):
    renew_engagement(
        engagement=running,
        by=hm,
        data=RenewalInput(
            end_date=running.end_date + timedelta(days=30), bill_rate=Decimal("110"), rate_reason="Slipped."
        ),
    )
    assert not _open_renewals(running).exists()
    refuse_rate(engagement=running, by=director, note="Renew at the card rate.", outcome=Outcome.REJECTED)
    running.refresh_from_db()
    assert running.status == EngagementStatus.EXTENSION_PENDING
    assert _open_renewals(running).get().owner == hm


def test_a_renewal_needs_a_rate_card_covering_the_day_after_the_end(
    open_requisition, supplier, card, worker, recruiter, hm
):
    engagement = _plan(open_requisition, worker, supplier, card, recruiter, end=card.valid_to)
    start_engagement(engagement=engagement, by=recruiter)
    day_after = (card.valid_to + timedelta(days=1)).isoformat()
    with pytest.raises(VendorError, match=f"No rate card of Northbridge Talent covers {day_after}"):
        renew_engagement(engagement=engagement, by=hm, data=RenewalInput(end_date=card.valid_to + timedelta(days=30)))
    engagement.refresh_from_db()
    assert engagement.end_date == card.valid_to and engagement.terms.count() == 1


def test_only_the_hiring_manager_or_an_admin_renews(running, recruiter, finance, other_hiring_manager, admin_user):
    data = RenewalInput(end_date=running.end_date + timedelta(days=14))
    for person in (recruiter, finance, other_hiring_manager):
        with pytest.raises(VendorError, match="Only the hiring manager"):
            renew_engagement(engagement=running, by=person, data=data)
    assert running.terms.count() == 1
    renew_engagement(engagement=running, by=admin_user, data=data)
    running.refresh_from_db()
    assert running.end_date == data.end_date


# --- Engagements: end --------------------------------------------------------------------------------------------


def test_ending_early_takes_the_forecast_back_with_new_events_and_never_edits(running, hm):
    original = {event.pk: (event.month, event.amount) for event in _forecast_events(running)}
    end_month = _today().replace(day=1)
    assert any(month > end_month for month, _ in original.values())

    end_engagement(engagement=running, by=hm, note="Project cancelled.")
    running.refresh_from_db()
    assert (running.status, running.end_date, running.status_note) == (
        EngagementStatus.ENDED,
        _today(),
        "Project cancelled.",
    )
    events = list(_forecast_events(running))
    assert {e.pk: (e.month, e.amount) for e in events if e.pk in original} == original
    new = [e for e in events if e.pk not in original]
    assert new and all(e.amount < 0 for e in new)
    assert {e.month for e in new} >= {month for month, _ in original.values() if month > end_month}

    standing = _standing(running)
    assert standing == _implied(running)
    assert max(standing) <= end_month
    assert sum(standing.values()) == _workdays(running.start_date, _today()) * Decimal("800")


def test_ending_needs_a_reason_someone_running_it_and_a_date_within_it(
    running, hm, recruiter, finance, other_hiring_manager
):
    with pytest.raises(VendorError, match="Say why"):
        end_engagement(engagement=running, by=hm, note="  ")
    for person in (finance, other_hiring_manager):
        with pytest.raises(VendorError, match="Only the hiring manager or the recruiter"):
            end_engagement(engagement=running, by=person, note="Done.")
    with pytest.raises(VendorError, match="renew it instead"):
        end_engagement(engagement=running, by=hm, note="Done.", end_date=running.end_date + timedelta(days=1))
    running.refresh_from_db()
    assert running.status == EngagementStatus.ACTIVE
    end_engagement(engagement=running, by=hm, note="Done.")
    with pytest.raises(VendorError, match="already ended"):
        end_engagement(engagement=running, by=recruiter, note="Again.")


def test_a_planned_engagement_ended_takes_its_whole_forecast_back(open_requisition, supplier, card, worker, recruiter):
    engagement = _plan(open_requisition, worker, supplier, card, recruiter, start=_today() + timedelta(days=14))
    assert _standing(engagement)
    end_engagement(engagement=engagement, by=recruiter, note="Candidate withdrew.")
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.ENDED and engagement.end_date == engagement.start_date
    assert _standing(engagement) == {}


def test_ending_closes_a_waiting_renewal_and_its_rate_chain(running, hm):
    renew_engagement(
        engagement=running,
        by=hm,
        data=RenewalInput(end_date=running.end_date + timedelta(days=30), bill_rate=Decimal("110"), rate_reason="x"),
    )
    term = running.terms.get(number=2)
    end_engagement(engagement=running, by=hm, note="Budget cut.")
    term.refresh_from_db()
    assert term.rate_approval == RateApproval.REJECTED
    assert latest_chain(term).status == ChainStatus.CANCELLED
    assert not Decision.objects.open().for_subject(term).exists()


# --- The daily job -------------------------------------------------------------------------------------------------


def test_the_daily_job_starts_planned_engagements_on_their_start_date(
    open_requisition, supplier, card, worker, second_worker, recruiter
):
    start = _today() + timedelta(days=3)
    within = _plan(open_requisition, worker, supplier, card, recruiter, start=start)
    above = _plan(open_requisition, second_worker, supplier, card, recruiter, start=start, bill_rate="110", reason="x")
    assert run_daily().get("started", 0) == 0
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert run_daily().get("started", 0) == 0
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert run_daily()["started"] == 1
    within.refresh_from_db()
    above.refresh_from_db()
    assert (within.status, above.status) == (EngagementStatus.ACTIVE, EngagementStatus.PLANNED)


def test_the_daily_job_ends_engagements_past_their_end_date(open_requisition, supplier, card, worker, recruiter):
    end = _today() + timedelta(days=5)
    engagement = _plan(
        open_requisition, worker, supplier, card, recruiter, start=_today() - timedelta(days=20), end=end
    )
    start_engagement(engagement=engagement, by=recruiter)
    renewal = _open_renewals(engagement).get()
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        assert run_daily().get("ended", 0) == 0
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert run_daily()["ended"] == 1
        assert run_daily().get("ended", 0) == 0
    engagement.refresh_from_db()
    renewal.refresh_from_db()
    assert (engagement.status, engagement.end_date) == (EngagementStatus.ENDED, end)
    assert (renewal.status, renewal.outcome) == (DecisionStatus.DONE, Outcome.ENDED)
    assert _standing(engagement) == _implied(engagement)


def test_the_daily_job_asks_the_hiring_manager_to_renew_30_days_ahead_once(
    open_requisition, supplier, card, worker, recruiter, hm
):
    end = _today() + timedelta(days=45)
    engagement = _plan(open_requisition, worker, supplier, card, recruiter, end=end)
    start_engagement(engagement=engagement, by=recruiter)
    with time_machine.travel(timezone.now() + timedelta(days=14)):
        assert run_daily().get("renewals", 0) == 0
    assert not Decision.objects.filter(kind=RENEWAL_KIND).exists()
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert run_daily()["renewals"] == 1
        assert run_daily().get("renewals", 0) == 0
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.EXTENSION_PENDING
    decision = Decision.objects.get(kind=RENEWAL_KIND)
    assert (decision.status, decision.owner, decision.subject) == (DecisionStatus.OPEN, hm, engagement)
    assert timezone.localtime(decision.due_at).date() == end


def test_the_engagements_rate_follows_a_renewal_at_another_rate_once_it_begins(running, hm):
    old_end = running.end_date
    renew_engagement(
        engagement=running, by=hm, data=RenewalInput(end_date=old_end + timedelta(days=60), bill_rate=Decimal("95"))
    )
    running.refresh_from_db()
    assert running.bill_rate == Decimal("100.00")
    with time_machine.travel(timezone.now() + timedelta(days=(old_end - _today()).days + 1)):
        run_daily()
    running.refresh_from_db()
    assert running.terms.get(number=2).bill_rate == Decimal("95")
    assert running.bill_rate == Decimal("95.00")


# --- Expiry reminders -------------------------------------------------------------------------------------------


def test_a_rate_card_expiry_is_reminded_30_then_14_days_ahead_once_each(supplier, finance):
    today = _today()
    expires = today + timedelta(days=30)
    card = _card(supplier, finance, valid_from=today - timedelta(days=10), valid_to=expires, **_slot())

    with committed():
        assert send_expiry_reminders(today=today) == 1
    assert send_expiry_reminders(today=today) == 0
    assert send_expiry_reminders(today=today + timedelta(days=10)) == 0
    with committed():
        assert send_expiry_reminders(today=today + timedelta(days=16)) == 1
    assert send_expiry_reminders(today=today + timedelta(days=16)) == 0
    assert send_expiry_reminders(today=today + timedelta(days=25)) == 0

    notices = ExpiryNotice.objects.filter(kind=ExpiryKind.RATE_CARD, object_id=card.pk, expires_on=expires)
    assert sorted(notices.values_list("days_before", flat=True)) == [14, 30]
    messages = list(Notification.objects.filter(user=finance).order_by("id").values_list("message", flat=True))
    assert len(messages) == 2
    assert all(f"expires on {expires.isoformat()}" in m for m in messages)
    assert "(30 days)" in messages[0] and "(14 days)" in messages[1]
    assert Notification.objects.filter(user=finance).first().url == supplier.get_absolute_url()


def test_a_contract_moved_to_a_new_expiry_date_is_reminded_again(supplier, finance):
    today = _today()
    supplier.contract_expires_on = today + timedelta(days=30)
    save_vendor(vendor=supplier, by=finance)
    with committed():
        assert send_expiry_reminders(today=today) == 1
    assert send_expiry_reminders(today=today) == 0
    supplier.contract_expires_on = today + timedelta(days=28)
    save_vendor(vendor=supplier, by=finance)
    with committed():
        assert send_expiry_reminders(today=today) == 1
    messages = Notification.objects.filter(user=finance).values_list("message", flat=True)
    assert sorted(messages) == sorted(
        f"Northbridge Talent's contract expires on {(today + timedelta(days=n)).isoformat()}. ({n} days)"
        for n in (28, 30)
    )


def test_the_daily_task_run_twice_reminds_once(supplier, finance):
    supplier.contract_expires_on = _today() + timedelta(days=14)
    save_vendor(vendor=supplier, by=finance)
    with committed():
        assert tasks.daily()["reminders"] == 1
    with committed():
        assert tasks.daily()["reminders"] == 0
    assert Notification.objects.filter(user=finance, message__contains="(14 days)").count() == 1
    assert ExpiryNotice.objects.get().days_before == 14


def test_an_inactive_owners_reminders_go_to_the_admins(supplier, finance, admin_user):
    supplier.contract_expires_on = _today() + timedelta(days=20)
    save_vendor(vendor=supplier, by=finance)
    type(finance).objects.filter(pk=finance.pk).update(is_active=False)
    with committed():
        assert send_expiry_reminders(today=_today()) == 1
    assert Notification.objects.filter(user=admin_user, message__contains="contract expires").exists()
    assert not Notification.objects.filter(user=finance).exists()


def test_a_terminated_vendor_is_not_reminded_of_its_contract_or_rate_cards(supplier, finance):
    today = _today()
    _card(supplier, finance, valid_from=today - timedelta(days=10), valid_to=today + timedelta(days=30), **_slot())
    supplier.contract_expires_on = today + timedelta(days=30)
    supplier.status = VendorStatus.TERMINATED
    save_vendor(vendor=supplier, by=finance)
    with committed():
        assert send_expiry_reminders(today=today) == 0
    assert not Notification.objects.exists()


# --- Timesheets --------------------------------------------------------------------------------------------------


def test_a_timesheet_week_is_a_past_or_current_monday_inside_the_engagement(running, recruiter):
    this_monday = monday(_today())
    with pytest.raises(VendorError, match="starts on a Monday"):
        record_timesheet(
            engagement=running, by=recruiter, week_start=this_monday + timedelta(days=1), hours=8, overtime_hours=0
        )
    with pytest.raises(VendorError, match="has not started yet"):
        record_timesheet(
            engagement=running, by=recruiter, week_start=this_monday + timedelta(weeks=1), hours=8, overtime_hours=0
        )
    with pytest.raises(VendorError, match="that week is outside it"):
        record_timesheet(
            engagement=running,
            by=recruiter,
            week_start=running.start_date - timedelta(weeks=1),
            hours=8,
            overtime_hours=0,
        )
    sheet = record_timesheet(engagement=running, by=recruiter, week_start=this_monday, hours=8, overtime_hours=0)
    assert (sheet.status, sheet.submitted_by) == (TimesheetStatus.SUBMITTED, recruiter)


def test_a_week_after_an_early_end_is_outside_the_engagement(running, recruiter, hm):
    end_engagement(engagement=running, by=hm, note="Ended.", end_date=running.start_date + timedelta(days=3))
    running.refresh_from_db()
    with pytest.raises(VendorError, match="outside it"):
        record_timesheet(
            engagement=running,
            by=recruiter,
            week_start=running.start_date + timedelta(weeks=1),
            hours=8,
            overtime_hours=0,
        )
    record_timesheet(engagement=running, by=recruiter, week_start=running.start_date, hours=16, overtime_hours=0)


def test_a_planned_engagement_takes_no_timesheets(open_requisition, supplier, card, worker, recruiter):
    engagement = _plan(open_requisition, worker, supplier, card, recruiter)
    with pytest.raises(VendorError, match="recorded by whoever runs the engagement"):
        record_timesheet(
            engagement=engagement, by=recruiter, week_start=engagement.start_date, hours=8, overtime_hours=0
        )


def test_a_week_holds_at_most_80_hours(running, recruiter):
    with pytest.raises(VendorError, match="at most 80 hours"):
        record_timesheet(
            engagement=running, by=recruiter, week_start=running.start_date, hours=Decimal("70"), overtime_hours=11
        )
    with pytest.raises(VendorError, match="Record some hours"):
        record_timesheet(engagement=running, by=recruiter, week_start=running.start_date, hours=0, overtime_hours=0)
    sheet = record_timesheet(
        engagement=running, by=recruiter, week_start=running.start_date, hours=Decimal("70"), overtime_hours=10
    )
    assert (sheet.hours, sheet.overtime_hours) == (Decimal("70"), Decimal("10"))


def test_a_week_is_recorded_once_unless_its_timesheet_was_rejected(running, recruiter, finance, hm):
    week = running.start_date
    first = record_timesheet(engagement=running, by=recruiter, week_start=week, hours=40, overtime_hours=0)
    with pytest.raises(VendorError, match=f"already has a timesheet for the week of {week.isoformat()}"):
        record_timesheet(engagement=running, by=finance, week_start=week, hours=38, overtime_hours=0)
    reject_timesheet(timesheet=first, by=hm, note="Vendor counted a holiday.")
    again = record_timesheet(engagement=running, by=finance, week_start=week, hours=32, overtime_hours=0)
    assert again.pk != first.pk and running.timesheets.count() == 2


def test_whoever_records_a_week_never_approves_it(running, admin_user, hm):
    sheet = record_timesheet(
        engagement=running, by=admin_user, week_start=running.start_date, hours=40, overtime_hours=0
    )
    with pytest.raises(VendorError, match="You recorded this week"):
        approve_timesheet(timesheet=sheet, by=admin_user)
    approved = approve_timesheet(timesheet=sheet, by=hm)
    assert (approved.status, approved.decided_by) == (TimesheetStatus.APPROVED, hm)
    with pytest.raises(VendorError, match="already approved"):
        approve_timesheet(timesheet=sheet, by=hm)


def test_only_the_hiring_manager_or_an_admin_approves_a_week(
    running, recruiter, finance, other_hiring_manager, admin_user, hm
):
    with committed():
        sheet = record_timesheet(
            engagement=running, by=recruiter, week_start=running.start_date, hours=40, overtime_hours=0
        )
    assert Notification.objects.filter(user=hm, message__contains="waits for your approval").exists()
    for person in (finance, other_hiring_manager):
        with pytest.raises(VendorError, match="The hiring manager of"):
            approve_timesheet(timesheet=sheet, by=person)
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.SUBMITTED
    assert approve_timesheet(timesheet=sheet, by=admin_user).status == TimesheetStatus.APPROVED


def test_rejecting_a_week_needs_a_note_and_tells_whoever_recorded_it(running, recruiter, hm):
    sheet = record_timesheet(
        engagement=running, by=recruiter, week_start=running.start_date, hours=40, overtime_hours=0
    )
    with pytest.raises(VendorError, match="Say what is wrong"):
        reject_timesheet(timesheet=sheet, by=hm, note="  ")
    with committed():
        rejected = reject_timesheet(timesheet=sheet, by=hm, note="Hours do not match the vendor's report.")
    assert (rejected.status, rejected.note) == (TimesheetStatus.REJECTED, "Hours do not match the vendor's report.")
    assert Notification.objects.filter(user=recruiter, message__contains="was rejected").exists()


# --- Invoices ----------------------------------------------------------------------------------------------------


def _approved_week(engagement, recruiter, hm, week, hours="40", overtime="0"):
    sheet = record_timesheet(
        engagement=engagement, by=recruiter, week_start=week, hours=Decimal(hours), overtime_hours=Decimal(overtime)
    )
    return approve_timesheet(timesheet=sheet, by=hm)


def test_a_line_with_no_approved_timesheet_is_unmatched(running, supplier, admin_user, recruiter):
    week = running.start_date
    record_timesheet(engagement=running, by=recruiter, week_start=week, hours=40, overtime_hours=0)
    invoice = _invoice(
        supplier, admin_user, "NB-2001", LineInput(amount=Decimal("4000"), engagement=running), start=week
    )
    line = invoice.lines.get()
    assert invoice.status == InvoiceStatus.FLAGGED
    assert (line.flag, line.expected) == (LineFlag.UNMATCHED, Decimal("0"))
    assert "No approved timesheet" in line.flag_note and running.reference in line.flag_note


def test_rematching_after_the_week_is_approved_turns_flagged_into_matched(running, supplier, admin_user, recruiter, hm):
    week = running.start_date
    sheet = record_timesheet(engagement=running, by=recruiter, week_start=week, hours=40, overtime_hours=0)
    invoice = _invoice(
        supplier,
        admin_user,
        "NB-2002",
        LineInput(amount=Decimal("4000"), engagement=running, hours=Decimal("40")),
        start=week,
    )
    assert invoice.status == InvoiceStatus.FLAGGED
    approve_timesheet(timesheet=sheet, by=hm)
    with pytest.raises(VendorError, match="Only finance and admins match"):
        rematch_invoice(invoice=invoice, by=hm)
    rematched = rematch_invoice(invoice=invoice, by=admin_user)
    line = rematched.lines.get()
    assert (rematched.status, rematched.expected_amount) == (InvoiceStatus.MATCHED, Decimal("4000.00"))
    assert (line.flag, line.flag_note, line.expected) == ("", "", Decimal("4000.00"))


def test_a_line_within_1_percent_matches_and_beyond_it_is_a_mismatch(running, supplier, admin_user, recruiter, hm):
    week = running.start_date
    _approved_week(running, recruiter, hm, week)
    expected = {
        "4040.00": "",
        "3960.00": "",
        "4040.01": LineFlag.MISMATCH,
        "3959.99": LineFlag.MISMATCH,
    }
    for n, (amount, flag) in enumerate(expected.items()):
        invoice = _invoice(
            supplier, admin_user, f"TOL-{n}", LineInput(amount=Decimal(amount), engagement=running), start=week
        )
        line = invoice.lines.get()
        assert (line.flag, line.expected) == (flag, Decimal("4000.00")), amount
        assert invoice.status == (InvoiceStatus.FLAGGED if flag else InvoiceStatus.MATCHED)
    assert "come to 4,000.00" in line.flag_note


def test_a_small_line_may_differ_by_1_00(running, supplier, admin_user, recruiter, hm):
    week = running.start_date + timedelta(weeks=1)
    _approved_week(running, recruiter, hm, week, hours="0.5")
    ok = _invoice(supplier, admin_user, "SM-1", LineInput(amount=Decimal("51.00"), engagement=running), start=week)
    over = _invoice(supplier, admin_user, "SM-2", LineInput(amount=Decimal("51.01"), engagement=running), start=week)
    assert ok.status == InvoiceStatus.MATCHED and ok.expected_amount == Decimal("50.00")
    assert over.status == InvoiceStatus.FLAGGED and over.lines.get().flag == LineFlag.MISMATCH


def test_a_flagged_invoice_is_approved_only_by_finance_overriding_with_a_reason(
    running, supplier, admin_user, recruiter, hm, finance
):
    week = running.start_date
    sheet = _approved_week(running, recruiter, hm, week)
    invoice = _invoice(
        supplier,
        admin_user,
        "NB-2003",
        LineInput(amount=Decimal("4200"), engagement=running, hours=Decimal("40")),
        start=week,
    )
    assert invoice.lines.get().flag == LineFlag.OVER_RATE
    with pytest.raises(VendorError, match="overriding with a reason"):
        approve_invoice(invoice=invoice, by=finance, override_reason="  ")
    with pytest.raises(VendorError, match="Only finance approves"):
        approve_invoice(invoice=invoice, by=hm, override_reason="Fine.")
    approve_invoice(invoice=invoice, by=finance, override_reason="Rush work agreed.")
    invoice.refresh_from_db()
    sheet.refresh_from_db()
    assert (invoice.status, invoice.override_reason, invoice.approved_by) == (
        InvoiceStatus.APPROVED,
        "Rush work agreed.",
        finance,
    )
    assert (sheet.status, sheet.invoice) == (TimesheetStatus.INVOICED, invoice)


def test_a_week_billed_on_an_approved_invoice_is_not_matched_again(
    running, supplier, admin_user, recruiter, hm, finance
):
    week = running.start_date
    _approved_week(running, recruiter, hm, week)
    first, second = (
        _invoice(supplier, admin_user, number, LineInput(amount=Decimal("4000"), engagement=running), start=week)
        for number in ("NB-6001", "NB-6002")
    )
    assert first.status == second.status == InvoiceStatus.MATCHED
    approve_invoice(invoice=first, by=finance)
    with pytest.raises(VendorError, match="overriding with a reason"):
        approve_invoice(invoice=second, by=finance)
    rematch_invoice(invoice=second, by=admin_user)
    line = second.lines.get()
    assert (line.flag, line.expected) == (LineFlag.UNMATCHED, Decimal("0.00"))


def test_a_placement_fee_line_matches_the_fee_and_is_flagged_over_or_under_it(placement, agency, admin_user, finance):
    start = placement.start_date
    over = _invoice(agency, admin_user, "KS-1", LineInput(amount=Decimal("20300"), placement=placement), start=start)
    line = over.lines.get()
    assert (over.status, line.flag, line.expected) == (InvoiceStatus.FLAGGED, LineFlag.OVER_RATE, Decimal("20000.00"))
    assert "% of 100,000.00 = 20,000.00" in line.flag_note
    reject_invoice(invoice=over, by=finance, note="Fee is 20%.")

    under = _invoice(agency, admin_user, "KS-2", LineInput(amount=Decimal("19700"), placement=placement), start=start)
    assert under.lines.get().flag == LineFlag.MISMATCH
    reject_invoice(invoice=under, by=finance, note="Wrong amount.")

    close = _invoice(agency, admin_user, "KS-3", LineInput(amount=Decimal("20150"), placement=placement), start=start)
    assert close.status == InvoiceStatus.MATCHED and close.expected_amount == Decimal("20000.00")


def test_a_placement_fee_billed_twice_is_unmatched_until_the_first_invoice_is_rejected(
    placement, agency, admin_user, finance
):
    start = placement.start_date
    first = _invoice(agency, admin_user, "KS-10", LineInput(amount=Decimal("20000"), placement=placement), start=start)
    assert first.status == InvoiceStatus.MATCHED
    second = _invoice(agency, admin_user, "KS-11", LineInput(amount=Decimal("20000"), placement=placement), start=start)
    line = second.lines.get()
    assert (second.status, line.flag) == (InvoiceStatus.FLAGGED, LineFlag.UNMATCHED)
    assert "already billed on invoice KS-10" in line.flag_note

    reject_invoice(invoice=first, by=finance, note="Sent twice.")
    assert rematch_invoice(invoice=second, by=admin_user).status == InvoiceStatus.MATCHED


def test_a_placement_fee_on_two_lines_of_one_invoice_matches_once(placement, agency, admin_user, finance):
    fee = LineInput(amount=Decimal("20000"), placement=placement)
    invoice = _invoice(agency, admin_user, "KS-20", fee, fee, start=placement.start_date)
    first, second = invoice.lines.order_by("id")
    assert (invoice.status, first.flag, second.flag) == (InvoiceStatus.FLAGGED, "", LineFlag.UNMATCHED)
    assert "already billed on invoice KS-20" in second.flag_note
    assert invoice.expected_amount == Decimal("20000.00")


def test_an_invoice_number_is_used_once_per_vendor_whatever_its_case(running, supplier, admin_user, finance):
    week = running.start_date
    line = LineInput(amount=Decimal("100"), engagement=running)
    _invoice(supplier, admin_user, "NB-1001", line, start=week)
    for number in ("nb-1001", "  Nb-1001 "):
        with pytest.raises(VendorError, match="already sent invoice"):
            _invoice(supplier, finance, number, line, start=week)
    assert supplier.invoices.count() == 1


def test_a_line_billing_another_vendors_engagement_is_refused(running, admin_user, finance):
    other = approved_vendor(finance, name="Other Supplier")
    with pytest.raises(VendorError, match=f"{running.reference} is not Other Supplier's"):
        _invoice(
            other, admin_user, "OS-1", LineInput(amount=Decimal("100"), engagement=running), start=running.start_date
        )
    assert not other.invoices.exists()


def test_only_finance_and_admins_enter_invoices(running, supplier, hm, recruiter):
    for person in (hm, recruiter):
        with pytest.raises(VendorError, match="Only finance and admins enter invoices"):
            _invoice(
                supplier, person, "X-1", LineInput(amount=Decimal("100"), engagement=running), start=running.start_date
            )


def test_rejecting_an_invoice_needs_a_note_and_finance(running, supplier, admin_user, finance):
    invoice = _invoice(
        supplier, admin_user, "NB-3001", LineInput(amount=Decimal("100"), engagement=running), start=running.start_date
    )
    with pytest.raises(VendorError, match="Say why"):
        reject_invoice(invoice=invoice, by=finance, note=" ")
    with pytest.raises(VendorError, match="Only finance rejects"):
        reject_invoice(invoice=invoice, by=admin_user, note="Disputed.")
    rejected = reject_invoice(invoice=invoice, by=finance, note="Disputed hours.")
    assert (rejected.status, rejected.status_note) == (InvoiceStatus.REJECTED, "Disputed hours.")
    with pytest.raises(VendorError, match="rejected"):
        approve_invoice(invoice=invoice, by=finance, override_reason="x")


def test_whoever_entered_an_invoice_never_approves_it(running, supplier, recruiter, hm, finance, finance2):
    week = running.start_date
    _approved_week(running, recruiter, hm, week)
    invoice = _invoice(supplier, finance, "NB-4001", LineInput(amount=Decimal("4000"), engagement=running), start=week)
    with pytest.raises(VendorError, match="You entered this invoice"):
        approve_invoice(invoice=invoice, by=finance)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.MATCHED
    assert approve_invoice(invoice=invoice, by=finance2).approved_by == finance2


def test_an_approved_invoice_is_paid_by_finance_on_a_date_not_in_the_future(
    running, supplier, admin_user, recruiter, hm, finance
):
    week = running.start_date
    _approved_week(running, recruiter, hm, week)
    invoice = _invoice(
        supplier, admin_user, "NB-5001", LineInput(amount=Decimal("4000"), engagement=running), start=week
    )
    with pytest.raises(VendorError, match="Only finance marks an approved invoice paid"):
        mark_paid(invoice=invoice, by=finance, paid_on=_today())
    approve_invoice(invoice=invoice, by=finance)
    with pytest.raises(VendorError, match="Only finance"):
        mark_paid(invoice=invoice, by=admin_user, paid_on=_today())
    with pytest.raises(VendorError, match="in the future"):
        mark_paid(invoice=invoice, by=finance, paid_on=_today() + timedelta(days=1))
    with pytest.raises(VendorError, match="cannot be paid before"):
        mark_paid(invoice=invoice, by=finance, paid_on=_today() - timedelta(days=1))
    paid = mark_paid(invoice=invoice, by=finance, paid_on=_today())
    assert (paid.status, paid.paid_on) == (InvoiceStatus.PAID, _today())


def test_an_approved_invoice_records_each_line_as_actual_spend_in_its_period_start_month(
    open_requisition, worker, recruiter, hm, hr, head, finance, admin_user
):
    both = approved_vendor(finance, name="Harbour Staffing", kind="both", fee_pct=Decimal("15"))
    card = _card(
        both,
        finance,
        valid_from=_today() - timedelta(days=60),
        valid_to=_today() + timedelta(days=200),
        **_req_slot(open_requisition),
    )
    start = monday(_today()) - timedelta(weeks=6)
    engagement = _plan(open_requisition, worker, both, card, recruiter, start=start)
    engagement = start_engagement(engagement=engagement, by=recruiter)
    _approved_week(engagement, recruiter, hm, start)
    placement = Placement.objects.get(offer=_placed(both, open_requisition, recruiter, hr, finance, head))
    assert placement.fee == Decimal("15000.00")

    invoice = _invoice(
        both,
        admin_user,
        "HS-1",
        LineInput(amount=Decimal("4000"), engagement=engagement, hours=Decimal("40")),
        LineInput(amount=Decimal("15000"), placement=placement),
        start=start,
    )
    assert invoice.status == InvoiceStatus.MATCHED and invoice.amount == Decimal("19000")
    assert not CostEvent.objects.for_source(invoice).exists()
    approve_invoice(invoice=invoice, by=finance)

    actuals = CostEvent.objects.for_source(invoice)
    assert sorted((e.category, e.kind, e.amount) for e in actuals) == [
        (CostCategory.AGENCY_FEE, CostKind.ACTUAL, Decimal("15000.00")),
        (CostCategory.CONTRACTOR_LABOUR, CostKind.ACTUAL, Decimal("4000.00")),
    ]
    assert {(e.month, e.cost_center, e.need, e.currency) for e in actuals} == {
        (start.replace(day=1), open_requisition.cost_center, open_requisition, "CAD")
    }
    assert start.replace(day=1) != _today().replace(day=1)
