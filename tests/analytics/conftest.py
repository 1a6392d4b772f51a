"""A small world for the dashboards' metrics, written at exact moments counted back from the suite's clock.

Every moment is `now` (tests.clock, stopped for the whole test by `still`) minus whole days, in UTC
arithmetic, so a duration between two of them is a whole number of days whatever the date and the
daylight-saving changes in between. The rows are written through the portal's services, each at its own
moment (time-machine travels there), so requisitions, their history, applications, transitions, offers and
pre-boarding cases agree with one another; interviews and decisions, which only need their times, are
written directly.

Figures are read through a slice, as the dashboards read them (`figures`); `drills_agree` checks that each
row of a table with a `counts` column counts exactly the list its row opens.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from analytics.filters import DashboardFilter
from analytics.slices import Slice
from analytics.tiles import board, table, tile
from candidates.choices import InterviewStatus, PanelRole
from candidates.models import Interview, InterviewParticipant, ReasonCode, Source, Stage
from candidates.services import apply, close_application, create_candidate, move_application
from candidates.services.interviews import ensure_plan
from offers.choices import POLICY as OFFER_POLICY
from offers.services import accept_offer, approve_offer, create_offer, extend_offer, submit_offer
from onboarding.models import PreboardingCase
from onboarding.services import confirm_start
from portal.choices import DecisionStatus, Outcome, Role
from portal.models import ApprovalRule, Decision
from requisitions.choices import POLICY as REQUISITION_POLICY
from requisitions.choices import Action
from requisitions.services import (
    approve_requisition,
    create_requisition,
    move_requisition,
    send_back_requisition,
    submit_requisition,
)
from tests import clock
from tests.factories import CompBandFactory, CostCenterFactory, RoleFamilyFactory, UserFactory, requisition_fields
from tests.offers.conftest import terms

LOCAL = ZoneInfo(settings.TIME_ZONE)


@pytest.fixture
def still(db):
    """The clock stopped at the suite's instant for the whole test: the figures are computed at the very
    `now` the world was counted back from (a boundary of "exactly 7 days" stays exact)."""
    with time_machine.travel(clock.instant(), tick=False):
        yield


@pytest.fixture
def now(still) -> datetime:
    """The test's instant, in UTC: moments are this minus whole days."""
    return clock.now().astimezone(UTC)


def at(moment: datetime):
    """Travel to `moment` (stopped) to write what happened then."""
    return time_machine.travel(moment, tick=False)


def d(n: float) -> timedelta:
    """n days."""
    return timedelta(days=n)


def local_midnight(day: date) -> datetime:
    """The start of `day` in the portal's time zone, as an instant in UTC."""
    return datetime.combine(day, time.min, tzinfo=LOCAL).astimezone(UTC)


def local_at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL).astimezone(UTC)


def stage(code: str) -> Stage:
    return Stage.objects.get(code=code)


def source(code: str) -> Source:
    return Source.objects.get(code=code)


# --- People ---------------------------------------------------------------------------------------------------


@dataclass
class People:
    rec: object  # the recruiter whose board is looked at
    rec2: object  # another recruiter
    hm: object  # the hiring manager whose board is looked at
    hm2: object  # another hiring manager
    director: object  # both hiring managers' manager: approves their requisitions
    finance: object
    hr: object  # approves offers
    admin: object  # looks at the organisation's board (sees every decision)
    iv1: object  # interviewers
    iv2: object


def person(username, first, last, *roles, **extra):
    return UserFactory(username=username, first_name=first, last_name=last, roles=list(roles), **extra)


@pytest.fixture
def people(db, no_checklists) -> People:
    """Named people (labels are their names), and approval rules kept to one step each: the hiring manager's
    manager approves a requisition, HR an offer. No pre-boarding checklist applies."""
    ApprovalRule.objects.filter(policy=REQUISITION_POLICY).exclude(approver="hm_manager").update(is_active=False)
    ApprovalRule.objects.filter(policy=OFFER_POLICY).exclude(approver_role=Role.HR, condition="always").update(
        is_active=False
    )
    director = person("m_director", "Dora", "Dean", Role.HIRING_MANAGER)
    return People(
        rec=person("m_rec", "Rita", "Reed", Role.RECRUITER),
        rec2=person("m_rec2", "Ray", "Rowe", Role.RECRUITER),
        hm=person("m_hm", "Hana", "Hill", Role.HIRING_MANAGER, manager=director),
        hm2=person("m_hm2", "Hugo", "Hart", Role.HIRING_MANAGER, manager=director),
        director=director,
        finance=person("m_finance", "Finn", "Ford", Role.FINANCE),
        hr=person("m_hr", "Hedy", "Hale", Role.HR),
        admin=person("m_admin", "Ada", "Amos", Role.ADMIN),
        iv1=person("m_iv1", "Ivy", "Irwin", Role.INTERVIEWER),
        iv2=person("m_iv2", "Ian", "Ives", Role.INTERVIEWER),
    )


