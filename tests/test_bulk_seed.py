"""seed_demo --scale N: the volume layer written in bulk, its counts and the pipeline's invariants; the
interviews, offers, vendors' rows and pre-boarding cases it adds agree with the applications.

The demo and its volume (scale 2) are seeded once for the module at a frozen instant, inside a transaction
rolled back at the end; each test runs in a savepoint of it."""

import io
import statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from candidates.bulk import APPLICATIONS, CANDIDATES, TRANSITIONS, own_requisitions, volume_applications
from candidates.choices import SCORING_PANEL_ROLES, InterviewStatus, ReasonCategory, StageKind
from candidates.models import (
    Activity,
    Application,
    Candidate,
    Interview,
    InterviewParticipant,
    InterviewPlan,
    InterviewRound,
    ReasonCode,
    Scorecard,
    ScorecardRating,
    Stage,
    StageTransition,
)
from candidates.selectors import applications_for_user, board, week_bounds
from candidates.services import email_key, phone_key
from offers.choices import SENT, OfferStatus, VersionStatus
from offers.models import Offer, OfferVersion
from onboarding.choices import OPEN_TASK, TASK_KIND, CaseStatus, CheckStatus, TaskKind, TaskStatus
from onboarding.models import BackgroundCheck, PreboardingCase, PreboardingTask, StartChange
from portal.choices import CostKind, DecisionStatus, Role
from portal.models import CostEvent, Decision, User
from requisitions.bulk import UNIT
from requisitions.choices import CONTRACT_TYPES, Status
from requisitions.models import Requisition
from requisitions.selectors import requisitions_for_user
from vendors.choices import PLACES_HIRES, EngagementStatus, InvoiceStatus, TimesheetStatus
from vendors.models import Engagement, EngagementTerm, Invoice, InvoiceLine, Placement, Timesheet

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("bulk_seed")]

NOW = datetime(2027, 3, 10, 9, 30, tzinfo=timezone.get_default_timezone())
TODAY = NOW.date()
# What the volume adds beyond the pipeline: a second run adds none of them.
LAYERS = [
    InterviewPlan, Interview, InterviewParticipant, Scorecard, ScorecardRating, Offer, OfferVersion, Placement,
    Engagement, EngagementTerm, Timesheet, Invoice, InvoiceLine, PreboardingCase, PreboardingTask, BackgroundCheck,
    StartChange, CostEvent, Decision,
]  # fmt: skip


def _seed(**options):
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", stdout=io.StringIO(), **options)


