"""Demo requisitions: about forty across departments, in every status, with chains in flight.

Each one is replayed through the real services at past times (portal.clock), so timestamps,
due dates, approvals and history read as if it all happened over the last weeks. Idempotent:
a requisition whose title exists is left alone.
"""

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from portal import clock
from portal.demo import business_moment
from portal.models import CostCenter, HiringPlan, Level, Location, RoleFamily, User
from portal.permissions import can_take_decision
from portal.selectors import role_members
from portal.services.approvals import open_chain, open_chain_decisions
from requisitions.choices import Action, Status
from requisitions.models import Requisition
from requisitions.selectors import plan_capacity
from requisitions.services import (
    SubmissionRefused,
    approve_requisition,
    create_requisition,
    move_requisition,
    reject_requisition,
    send_back_requisition,
    share_requisition,
    submit_requisition,
    update_requisition,
)
from requisitions.validation import submission_problems


@dataclass(frozen=True)
class Need:
    title: str
    family: str
    level: str
    cost_center: str
    city: str
    hiring_manager: str
    employment_type: str = "full_time"
    openings: int = 1
    backfill_for: str = ""


NEEDS = [
    Need("Senior Backend Developer", "Software Engineering", "L3", "CC-4100", "Toronto", "hiring_manager"),
    Need("Site Reliability Engineer", "Software Engineering", "L3", "CC-4100", "Toronto", "hiring_manager"),
    Need("Backend Developer", "Software Engineering", "L2", "CC-4100", "Montréal", "hiring_manager", openings=2),
    Need("Staff Platform Engineer", "Software Engineering", "L4", "CC-4100", "Vancouver", "hiring_manager"),
    Need("Data Engineer", "Data", "L2", "CC-4100", "Toronto", "hiring_manager", backfill_for="Priya Nair"),
    Need("QA Analyst", "Software Engineering", "L2", "CC-4200", "Toronto", "director", "contract"),
    Need("Frontend Developer", "Software Engineering", "L2", "CC-4200", "Calgary", "director"),
    Need("Mobile Developer", "Software Engineering", "L3", "CC-4200", "Toronto", "director", "contract_to_hire"),
    Need("Engineering Manager, Payments", "Software Engineering", "M1", "CC-4200", "Toronto", "director"),
    Need("Security Engineer", "Software Engineering", "L3", "CC-4200", "Vancouver", "director"),
    Need("Data Analyst", "Data", "L2", "CC-4200", "Montréal", "director", backfill_for="Marc Gagnon"),
    Need("Machine Learning Engineer", "Data", "L3", "CC-4200", "Toronto", "director"),
    Need("Support Specialist, Tier 1", "Customer Support", "L1", "CC-5100", "Halifax", "hiring_manager2", openings=3),
    Need(
        "Bilingual Support Specialist", "Customer Support", "L2", "CC-5100", "Montréal", "hiring_manager2", openings=2
    ),
    Need("Support Team Lead", "Customer Support", "M1", "CC-5100", "Halifax", "hiring_manager2"),
    Need("Seasonal Support Agent", "Customer Support", "L1", "CC-5100", "Halifax", "hiring_manager2", "temporary", 4),
    Need(
        "Workforce Planner", "Customer Support", "L2", "CC-5100", "Toronto", "hiring_manager2", backfill_for="Ana Silva"
    ),
    Need("Support Operations Analyst", "Customer Support", "L2", "CC-5100", "Calgary", "hiring_manager2"),
    Need("Technical Support Engineer", "Customer Support", "L3", "CC-5100", "Toronto", "hiring_manager2"),
    Need("Support Knowledge Writer", "Customer Support", "L2", "CC-5100", "Halifax", "hiring_manager2", "part_time"),
    Need("Account Executive", "Sales", "L2", "CC-6100", "Toronto", "director", openings=2),
    Need("Sales Development Representative", "Sales", "L1", "CC-6100", "Calgary", "director", openings=2),
    Need("Solutions Engineer", "Sales", "L3", "CC-6100", "Toronto", "director"),
    Need("Enterprise Account Executive", "Sales", "L3", "CC-6100", "Vancouver", "director"),
    Need("Sales Operations Analyst", "Sales", "L2", "CC-6100", "Toronto", "director", backfill_for="Tom Becker"),
    Need("Regional Sales Manager", "Sales", "M1", "CC-6100", "Montréal", "director"),
    Need("Sales Intern", "Sales", "L1", "CC-6100", "Toronto", "director", "intern"),
    Need("People Operations Coordinator", "People Operations", "L1", "CC-7100", "Toronto", "director"),
    Need("HR Business Partner", "People Operations", "L3", "CC-7100", "Toronto", "director", backfill_for="Lee Wong"),
    Need("Payroll Specialist", "Finance", "L2", "CC-7100", "Calgary", "director", "contract"),
    Need("Talent Acquisition Partner", "People Operations", "L2", "CC-7100", "Montréal", "director"),
    Need("DevOps Engineer", "Software Engineering", "L3", "CC-4100", "Calgary", "hiring_manager", "contract"),
    Need("Database Administrator", "Software Engineering", "L3", "CC-4100", "Toronto", "hiring_manager"),
    Need("Engineering Intern", "Software Engineering", "L1", "CC-4100", "Toronto", "hiring_manager", "intern", 2),
    Need("Support Quality Coach", "Customer Support", "L2", "CC-5100", "Montréal", "hiring_manager2"),
    Need("Escalations Specialist", "Customer Support", "L3", "CC-5100", "Halifax", "hiring_manager2"),
    Need("Product Analyst", "Data", "L2", "CC-4200", "Toronto", "director"),
    Need("Partner Manager", "Sales", "L3", "CC-6100", "Toronto", "director"),
    Need("Cloud Cost Analyst", "Finance", "L2", "CC-4100", "Toronto", "hiring_manager", "contract"),
    Need("Engineering Manager, Platform", "Software Engineering", "M1", "CC-4100", "Toronto", "hiring_manager"),
    Need("Support Analyst", "Customer Support", "L1", "CC-5100", "Halifax", "hiring_manager2"),
]