def family(name: str):
    return RoleFamilyFactory(name=name)


# --- Requisitions -----------------------------------------------------------------------------------------------


def requisition(
    people: People,
    *,
    opened: datetime | None,
    hm=None,
    recruiter=None,
    role_family=None,
    department=None,
    submitted: datetime | None = None,
    approvals=None,
    sent_back=None,
    holds=(),
    openings: int = 1,
):
    """A requisition created and submitted at `submitted`, approved at each (approver, moment) of `approvals`
    (default: the director at `opened`), opened at `opened` (None: left approved or pending), then put on hold
    and resumed at each (held, resumed) of `holds` (resumed None: still on hold). `sent_back` = (moment,
    resubmitted): the director sends it back before the approvals and its hiring manager resubmits it."""
    hm = hm or people.hm
    recruiter = recruiter or people.rec
    extra = {}
    if role_family is not None:
        extra["band"] = CompBandFactory(role_family=role_family, effective_from=date(2020, 1, 1))
    if department is not None:
        extra["cost_center"] = CostCenterFactory(department=department)
    with at(submitted or opened):
        req = create_requisition(
            by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter, openings=openings, **extra)
        )
        submit_requisition(requisition=req, by=hm)
    if sent_back is not None:
        when, resubmitted = sent_back
        with at(when):
            send_back_requisition(requisition=req, by=people.director, note="Tighten the business case.")
        with at(resubmitted):
            submit_requisition(requisition=req, by=hm)
    for approver, when in approvals if approvals is not None else [(people.director, opened)]:
        with at(when):
            approve_requisition(requisition=req, by=approver)
    if opened is not None:
        with at(opened):
            move_requisition(requisition=req, action=Action.OPEN, by=hm)
    for held, resumed in holds:
        hold(req, held)
        if resumed is not None:
            resume(req, resumed)
    req.refresh_from_db()
    return req


def hold(req, moment: datetime):
    with at(moment):
        move_requisition(requisition=req, action=Action.HOLD, by=req.hiring_manager, note="Budget review.")
    req.refresh_from_db()
    return req


def resume(req, moment: datetime):
    with at(moment):
        move_requisition(requisition=req, action=Action.RESUME, by=req.hiring_manager)
    req.refresh_from_db()
    return req


def settle(req, action: str, moment: datetime):
    """Fill or cancel `req` by hand at `moment`."""
    with at(moment):
        move_requisition(requisition=req, action=action, by=req.hiring_manager, note="Settled.")
    req.refresh_from_db()
    return req


# --- Applications ---------------------------------------------------------------------------------------------

_names = iter(range(1, 100_000))


def candidate_named(name: str | None = None):
    n = next(_names)
    first = name or f"Cand{n}"
    return create_candidate(by=None, first_name=first, last_name="Tester", email=f"m{n}-{first.lower()}@example.com")


def application(req, *, applied: datetime, moves=(), close=None, via: str = "direct", name: str | None = None):
    """An application to `req` at `applied` (from the source `via`), moved to each (stage code, moment) of
    `moves` in turn, then closed with `close` = (reason code, moment) if given. Written by the system."""
    with at(applied):
        app = apply(candidate=candidate_named(name), requisition=req, by=None, source=source(via))
    for code, moment in moves:
        with at(moment):
            app = move_application(application=app, to_stage=stage(code), by=None)
    if close is not None:
        reason, moment = close
        with at(moment):
            app = close_application(application=app, reason=ReasonCode.objects.get(code=reason), by=None)
    app.refresh_from_db()
    return app


def hire(people: People, app, *, accepted: datetime):
    """An offer for `app` drafted, approved by HR, extended and accepted at `accepted` (the application moves to
    Offer, then Pre-start; the requisition counts the hire; the pre-boarding case opens)."""
    recruiter = app.requisition.recruiter
    with at(accepted):
        offer = create_offer(application=app, by=recruiter, terms=terms(app.requisition))
        submit_offer(offer=offer, by=recruiter)
        approve_offer(offer=offer, by=people.hr)
        offer.refresh_from_db()
        extend_offer(offer=offer, by=recruiter)
        offer = accept_offer(offer=offer, by=recruiter)
    app.refresh_from_db()
    return offer


def start(people: People, offer, *, on: date):
    """The hire's start confirmed by HR on the day `on` (mid-morning, local time)."""
    case = PreboardingCase.objects.get(offer=offer)
    with at(local_at(on, 10)):
        case = confirm_start(case=case, start=on, by=people.hr)
    return case


# --- Interviews and decisions -------------------------------------------------------------------------------------