@pytest.fixture(scope="module")
def scaled(django_db_setup, django_db_blocker):
    """seed_demo --scale 2 once for the module, rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed(scale=2)
        yield
        transaction.set_rollback(True)


def test_scale_two_seeds_two_units_of_everything_in_bulk(scaled):
    assert Requisition.objects.count() == 2 * UNIT == 82
    assert Candidate.objects.count() == 2 * CANDIDATES == 3_280
    assert Application.objects.count() == 2 * APPLICATIONS == 4_100
    assert StageTransition.objects.count() == 2 * TRANSITIONS == 24_600
    assert Decision.objects.filter(key__startswith="demo:bulk:").count() == 15
    connection.check_constraints()  # the foreign keys of every row written in bulk, checked now
    layers = {model.__name__: model.objects.count() for model in LAYERS}

    _seed(scale=2)  # again: nothing new
    assert Requisition.objects.count() == 2 * UNIT
    assert Application.objects.count() == 2 * APPLICATIONS
    assert StageTransition.objects.count() == 2 * TRANSITIONS
    assert {model.__name__: model.objects.count() for model in LAYERS} == layers


def test_volume_applications_agree_with_their_transitions(scaled):
    volume = Application.objects.filter(candidate__email__endswith="@volume.example")
    assert volume.count() > 3_000
    steps = defaultdict(list)
    for row in StageTransition.objects.filter(application__in=volume).values_list(
        "application_id", "id", "at", "from_stage_id", "to_stage_id", "status", "reason_id"
    ):
        steps[row[0]].append(row[1:])
    touched = dict(Activity.objects.filter(application__in=volume).values_list("application_id", "at"))
    fields = ["id", "stage_id", "status", "disposition_id", "stage_entered_at", "applied_at", "last_activity_at"]
    fields += ["candidate__created_at", "requisition__status", "requisition__opened_at"]
    reserved = {stage.pk: stage.pk for stage in Stage.objects.filter(kind__in=[StageKind.PRE_START, StageKind.HIRED])}
    categories = dict(ReasonCode.objects.values_list("pk", "category"))
    for app in volume.values(*fields):
        rows = sorted(steps[app["id"]])  # by id
        times = [at for _, at, *_ in rows]
        assert times == sorted(times) and len(set(times)) == len(times), app["id"]  # in time order
        _, first_at, first_from, *_ = rows[0]
        assert first_from is None and first_at == app["applied_at"]
        _, last_at, _, last_to, last_status, last_reason = rows[-1]
        assert (last_to, last_status, last_reason) == (app["stage_id"], app["status"], app["disposition_id"])
        moves = [at for _, at, frm, to, *_ in rows if frm != to]
        assert app["stage_entered_at"] == moves[-1]
        assert app["last_activity_at"] == max(last_at, touched.get(app["id"], last_at))
        assert app["candidate__created_at"] <= app["applied_at"]
        assert app["requisition__opened_at"] <= app["applied_at"] <= app["last_activity_at"] <= NOW
        if app["status"] in ("rejected", "withdrawn"):
            assert app["disposition_id"] is not None
        else:
            assert app["disposition_id"] is None
        if app["requisition__status"] == Status.FILLED:
            assert app["status"] != "active"
        else:
            assert app["requisition__status"] in (Status.OPEN, Status.ON_HOLD) and app["status"] != "hired"
        # Only a hire reaches Pre-start and Hired: hired, waiting to start, or fallen through (a no-show, a
        # withdrawal) on the day it closed.
        reached = {to for _, _, _, to, *_ in rows}
        if app["stage_id"] in reserved:
            assert reserved[app["stage_id"]] in reached
            if app["status"] not in ("active", "hired"):
                assert categories[app["disposition_id"]] in (ReasonCategory.NO_SHOW, ReasonCategory.THEY_WITHDREW)
    pairs = volume.values("candidate", "requisition").annotate(n=Count("id")).filter(n__gt=1)
    assert not pairs.exists()
    # Each of the volume's requisitions counts the openings its hires took: hired, waiting to start, or
    # contractors started on a contract requisition (vendors.bulk); a filled one has none left, an open one some.
    waiting = Q(applications__status="active", applications__stage__kind=StageKind.PRE_START)
    started = ~Q(engagements__status=EngagementStatus.PLANNED)
    for req in own_requisitions().annotate(
        hired=Count("applications", filter=Q(applications__status="hired") | waiting, distinct=True),
        contractors=Count("engagements", filter=started, distinct=True),
    ):
        contract = req.employment_type in CONTRACT_TYPES
        contractors = req.contractors if contract else 0  # cover on a permanent one takes no opening
        assert req.hires == req.hired + contractors <= req.openings, req.pk
        if req.status == Status.FILLED and contract:
            assert req.hires == contractors == req.openings and req.hired == 0
        elif req.status == Status.OPEN:
            assert req.hires < req.openings
        elif req.status != Status.FILLED:
            assert req.hires == 0

    _volume_candidates_requisitions_and_who_sees_them()
    _the_largest_board_capped_per_column()


def _the_largest_board_capped_per_column():
    """board(per_column=N) shows each column's first N cards of the full board and counts the rest."""
    active = Count("applications", filter=Q(applications__status="active"))
    largest = Requisition.objects.annotate(n=active).order_by("-n").first()
    full, capped = board(largest, largest.recruiter), board(largest, largest.recruiter, per_column=3)
    for whole, part in zip(full, capped, strict=True):
        assert [c.pk for c in part["cards"]] == [c.pk for c in whole["cards"]][:3]
        assert len(part["cards"]) + part["more"] == len(whole["cards"])
    assert sum(column["more"] for column in capped) > 0


