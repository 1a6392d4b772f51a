"""Hand-built records for the dashboards' figures: offers, interviews, scorecards, pre-boarding cases,
placements and invoices written straight to the database with the times a test chooses (the services
stamp the clock's now), so that every figure can be worked out by hand. Requisitions and ledger events
go through their services (requisitions.services, portal.services.ledger): drafts record no money."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count

from django.contrib.contenttypes.models import ContentType

from analytics.filters import DashboardFilter
from analytics.slices import Slice
from analytics.tiles import board, tile
from candidates.choices import ApplicationStatus, InterviewStatus, PanelRole, ScorecardStatus
from candidates.models import (
    Application,
    Interview,
    InterviewParticipant,
    InterviewPlan,
    InterviewRound,
    Scorecard,
    ScorecardRating,
    Source,
    Stage,
)
from candidates.services import create_candidate
from offers.choices import OfferStatus, PayBasis, VersionStatus
from offers.models import Offer, OfferVersion
from onboarding.choices import CaseStatus
from onboarding.models import PreboardingCase
from portal.choices import DecisionStatus, Role
from portal.models import Decision
from requisitions.services import create_requisition
from tests import clock
from tests.factories import requisition_fields
from vendors.choices import InvoiceStatus
from vendors.models import Invoice, InvoiceLine, Placement

_serial = count(1)

ANSWERED = (OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED)


def ago(days: float = 0, hours: float = 0) -> datetime:
    """That long before the frozen clock's now."""
    return clock.now() - timedelta(days=days, hours=hours)


def requisition(manager, recruiter, **fields):
    """A draft requisition run by `manager` and `recruiter` (granted to both, recording no money)."""
    return create_requisition(by=manager, hiring_manager=manager, **requisition_fields(recruiter=recruiter, **fields))


def application(req, recruiter, *, source: str | Source = "referral", name: str = ""):
    n = next(_serial)
    person = create_candidate(
        by=recruiter, first_name=name or f"Person{n}", last_name="Tester", email=f"person{n}@example.com"
    )
    if isinstance(source, str):
        source = Source.objects.get(code=source)
    stage = Stage.objects.get(code="offer")
    moment = ago(days=60)
    return Application.objects.create(
        candidate=person,
        requisition=req,
        stage=stage,
        stage_entered_at=moment,
        status=ApplicationStatus.ACTIVE,
        source=source,
        applied_at=moment,
        last_activity_at=moment,
    )


def offer(
    req,
    recruiter,
    *,
    status: str,
    answered: datetime | None = None,
    extended: datetime | None = None,
    source: str | Source = "referral",
    reason=None,
    base: str = "95000",
    pay_basis: str = PayBasis.ANNUAL,
    hours: str = "40",
    employment_type: str = "full_time",
    level="same",
    location="same",
    currency: str = "CAD",
    start: date | None = None,
    expires: date | None = None,
    app=None,
):
    """An offer on `req` in `status`, with one version of terms (the requisition's level and location by
    default), extended `extended` (a day before the answer by default) and answered `answered`."""
    app = app or application(req, recruiter, source=source)
    created = ago(days=400)
    made = Offer.objects.create(
        application=app, requisition=req, status=OfferStatus.DRAFT, created_by=recruiter, created_at=created
    )
    today = clock.today()
    start = start or today + timedelta(days=30)
    version = OfferVersion.objects.create(
        offer=made,
        number=1,
        status=VersionStatus.APPROVED if status != OfferStatus.DRAFT else VersionStatus.DRAFT,
        title=req.title,
        level=req.level if level == "same" else level,
        location=req.location if location == "same" else location,
        employment_type=employment_type,
        currency=currency,
        pay_basis=pay_basis,
        base_amount=Decimal(base),
        hours_per_week=Decimal(hours),
        start_date=start,
        expires_on=expires or min(start, today + timedelta(days=7)),
        created_by=recruiter,
        created_at=created,
    )
    made.current_version = version
    made.status = status
    if status != OfferStatus.DRAFT:
        made.approved_version = version
        made.approved_at = created
    if status in (OfferStatus.EXTENDED, *ANSWERED):
        made.extended_version = version
        made.extended_at = extended or (answered - timedelta(days=1) if answered else ago(days=1))
    if status in (OfferStatus.ACCEPTED, OfferStatus.DECLINED):
        made.responded_at = answered
    if status in ANSWERED:
        made.closed_at = answered
    made.decline_reason = reason
    made.save()
    return made


def placement(made_offer, vendor, *, fee: str):
    version = made_offer.current_version
    return Placement.objects.create(
        vendor=vendor,
        offer=made_offer,
        requisition=made_offer.requisition,
        currency=version.currency,
        base=version.base_amount,
        fee_pct=Decimal("20"),
        fee=Decimal(fee),
        start_date=version.start_date,
        created_at=made_offer.responded_at or ago(),
    )


