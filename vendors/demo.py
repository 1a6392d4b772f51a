"""Demo vendors and what they were paid for, over about a year: eight vendors (agencies, contractor
suppliers and both; one on hold, one terminated) with contacts, clauses checked by finance and fee
terms; rate cards for the demo requisitions' roles (two expiring within 30 days); fifteen engagements in
every status (rates above the card approved through the chain, one waiting on the hiring manager, one
on finance, one refused; renewals asked of the hiring managers); a year of weekly timesheets and the
monthly invoices that billed them (paid, waiting, flagged, approved with an override, rejected); and an
agency placement from an application the agency sent.

Everything goes through the services, replayed at past moments (portal.clock), by whoever holds each
step: finance keeps vendors and rate cards, the recruiter runs engagements and records the weeks, the
hiring managers approve them, the admin enters invoices and finance approves them. The ledger gets
its forecasts and actuals from those services. Idempotent: a run that finds vendors adds nothing.
"""

import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.utils import timezone

from candidates.models import Stage
from candidates.services import apply, create_candidate, move_application
from offers.choices import OfferStatus
from offers.demo import offer_terms
from offers.services import accept_offer, approve_offer, create_offer, extend_offer, submit_offer
from portal import calendar, clock
from portal.choices import Outcome
from portal.demo import LOCATION_FACTOR, business_moment
from portal.models import Notification, User
from portal.permissions import can_take_decision
from portal.services.approvals import open_chain_decisions
from portal.services.notifications import mark_read
from portal.services.saved_views import save_view
from requisitions.choices import Status
from requisitions.demo import contract_requisition
from requisitions.models import Requisition
from vendors.choices import IN_FORCE, EngagementStatus, TimesheetStatus, VendorKind, VendorStatus
from vendors.costs import timesheet_charge
from vendors.models import Engagement, Invoice, Placement, RateCard, RequiredClause, Timesheet, Vendor, VendorContact
from vendors.services import (
    EngagementInput,
    InvoiceInput,
    LineInput,
    RenewalInput,
    approve_invoice,
    approve_rate,
    approve_timesheet,
    check_clause,
    create_engagement,
    create_invoice,
    end_engagement,
    mark_paid,
    record_timesheet,
    refuse_rate,
    reject_invoice,
    reject_timesheet,
    renew_engagement,
    run_daily,
    save_contact,
    save_rate_card,
    save_vendor,
    start_engagement,
)

ADMIN, FINANCE, RECRUITER = "admin", "finance", "recruiter"


@dataclass(frozen=True)
class VendorPlan:
    name: str
    kind: str
    prefix: str  # of the vendor's invoice numbers
    markup: int  # % over pay on its rate cards (contractor suppliers)
    contract_days: int  # contract expiry, days from today
    insurance_days: int
    contacts: tuple[tuple[str, str, str], ...]  # name, role, phone
    fee_pct: int | None = None
    guarantee_days: int | None = None
    status: str = VendorStatus.APPROVED
    note: str = ""


VENDORS = [
    VendorPlan(
        "Maple Tech Staffing", "supplier", "MTS", 28, 18, 210,
        (("Heather Lam", "Account manager", "416-555-0141"), ("Raj Malhotra", "Billing", "416-555-0188")),
    ),
    VendorPlan(
        "Cascadia Engineering Talent", "both", "CET", 30, 290, 95,
        (("Owen Fraser", "Principal", "604-555-0117"), ("Mina Takahashi", "Accounts receivable", "604-555-0162")),
        fee_pct=22, guarantee_days=75,
    ),
    VendorPlan(
        "Laurentian Solutions", "both", "LS", 26, 400, 160,
        (("Geneviève Caron", "Directrice de comptes", "514-555-0134"), ("Paul Dufresne", "Billing", "514-555-0150")),
        fee_pct=20, guarantee_days=90,
    ),
    VendorPlan(
        "Prairie Contract Services", "supplier", "PCS", 32, 220, 330,
        (("Dana Whitehorse", "Branch manager", "403-555-0121"),),
    ),
    VendorPlan(
        "Northbridge Talent Partners", "agency", "NTP", 0, 500, 240,
        (("Marcus Bell", "Senior search consultant", "416-555-0109"), ("Alice Wu", "Finance", "416-555-0173")),
        fee_pct=18, guarantee_days=90,
    ),
    VendorPlan(
        "Harbourview Recruiting", "agency", "HR", 0, 130, 180,
        (("Siobhan MacNeil", "Recruitment lead", "902-555-0126"),),
        fee_pct=15, guarantee_days=60,
    ),
    VendorPlan(
        "Bluewater Staffing Group", "supplier", "BSG", 27, 75, -12,
        (("Kevin Doyle", "Account manager", "905-555-0190"),),
        status=VendorStatus.ON_HOLD,
        note="On hold: the liability insurance certificate lapsed. No new engagements until the renewal is on file.",
    ),
    VendorPlan(
        "Summit Executive Search", "agency", "SES", 0, -45, -70,
        (("Victoria Hale", "Managing partner", "416-555-0155"),),
        fee_pct=25, guarantee_days=90, status=VendorStatus.TERMINATED,
        note="Terminated: two placements left within the guarantee period and no replacement was provided.",
    ),
]  # fmt: skip