def _volume_candidates_requisitions_and_who_sees_them():
    for candidate in Candidate.objects.filter(email__endswith="@volume.example"):
        assert candidate.email_key == email_key(candidate.email)
        assert candidate.phone_key == phone_key(candidate.phone)
    phones = Candidate.objects.exclude(phone_key="").values("phone_key")
    assert not phones.annotate(n=Count("id")).filter(n__gt=1).exists()

    volume = Requisition.objects.filter(title__endswith=")")
    assert volume.count() == UNIT * 2 - UNIT
    assert volume.filter(status=Status.OPEN).count() > volume.count() / 2
    for req in volume:
        assert req.created_at <= (req.submitted_at or req.created_at) <= (req.approved_at or NOW) <= NOW
        assert req.cost_max is not None and req.hiring_plan_id is not None
    # The runners see theirs through object permissions: the demo logins have a share of the volume.
    recruiter = User.objects.get(username="recruiter")
    mine = requisitions_for_user(recruiter).filter(pk__in=volume.values("pk"))
    assert set(mine.values_list("pk", flat=True)) >= set(
        volume.filter(recruiter=recruiter).values_list("pk", flat=True)
    )
    assert mine.exists()
    assert applications_for_user(recruiter).count() > 200
    # Demand is skewed: the largest requisition has many times the typical one's applications.
    sizes = sorted(volume.annotate(n=Count("applications")).filter(n__gt=0).values_list("n", flat=True))
    assert sizes[-1] > 3 * statistics.median(sizes)
    # The organisation's other people run the rest; they cannot sign in.
    others = User.objects.filter(username__startswith="volume.")
    assert others.count() >= 2 and not any(u.has_usable_password() for u in others)


# --- What the volume adds to the pipeline ---------------------------------------------------------------


def _entered(stage_kind=None, code=None) -> dict[int, list[datetime]]:
    """When each volume application entered a stage (of that kind or code), in order."""
    stage = Q(to_stage__kind=stage_kind) if stage_kind else Q(to_stage__code=code)
    moves = defaultdict(list)
    for app_id, at in (
        StageTransition.objects.filter(stage, application__in=volume_applications())
        .exclude(from_stage=None)
        .exclude(from_stage_id=F("to_stage_id"))
        .values_list("application_id", "at")
        .order_by("at")
    ):
        moves[app_id].append(at)
    return moves


def test_interviews_for_every_stay_in_interview_scored_by_their_panel(scaled):
    stays = _entered(code="interview")
    interviews = list(
        Interview.objects.filter(application__in=volume_applications()).values(
            "pk", "application_id", "status", "starts_at", "ends_at", "completed_at", "created_at", "round_id",
            "round__plan__requisition_id", "application__requisition_id", "application__requisition__hiring_manager_id",
        )
    )  # fmt: skip
    per_app = Counter(i["application_id"] for i in interviews)
    # One or two rounds each, on the plan of the application's requisition (copied from the template); none
    # only for some who withdrew in Interview before it was booked.
    assert len(stays) > 1_500 and set(per_app) <= set(stays) and len(per_app) > 0.9 * len(stays)
    never = Application.objects.filter(pk__in=set(stays) - set(per_app))
    assert set(never.values_list("status", "stage__code").distinct()) <= {("withdrawn", "interview")}
    assert max(per_app.values()) == 2 and Counter(per_app.values())[2] > 0.05 * len(per_app)
    for interview in interviews:
        assert interview["round__plan__requisition_id"] == interview["application__requisition_id"]
        assert stays[interview["application_id"]][0] <= interview["created_at"] <= NOW
    statuses = Counter(i["status"] for i in interviews)
    assert statuses[InterviewStatus.COMPLETED] > 0.6 * len(interviews)
    assert statuses[InterviewStatus.NO_SHOW] and statuses[InterviewStatus.CANCELLED]

    # Completed: every scoring seat has one submitted scorecard after the end, rating each criterion 1 to 4.
    seats = defaultdict(dict)
    for interview_id, user_id, role in InterviewParticipant.objects.filter(
        interview__application__in=volume_applications()
    ).values_list("interview_id", "user_id", "panel_role"):
        seats[interview_id][user_id] = role
    cards = defaultdict(dict)
    for card in Scorecard.objects.filter(interview__application__in=volume_applications()).values(
        "pk", "interview_id", "interviewer_id", "status", "submitted_at", "recommendation"
    ):
        cards[card["interview_id"]][card["interviewer_id"]] = card
    criteria = defaultdict(set)
    for round_id, criterion in InterviewRound.criteria.through.objects.values_list("interviewround_id", "criterion_id"):
        criteria[round_id].add(criterion)
    ratings = defaultdict(list)
    for card_id, criterion, rating in ScorecardRating.objects.filter(
        scorecard__interview__application__in=volume_applications()
    ).values_list("scorecard_id", "criterion_id", "rating"):
        ratings[card_id].append((criterion, rating))
    panelists = set(User.objects.with_role(Role.INTERVIEWER, Role.HIRING_MANAGER).values_list("pk", flat=True))
    for interview in interviews:
        panel, scored = seats[interview["pk"]], cards[interview["pk"]]
        assert panel and set(panel) <= panelists
        assert any(role in SCORING_PANEL_ROLES for role in panel.values())
        for user, role in panel.items():
            if role == "hiring_manager":
                assert user == interview["application__requisition__hiring_manager_id"]
        if interview["status"] != InterviewStatus.COMPLETED:
            assert not scored
            continue
        assert interview["starts_at"] < interview["ends_at"] <= interview["completed_at"] <= NOW
        assert set(scored) == {user for user, role in panel.items() if role in SCORING_PANEL_ROLES}
        for card in scored.values():
            assert card["status"] == "submitted" and card["recommendation"]
            assert interview["ends_at"] < card["submitted_at"] <= NOW
            rated = ratings[card["pk"]]
            assert sorted(c for c, _ in rated) == sorted(criteria[interview["round_id"]])
            assert all(1 <= rating <= 4 for _, rating in rated)

    # Some are booked this week and next: the interviewers' weekly load has something to show.
    this_week = week_bounds(NOW)[0]
    booked = [i for i in interviews if i["status"] == InterviewStatus.SCHEDULED]
    assert booked and all(NOW < i["starts_at"] < this_week + timedelta(days=14) for i in booked)
    weeks = {week_bounds(i["starts_at"])[0] for i in booked}
    assert weeks == {this_week, this_week + timedelta(days=7)}