def case(made_offer, *, status: str = CaseStatus.OPEN, closed: datetime | None = None, start: date | None = None):
    """The pre-boarding case of an accepted offer, closed `closed` (a no-show, a withdrawal, a start)."""
    start = start or made_offer.current_version.start_date
    return PreboardingCase.objects.create(
        candidate=made_offer.application.candidate,
        requisition=made_offer.requisition,
        application=made_offer.application,
        offer=made_offer,
        job_title=made_offer.current_version.title,
        employment_type=made_offer.current_version.employment_type,
        accepted_on=(made_offer.responded_at or ago()).date(),
        planned_start=start,
        original_start=start,
        confirmed_start=start if status == CaseStatus.STARTED else None,
        status=status,
        created_at=made_offer.responded_at or ago(),
        closed_at=closed,
    )


def interview(req, recruiter, panel, *, plan_round=None):
    """A completed interview of a new application on `req`, `panel` sitting on it."""
    if plan_round is None:
        plan, _created = InterviewPlan.objects.get_or_create(requisition=req)
        plan_round = InterviewRound.objects.create(plan=plan, position=1, name="Technical", panel_roles=["lead"])
    held = ago(days=200)
    made = Interview.objects.create(
        application=application(req, recruiter),
        round=plan_round,
        status=InterviewStatus.COMPLETED,
        starts_at=held,
        ends_at=held + timedelta(hours=1),
    )
    for person in panel:
        InterviewParticipant.objects.create(interview=made, user=person, panel_role=PanelRole.INTERVIEWER)
    return made


def scorecard(on, by, *, submitted: datetime | None, recommendation: str = "yes", ratings=None, supersedes=None):
    """`by`'s scorecard on `on` ({criterion: rating or None}); a draft when `submitted` is None."""
    card = Scorecard.objects.create(
        interview=on,
        interviewer=by,
        revision=supersedes.revision + 1 if supersedes else 1,
        supersedes=supersedes,
        status=ScorecardStatus.SUBMITTED if submitted else ScorecardStatus.DRAFT,
        recommendation=recommendation if submitted else "",
        revision_reason="Corrected." if supersedes else "",
        submitted_at=submitted,
    )
    for criterion, rating in (ratings or {}).items():
        ScorecardRating.objects.create(scorecard=card, criterion=criterion, rating=rating)
    return card


def decision(kind: str, subject, *, owner=None, due: datetime, outcome: str = "", role: str = ""):
    """A decision about `subject`, open unless it has an `outcome`."""
    return Decision.objects.create(
        kind=kind,
        title=f"{kind} {next(_serial)}",
        owner=owner,
        owner_role=role or ("" if owner else Role.FINANCE),
        due_at=due,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        status=DecisionStatus.DONE if outcome else DecisionStatus.OPEN,
        outcome=outcome,
        decided_at=ago() if outcome else None,
    )


def invoice(vendor, by, *, status: str, lines=(), currency: str = "CAD"):
    """An invoice of `vendor` in `status` billing `lines` ((placement, amount) pairs)."""
    n = next(_serial)
    today = clock.today()
    total = sum((Decimal(amount) for _placement, amount in lines), Decimal("0"))
    approved = status in (InvoiceStatus.APPROVED, InvoiceStatus.PAID)
    made = Invoice.objects.create(
        vendor=vendor,
        number=f"QC-{n}",
        currency=currency,
        period_start=today - timedelta(days=30),
        period_end=today - timedelta(days=1),
        received_on=today - timedelta(days=1),
        amount=total,
        status=status,
        approved_by=by if approved else None,
        approved_at=ago() if approved else None,
        paid_on=today if status == InvoiceStatus.PAID else None,
        created_by=by,
        created_at=ago(),
    )
    for billed, amount in lines:
        InvoiceLine.objects.create(invoice=made, placement=billed, amount=Decimal(amount))
    return made


# --- Slices --------------------------------------------------------------------------------------------------


def filters(data: dict | None = None) -> DashboardFilter:
    filterset = DashboardFilter({key: value for key, value in (data or {}).items() if value is not None})
    assert filterset.is_valid(), filterset.errors
    return filterset


def slice_of(user, board_key: str, data: dict | None = None) -> Slice:
    return Slice.of(user, board(board_key), filters(data))


def drill_counts(table, user, board_key: str, data: dict | None = None):
    """For each row of `table` that opens a list: (its label, its count (the table's `counts` column), the
    count of the drill tile's list on the slice the row's link gives, its filters read again from the link's
    values)."""
    assert table.counts and table.tile, table.key
    found = []
    for row in table.compute(slice_of(user, board_key, data)):
        if row["drill"] is None:
            continue
        drilled = {**(data or {}), **row["drill"]}
        found.append((row["label"], row[table.counts], tile(table.tile).count(slice_of(user, board_key, drilled))))
    return found
