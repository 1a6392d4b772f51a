"""Demo pre-boarding: the IT and facilities logins, and hires about to start in every state.

The cases the earlier demos opened move on: the contractors who started over the past year had their
checklists done and their starts confirmed on the day; the agency hire accepted a few days ago is under
way; the demo offer accepted today is untouched (every task to do, its background check not started).
Then five more hires, made through the offers' services on the demo recruiter's open requisitions with
openings to spare (candidates applied, moved through the stages, offered, approved by whoever holds each
step, accepted: the acceptance opens the case), each replayed at its past moments:

- started: every blocking task done (the background check clear, the laptop at what it cost), the start
  confirmed by the hiring manager on the day, three business days ago (the application is Hired);
- at risk: starting in three business days, the background check needing review and the laptop blocked
  on a backorder, so the earliest feasible start falls after the planned one;
- moved: a rehire whose start moved ten business days later for his notice period (his eligibility
  waived by HR, references not applicable), his background check under way and overdue;
- no-show: a candidate an agency placed did not arrive two business days ago: the hire is reversed and,
  within the agency's guarantee, finance has the decision to claim the replacement or the refund;
- withdrawn: a hire who took a counter-offer three days after accepting, before her start (her opening
  was free again before the no-show's offer was accepted, so four openings carry the five hires).

Everything goes through the services (onboarding.services, offers.services, candidates.services), by
whoever holds each task: HR, the IT and facilities logins, the recruiter, the hiring manager. Dates are
business days relative to the portal's clock, so the demo reads the same on any day. Idempotent: a run
that finds the demo's hires or any start change adds nothing but the logins.
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from candidates.models import Candidate, ReasonCode, Source, Stage
from candidates.services import apply, create_candidate, move_application
from offers.choices import LIVE, OfferStatus
from offers.demo import offer_terms
from offers.models import Offer
from offers.services import accept_offer, approve_offer, create_offer, extend_offer, submit_offer
from onboarding.choices import FACILITIES, IT, OPEN_TASK, CaseStatus, CheckStatus, TaskKind, TaskStatus
from onboarding.models import BackgroundCheck, PreboardingCase, PreboardingTask, StartChange
from onboarding.permissions import can_confirm_start
from onboarding.services import (
    confirm_start,
    end_before_start,
    move_start,
    record_check_result,
    request_check,
    set_work_email,
    template_for,
    update_task,
)
from portal import calendar, clock
from portal.choices import Role
from portal.demo import DemoPerson, ensure_people
from portal.models import User
from portal.permissions import can_take_decision
from portal.services.approvals import open_chain_decisions
from requisitions.choices import CONTRACT_TYPES, EmploymentType, Status
from requisitions.models import Requisition
from vendors.choices import PLACES_HIRES, VendorKind, VendorStatus
from vendors.models import Placement, Vendor

# The logins pre-boarding adds (`demo_logins` lists them after the core's).
DEMO_PEOPLE = [
    DemoPerson("it", "Kai", "Nakamura", "IT Support Lead", (IT,), manager="coo"),
    DemoPerson("facilities", "Noor", "Haddad", "Workplace Coordinator", (FACILITIES,), manager="coo"),
]

HR, RECRUITER = "hr", "recruiter"
DOMAIN = "newhire.example"  # the demo hires' own email addresses
AGENCY = "agency"  # a hire's source: an agency's
CHECK_VENDOR = "Northstar Screening"
CHECK_PACKAGE = "Standard: criminal record, identity, employment and education"


@dataclass(frozen=True)
class Hire:
    """One hire made here: who, through which source (a source code, or AGENCY), accepted `accepted`
    business days ago, starting `start` business days from today (negative: ago), and what became of it."""

    story: str
    first: str
    last: str
    source: str
    accepted: int
    start: int
    phone: str
    referrer: str = ""


# In the order they are made: the withdrawal gave its opening back before the no-show's offer was accepted,
# so four openings carry the five hires.
HIRES = [
    Hire("started", "Maya", "Robinson", "indeed", 17, -3, "+1 902 555 0711"),
    Hire("at_risk", "Priya", "Raman", "linkedin", 14, 3, "+1 902 555 0733"),
    Hire("withdrawn", "Sara", "Lindqvist", "direct", 16, 4, "+1 902 555 0755"),
    Hire("moved", "Owen", "MacLeod", "referral", 12, 6, "+1 902 555 0744", referrer="Robin Haddad"),
    Hire("no_show", "Tyler", "Gagnon", AGENCY, 12, -2, "+1 514 555 0722"),
]
FELL_THROUGH = ("withdrawn", "no_show")  # their openings are free again
MOVED_BY = 10  # business days the moved start slipped


def seed(*, rng: random.Random, scale: int, log) -> None:
    people = ensure_people(DEMO_PEOPLE, log)
    people.update({u.username: u for u in User.objects.filter(username__in=[HR, RECRUITER])})
    if len(people) < 4:
        log("skipped: run the portal demo first")
        return
    if StartChange.objects.exists() or Candidate.objects.filter(email__endswith=f"@{DOMAIN}").exists():
        return
    demo = _Demo(rng, people)
    with transaction.atomic():
        demo.run()
    for line in demo.summary():
        log(line)


class _Demo:
    def __init__(self, rng: random.Random, people: dict[str, User]):
        self.rng = rng
        self.people = people
        self.hr, self.recruiter = people[HR], people[RECRUITER]
        self.it, self.facilities = people["it"], people["facilities"]
        self.by_role = {Role.HR: self.hr, IT: self.it, FACILITIES: self.facilities}
        self.now = clock.now()
        self.today = clock.today()
        self.made: list[str] = []

    def run(self) -> None:
        self._contractors_started()
        self._under_way()
        slots = self._slots()
        agency = self._agency()
        for plan in HIRES:
            req = self._pick(slots, plan)
            if req is None or (plan.source == AGENCY and agency is None):
                continue
            case = self._hire(plan, req, agency)
            if case is None:
                continue
            slots[req] -= 1
            getattr(self, f"_{plan.story}")(case, plan, agency)
            if plan.story in FELL_THROUGH:
                slots[req] += 1
            self.made.append(plan.story)

    def summary(self) -> list[str]:
        cases = Counter(PreboardingCase.objects.values_list("status", flat=True))
        tasks = Counter(PreboardingTask.objects.values_list("status", flat=True))
        checks = Counter(BackgroundCheck.objects.values_list("status", flat=True))
        return [
            f"pre-boarding hires: {', '.join(self.made) or 'none (no open requisition with an opening to spare)'}",
            f"cases: {_tally(cases, CaseStatus)}",
            f"tasks: {_tally(tasks, TaskStatus)}",
            f"background checks: {_tally(checks, CheckStatus)}",
        ]

    # --- Time ------------------------------------------------------------------------------------------

    def day(self, offset: int) -> date:
        """The business day `offset` business days from today (negative: before it; 0: today or the next)."""
        if offset < 0:
            return calendar.business_day_before(self.today, -offset)
        return calendar.add_business_days(self.today, offset)

    def at(self, day: date | int, hour: int, minute: int = 0) -> datetime:
        """That moment of `day` (a date, or business days from today), never later than now."""
        day = self.day(day) if isinstance(day, int) else day
        return min(timezone.make_aware(datetime.combine(day, time(hour, minute))), self.now)

    # --- Who does what ---------------------------------------------------------------------------------

    def doer(self, task: PreboardingTask) -> User:
        """Who works a task: the person its decision names, else the demo login of its role, else HR."""
        decision = task.decision
        if decision is not None and decision.owner_id and decision.owner.is_active:
            return decision.owner
        return self.by_role.get(getattr(decision, "owner_role", ""), self.hr)

    def taker(self, decision) -> User | None:
        """Who takes an offer's approval step: its owner, or the first of its role free to take it."""
        if decision.owner_id:
            return decision.owner if can_take_decision(decision.owner, decision) else None
        members = User.objects.with_role(decision.owner_role).exclude(username=RECRUITER).order_by("username")
        return next((u for u in members if can_take_decision(u, decision)), None)

    def confirmer(self, case: PreboardingCase) -> User:
        manager = case.requisition.hiring_manager
        return manager if manager is not None and can_confirm_start(manager, case) else self.hr

    # --- Steps on a case ---------------------------------------------------------------------------------

    @staticmethod
    def task(case: PreboardingCase, kind: str) -> PreboardingTask | None:
        return case.tasks.filter(kind=kind).select_related("decision__owner").order_by("position", "pk").first()

    def work(self, case, kind, status, moment, *, by=None, reason="", cost=None) -> None:
        """Set the case's task of `kind` to `status` at `moment`, by its owner unless `by` is given."""
        task = self.task(case, kind)
        if task is None or task.status not in OPEN_TASK or task.status == status:
            return
        with clock.frozen(moment):
            update_task(task=task, status=status, by=by or self.doer(task), reason=reason, actual_cost=cost)

    def check(self, case, status, moment, *, by="hr", report="") -> None:
        """Order the case's background check (REQUESTED), or record where it stands; `by` None: the vendor's
        integration reported it."""
        check = BackgroundCheck.objects.filter(task__case=case).first()
        if check is None:
            return
        by = self.hr if by == "hr" else by
        with clock.frozen(moment):
            if status == CheckStatus.REQUESTED:
                if check.status == CheckStatus.NOT_STARTED and check.task.status in OPEN_TASK:
                    request_check(check=check, provider=CHECK_VENDOR, package=CHECK_PACKAGE, by=by)
            elif check.status not in (status, CheckStatus.NOT_STARTED):
                record_check_result(check=check, status=status, by=by, report=report)

    def work_email(self, case: PreboardingCase, moment: datetime) -> None:
        plain = f"{case.candidate.first_name}.{case.candidate.last_name}".lower().replace(" ", "")
        with clock.frozen(moment):
            set_work_email(case=case, email=f"{plain}@example.com", by=self.it)

    # --- The cases the earlier demos opened ----------------------------------------------------------------

    def _contractors_started(self) -> None:
        """Each contractor who started before today (their case opened with the engagement) had the
        checklist done that day and the start confirmed; the first one works on the supplier's laptop."""
        cases = (
            PreboardingCase.objects.filter(status=CaseStatus.OPEN, engagement__isnull=False, accepted_on__lt=self.today)
            .select_related("requisition__hiring_manager", "candidate")
            .order_by("planned_start", "pk")
        )
        for n, case in enumerate(cases):
            moment = case.created_at
            for kind in (TaskKind.CONTRACT_SIGNATURE, TaskKind.ACCOUNTS, TaskKind.EQUIPMENT, TaskKind.FIRST_DAY):
                moment = min(moment + timedelta(minutes=self.rng.randint(15, 40)), self.now)
                task = self.task(case, kind)
                if task is None or task.status not in OPEN_TASK:
                    continue
                if kind == TaskKind.EQUIPMENT and n == 0:
                    self.work(case, kind, TaskStatus.NOT_APPLICABLE, moment, reason=SUPPLIER_LAPTOP)
                elif task.expected_cost is not None:
                    factor = Decimal(self.rng.choice(["0.94", "0.97", "1.00", "1.00", "1.03"]))
                    cost = (task.expected_cost * factor).quantize(Decimal("0.01"))
                    self.work(case, kind, TaskStatus.DONE, moment, cost=cost)
                else:
                    self.work(case, kind, TaskStatus.DONE, moment)
            moment = min(moment + timedelta(minutes=self.rng.randint(10, 30)), self.now)
            start = max(case.planned_start, case.accepted_on)
            if start > timezone.localdate(moment):
                continue
            with clock.frozen(moment):
                confirm_start(
                    case=case,
                    start=start,
                    by=self.confirmer(case),
                    note="Started with the engagement; accounts and equipment ready on the day.",
                )

    def _under_way(self) -> None:
        """Hires accepted before today (the agency's candidate): the contract signed the next business day,
        the background check ordered the day after, the references under way; nothing later than
        yesterday."""
        cases = PreboardingCase.objects.filter(
            status=CaseStatus.OPEN, offer__isnull=False, accepted_on__lt=self.today
        ).order_by("accepted_on", "pk")
        for case in cases:
            steps = [
                (1, (10, 5), lambda c, m: self.work(c, TaskKind.CONTRACT_SIGNATURE, TaskStatus.DONE, m)),
                (2, (9, 50), lambda c, m: self.check(c, CheckStatus.REQUESTED, m)),
                (3, (14, 20), lambda c, m: self.work(c, TaskKind.REFERENCE_CHECK, TaskStatus.IN_PROGRESS, m)),
            ]
            for offset, (hour, minute), step in steps:
                day = calendar.add_business_days(case.accepted_on, offset)
                if day < self.today:
                    step(case, self.at(day, hour, minute))

    # --- New hires -------------------------------------------------------------------------------------

    def _slots(self) -> dict[Requisition, int]:
        """The demo recruiter's open requisitions (salaried, with a checklist) and how many openings each
        has that no live offer is after."""
        reqs = list(
            Requisition.objects.filter(status=Status.OPEN, recruiter=self.recruiter, role_family__isnull=False)
            .exclude(employment_type__in=CONTRACT_TYPES)
            .exclude(opened_at=None)
            .select_related("location", "hiring_manager")
            .order_by("pk")
        )
        live = Offer.objects.filter(status__in=LIVE, requisition__in=reqs)
        live = Counter(live.values_list("requisition", flat=True))
        slots = {}
        for req in reqs:
            spare = req.openings_left - live[req.pk]
            if spare > 0 and template_for(
                employment_type=req.employment_type, location_id=req.location_id, department_id=req.department_id
            ):
                slots[req] = spare
        return slots

    def _pick(self, slots: dict[Requisition, int], plan: Hire) -> Requisition | None:
        """The requisition with the most openings to spare, opened in time for the hire (an agency's
        placement: a salaried full-time one first)."""
        latest = calendar.business_day_before(self.day(-plan.accepted), 8)
        fits = [req for req, spare in slots.items() if spare > 0 and timezone.localdate(req.opened_at) < latest]
        salaried = plan.source == AGENCY
        fits.sort(key=lambda r: (salaried and r.employment_type != EmploymentType.FULL_TIME, -slots[r], r.pk))
        return fits[0] if fits else None

    def _agency(self) -> Vendor | None:
        """The agency whose candidate does not show: an approved one with a guarantee, one that has placed
        nobody yet if there is one."""
        vendors = list(
            Vendor.objects.filter(
                kind__in=PLACES_HIRES, status=VendorStatus.APPROVED, guarantee_days__gt=0, source__isnull=False
            ).order_by("name")
        )
        placed = set(Placement.objects.values_list("vendor", flat=True))
        vendors.sort(key=lambda v: (v.pk in placed, v.kind != VendorKind.AGENCY, v.name))
        return vendors[0] if vendors else None

    def _hire(self, plan: Hire, req: Requisition, agency: Vendor | None) -> PreboardingCase | None:
        """The candidate applied, went through screen, interview and debrief, and was offered the role two
        business days before accepting it (the offer starting on the plan's day): the case it opened."""
        recruiter = self.recruiter
        accepted_day = self.day(-plan.accepted)
        offer_day = calendar.business_day_before(accepted_day, 2)
        opened = timezone.localdate(req.opened_at)
        applied_day = max(calendar.business_day_before(offer_day, 8), calendar.add_business_days(opened, 1))
        span = calendar.business_days_between(applied_day, offer_day)
        if plan.source == AGENCY:
            source, agency_name = agency.source, agency.name
        else:
            source, agency_name = Source.objects.filter(code=plan.source).first(), ""
        moment = self.at(applied_day, 10, 5)
        with clock.frozen(moment):
            candidate = create_candidate(
                by=recruiter,
                first_name=plan.first,
                last_name=plan.last,
                email=f"{plan.first}.{plan.last}@{DOMAIN}".lower(),
                phone=plan.phone,
                city=req.location.city if req.location_id else "",
            )
            application = apply(
                candidate=candidate,
                requisition=req,
                by=recruiter,
                source=source,
                agency_name=agency_name,
                referrer=plan.referrer,
            )
        stages = {stage.code: stage for stage in Stage.objects.active()}
        for code, share, hour in (("screen", 15, 11), ("interview", 45, 14), ("debrief", 85, 16)):
            if code in stages:
                day = calendar.add_business_days(applied_day, max(1, span * share // 100))
                moment = max(moment + timedelta(minutes=10), self.at(day, hour, 10))
                with clock.frozen(moment):
                    application = move_application(application=application, to_stage=stages[code], by=recruiter)
        start = self.day(plan.start)
        terms = offer_terms(application, self.rng, today=offer_day)
        terms.update(start_date=start, expires_on=min(calendar.add_business_days(offer_day, 4), start))
        moment = max(moment + timedelta(minutes=10), self.at(offer_day, 10, 30))
        with clock.frozen(moment):
            offer = create_offer(application=application, by=recruiter, terms=terms)
            submit_offer(offer=offer, by=recruiter)
        next_day = calendar.add_business_days(offer_day, 1)
        approvals = [(offer_day, 13, 40), (offer_day, 15, 55), (next_day, 9, 20), (next_day, 10, 45)]
        for day, hour, minute in approvals:
            decision = open_chain_decisions(offer.current_version).select_related("owner").first()
            taker = self.taker(decision) if decision is not None else None
            if taker is None:
                break
            with clock.frozen(self.at(day, hour, minute)):
                approve_offer(offer=offer, by=taker, note="")
        offer.refresh_from_db()
        if offer.status != OfferStatus.APPROVED:
            return None  # an approval nobody in the demo may take: the offer waits
        with clock.frozen(self.at(next_day, 14, 30)):
            extend_offer(offer=offer, by=recruiter)
        note = f"Signed letter received through {agency_name}." if agency_name else "Signed letter received."
        with clock.frozen(self.at(accepted_day, 10, 15)):
            accept_offer(offer=offer, by=recruiter, note=note)
        return PreboardingCase.objects.select_related("requisition__hiring_manager", "candidate").get(offer=offer)

    # --- What became of each ------------------------------------------------------------------------------

    def _started(self, case: PreboardingCase, plan: Hire, agency) -> None:
        hm = self.confirmer(case)
        self.work(case, TaskKind.CONTRACT_SIGNATURE, TaskStatus.DONE, self.at(-16, 9, 40))
        self.check(case, CheckStatus.REQUESTED, self.at(-15, 10, 5))
        self.work(case, TaskKind.REFERENCE_CHECK, TaskStatus.DONE, self.at(-14, 14, 20))
        self.check(case, CheckStatus.IN_PROGRESS, self.at(-12, 11), by=None)
        self.check(case, CheckStatus.CLEAR, self.at(-10, 15, 35))
        self.work(case, TaskKind.WORK_ELIGIBILITY, TaskStatus.DONE, self.at(-8, 10, 10))
        self.work(case, TaskKind.EQUIPMENT, TaskStatus.DONE, self.at(-6, 13, 45), cost=Decimal("2310.40"))
        self.work_email(case, self.at(-5, 9, 30))
        self.work(case, TaskKind.ACCOUNTS, TaskStatus.DONE, self.at(-5, 11, 15))
        self.work(case, TaskKind.WORKSPACE, TaskStatus.DONE, self.at(-5, 14))
        self.work(case, TaskKind.FIRST_DAY, TaskStatus.DONE, self.at(-4, 16, 10))
        with clock.frozen(self.at(plan.start, 9, 50)):
            confirm_start(
                case=case,
                start=self.day(plan.start),
                by=hm,
                note="Arrived at 9:00; laptop, badge and accounts were ready.",
            )
        self.work(case, TaskKind.POLICIES, TaskStatus.DONE, self.at(plan.start, 15, 20))

    def _no_show(self, case: PreboardingCase, plan: Hire, agency) -> None:
        self.work(case, TaskKind.CONTRACT_SIGNATURE, TaskStatus.DONE, self.at(-11, 10, 20))
        self.check(case, CheckStatus.REQUESTED, self.at(-11, 14, 15))
        self.work(case, TaskKind.REFERENCE_CHECK, TaskStatus.DONE, self.at(-10, 11, 30))
        self.check(case, CheckStatus.CLEAR, self.at(-6, 14, 5))
        self.work(case, TaskKind.WORK_ELIGIBILITY, TaskStatus.DONE, self.at(-5, 10, 40))
        self.work(case, TaskKind.EQUIPMENT, TaskStatus.DONE, self.at(-4, 15, 10), cost=Decimal("2384.15"))
        self.work_email(case, self.at(-3, 10))
        self.work(case, TaskKind.ACCOUNTS, TaskStatus.DONE, self.at(-3, 10, 30))
        self.work(case, TaskKind.WORKSPACE, TaskStatus.DONE, self.at(-3, 13, 15))
        self.work(case, TaskKind.FIRST_DAY, TaskStatus.DONE, self.at(-3, 16, 50))
        start = self.day(plan.start)
        with clock.frozen(self.at(-1, 10, 20)):
            end_before_start(
                case=case,
                outcome=CaseStatus.NO_SHOW,
                reason=ReasonCode.objects.get(code="no_show"),
                by=self.confirmer(case),
                note=f"Did not arrive on {start:%A} {start.day} {start:%B} and has not answered by phone or "
                f"email since; {agency.name} could not reach him either.",
            )

    def _at_risk(self, case: PreboardingCase, plan: Hire, agency) -> None:
        self.work(case, TaskKind.CONTRACT_SIGNATURE, TaskStatus.DONE, self.at(-13, 9, 55))
        self.check(case, CheckStatus.REQUESTED, self.at(-12, 10, 30))
        self.work(case, TaskKind.REFERENCE_CHECK, TaskStatus.DONE, self.at(-10, 15))
        self.check(case, CheckStatus.IN_PROGRESS, self.at(-8, 11, 20), by=None)
        self.work(case, TaskKind.WORK_ELIGIBILITY, TaskStatus.DONE, self.at(-4, 10, 45))
        self.check(
            case,
            CheckStatus.REVIEW_NEEDED,
            self.at(-3, 14, 30),
            report="Employment history: one previous employer reports dates that differ from the résumé "
            "(2021-2023 given, 2022-2023 on record). The vendor is confirming with the employer.",
        )
        back = self.day(8)
        self.work(
            case,
            TaskKind.EQUIPMENT,
            TaskStatus.BLOCKED,
            self.at(-2, 9, 20),
            reason=f"The laptop model is on backorder at the supplier until {back:%A} {back.day} {back:%B}; "
            "a substitute is requested.",
        )
        self.work_email(case, self.at(-1, 10))
        self.work(case, TaskKind.ACCOUNTS, TaskStatus.IN_PROGRESS, self.at(-1, 10, 20))

    def _moved(self, case: PreboardingCase, plan: Hire, agency) -> None:
        self.work(case, TaskKind.CONTRACT_SIGNATURE, TaskStatus.DONE, self.at(-11, 10, 10))
        self.check(case, CheckStatus.REQUESTED, self.at(-10, 9, 45))
        self.work(
            case,
            TaskKind.REFERENCE_CHECK,
            TaskStatus.NOT_APPLICABLE,
            self.at(-9, 14, 15),
            reason=f"Rehire: {plan.referrer or 'his team lead'} managed him last season and vouches for him.",
        )
        self.work(
            case,
            TaskKind.WORK_ELIGIBILITY,
            TaskStatus.WAIVED,
            self.at(-7, 11, 30),
            by=self.hr,
            reason="Rehire from last season: his work eligibility was verified then and is on file in the HRIS.",
        )
        with clock.frozen(self.at(-5, 15, 40)):
            move_start(
                case=case,
                start=self.day(plan.start + MOVED_BY),
                by=self.confirmer(case),
                reason="His current employer holds him to a four-week notice period; we agreed the later date "
                "with him.",
            )
        self.check(case, CheckStatus.IN_PROGRESS, self.at(-4, 10, 25), by=None)
        self.work(case, TaskKind.EQUIPMENT, TaskStatus.IN_PROGRESS, self.at(-2, 13, 50))

    def _withdrawn(self, case: PreboardingCase, plan: Hire, agency) -> None:
        self.work(case, TaskKind.CONTRACT_SIGNATURE, TaskStatus.DONE, self.at(-15, 9, 35))
        self.check(case, CheckStatus.REQUESTED, self.at(-14, 10, 50))
        with clock.frozen(self.at(-13, 11, 5)):
            end_before_start(
                case=case,
                outcome=CaseStatus.WITHDRAWN,
                reason=ReasonCode.objects.get(code="other_offer"),
                by=self.recruiter,
                note="Accepted a counter-offer from her current employer three days after signing.",
            )


SUPPLIER_LAPTOP = "Works on the supplier's own laptop under its agreement; only VPN access is needed."


def _tally(counts: Counter, choices) -> str:
    labels = defaultdict(str, {value: str(label).lower() for value, label in choices.choices})
    return ", ".join(f"{n} {labels[value] or value}" for value, n in sorted(counts.items())) or "none"