def test_an_accepted_offer_for_each_hire_and_the_others_in_proportion(scaled):
    accepted_at = _entered(stage_kind=StageKind.PRE_START)
    offered = _entered(code="offer")
    offers = list(
        Offer.objects.filter(application__in=volume_applications()).values(
            "pk", "status", "application_id", "application__status", "application__stage__code",
            "application__disposition_id", "application__disposition__category", "application__last_activity_at",
            "decline_reason_id", "current_version_id", "approved_version_id", "extended_version_id", "created_at",
            "approved_at", "extended_at", "responded_at", "closed_at", "current_version__start_date",
            "current_version__expires_on", "current_version__currency", "current_version__number",
        )
    )  # fmt: skip
    statuses = Counter(o["status"] for o in offers)
    accepted = {o["application_id"] for o in offers if o["status"] == OfferStatus.ACCEPTED}
    # An accepted offer for exactly the applications that reached Pre-start (hired, waiting, fallen through).
    assert accepted == set(accepted_at) and len(accepted) >= 10
    assert len({o["application_id"] for o in offers}) == len(offers)
    assert statuses[OfferStatus.DECLINED] < statuses[OfferStatus.ACCEPTED]
    assert statuses[OfferStatus.DECLINED] and statuses[OfferStatus.EXTENDED] + statuses[OfferStatus.EXPIRED]
    versions = defaultdict(list)
    for offer_id, number, status in OfferVersion.objects.filter(offer__in=[o["pk"] for o in offers]).values_list(
        "offer_id", "number", "status"
    ):
        versions[offer_id].append((number, status))
    assert any(len(v) == 2 for v in versions.values())
    for offer in offers:
        numbers = sorted(versions[offer["pk"]])
        assert [n for n, _ in numbers] == list(range(1, len(numbers) + 1))
        assert offer["current_version__number"] == len(numbers) and offer["current_version__currency"] == "CAD"
        assert offer["current_version__expires_on"] <= offer["current_version__start_date"]
        assert offer["created_at"] >= offered[offer["application_id"]][-1]
        moments = [offer[name] for name in ("created_at", "approved_at", "extended_at", "responded_at")]
        moments = [m for m in moments if m is not None]
        assert moments == sorted(moments) and moments[-1] <= NOW
        if offer["status"] in SENT:
            assert offer["approved_version_id"] == offer["extended_version_id"] == offer["current_version_id"]
            assert dict(numbers)[len(numbers)] == VersionStatus.APPROVED
        if offer["status"] == OfferStatus.ACCEPTED:
            assert offer["responded_at"] == accepted_at[offer["application_id"]][0]
            assert offer["application__stage__code"] in ("pre_start", "hired")
            if offer["application__status"] == "active":
                assert offer["current_version__start_date"] > TODAY  # waiting to start
        elif offer["status"] == OfferStatus.DECLINED:
            assert offer["application__stage__code"] == "offer"
            assert offer["application__disposition__category"] == ReasonCategory.OFFER_DECLINED
            assert offer["decline_reason_id"] == offer["application__disposition_id"]
            assert offer["responded_at"] == offer["application__last_activity_at"]
        elif offer["status"] == OfferStatus.EXTENDED:
            assert offer["application__status"] == "active"
            assert offer["current_version__expires_on"] >= TODAY
            assert Decision.objects.open().filter(key=f"offer:{offer['pk']}:response:{len(numbers)}").exists()

    # The ledger: each accepted offer commits its first year; a hire that fell through has it reversed.
    committed = dict(
        CostEvent.objects.filter(
            kind=CostKind.COMMITTED, source_type__model="offer", source_id__in=_accepted_ids(offers)
        )
        .values("source_id")
        .annotate(total=Sum("amount"))
        .values_list("source_id", "total")
    )
    for offer in offers:
        if offer["status"] != OfferStatus.ACCEPTED:
            continue
        version = OfferVersion.objects.select_related("offer__requisition").get(pk=offer["current_version_id"])
        fell = offer["application__status"] not in ("active", "hired")
        assert _cents(committed[offer["pk"]]) == (0 if fell else _first_year(version)), offer["pk"]