# Hourly pay of a contractor at each role family and level in Toronto; location factors and the vendor's
# markup give the card's bill rate (kept between 60 and 160 an hour).
PAY = {
    ("Software Engineering", "L2"): 66, ("Software Engineering", "L3"): 80, ("Software Engineering", "L4"): 96,
    ("Software Engineering", "M1"): 100, ("Data", "L2"): 70, ("Data", "L3"): 84, ("Finance", "L2"): 62,
    ("Customer Support", "L1"): 44, ("Customer Support", "L2"): 50, ("Customer Support", "L3"): 58,
    ("Sales", "L2"): 52, ("Sales", "L3"): 64,
}  # fmt: skip
MIN_BILL, MAX_BILL = Decimal("60"), Decimal("160")

# More rate cards than the engagements need: the roles each supplier quotes for (requisition titles).
EXTRA_CARDS = {
    "Maple Tech Staffing": ("Backend Developer", "Frontend Developer"),
    "Cascadia Engineering Talent": ("Security Engineer", "Machine Learning Engineer"),
    "Laurentian Solutions": ("Data Analyst", "Bilingual Support Specialist"),
    "Prairie Contract Services": ("Payroll Specialist", "Support Specialist, Tier 1"),
}


@dataclass(frozen=True)
class Plan:
    """One engagement: who, on which requisition (the first of `titles` still standing), through which
    vendor, from `start` to `end` (days from today), at `over` % above the card, and what becomes of it."""

    worker: str
    titles: tuple[str, ...]
    vendor: str
    fate: str  # active, renewed, short (ends within 30 days), planned, pending_hm, pending_finance, ended, refused
    start: int
    end: int
    over: int = 0
    reason: str = ""
    hours: str = "40"
    card: str = ""  # how its rate card ends: "successor", "expiring" (within 30 days), "expired"
    ended: int = 0  # ended early: days from today
    ended_by: str = "manager"
    note: str = ""
    reject_week: bool = False  # one week sent back by the hiring manager, then corrected


PLANS = [
    Plan(
        "Nadia Kowalski", ("Senior Backend Developer",), "Maple Tech Staffing", "renewed", -330, 60,
        card="successor", note="The platform roadmap needs her through the summer.",
    ),
    Plan(
        "Tomás Ferreira", ("Staff Platform Engineer", "Database Administrator"), "Cascadia Engineering Talent",
        "active", -270, 95, over=18,
        reason="Led two Kubernetes platform migrations; the only finalist free this quarter, at the market rate.",
    ),
    Plan("Grace Whitfield", ("Cloud Cost Analyst",), "Laurentian Solutions", "active", -200, 125, reject_week=True),
    Plan(
        "Marc-André Leduc", ("Seasonal Support Agent", "Support Specialist, Tier 1"), "Prairie Contract Services",
        "active", -150, 50, hours="37.5",
    ),
    Plan(
        "Aaliyah Osei", ("Support Operations Analyst",), "Prairie Contract Services", "active", -45, 140, over=8,
        hours="37.5", reason="Bilingual (English and French) with Zendesk admin certification; the card is unilingual.",
    ),
    Plan("Ivan Petrov", ("Mobile Developer", "Senior Backend Developer"), "Maple Tech Staffing", "active", -120, 100),
    Plan("Chloe Anderson", ("Database Administrator",), "Maple Tech Staffing", "short", -14, 25),
    Plan(
        "Rémi Gauthier", ("Support Quality Coach", "Bilingual Support Specialist"), "Laurentian Solutions", "short",
        -9, 20, hours="37.5", card="expiring",
    ),
    Plan("Hannah Brooks", ("Data Engineer",), "Laurentian Solutions", "planned", 16, 180),
    Plan(
        "Kofi Mensah", ("Database Administrator", "Staff Platform Engineer"), "Cascadia Engineering Talent",
        "pending_hm", 23, 205, over=12,
        reason="Oracle-to-PostgreSQL migration experience the card's level does not price in.",
    ),
    Plan(
        "Julia Novak", ("Workforce Planner",), "Prairie Contract Services", "pending_finance", 19, 150, over=10,
        hours="37.5", reason="Brings the NICE forecasting set-up we are moving to; two other suppliers quoted more.",
    ),
    Plan(
        "Daniel Reyes", ("Data Engineer",), "Laurentian Solutions", "ended", -350, 45, ended=-200,
        note="The pipeline migration was delivered ahead of plan.",
    ),
    Plan(
        "Sophie Martel", ("Workforce Planner", "Payroll Specialist"), "Bluewater Staffing Group", "ended", -300, 40,
        hours="37.5",
        card="expired", ended=-180, ended_by="recruiter",
        note="Bluewater told us the contractor resigned; the team covered the rest of the season.",
    ),
    Plan(
        "Ethan Clarke", ("Technical Support Engineer", "QA Analyst"), "Prairie Contract Services", "refused", -40, 120,
        over=22,
        reason="Asked for the senior rate: nine years of tier-3 support.",
        note="The rate was refused and the candidate took another contract.",
    ),
    Plan(
        "Liam O'Connor", ("Solutions Engineer", "Partner Manager"), "Cascadia Engineering Talent", "ended",
        -240, 100, ended=-60, note="Budget moved to next quarter's plan.",
    ),
]  # fmt: skip

