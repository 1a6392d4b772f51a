"""Pre-boarding's volume layer (`seed_demo --scale N`, N > 1): a case for each hire of the volume, written in
bulk after the offers' and the vendors' (offers.bulk, vendors.bulk).

One case per accepted offer of the volume (as the acceptance opens it: accepted on the day it was answered,
starting on the offer's start date) and per contractor who started on a contract requisition of the volume
(opened on the engagement's first day), with the tasks of the template that applies to it (its employment
type, location and department, as template_for chooses), their waits-on links and their due dates as the
schedule computes them, and each background-check task's check:

- hired (and the contractors): started, the start confirmed on the day it was (the hire's move to Hired),
  every task done before it (a non-blocking one now and then not applicable), the checks clear;
- waiting to start (Pre-start): open, the tasks due by today mostly done (some in progress, a few blocked),
  the later ones to do or under way; each open task has its decision on the spine, owned as resolve_owner
  gives it (the hiring manager, the recruiter, or the HR, IT or facilities role);
- fallen through: a no-show or a withdrawal on the day the application closed, the tasks not done by then
  cancelled.

Each start confirmed and each hire fallen through is logged as a start change. A task's money is in the
ledger as the services record it: its expected cost forecast in the month it is due when the case opens,
reversed when it is settled, and done with the cost it came to as an actual in the month it was done.
Settled tasks carry no decision (a closed decision per task is too much for the volume); no digests, start
moves or history rows are written. Per unit of scale that is about 10.6 cases (5 started, 5 open, 0.8 fallen
through; 0.5 of them contractors'), 95 tasks, 10 checks, 6 start changes, 35 open task decisions and 45
ledger events (`--scale 122`: about 1,300 cases, 11,500 tasks, 4,300 decisions).
"""

import random
import unicodedata
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from candidates.bulk import own_requisitions, volume_applications
from candidates.choices import ApplicationStatus, ReasonCategory
from offers.choices import OfferStatus
from offers.models import Offer
from onboarding import schedule
from onboarding.choices import (
    FACILITIES,
    IT,
    ROLE_RULES,
    TASK_KIND,
    Anchor,
    CaseStatus,
    CheckStatus,
    OwnerRule,
    StartChangeKind,
    TaskKind,
    TaskStatus,
)
from onboarding.models import BackgroundCheck, PreboardingCase, PreboardingTask, StartChange, TemplateTask
from onboarding.services import template_for
from portal.bulk import Clock, Decisions, Ledger, content_type, end_of_day, insert, next_id, reset_sequences
from portal.choices import CostKind, Role
from portal.models import CostEvent, Decision, User
from requisitions.choices import CONTRACT_TYPES
from vendors.choices import EngagementStatus
from vendors.models import Engagement

CHECK_VENDOR = "Northstar Screening"
CHECK_PACKAGE = "Standard: criminal record, identity, employment and education"
NOT_APPLICABLE = 0.03  # of a started case's non-blocking tasks
COST_FACTORS = ["0.94", "0.97", "1.00", "1.00", "1.03"]
CASE_FIELDS = [
    "id", "candidate_id", "requisition_id", "application_id", "offer_id", "engagement_id", "template_id",
    "job_title", "employment_type", "location_id", "equipment_profile", "work_email", "currency", "accepted_on",
    "planned_start", "original_start", "confirmed_start", "status", "status_note", "created_at", "closed_at",
]  # fmt: skip
TASK_FIELDS = [
    "id", "case_id", "template_task_id", "position", "title", "kind", "owner_rule", "owner_note", "anchor",
    "offset_days", "duration_days", "blocks_start", "due_date", "due_set_by_hand", "status", "status_reason",
    "currency", "expected_cost", "cost_category", "actual_cost", "decision_id", "completed_at", "completed_by_id",
]  # fmt: skip
CHECK_FIELDS = [
    "id",
    "task_id",
    "provider",
    "package",
    "status",
    "external_ref",
    "report",
    "requested_at",
    "decided_on",
]
CHANGE_FIELDS = ["id", "case_id", "kind", "from_date", "to_date", "reason", "by_id", "at"]
OFFER_VALUES = [
    "pk", "application_id", "application__candidate_id", "application__candidate__first_name",
    "application__candidate__last_name", "application__status", "application__stage_entered_at",
    "application__last_activity_at", "application__disposition__category", "application__disposition__label",
    "requisition_id", "requisition__department_id", "requisition__hiring_manager_id", "requisition__recruiter_id",
    "requisition__cost_center_id", "responded_at", "current_version__title", "current_version__employment_type",
    "current_version__location_id", "requisition__location_id", "current_version__start_date",
]  # fmt: skip
ENGAGEMENT_VALUES = [
    "pk", "worker_id", "worker__first_name", "worker__last_name", "requisition_id", "requisition__title",
    "requisition__employment_type", "requisition__location_id", "requisition__department_id",
    "requisition__hiring_manager_id", "requisition__recruiter_id", "requisition__cost_center_id",
    "requisition__filled_at", "start_date",
]  # fmt: skip