def _cents(total) -> Decimal:
    """A sum as the database gives it (SQLite: a float), to the cent."""
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))


def _accepted_ids(offers) -> list[int]:
    return [o["pk"] for o in offers if o["status"] == OfferStatus.ACCEPTED]


def _first_year(version) -> Decimal:
    from offers.costs import breakdown

    return sum((line.money.amount for line in breakdown(version) if line.committed), Decimal("0"))


def test_vendor_placements_engagements_and_invoices_agree_with_the_hires(scaled):
    # A placement for each accepted offer whose application an agency sent (its own source), none other.
    accepted = Offer.objects.filter(application__in=volume_applications(), status=OfferStatus.ACCEPTED)
    sent = set(accepted.filter(application__source__vendor__isnull=False).values_list("pk", flat=True))
    placements = Placement.objects.filter(offer__application__in=volume_applications()).select_related(
        "vendor", "offer__application", "offer__current_version"
    )
    assert {p.offer_id for p in placements} == sent and sent
    for placement in placements:
        assert (
            placement.vendor.kind in PLACES_HIRES
            and placement.vendor.source_id == placement.offer.application.source_id
        )
        assert placement.fee == (placement.base * placement.fee_pct / 100).quantize(Decimal("0.01"))
        assert placement.start_date == placement.offer.current_version.start_date

    # Engagements on the volume's requisitions: contractors on filled contract ones (one an opening), planned on
    # open contract ones, cover on permanent ones; workers who never applied there.
    engagements = Engagement.objects.filter(requisition__in=own_requisitions()).select_related("requisition")
    assert engagements.exists()
    for engagement in engagements:
        req = engagement.requisition
        assert not Application.objects.filter(candidate=engagement.worker_id, requisition=req).exists()
        assert engagement.start_date <= engagement.end_date
        if engagement.status == EngagementStatus.PLANNED:
            assert engagement.start_date > TODAY and not engagement.timesheets.exists()
        elif req.employment_type in CONTRACT_TYPES:
            assert req.status == Status.FILLED
        terms = list(engagement.terms.order_by("number"))
        assert terms[0].starts_on == engagement.start_date and terms[-1].ends_on == engagement.end_date
        for term in terms:
            assert term.bill_rate == term.rate_card.bill_rate or (term.rate_approval == "approved" and term.rate_reason)
    last_week = TODAY - timedelta(days=TODAY.weekday() + 7)
    sheets = Timesheet.objects.filter(engagement__in=engagements)
    assert sheets.filter(status__in=[TimesheetStatus.APPROVED, TimesheetStatus.INVOICED]).exists()
    for sheet in sheets.select_related("engagement", "invoice"):
        assert sheet.week_start.weekday() == 0 and sheet.week_start <= last_week
        assert sheet.week_start + timedelta(days=6) >= sheet.engagement.start_date
        assert sheet.week_start <= sheet.engagement.end_date
        if sheet.status == TimesheetStatus.INVOICED:
            assert sheet.invoice.status in (InvoiceStatus.APPROVED, InvoiceStatus.PAID)
        elif sheet.status == TimesheetStatus.SUBMITTED:
            assert sheet.week_start == last_week and sheet.decided_at is None

    # An approved invoice's lines are its actual spend, to the cent; nothing else is.
    invoices = Invoice.objects.filter(
        Q(lines__engagement__in=engagements) | Q(lines__placement__in=placements)
    ).distinct()
    assert invoices.filter(status__in=[InvoiceStatus.APPROVED, InvoiceStatus.PAID]).exists()
    actual = dict(
        CostEvent.objects.filter(
            kind=CostKind.ACTUAL, source_type__model="invoice", source_id__in=invoices.values("pk")
        )
        .values("source_id")
        .annotate(total=Sum("amount"))
        .values_list("source_id", "total")
    )
    for invoice in invoices.annotate(total=Sum("lines__amount")):
        assert invoice.amount == _cents(invoice.total)
        owed = invoice.status in (InvoiceStatus.APPROVED, InvoiceStatus.PAID)
        assert _cents(actual.get(invoice.pk)) == (invoice.amount if owed else 0), invoice.number
        assert InvoiceLine.objects.filter(invoice=invoice, flag="").count() == invoice.lines.count() or not owed

    # Forecast and actual by month and cost center: both have months of content.
    ledger = CostEvent.objects.filter(need__in=own_requisitions())
    months = {kind: set(ledger.filter(kind=kind).values_list("month", flat=True)) for kind in CostKind.values}
    assert len(months[CostKind.FORECAST]) >= 6 and len(months[CostKind.ACTUAL]) >= 3
    assert len(months[CostKind.COMMITTED]) >= 12