# Where a vendor's monthly invoices depart from the norm (months back from the last one invoiced).
INVOICE_QUIRKS = {
    ("Maple Tech Staffing", 0): "waiting",  # matched, waiting for finance
    ("Cascadia Engineering Talent", 0): "over_rate",  # flagged, waiting for a finance override
    ("Laurentian Solutions", 1): "override",  # flagged, approved with an override reason
    ("Prairie Contract Services", 2): "duplicate",  # sent twice: the second is rejected
}
AGENCY = "Northbridge Talent Partners"  # the agency whose candidate is hired
STANDING = (Status.APPROVED, Status.OPEN, Status.ON_HOLD)  # requisitions that take engagements


def seed(*, rng: random.Random, scale: int, log) -> None:
    if Vendor.objects.exists():
        return
    people = {u.username: u for u in User.objects.filter(username__in=[ADMIN, FINANCE, RECRUITER])}
    if len(people) < 3 or not Requisition.objects.filter(status__in=STANDING).exists():
        log("skipped: run the portal and requisitions demos first")
        return
    demo = _Demo(rng, people)
    with transaction.atomic():
        demo.run()
    run_daily()  # what the hourly job does now: expiry reminders to the vendors' owners
    _read_old_notifications()
    for line in demo.summary():
        log(line)
    _saved_views(log)