def seed(*, rng: random.Random, scale: int, log) -> None:
    ours = Q(offer__application__in=volume_applications()) | Q(engagement__requisition__in=own_requisitions())
    if PreboardingCase.objects.filter(ours).exists():
        return
    with transaction.atomic():
        layer = _Preboarding(rng)
        cases = layer.write()
        reset_sequences(PreboardingCase, PreboardingTask, BackgroundCheck, StartChange, CostEvent, Decision)
        reset_sequences(PreboardingTask.waits_on.through)
    if cases:
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(cases.items()))
        log(f"volume: {sum(cases.values())} pre-boarding cases ({statuses}), {layer.counts}")


class _Preboarding:
    def __init__(self, rng: random.Random):
        self.rng, self.clock = rng, Clock(rng)
        self.now = self.clock.now
        self.today = timezone.localdate(self.now)
        self.calendar = schedule.BusinessCalendar.around(self.today)
        people = dict(User.objects.filter(username__in=["hr", "it", "facilities"]).values_list("username", "pk"))
        self.hr = people.get("hr")
        role_people = {Role.HR: "hr", IT: "it", FACILITIES: "facilities"}
        self.by_role = {role: people.get(username, self.hr) for role, username in role_people.items()}
        self.active = set(User.objects.filter(is_active=True).values_list("pk", flat=True))
        self.task_type = content_type(PreboardingTask)
        self.templates = {}
        self.ledger, self.decisions = Ledger(), Decisions()
        self.ids = {model: next_id(model) for model in (PreboardingCase, PreboardingTask, BackgroundCheck)}
        self.ids[StartChange] = next_id(StartChange)
        self.ids["link"] = next_id(PreboardingTask.waits_on.through)
        self.rows = defaultdict(list)

    def take(self, model) -> int:
        pk = self.ids[model]
        self.ids[model] += 1
        return pk

    def write(self) -> Counter:
        if self.hr is None:
            return Counter()
        statuses = Counter()
        offers = (
            Offer.objects.filter(application__in=volume_applications(), status=OfferStatus.ACCEPTED)
            .values(*OFFER_VALUES)
            .order_by("pk")
        )
        for offer in offers:
            statuses[self._case(self._from_offer(offer))] += 1
        engagements = (
            Engagement.objects.filter(
                requisition__in=own_requisitions(), requisition__employment_type__in=CONTRACT_TYPES
            )
            .exclude(status=EngagementStatus.PLANNED)
            .values(*ENGAGEMENT_VALUES)
            .order_by("pk")
        )
        for engagement in engagements:
            statuses[self._case(self._from_engagement(engagement))] += 1
        insert(PreboardingCase, CASE_FIELDS, self.rows[PreboardingCase])
        insert(PreboardingTask, TASK_FIELDS, self.rows[PreboardingTask])
        insert(
            PreboardingTask.waits_on.through,
            ["id", "from_preboardingtask_id", "to_preboardingtask_id"],
            self.rows["link"],
        )
        insert(BackgroundCheck, CHECK_FIELDS, self.rows[BackgroundCheck])
        insert(StartChange, CHANGE_FIELDS, self.rows[StartChange])
        events, decisions = self.ledger.write(), self.decisions.write()
        self.counts = (
            f"{len(self.rows[PreboardingTask])} tasks, {len(self.rows[BackgroundCheck])} checks, "
            f"{decisions} open task decisions, {events} ledger events"
        )
        return statuses

    # --- Each hire ------------------------------------------------------------------------------------------

    def _from_offer(self, offer: dict) -> dict:
        """The case an accepted offer opened, and how it ended."""
        status = offer["application__status"]
        category = offer["application__disposition__category"]
        hire = {
            "offer": offer["pk"], "engagement": None, "application": offer["application_id"],
            "candidate": offer["application__candidate_id"], "requisition": offer["requisition_id"],
            "name": (offer["application__candidate__first_name"], offer["application__candidate__last_name"]),
            "title": offer["current_version__title"], "employment_type": offer["current_version__employment_type"],
            "location": offer["current_version__location_id"] or offer["requisition__location_id"],
            "department": offer["requisition__department_id"], "manager": offer["requisition__hiring_manager_id"],
            "recruiter": offer["requisition__recruiter_id"], "cost_center": offer["requisition__cost_center_id"],
            "opened": offer["responded_at"], "start": offer["current_version__start_date"],
        }  # fmt: skip
        if status == ApplicationStatus.HIRED:
            hire.update(status=CaseStatus.STARTED, closed=offer["application__stage_entered_at"])
        elif status == ApplicationStatus.ACTIVE:
            hire.update(status=CaseStatus.OPEN, closed=None)
        else:
            fell = CaseStatus.NO_SHOW if category == ReasonCategory.NO_SHOW else CaseStatus.WITHDRAWN
            hire.update(status=fell, closed=offer["application__last_activity_at"])
            hire["note"] = offer["application__disposition__label"]
        return hire

    def _from_engagement(self, row: dict) -> dict:
        """A contractor who started on a contract requisition: the case opened that day, the start confirmed."""
        start, filled = row["start_date"], row["requisition__filled_at"]
        opened = filled if filled and timezone.localdate(filled) == start else self._at(start, 9)
        return {
            "offer": None, "engagement": row["pk"], "application": None, "candidate": row["worker_id"],
            "requisition": row["requisition_id"], "name": (row["worker__first_name"], row["worker__last_name"]),
            "title": row["requisition__title"], "employment_type": row["requisition__employment_type"],
            "location": row["requisition__location_id"], "department": row["requisition__department_id"],
            "manager": row["requisition__hiring_manager_id"], "recruiter": row["requisition__recruiter_id"],
            "cost_center": row["requisition__cost_center_id"], "opened": opened, "start": start,
            "status": CaseStatus.STARTED, "closed": min(self.now, opened + timedelta(hours=self.rng.randint(1, 6))),
        }  # fmt: skip

    def _case(self, hire: dict) -> str:
        case = self.take(PreboardingCase)
        template, tasks = self._template(hire)
        accepted = timezone.localdate(hire["opened"])
        status, closed = hire["status"], hire["closed"]
        first, last = hire["name"]
        work_email = f"{_ascii(first)}.{_ascii(last)}.{case}@example.com" if status == CaseStatus.STARTED else ""
        note = hire.get("note", "")
        self.rows[PreboardingCase].append(
            (
                case, hire["candidate"], hire["requisition"], hire["application"], hire["offer"], hire["engagement"],
                template.pk if template else None, hire["title"], hire["employment_type"], hire["location"],
                template.equipment_profile if template else "", work_email, "CAD", accepted, hire["start"],
                hire["start"], hire["start"] if status == CaseStatus.STARTED else None, status, note, hire["opened"],
                closed,
            )
        )  # fmt: skip
        if status == CaseStatus.STARTED:
            self._change(case, StartChangeKind.CONFIRMED, hire, hire["start"], "", hire["manager"] or self.hr, closed)
        elif status != CaseStatus.OPEN:
            kind = StartChangeKind.NO_SHOW if status == CaseStatus.NO_SHOW else StartChangeKind.WITHDRAWN
            self._change(case, kind, hire, None, note, self.hr, closed)
        if tasks:
            due = schedule.due_dates(
                [step for _source, step in tasks], accepted_on=accepted, start=hire["start"], cal=self.calendar
            )
            ids = {source.pk: self.take(PreboardingTask) for source, _step in tasks}
            for source, step in tasks:
                self._task(case, hire, source, ids, due[step.key])
                for dep in sorted(step.waits_on):
                    self.rows["link"].append((self.take("link"), ids[source.pk], ids[dep]))
        return status

    def _template(self, hire: dict):
        """The template template_for gives the hire, with its tasks as schedule steps (read once a kind)."""
        key = (hire["employment_type"], hire["location"], hire["department"])
        if key not in self.templates:
            template = template_for(employment_type=key[0], location_id=key[1], department_id=key[2])
            tasks = []
            if template is not None:
                for source in (
                    TemplateTask.objects.filter(template=template)
                    .prefetch_related("waits_on")
                    .order_by("position", "pk")
                ):
                    step = schedule.Step(
                        key=source.pk, anchor_is_start=source.anchor == Anchor.START, offset=source.offset_days,
                        duration=source.duration_days, blocks=source.blocks_start,
                        waits_on={dep.pk for dep in source.waits_on.all()},
                    )  # fmt: skip
                    tasks.append((source, step))
            self.templates[key] = (template, tasks)
        return self.templates[key]

    def _task(self, case: int, hire: dict, source: TemplateTask, ids: dict, due: date) -> None:
        """One task of the case: done, open or cancelled as the case stands, its decision when open, its check,
        its money."""
        rng = self.rng
        task = ids[source.pk]
        status, reason, done_at, by = self._status(hire, source, due)
        owner, role, owner_note = self._owner(source, hire)
        decision = None
        if status in (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED):
            decision = self.decisions.raise_(
                kind=TASK_KIND,
                title=f"{source.title}: {' '.join(hire['name'])} (starts {hire['start'].isoformat()})",
                detail=owner_note,
                subject=(self.task_type, task),
                owner=owner,
                role=role,
                due_at=end_of_day(due),
                created_at=hire["opened"],
                key=f"preboarding:task:{task}",
            )
        expected = source.expected_cost
        actual = None
        if expected is not None and status == TaskStatus.DONE:
            actual = (expected * Decimal(rng.choice(COST_FACTORS))).quantize(Decimal("0.01"))
        self.rows[PreboardingTask].append(
            (
                task, case, source.pk, source.position, source.title, source.kind, source.owner_rule, owner_note,
                source.anchor, source.offset_days, source.duration_days, source.blocks_start, due, False, status,
                reason, "CAD", expected, source.cost_category, actual, decision, done_at, by,
            )
        )  # fmt: skip
        if source.kind == TaskKind.BACKGROUND_CHECK:
            self._check(task, hire, status, done_at)
        if expected and hire["cost_center"] and source.cost_category:
            self._money(case, task, hire, source, due, status, actual, done_at, by)

    def _status(self, hire: dict, source: TemplateTask, due: date):
        """(status, reason, settled at, by whom) of a task, by where its case stands and when it is due."""
        rng = self.rng
        opened, closed, status = hire["opened"], hire["closed"], hire["status"]
        doer = self._doer(source, hire)
        if status == CaseStatus.STARTED:
            done = self._between(opened, min(closed, end_of_day(due)))
            if not source.blocks_start and rng.random() < NOT_APPLICABLE:
                return TaskStatus.NOT_APPLICABLE, "Not needed for this hire.", done, doer
            return TaskStatus.DONE, "", done, doer
        if status in (CaseStatus.NO_SHOW, CaseStatus.WITHDRAWN):
            if end_of_day(due) < closed - timedelta(days=1):
                return TaskStatus.DONE, "", self._between(opened, end_of_day(due)), doer
            what = f"{' '.join(hire['name'])}: {CaseStatus(status).label.lower()}"
            return TaskStatus.CANCELLED, what, closed, self.hr
        # Waiting to start: what was due by today mostly done, the rest under way or to do.
        roll = rng.random()
        if due < self.today:
            if roll < 0.85:
                return TaskStatus.DONE, "", self._between(opened, min(self.now, end_of_day(due))), doer
            if roll < 0.95 or source.kind == TaskKind.BACKGROUND_CHECK:
                return TaskStatus.IN_PROGRESS, "", None, None
            return TaskStatus.BLOCKED, "Waiting on the candidate's documents.", None, None
        if roll < 0.05 and source.kind != TaskKind.BACKGROUND_CHECK:
            return TaskStatus.DONE, "", self._between(opened, self.now), doer
        return (TaskStatus.IN_PROGRESS if roll < 0.3 else TaskStatus.TODO), "", None, None

    def _owner(self, source: TemplateTask, hire: dict) -> tuple[int | None, str, str]:
        """(owner, owner role, note) as resolve_owner gives them (a named person inactive: HR owns it)."""
        if source.owner_rule in ROLE_RULES:
            return None, ROLE_RULES[source.owner_rule], ""
        named = {OwnerRule.HIRING_MANAGER: hire["manager"], OwnerRule.RECRUITER: hire["recruiter"]}.get(
            source.owner_rule, source.owner_person_id
        )
        if named is None or named not in self.active:
            return None, Role.HR, f"Nobody active is named as {OwnerRule(source.owner_rule).label.lower()}: HR owns it."
        return named, "", ""

    def _doer(self, source: TemplateTask, hire: dict) -> int:
        owner, role, _note = self._owner(source, hire)
        return owner or self.by_role.get(role) or self.hr

    def _check(self, task: int, hire: dict, status: str, done_at) -> None:
        """The background check of a check task: clear once done, under way (or not started) while open."""
        rng = self.rng
        requested = hire["opened"] + timedelta(hours=rng.randint(2, 30))
        if status == TaskStatus.DONE:
            check, decided = CheckStatus.CLEAR, timezone.localdate(done_at)
            requested = min(requested, done_at - timedelta(hours=1))
        elif status == TaskStatus.CANCELLED:
            check, decided = CheckStatus.REQUESTED, None
        else:
            check = rng.choice([CheckStatus.NOT_STARTED, CheckStatus.REQUESTED, CheckStatus.IN_PROGRESS])
            if status == TaskStatus.BLOCKED:
                check = CheckStatus.REVIEW_NEEDED
            decided = None
        if requested > self.now or check == CheckStatus.NOT_STARTED:
            check, requested = CheckStatus.NOT_STARTED, None
        self.rows[BackgroundCheck].append(
            (
                self.take(BackgroundCheck), task, CHECK_VENDOR if requested else "", CHECK_PACKAGE if requested else "",
                check, f"NS-{task:07d}" if requested else "", "", requested, decided,
            )
        )  # fmt: skip

    def _money(self, case, task, hire, source, due, status, actual, done_at, by) -> None:
        """The expected cost forecast when the case opened; settled: reversed, and done: the actual."""
        name = " ".join(hire["name"])
        event = {"cost_center": hire["cost_center"], "need": hire["requisition"], "source": (self.task_type, task)}
        first = len(self.ledger.rows)
        self.ledger.record(
            category=source.cost_category, kind=CostKind.FORECAST, amount=source.expected_cost, month=due,
            memo=f"PB-{case:04d} {source.title} for {name}", at=hire["opened"], by=hire["recruiter"], **event,
        )  # fmt: skip
        if status in (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED):
            return
        settled = done_at or hire["closed"]
        memo = f"PB-{case:04d} {source.title} {TaskStatus(status).label.lower()}"
        self.ledger.reverse(self.ledger.rows[first:], memo=memo, at=settled, by=by)
        if status == TaskStatus.DONE and actual:
            self.ledger.record(
                category=source.cost_category, kind=CostKind.ACTUAL, amount=actual, month=timezone.localdate(settled),
                memo=f"PB-{case:04d} {source.title} done", at=settled, by=by, **event,
            )  # fmt: skip

    def _change(self, case: int, kind: str, hire: dict, to: date | None, reason: str, by: int, at: datetime) -> None:
        self.rows[StartChange].append((self.take(StartChange), case, kind, hire["start"], to, reason, by, at))

    def _between(self, start: datetime, end: datetime) -> datetime:
        """A working moment from `start` to `end` (and never after now); `start` itself when there is no room."""
        end = min(end, self.now)
        if end <= start:
            return start
        return min(self.clock.between(start, end), end)

    def _at(self, day: date, hour: int) -> datetime:
        return self.clock.at_work(timezone.make_aware(datetime.combine(day, time(hour))))


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().replace(" ", "")