def test_a_preboarding_case_for_each_accepted_offer(scaled):
    cases = list(
        PreboardingCase.objects.filter(
            Q(offer__application__in=volume_applications()) | Q(engagement__requisition__in=own_requisitions())
        ).select_related("offer__application__stage", "offer__current_version", "engagement__requisition")
    )
    accepted = Offer.objects.filter(application__in=volume_applications(), status=OfferStatus.ACCEPTED)
    assert {c.offer_id for c in cases if c.offer_id} == set(accepted.values_list("pk", flat=True))
    statuses = Counter(c.status for c in cases)
    assert statuses[CaseStatus.STARTED] and statuses[CaseStatus.OPEN]
    assert statuses[CaseStatus.NO_SHOW] + statuses[CaseStatus.WITHDRAWN] >= 1
    for case in cases:
        if case.offer_id is None:  # a contractor who started on a contract requisition
            assert case.engagement.requisition.employment_type in CONTRACT_TYPES and case.application_id is None
            assert case.status == CaseStatus.STARTED and case.confirmed_start == case.engagement.start_date
            continue
        app = case.offer.application
        assert case.offer.status == OfferStatus.ACCEPTED and case.application_id == app.pk
        assert case.planned_start == case.original_start == case.offer.current_version.start_date
        # Hired: started; waiting to start: open; fallen through: a no-show or a withdrawal.
        fell = (CaseStatus.NO_SHOW, CaseStatus.WITHDRAWN)
        assert case.status == {"hired": CaseStatus.STARTED, "active": CaseStatus.OPEN}.get(app.status, fell[0]) or (
            case.status == fell[1] and app.status == "withdrawn"
        )
        if case.status == CaseStatus.STARTED:
            assert case.confirmed_start == case.planned_start and case.closed_at == app.stage_entered_at
        if case.status == CaseStatus.OPEN:
            assert case.planned_start > TODAY
    tasks = PreboardingTask.objects.filter(case__in=[c.pk for c in cases]).select_related("case", "decision")
    assert tasks.count() > 5 * len(cases)
    for task in tasks:
        if task.status in OPEN_TASK:
            assert task.case.status == CaseStatus.OPEN
            assert task.decision.kind == TASK_KIND and task.decision.status == DecisionStatus.OPEN
            assert task.decision.key == f"preboarding:task:{task.pk}"
        else:
            assert task.decision_id is None and task.completed_at is not None
            if task.case.status == CaseStatus.STARTED:
                assert task.status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)
        if task.kind == TaskKind.BACKGROUND_CHECK and task.status == TaskStatus.DONE:
            assert task.background_check.status == CheckStatus.CLEAR
    # A task's forecast stands while it is open, and is reversed once it is settled.
    standing = dict(
        CostEvent.objects.filter(kind=CostKind.FORECAST, source_type__model="preboardingtask")
        .filter(source_id__in=tasks.values("pk"))
        .values("source_id")
        .annotate(total=Sum("amount"))
        .values_list("source_id", "total")
    )
    for task in tasks.exclude(expected_cost=None):
        assert _cents(standing[task.pk]) == (task.expected_cost if task.status in OPEN_TASK else 0)