class _Demo:
    def __init__(self, rng: random.Random, people: dict[str, User]):
        self.rng = rng
        self.people = people
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.vendors: dict[str, Vendor] = {}
        self.engagements: list[tuple[Plan, Engagement]] = []
        self.counts = defaultdict(int)

    def run(self) -> None:
        requisitions = self._requisitions()
        for plan in VENDORS:
            self.vendors[plan.name] = self._vendor(plan)
        self._rate_cards(requisitions)
        for plan in PLANS:
            if plan.worker in requisitions:
                self.engagements.append((plan, self._engagement(plan, requisitions[plan.worker])))
        for plan in VENDORS:
            self._settle(plan)  # on hold or terminated after the work it did
        for plan, engagement in self.engagements:
            self._timesheets(plan, engagement)
        self._invoices()
        self._agency_hire()

    def summary(self) -> list[str]:
        statuses = defaultdict(int)
        for engagement in Engagement.objects.all():
            statuses[engagement.get_status_display().lower()] += 1
        invoices = defaultdict(int)
        for invoice in Invoice.objects.all():
            invoices[invoice.get_status_display().lower()] += 1
        return [
            f"created {len(self.vendors)} vendors and {self.counts['cards']} rate cards",
            f"engagements: {_tally(statuses)}",
            f"{self.counts['timesheets']} timesheets; invoices: {_tally(invoices)}",
            f"{self.counts['placements']} agency placement",
        ]

    # --- Time ------------------------------------------------------------------------------------------

    def day(self, offset: int) -> date:
        """The business day on or after today + `offset` days."""
        return calendar.add_business_days(self.today + timedelta(days=offset), 0)

    def day_before(self, offset: int) -> date:
        """The business day on or before today + `offset` days."""
        day = self.today + timedelta(days=offset)
        return day if calendar.is_business_day(day) else calendar.business_day_before(day, 1)

    def at(self, day: date) -> datetime:
        """A business moment of `day` (of the business day before, should that be later than now)."""
        return business_moment(timezone.make_aware(datetime.combine(day, time(12))), self.rng)

    def after(self, moment: datetime, hours: tuple[int, int]) -> datetime:
        """A business moment some hours after `moment`, never later than now."""
        later = business_moment(moment + timedelta(hours=self.rng.randint(*hours)), self.rng)
        return min(max(later, moment + timedelta(minutes=self.rng.randint(5, 50))), self.now)

    def taker(self, decision) -> User | None:
        """Who takes an approval step: its owner, or the first of its role free to take it."""
        if decision.owner_id:
            return decision.owner if can_take_decision(decision.owner, decision) else None
        members = User.objects.with_role(decision.owner_role).exclude(username=RECRUITER).order_by("username")
        return next((u for u in members if can_take_decision(u, decision)), None)

    # --- Vendors and rate cards ------------------------------------------------------------------------

    def _requisitions(self) -> dict[str, Requisition]:
        """Each engagement's requisition: the first of its titles still standing (approved, open or on
        hold) where it fits, else another standing one of the demo recruiter's. A contractor who started
        before any of them was approved gets a contract requisition of their own, raised a few weeks
        before they were engaged (`requisitions.demo.contract_requisition`)."""
        standing = list(
            Requisition.objects.filter(status__in=STANDING, recruiter__username=RECRUITER)
            .exclude(role_family=None)
            .exclude(level=None)
            .exclude(location=None)
            .select_related("role_family", "level", "location", "hiring_manager")
            .order_by("pk")
        )
        by_title = {req.title: req for req in standing}
        taken = defaultdict(int)

        def fits(req: Requisition, plan: Plan) -> bool:
            """Approved well before the engagement was planned. Cover fits any requisition; on a contract
            one, an engagement needs an opening of its own, and one that starts needs it open."""
            planned_by = self.today + timedelta(days=min(plan.start, 0) - 30)
            if req.approved_at is None or timezone.localdate(req.approved_at) > planned_by:
                return False
            if not req.is_contract:
                return True
            starts = plan.start < 0 and plan.fate != "refused"
            return taken[req.pk] < req.openings_left and (req.status == Status.OPEN or not starts)

        chosen = {}
        for n, plan in enumerate(PLANS):
            turn = n % len(standing) if standing else 0
            others = standing[turn:] + standing[:turn]
            candidates = [by_title[t] for t in plan.titles if t in by_title] + others
            req = next((r for r in candidates if fits(r, plan)), None)
            age = max(-plan.start, 0) + 30 + self.rng.randint(5, 15)
            for title in plan.titles if req is None else ():
                req = contract_requisition(title, rng=self.rng, age_days=age)
                if req is not None:
                    req = Requisition.objects.select_related("role_family", "level", "location").get(pk=req.pk)
                    break
            if req is not None:
                chosen[plan.worker] = req
                taken[req.pk] += 1
        return chosen

    def _vendor(self, plan: VendorPlan) -> Vendor:
        finance = self.people[FINANCE]
        moment = self.at(self.today - timedelta(days=self.rng.randint(405, 425)))
        with clock.frozen(moment):
            vendor = save_vendor(
                vendor=Vendor(
                    name=plan.name,
                    kind=plan.kind,
                    owner=self.people[RECRUITER] if plan.kind == VendorKind.AGENCY else finance,
                    fee_pct=Decimal(plan.fee_pct) if plan.fee_pct is not None else None,
                    guarantee_days=plan.guarantee_days,
                    contract_expires_on=self.today + timedelta(days=plan.contract_days),
                    insurance_expires_on=self.today + timedelta(days=plan.insurance_days),
                    terms_template=_terms_template(plan),
                ),
                by=self.people[ADMIN],
            )
            domain = _email(plan.name.split()[0], "example").replace("@", ".")
            for n, (name, role, phone) in enumerate(plan.contacts):
                contact = VendorContact(
                    vendor=vendor,
                    name=name,
                    role=role,
                    email=_email(name.split()[0], domain),
                    phone=phone,
                    is_primary=n == 0,
                )
                save_contact(contact=contact, by=finance)
        for clause in RequiredClause.objects.filter(is_active=True).order_by("position", "name"):
            moment = self.after(moment, (4, 30))
            with clock.frozen(moment):
                check_clause(
                    vendor=vendor,
                    clause=clause,
                    by=finance,
                    checked_on=timezone.localdate(moment),
                    note=f"Master services agreement, section {clause.position // 10 + 3}.",
                )
        with clock.frozen(self.after(moment, (1, 4))):
            vendor.status = VendorStatus.APPROVED
            save_vendor(vendor=vendor, by=finance)
        return vendor

    def _settle(self, plan: VendorPlan) -> None:
        if plan.status == VendorStatus.APPROVED:
            return
        vendor = Vendor.objects.get(pk=self.vendors[plan.name].pk)
        when = plan.insurance_days + 2 if plan.status == VendorStatus.ON_HOLD else plan.contract_days
        with clock.frozen(self.at(self.day_before(when))):
            vendor.status, vendor.notes = plan.status, plan.note
            self.vendors[plan.name] = save_vendor(vendor=vendor, by=self.people[FINANCE])

    def _rate_cards(self, requisitions: dict[str, Requisition]) -> None:
        """A card for each role a supplier is engaged or quoted for, valid from about 13 months ago: most for
        another 5 to 10 months, two ending within 30 days (one already followed by next year's card), and
        the one of the vendor now on hold expired."""
        combos: dict[tuple, str] = {}  # (vendor, family, level, location) -> how its card ends
        for plan in PLANS:
            req = requisitions.get(plan.worker)
            if req is not None:
                key = (plan.vendor, req.role_family_id, req.level_id, req.location_id)
                combos[key] = combos.get(key) or plan.card
        for vendor, titles in EXTRA_CARDS.items():
            for req in Requisition.objects.filter(title__in=titles, role_family__isnull=False).order_by("pk"):
                combos.setdefault((vendor, req.role_family_id, req.level_id, req.location_id), "")
        start = (self.today - timedelta(days=395)).replace(day=1)
        ends = {
            "expired": self.today - timedelta(days=30),
            "expiring": self.today + timedelta(days=25),
            "successor": self.today + timedelta(days=18),
        }
        finance = self.people[FINANCE]
        for (vendor_name, family_id, level_id, location_id), ending in combos.items():
            vendor = self.vendors[vendor_name]
            markup = next(p.markup for p in VENDORS if p.name == vendor_name)
            card = RateCard(vendor=vendor, role_family_id=family_id, level_id=level_id, location_id=location_id)
            card.pay_rate = self._pay(card, markup)
            card.markup_pct = Decimal(markup)
            card.valid_from = start
            card.valid_to = ends.get(ending) or self.today + timedelta(days=self.rng.randint(150, 300))
            loaded = timezone.localdate(vendor.created_at) + timedelta(days=self.rng.randint(10, 16))
            with clock.frozen(self.at(loaded)):
                save_rate_card(card=card, by=finance)
            self.counts["cards"] += 1
            if ending == "successor":  # next year's card, loaded a month before this one ends
                later = RateCard(
                    vendor=vendor,
                    role_family_id=family_id,
                    level_id=level_id,
                    location_id=location_id,
                    pay_rate=(card.pay_rate * Decimal("1.04")).quantize(Decimal("0.1")),
                    markup_pct=card.markup_pct,
                    valid_from=card.valid_to + timedelta(days=1),
                    valid_to=card.valid_to + timedelta(days=366),
                )
                with clock.frozen(self.at(self.day_before(-25))):
                    save_rate_card(card=later, by=finance)
                self.counts["cards"] += 1

    def _pay(self, card: RateCard, markup: int) -> Decimal:
        """Hourly pay for the card's role and place, so that the bill rate falls between 60 and 160 with
        room above it for an approved exception."""
        base = PAY.get((card.role_family.name, card.level.code), 40 + 12 * card.level.rank)
        pay = Decimal(str(base * LOCATION_FACTOR.get(card.location.city, 1.0) * self.rng.uniform(0.97, 1.03)))
        factor = 1 + Decimal(markup) / 100
        pay = min(max(pay, MIN_BILL / factor), MAX_BILL / factor / Decimal("1.2"))
        return (pay * 2).quantize(Decimal("1"), rounding=ROUND_CEILING) / 2

    # --- Engagements -----------------------------------------------------------------------------------

    def _engagement(self, plan: Plan, req: Requisition) -> Engagement:
        recruiter, manager = self.people[RECRUITER], req.hiring_manager
        vendor = self.vendors[plan.vendor]
        if plan.start < 0:  # started on the Monday of that week
            start = self.day((_monday(self.today + timedelta(days=plan.start)) - self.today).days)
            created = self.at(start - timedelta(days=self.rng.randint(12, 24)))
        else:
            start = self.day(plan.start)
            created = self.at(self.day_before(-self.rng.randint(2, 6)))
        with clock.frozen(created):
            first, *rest = plan.worker.split()
            worker = create_candidate(
                by=recruiter,
                first_name=first,
                last_name=" ".join(rest),
                email=_email(plan.worker, "contractor.example"),
                city=req.location.city if req.location_id else "",
            )
            card = self._card(vendor, req, start)
            over = 1 + Decimal(plan.over) / 100
            engagement = create_engagement(
                data=EngagementInput(
                    requisition=req,
                    worker=worker,
                    vendor=vendor,
                    rate_card=card,
                    start_date=start,
                    end_date=self.day_before(plan.end),
                    hours_per_week=Decimal(plan.hours),
                    bill_rate=(card.bill_rate * over).quantize(Decimal("1")) if plan.over else None,
                    rate_reason=plan.reason,
                    po_reference=f"PO-{self.rng.randint(41000, 48999)}",
                ),
                by=recruiter,
            )
        moment = created
        if plan.over and plan.fate != "pending_hm":
            # The hiring manager approves first; finance then approves (and the department head past
            # 15 %), or is still to, or refuses.
            steps = 1 if plan.fate in ("pending_finance", "refused") else 9
            moment = self._approve_rate(engagement, moment, steps=steps)
        if plan.fate == "refused":
            moment = self.after(moment, (4, 30))
            with clock.frozen(moment):
                refuse_rate(
                    engagement=engagement,
                    by=self.people[FINANCE],
                    note=f"{plan.over} % over the card is more than this role's budget carries.",
                    outcome=Outcome.REJECTED,
                )
            with clock.frozen(self.after(moment, (20, 60))):
                end_engagement(engagement=engagement, by=recruiter, note=plan.note)
            return engagement
        if plan.start > 0:
            return engagement  # planned: it starts on its date
        with clock.frozen(max(self.at(start), self.after(moment, (1, 3)))):
            start_engagement(engagement=engagement, by=recruiter)
        if plan.fate == "renewed":  # renewed early by the hiring manager, at next year's card
            engagement.refresh_from_db()
            card = self._card(vendor, req, engagement.end_date + timedelta(days=1))
            with clock.frozen(self.at(self.day_before(-15))):
                renew_engagement(
                    engagement=engagement,
                    by=manager,
                    data=RenewalInput(end_date=self.day_before(240), bill_rate=card.bill_rate),
                    note=plan.note,
                )
        if plan.ended:
            last_day = self.day_before(plan.ended)
            with clock.frozen(self.at(last_day)):
                end_engagement(
                    engagement=engagement,
                    by=manager if plan.ended_by == "manager" else recruiter,
                    note=plan.note,
                    end_date=last_day,
                )
        engagement.refresh_from_db()
        return engagement

    def _card(self, vendor: Vendor, req: Requisition, day: date) -> RateCard:
        return RateCard.objects.valid_on(day).get(
            vendor=vendor, role_family=req.role_family_id, level=req.level_id, location=req.location_id
        )

    def _approve_rate(self, engagement: Engagement, moment: datetime, *, steps: int) -> datetime:
        """Take up to `steps` steps of the rate's approval chain, in turn, as whoever holds each."""
        term = engagement.terms.get(number=1)
        for _ in range(steps):
            decision = open_chain_decisions(term).select_related("owner").first()
            taker = self.taker(decision) if decision is not None else None
            if taker is None:
                break
            moment = self.after(moment, (3, 30))
            with clock.frozen(moment):
                approve_rate(engagement=engagement, by=taker, note=self.rng.choice(["", "OK.", "Agreed for this one."]))
        return moment

    # --- Timesheets --------------------------------------------------------------------------------------

    def _timesheets(self, plan: Plan, engagement: Engagement) -> None:
        """Every week worked up to last week, recorded by the recruiter on the Friday and approved by the
        hiring manager within two days, but last week's, which waits for them (My work)."""
        if not engagement.terms.filter(number=1, rate_approval__in=IN_FORCE).exists():
            return
        if engagement.status == EngagementStatus.PLANNED:
            return
        manager = engagement.requisition.hiring_manager
        last_week = _monday(self.today) - timedelta(days=7)
        holidays = calendar.holidays_between(engagement.start_date, engagement.end_date)
        per_day = engagement.hours_per_week / 5
        reject_week = plan.reject_week
        week = _monday(engagement.start_date)
        while week <= min(engagement.end_date, last_week):
            workdays = [week + timedelta(days=n) for n in range(5)]
            worked = [d for d in workdays if engagement.start_date <= d <= engagement.end_date and d not in holidays]
            if worked:
                hours = per_day * len(worked)
                if len(worked) == 5 and self.rng.random() < 0.06:
                    hours -= per_day  # a sick day
                overtime = Decimal(self.rng.choice([2, 4, 6])) if self.rng.random() < 0.12 else Decimal("0")
                moment = self.at(week + timedelta(days=4))
                holiday = next((d for d in workdays if d in holidays), None)
                if reject_week and holiday and week < last_week - timedelta(days=42):
                    moment = self._rejected_week(engagement, week, hours, holiday, moment)
                    reject_week = False
                with clock.frozen(moment):
                    sheet = record_timesheet(
                        engagement=engagement,
                        by=self.people[RECRUITER],
                        week_start=week,
                        hours=hours,
                        overtime_hours=overtime,
                        note="Release weekend." if overtime >= 6 else "",
                    )
                self.counts["timesheets"] += 1
                if week < last_week or engagement.status == EngagementStatus.ENDED:
                    with clock.frozen(self.after(moment, (3, 40))):
                        approve_timesheet(timesheet=sheet, by=manager)
            week += timedelta(days=7)

    def _rejected_week(self, engagement: Engagement, week: date, hours, holiday: date, moment) -> datetime:
        """The vendor reported the holiday as worked: the hiring manager rejects the week, and the corrected
        one is recorded a little later (when, returned)."""
        with clock.frozen(moment):
            sheet = record_timesheet(
                engagement=engagement,
                by=self.people[RECRUITER],
                week_start=week,
                hours=hours + engagement.hours_per_week / 5,
                overtime_hours=0,
            )
        self.counts["timesheets"] += 1
        moment = self.after(moment, (3, 30))
        with clock.frozen(moment):
            reject_timesheet(
                timesheet=sheet,
                by=engagement.requisition.hiring_manager,
                note=f"{holiday:%B} {holiday.day} was a statutory holiday: it is not billed as worked.",
            )
        return self.after(moment, (3, 30))

    # --- Invoices ----------------------------------------------------------------------------------------

    def _invoices(self) -> None:
        """Each supplier's invoice for each month: the approved weeks whose Monday fell in it, received a
        few days into the next month, entered by the admin (accounts payable), approved by finance and paid
        about three weeks later. The last month invoiced is the one that ended at least ten days ago."""
        last = ((self.today - timedelta(days=10)).replace(day=1) - timedelta(days=1)).replace(day=1)
        month = min((e.start_date for _, e in self.engagements), default=self.today).replace(day=1)
        months = []
        while month <= last:
            months.append(month)
            month = _next_month(month)
        suppliers = sorted((v for v in self.vendors.values() if v.kind != VendorKind.AGENCY), key=lambda v: v.name)
        for back, month in zip(range(len(months) - 1, -1, -1), months, strict=True):
            for vendor in suppliers:
                lines = self._lines(vendor, month)
                if lines:
                    self._invoice(vendor, month, lines, INVOICE_QUIRKS.get((vendor.name, back), ""))

    def _lines(self, vendor: Vendor, month: date) -> list[LineInput]:
        """One line per engagement: its approved weeks of the month at the rate in force (as matching
        reckons them: a week belongs to the month of its Monday)."""
        sheets = Timesheet.objects.filter(
            engagement__vendor=vendor,
            status=TimesheetStatus.APPROVED,
            week_start__gte=month - timedelta(days=6),
            week_start__lt=_next_month(month),
        ).select_related("engagement__worker")
        weeks = defaultdict(list)
        for sheet in sheets.order_by("engagement_id", "week_start"):
            weeks[sheet.engagement].append(sheet)
        lines = []
        for engagement, sheets in weeks.items():
            terms = [t for t in engagement.terms.all() if t.in_force]
            lines.append(
                LineInput(
                    engagement=engagement,
                    amount=sum((timesheet_charge(s, engagement, terms).amount for s in sheets), Decimal("0")),
                    hours=sum((s.hours for s in sheets), Decimal("0")),
                    overtime_hours=sum((s.overtime_hours for s in sheets), Decimal("0")),
                    description=f"{engagement.worker}, {month:%B %Y}",
                )
            )
        return lines

    def _invoice(self, vendor: Vendor, month: date, lines: list[LineInput], quirk: str) -> None:
        end = _next_month(month) - timedelta(days=1)
        received = self.at(calendar.add_business_days(end + timedelta(days=1), self.rng.randint(2, 4)))
        number = f"{next(p.prefix for p in VENDORS if p.name == vendor.name)}-{month:%Y%m}"
        if quirk == "over_rate":  # billed at next year's rate before any renewal said so
            lines = [_billed(line, line.amount * Decimal("1.06"), line.hours) for line in lines]
        elif quirk == "override":  # a weekend cut-over the timesheet never showed
            first = lines[0]
            lines = [_billed(first, first.amount + 8 * first.engagement.bill_rate, first.hours + 8), *lines[1:]]
        invoice = self._enter(vendor, number, month, end, received, lines)
        if quirk in ("waiting", "over_rate"):
            return  # for finance to approve, or to override
        moment = self.after(received, (20, 80))
        with clock.frozen(moment):
            approve_invoice(
                invoice=invoice,
                by=self.people[FINANCE],
                override_reason=OVERRIDE_REASON if quirk == "override" else "",
            )
        paid_on = calendar.add_business_days(timezone.localdate(moment) + timedelta(days=self.rng.randint(14, 24)), 0)
        if paid_on < self.today:
            with clock.frozen(self.at(paid_on)):
                mark_paid(invoice=invoice, by=self.people[FINANCE], paid_on=paid_on)
        if quirk == "duplicate":  # the vendor sent it again under another number
            again = self.after(moment, (120, 200))
            copy = self._enter(vendor, f"{number}-2", month, end, again, lines)
            with clock.frozen(self.after(again, (4, 30))):
                reject_invoice(
                    invoice=copy,
                    by=self.people[FINANCE],
                    note=f"A duplicate of invoice {number}, approved on {timezone.localdate(moment):%Y-%m-%d}.",
                )

    def _enter(self, vendor: Vendor, number: str, start: date, end: date, moment: datetime, lines) -> Invoice:
        with clock.frozen(moment):
            invoice = create_invoice(
                data=InvoiceInput(
                    vendor=vendor,
                    number=number,
                    currency="CAD",
                    period_start=start,
                    period_end=end,
                    received_on=timezone.localdate(moment),
                    lines=tuple(lines),
                ),
                by=self.people[ADMIN],
            )
        self.counts["invoices"] += 1
        return invoice

    # --- An agency placement ------------------------------------------------------------------------------

    def _agency_hire(self) -> None:
        """A candidate the agency sent, hired over the last weeks on an open requisition (one with an opening
        to spare if there is one): the accepted offer records the placement and forecasts its fee, which
        the agency invoices on acceptance (before the start); the invoice matches and waits for finance."""
        vendor, recruiter = self.vendors[AGENCY], self.people[RECRUITER]
        earliest, latest = (calendar.business_day_before(self.today, n) for n in (18, 9))
        reqs = [
            req
            for req in Requisition.objects.filter(
                status=Status.OPEN, employment_type="full_time", recruiter=recruiter, role_family__isnull=False
            ).order_by("pk")
            if req.opened_at and timezone.localdate(req.opened_at) < latest
        ]
        if not reqs:
            return
        req = min(reqs, key=lambda r: (r.openings_left < 2, r.pk))
        applied_day = max(earliest, calendar.add_business_days(timezone.localdate(req.opened_at), 1))
        span = calendar.business_days_between(applied_day, self.today)  # 9 to 18 business days for the hire
        applied = self.at(applied_day)
        stages = {stage.code: stage for stage in Stage.objects.active()}
        with clock.frozen(applied):
            candidate = create_candidate(
                by=recruiter,
                first_name="Émilie",
                last_name="Desrosiers",
                email=_email("Émilie Desrosiers", "agency.example"),
                city=req.location.city if req.location_id else "",
            )
            application = apply(
                candidate=candidate, requisition=req, by=recruiter, source=vendor.source, agency_name=vendor.name
            )
        moment = applied
        for code, share in (("screen", 12), ("interview", 30), ("debrief", 48)):
            if code in stages:
                day = calendar.add_business_days(applied_day, max(1, span * share // 100))
                moment = max(moment + timedelta(minutes=10), self.at(day))
                with clock.frozen(moment):
                    application = move_application(application=application, to_stage=stages[code], by=recruiter)
        moment = max(moment + timedelta(minutes=10), self.at(calendar.add_business_days(applied_day, span * 6 // 10)))
        with clock.frozen(moment):
            offer = create_offer(
                application=application,
                by=recruiter,
                terms=offer_terms(application, self.rng, today=timezone.localdate(moment)),
            )
            submit_offer(offer=offer, by=recruiter)
        for _ in range(6):
            decision = open_chain_decisions(offer.current_version).select_related("owner").first()
            taker = self.taker(decision) if decision is not None else None
            if taker is None:
                break
            moment = self.after(moment, (2, 20))
            with clock.frozen(moment):
                approve_offer(offer=offer, by=taker, note="")
        offer.refresh_from_db()
        if offer.status != OfferStatus.APPROVED:
            return  # an approval nobody in the demo may take: the offer waits
        moment = self.after(moment, (1, 6))
        with clock.frozen(moment):
            extend_offer(offer=offer, by=recruiter)
        moment = self.after(moment, (20, 50))
        with clock.frozen(moment):
            accept_offer(offer=offer, by=recruiter, note=f"Signed letter received through {vendor.name}.")
        placement = Placement.objects.filter(offer=offer).first()
        if placement is None:
            return
        self.counts["placements"] += 1
        billed = self.after(moment, (1, 3))  # on acceptance, as its terms allow: the day is the period
        self._enter(
            vendor,
            f"{next(p.prefix for p in VENDORS if p.name == AGENCY)}-P{timezone.localdate(billed):%y%m%d}",
            timezone.localdate(moment),
            timezone.localdate(moment),
            billed,
            [LineInput(placement=placement, amount=placement.fee, description=f"Placement fee: {candidate}")],
        )


OVERRIDE_REASON = (
    "The contractor worked 8 h on the Saturday cut-over at the hiring manager's request; the manager confirmed "
    "it by email and the vendor is correcting the timesheet."
)


# Saved views of the vendor lists, as their users keep them: (username, list, name, filters).
SAVED_VIEWS = [
    (FINANCE, "vendors:invoice_list", "Flagged: to decide", "status=flagged"),
    (FINANCE, "vendors:timesheet_list", "Approved, not invoiced yet", "status=approved&sort=week"),
    ("hiring_manager", "vendors:timesheet_list", "Weeks to approve", "status=submitted"),
    ("hiring_manager", "vendors:engagement_list", "Waiting for a renewal", "status=extension_pending"),
    (RECRUITER, "vendors:engagement_list", "Working now", "status=active&sort=end"),
]


def _saved_views(log) -> None:
    people = {user.username: user for user in User.objects.filter(username__in={v[0] for v in SAVED_VIEWS})}
    for username, page, name, query in SAVED_VIEWS:
        if username in people:
            save_view(user=people[username], page=page, name=name, query=query)
    log("saved views of the contractors, timesheets and invoices for finance, the hiring manager and the recruiter")


def _read_old_notifications() -> None:
    """The vendor notices of the past year were read; those about weeks still waiting for approval, and
    about engagements still planned or waiting on a renewal, stay unread."""
    sheets = list(Timesheet.objects.select_related("engagement"))
    asked = {
        sheet.pk: f"{sheet.engagement.reference}: the week of {sheet.week_start.isoformat()} waits for your approval."
        for sheet in sheets
    }
    weeks = set(asked.values())
    waiting = {asked[sheet.pk] for sheet in sheets if sheet.status == TimesheetStatus.SUBMITTED}
    live = {
        engagement.get_absolute_url()
        for engagement in Engagement.objects.filter(
            status__in=[EngagementStatus.PLANNED, EngagementStatus.EXTENSION_PENDING]
        )
    }
    with transaction.atomic():
        for notice in Notification.objects.unread().filter(url__startswith="/vendors/").select_related("user"):
            if notice.message in waiting or (notice.url in live and notice.message not in weeks):
                continue
            mark_read(notification=notice, by=notice.user)


def _tally(counts: dict) -> str:
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _next_month(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def _email(name: str, domain: str) -> str:
    plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode().replace("'", "")
    return f"{'.'.join(plain.split())}@{domain}"


def _billed(line: LineInput, amount: Decimal, hours) -> LineInput:
    return LineInput(
        engagement=line.engagement,
        amount=amount.quantize(Decimal("0.01")),
        hours=hours,
        overtime_hours=line.overtime_hours,
        description=line.description,
    )


def _terms_template(plan: VendorPlan) -> str:
    parts = []
    if plan.kind != VendorKind.AGENCY:
        parts.append(
            f"Contractors billed monthly in arrears on timesheets approved by the hiring manager; markup {plan.markup} "
            "% on pay, fixed for the rate card's term; overtime at 1.5×. Net 30."
        )
    if plan.fee_pct is not None:
        parts.append(
            f"Permanent placements: {plan.fee_pct} % of first-year base salary, invoiced on acceptance; the hire "
            f"is replaced or the fee refunded if they leave within {plan.guarantee_days} days."
        )
    return " ".join(parts)