# Where each requisition ends up, cycled over NEEDS: every status, chains in flight.
FATES = [
    Status.OPEN, Status.PENDING_APPROVAL, Status.DRAFT, Status.APPROVED, Status.OPEN, Status.PENDING_APPROVAL,
    Status.FILLED, Status.ON_HOLD, Status.PENDING_APPROVAL, Status.SENT_BACK, Status.OPEN, Status.REJECTED,
    Status.PENDING_APPROVAL, Status.CANCELLED, Status.DRAFT, Status.OPEN, Status.APPROVED,
]  # fmt: skip

BUSINESS_CASES = [
    "Demand grew faster than the plan assumed; the team is covering with overtime.",
    "A new enterprise contract starts next quarter and needs dedicated coverage.",
    "Reduces reliance on contractors for work that is now permanent.",
    "Required to meet the support SLA committed in the renewal negotiations.",
]


PEOPLE = ("recruiter", "finance", "hr", "admin", "hiring_manager", "hiring_manager2", "director", "coo")


def _people() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=PEOPLE)}


def seed(*, rng: random.Random, scale: int, log) -> None:
    people = _people()
    if len(people) < len(PEOPLE):
        log("skipped: run the portal's demo first")
        return
    created = 0
    for index, need in enumerate(NEEDS):  # --scale N adds its volume afterwards, in bulk (requisitions.bulk)
        if Requisition.objects.filter(title=need.title).exists():
            continue
        _replay(need, need.title, FATES[index % len(FATES)], people, rng, age_days=rng.randint(12, 70))
        created += 1
    if created:
        log(f"created {created} requisitions in every status")
    _share_view_only(people, log)


def _share_view_only(people: dict[str, User], log) -> None:
    """One open requisition shared, view only, with a hiring manager of another team: signed in as them, it
    and its candidates show, and nothing to run them (who runs a requisition is its change grant)."""
    req = Requisition.objects.filter(title=NEEDS[0].title, status=Status.OPEN).first()
    viewer = people["hiring_manager2"]
    if req is None or viewer.has_perm("requisitions.view_requisition", req):
        return
    share_requisition(requisition=req, user=viewer, by=req.hiring_manager, reason="shared to follow, view only")
    log(f"shared {req.reference} with {viewer.username}, view only")