def interview(app, starts: datetime | None, *panel, status=InterviewStatus.SCHEDULED):
    """An interview of `app` (its plan's first round) at `starts`, an hour long (None: still to schedule), with
    `panel` on it."""
    round_ = ensure_plan(requisition=app.requisition, by=None).rounds.order_by("position").first()
    booked = Interview.objects.create(
        application=app,
        round=round_,
        status=status,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1) if starts is not None else None,
    )
    for index, user in enumerate(panel):
        InterviewParticipant.objects.create(
            interview=booked, user=user, panel_role=PanelRole.LEAD if index == 0 else PanelRole.INTERVIEWER
        )
    return booked


def decision(
    *, kind="request", owner=None, owner_role="", due: datetime, created: datetime | None = None, decided=None
):
    """A decision due at `due`; `decided` = (who, when) closes it."""
    fields = {}
    if decided is not None:
        by, when = decided
        fields = {"status": DecisionStatus.DONE, "outcome": Outcome.DONE, "decided_by": by, "decided_at": when}
    return Decision.objects.create(
        kind=kind,
        title=f"Decide {kind}",
        owner=owner,
        owner_role=owner_role,
        due_at=due,
        created_at=created or due - timedelta(days=3),
        **fields,
    )


# --- A pipeline over time -------------------------------------------------------------------------------------


@pytest.fixture
def stage_world(people, now):
    """Days before N. On Rita's requisition S1 (opened 200 days ago):
    A: applied 40, Screen 37, Interview 32 (active in Interview).
    B: applied 120, Screen 100, Interview 80, rejected 70 (in Interview).
    C: applied 10, Screen 8 (active in Screen).
    E: applied 200, never moved (active in Applied).
    On Ray's S2 (opened 200 days ago):
    D: applied 20, Screen 19 (active in Screen).
    W: applied 50, withdrew 45 (in Applied).
    """
    N = now
    w = {}
    w["S1"] = requisition(people, opened=N - d(200))
    w["S2"] = requisition(people, opened=N - d(200), hm=people.hm2, recruiter=people.rec2)
    w["E"] = application(w["S1"], applied=N - d(200), name="Eve")
    w["B"] = application(
        w["S1"],
        applied=N - d(120),
        moves=[("screen", N - d(100)), ("interview", N - d(80))],
        close=("skill_gap", N - d(70)),
        name="Bea",
    )
    w["W"] = application(w["S2"], applied=N - d(50), close=("timing", N - d(45)), name="Wes")
    w["A"] = application(
        w["S1"], applied=N - d(40), moves=[("screen", N - d(37)), ("interview", N - d(32))], name="Ann"
    )
    w["D"] = application(w["S2"], applied=N - d(20), moves=[("screen", N - d(19))], name="Dan")
    w["C"] = application(w["S1"], applied=N - d(10), moves=[("screen", N - d(8))], name="Cal")
    return w


# --- Reading the figures ---------------------------------------------------------------------------------------


def filters(**data) -> DashboardFilter:
    fs = DashboardFilter({name: value for name, value in data.items() if value is not None})
    assert fs.is_valid(), fs.errors
    return fs


def slice_of(user, board_key: str, **data) -> Slice:
    return Slice.of(user, board(board_key), filters(**{"period": "90", **data}))


def count(key: str, user, board_key: str, **data) -> int:
    return tile(key).count(slice_of(user, board_key, **data))


def rows(key: str, user, board_key: str, **data) -> list[dict]:
    return table(key).compute(slice_of(user, board_key, **data))


def by_label(table_rows: list[dict], *columns: str) -> dict:
    """{label: (the columns' values)} of a table's rows (one column: the value itself)."""
    if len(columns) == 1:
        return {row["label"]: row[columns[0]] for row in table_rows}
    return {row["label"]: tuple(row[column] for column in columns) for row in table_rows}


def drills_agree(key: str, user, board_key: str, **data) -> list[tuple]:
    """Each row of table `key` that opens a list, as (label, the row's count, the list's count): the list of
    the row's tile on the slice narrowed by the row's drill filters, as the row's link opens it."""
    spec = table(key)
    assert spec.counts and spec.tile, f"{key} declares no counts column"
    data = {"period": "90", **data}
    checked = []
    for row in spec.compute(slice_of(user, board_key, **data)):
        if row["drill"] is None:
            continue
        drilled = {**data, **{name: getattr(value, "pk", value) for name, value in row["drill"].items()}}
        listed = tile(spec.tile).count(Slice.of(user, board(board_key), filters(**drilled)))
        checked.append((row["label"], row[spec.counts], listed))
    return checked


def days(value) -> Decimal:
    """A figure in days as the tables show it (one decimal)."""
    return Decimal(str(value)).quantize(Decimal("0.1"))