def contract_requisition(title: str, *, rng: random.Random, age_days: int) -> Requisition | None:
    """An open contract requisition for one contractor in the role of the need titled `title`, raised
    `age_days` ago and replayed like the others: for the demos of contractors who started before this
    demo's requisitions were raised. None when it does not reach open (its plan is full)."""
    need = next((n for n in NEEDS if n.title == title), None)
    if need is None:
        return None
    plans = HiringPlan.objects.filter(cost_center__code=need.cost_center)
    if not any(plan_capacity(plan).remaining_headcount >= 1 for plan in plans):
        return None  # its cost center's plans are full: no requisition to raise
    need = replace(need, employment_type="contract", openings=1, backfill_for="")
    req = _replay(need, f"{title} (contract)", Status.OPEN, _people(), rng, age_days=age_days)
    return req if req is not None and req.status == Status.OPEN else None


def _replay(
    need: Need, title: str, fate: str, people: dict, rng: random.Random, *, age_days: int
) -> Requisition | None:
    """Create the requisition `age_days` ago and move it, step by step, to `fate` (or as far as it goes);
    the requisition, or None when it stayed a draft."""
    hm = people[need.hiring_manager]
    creator = hm if rng.random() < 0.7 else people["recruiter"]
    moment = business_moment(timezone.now() - timedelta(days=age_days), rng)
    if fate == Status.PENDING_APPROVAL:
        # In-flight chains were submitted recently; some are past their due date.
        moment = business_moment(timezone.now() - timedelta(days=rng.randint(1, 6)), rng)
    with clock.frozen(moment):
        req = create_requisition(by=creator, **_fields(need, title, hm, people, rng, moment))
    if fate == Status.DRAFT:
        return None
    moment = _later(moment, rng, hours=(2, 30))
    with clock.frozen(moment):
        if "justification" in submission_problems(req):
            update_requisition(
                requisition=req, by=creator, justification="Market data for this skill set is above our band."
            )
        try:
            submit_requisition(requisition=req, by=creator)
        except SubmissionRefused:
            return None  # the plan is full at this volume (--scale): it stays a draft, as it would in real life
    moment = _approve_chain(req, moment, people, rng, fate)
    req.refresh_from_db()
    if req.status != Status.APPROVED:
        return req  # refused, cancelled, or still waiting on an approver
    for action, gap, note in _moves_after_approval(fate):
        moment = _later(moment, rng, hours=gap)
        if moment > timezone.now():
            break
        with clock.frozen(moment):
            move_requisition(requisition=req, action=action, by=people["recruiter"], note=note)
    req.refresh_from_db()
    return req


def _approve_chain(req, moment, people, rng, fate):
    req.refresh_from_db()  # the services worked on their own copy
    chain = open_chain(req)
    last_step = (chain.steps.aggregate(Max("step"))["step__max"] if chain else None) or 1
    refusing_step = rng.randint(1, last_step)
    for step_number in range(1, 5):
        decisions = list(open_chain_decisions(req).select_related("owner"))
        if not decisions:
            break
        if fate == Status.PENDING_APPROVAL and (step_number > 1 or rng.random() < 0.5):
            break  # leave this step in flight
        for decision in decisions:
            approver = _approver_for(decision, req)
            if approver is None:
                continue  # taken already, or one person holds both hats: that approval waits
            moment = _later(moment, rng, hours=(3, 40))
            with clock.frozen(moment):
                if fate == Status.SENT_BACK and step_number == refusing_step:
                    send_back_requisition(
                        requisition=req,
                        by=approver,
                        note="Please split the one-time costs and attach the plan reference.",
                    )
                    return moment
                if fate == Status.REJECTED and step_number == refusing_step:
                    reject_requisition(
                        requisition=req, by=approver, note="Not in this quarter's priorities; revisit in the next plan."
                    )
                    return moment
                if fate == Status.CANCELLED and step_number == refusing_step:
                    move_requisition(
                        requisition=req,
                        action=Action.CANCEL,
                        by=people[req.hiring_manager.username],
                        note="The team was reorganised.",
                    )
                    return moment
                approve_requisition(requisition=req, by=approver, note=rng.choice(["", "OK.", "Approved within plan."]))
    return moment


def _approver_for(decision, req) -> User | None:
    """Who takes `decision` in the demo: its owner, or a role member free to take it (None: nobody is,
    as when one person holds both hats and already approved in this round)."""
    decision.refresh_from_db()
    if decision.owner_id:
        return decision.owner if can_take_decision(decision.owner, decision) else None
    members = role_members(decision.owner_role).order_by("username")
    return next((user for user in members if can_take_decision(user, decision)), None)


def _moves_after_approval(fate):
    moves = {
        Status.APPROVED: [],
        Status.OPEN: [(Action.OPEN, (4, 30), "")],
        Status.ON_HOLD: [(Action.OPEN, (4, 30), ""), (Action.HOLD, (72, 200), "Budget review for the quarter.")],
        Status.FILLED: [(Action.OPEN, (4, 30), ""), (Action.FILL, (200, 500), "")],
    }
    return moves.get(fate, [])


def _fields(need, title, hm, people, rng, moment) -> dict:
    cost_center = CostCenter.objects.get(code=need.cost_center)
    family = RoleFamily.objects.get(name=need.family)
    level = Level.objects.get(code=need.level)
    location = Location.objects.get(city=need.city)
    start = timezone.localtime(moment).date() + timedelta(days=rng.randint(40, 100))
    fields = {
        "title": title,
        "role_family": family,
        "level": level,
        "department": cost_center.department,
        "cost_center": cost_center,
        "location": location,
        "employment_type": need.employment_type,
        "openings": need.openings,
        "hiring_manager": hm,
        "recruiter": people["recruiter"],
        "target_start_date": start,
        "hiring_plan": _plan_for(cost_center, start, need.openings),
        "is_backfill": bool(need.backfill_for),
        "backfill_for": need.backfill_for,
        "business_case": "" if need.backfill_for else rng.choice(BUSINESS_CASES),
        "equipment": Decimal("2500"),
    }
    if need.employment_type in ("contract", "contract_to_hire"):
        fields.update(
            max_bill_rate=Decimal(rng.choice([85, 95, 110, 125, 140])), contract_hours=rng.choice([900, 1200, 1800])
        )
        fields["agency_fee"] = Decimal("0")
    else:
        from requisitions.selectors import band_for

        band = band_for(role_family_id=family.pk, level_id=level.pk, location_id=location.pk, on=start)
        mid = band.midpoint if band else Decimal("80000")
        stretch = Decimal(rng.choice(["0.95", "1.0", "1.05", "1.2"]))  # a few above the band
        fields.update(
            base_min=(mid * Decimal("0.92")).quantize(Decimal("1")),
            base_max=(mid * stretch).quantize(Decimal("1")),
            bonus_pct=Decimal(rng.choice([0, 5, 10, 15])),
            benefits_load_pct=Decimal("18"),
            agency_fee=Decimal(rng.choice([0, 0, 0, 15000])),
            relocation=Decimal(rng.choice([0, 0, 10000])),
        )
    return fields


def _plan_for(cost_center, start, openings):
    """The cost center's plan for the start's quarter, or the one with most headcount left."""
    plans = list(HiringPlan.objects.filter(cost_center=cost_center).order_by("period"))
    quarter = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    fitting = [p for p in plans if plan_capacity(p).remaining_headcount >= openings]
    exact = [p for p in fitting if p.period == quarter]
    if exact:
        return exact[0]
    return max(fitting, key=lambda p: plan_capacity(p).remaining_headcount) if fitting else plans[-1]


def _later(moment: datetime, rng: random.Random, *, hours: tuple[int, int]) -> datetime:
    """A business moment some hours after `moment`, never past the present (unless `moment` is)."""
    later = business_moment(moment + timedelta(hours=rng.randint(*hours)), rng)
    return max(moment + timedelta(minutes=1), min(later, timezone.now()))
