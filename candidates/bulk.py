"""The pipeline's volume layer (`seed_demo --scale N`, N > 1), written in bulk after the demo.

Per unit of scale (41 requisitions, requisitions.bulk) there are, in all, 1,640 candidates, 2,050
applications and 12,300 stage transitions: `--scale 122` gives about 5,000 requisitions, 200,000
candidates, 250,000 applications and 1,500,000 transitions. The volume's applications sit on the
volume's open, on-hold and filled requisitions, skewed like real demand: the three largest hold about
1.6%, 1% and 0.6% of them (thousands at that scale), the rest follow a long tail. Each application
is replayed as rows: applied, moved stage by stage a few working days apart with a funnel's drop-off,
the interview loop gone round again for many who reach the debrief (so six transitions an
application on average), closed with a reason code (all of them on a filled requisition, but its
hires), and often touched lately (an activity) or left stuck. Only the hires of filled requisitions pass
through Pre-start to Hired, and each is counted on its requisition, as the offer and onboarding workflows
would have done; nobody else reaches or leaves those stages. Every transition is in time order and
the application's stage, status, disposition, stage_entered_at and last_activity_at agree with its
transitions; a candidate appears when they first apply. No history rows are written for them.
"""

import random
import unicodedata
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from candidates.choices import (
    RESERVED_STAGE_KINDS,
    STATUS_FOR_CATEGORY,
    ApplicationStatus,
    ReasonCategory,
    StageKind,
)
from candidates.demo import CITIES, FIRST, LAST, NOTES
from candidates.models import Activity, Application, Candidate, ReasonCode, Source, Stage, StageTransition
from candidates.services import email_key, phone_key
from portal.bulk import Clock, insert, next_id, reset_sequences
from requisitions.bulk import LARGEST, UNIT, volume_requisitions
from requisitions.choices import Status
from requisitions.models import Requisition

CANDIDATES = 40 * UNIT  # per unit of --scale, the demo's included
APPLICATIONS = 50 * UNIT
TRANSITIONS = 300 * UNIT
LARGEST_SHARES = [0.016, 0.010, 0.006]  # of the volume's applications, on the LARGEST requisitions
# How far an application gets (applied, screen, interview, debrief, offer, pre-start, hired), in percent; one
# that would stop in Pre-start without a hire to count stops at Offer instead.
FURTHEST = [10, 20, 25, 20, 10, 5, 10]
INTERVIEW, DEBRIEF = 2, 3  # positions in the pipeline: the loop gone round again
SOURCES = {
    "direct": 15, "referral": 15, "job_board": 10, "linkedin": 25, "indeed": 20, "agency": 8, "campus": 4,
    "internal": 3,
}  # fmt: skip
AGENCIES = ["Northbound Talent", "Maple Staffing", "TechHire Partners"]
APPLICATION_FIELDS = [
    "id", "candidate_id", "requisition_id", "stage_id", "stage_entered_at", "status", "disposition_id", "owner_id",
    "source_id", "referrer", "agency_name", "external_id", "applied_at", "last_activity_at", "created_at",
]  # fmt: skip
TRANSITION_FIELDS = [
    "id",
    "application_id",
    "from_stage_id",
    "to_stage_id",
    "status",
    "reason_id",
    "note",
    "at",
    "by_id",
]
ACTIVITY_FIELDS = ["id", "application_id", "kind", "body", "at", "by_id"]
CANDIDATE_FIELDS = [
    "id", "first_name", "last_name", "email", "email_key", "phone", "phone_key", "city", "work_eligibility",
    "links", "tags", "consent_at", "retain_until", "created_at", "created_by_id", "merged_into_id",
]  # fmt: skip


def seed(*, rng: random.Random, scale: int, log) -> None:
    wanted_applications = scale * APPLICATIONS - Application.objects.count()
    if wanted_applications <= 0:
        return
    with transaction.atomic():
        volume = _Volume(
            rng,
            candidates=max(scale * CANDIDATES - Candidate.objects.count(), 1),
            applications=wanted_applications,
            transitions=scale * TRANSITIONS - StageTransition.objects.count(),
        )
        if not volume.requisitions:
            log("skipped: the requisitions' volume layer has no open requisition")
            return
        counts = volume.write()
        reset_sequences(Candidate, Application, StageTransition, Activity)
    log("volume: {} candidates, {} applications, {} stage transitions, {} activities".format(*counts))


class _Volume:
    def __init__(self, rng: random.Random, *, candidates: int, applications: int, transitions: int):
        self.rng, self.clock = rng, Clock(rng)
        self.n_candidates, self.n_applications, self.n_transitions = candidates, applications, transitions
        stages = list(Stage.objects.active().order_by("position", "id"))
        movable = [s.pk for s in stages if s.kind not in RESERVED_STAGE_KINDS]
        # Pre-start and Hired close the route, and only a hire reaches them, as through the services (an
        # accepted offer counts the hire, the start confirmation hires): everyone else stops before them.
        self.first_reserved = len(movable)
        reserved = {s.kind: s.pk for s in stages if s.kind in RESERVED_STAGE_KINDS}
        self.pipeline = movable + [reserved[k] for k in (StageKind.PRE_START, StageKind.HIRED) if k in reserved]
        self.reasons = [(r.pk, STATUS_FOR_CATEGORY[ReasonCategory(r.category)]) for r in ReasonCode.objects.active()]
        sources = {s.code: s for s in Source.objects.active()}
        self.sources = [sources[code] for code in SOURCES if code in sources] or list(sources.values())
        self.source_weights = [SOURCES.get(s.code, 5) for s in self.sources]
        with_applications = Application.objects.values("requisition_id")
        self.requisitions = list(
            volume_requisitions()
            .filter(status__in=[Status.OPEN, Status.ON_HOLD, Status.FILLED])
            .exclude(pk__in=with_applications)
            .order_by("pk")
            .values("pk", "status", "openings", "opened_at", "filled_at", "recruiter_id")
        )

    # --- Planning: who applies where, how far each gets -------------------------------------------

    def _sizes(self) -> list[int]:
        """Applications per requisition: the largest few first, then a long tail."""
        rng, total = self.rng, self.n_applications
        largest = [r for r in self.requisitions[: len(LARGEST)] if r["status"] == Status.OPEN]
        sizes = [0] * len(self.requisitions)
        for index, share in enumerate(LARGEST_SHARES[: len(largest)]):
            sizes[index] = max(1, int(total * share))
        rest = range(len(largest), len(self.requisitions))
        weights = [
            rng.lognormvariate(0, 0.9) * (0.5 if self.requisitions[i]["status"] == Status.ON_HOLD else 1) for i in rest
        ]
        remaining = total - sum(sizes)
        if rest:
            for index in rng.choices(rest, weights, k=remaining):
                sizes[index] += 1
        else:
            sizes[0] += remaining
        return sizes

    def _people(self, sizes: list[int]) -> list[tuple[int, int]]:
        """(requisition index, candidate index) of each application: everyone applies once, some (from a
        pool of keen job seekers) several times, never twice to one requisition."""
        rng = self.rng
        slots = [index for index, size in enumerate(sizes) for _ in range(size)]
        rng.shuffle(slots)
        firsts = min(self.n_candidates, len(slots))
        pairs = [(slots[n], n) for n in range(firsts)]
        applied = {}
        keen = max(1, firsts // 7)
        for req_index in slots[firsts:]:
            for _ in range(20):
                person = rng.randrange(keen)
                if req_index not in applied.setdefault(person, {pairs[person][0]}):
                    break
            else:
                continue  # nobody free for it: one application fewer
            applied[person].add(req_index)
            pairs.append((req_index, person))
        rng.shuffle(pairs)  # ids in no particular order of requisition, as after months of applying
        return pairs

    def _shape(self, req: dict, hires: dict) -> list:
        """[furthest position, closing reason (pk, status) or None, hired, loops, back]."""
        rng = self.rng
        furthest = rng.choices(range(len(FURTHEST)), FURTHEST)[0]
        last = len(self.pipeline) - 1
        hired = False
        if furthest == last and req["status"] == Status.FILLED and hires.get(req["pk"], 0) < req["openings"]:
            hires[req["pk"]] = hires.get(req["pk"], 0) + 1
            hired = True
        elif furthest >= self.first_reserved:
            furthest = self.first_reserved - 1
        closes = not hired and (req["status"] == Status.FILLED or rng.random() < 0.45)
        return [furthest, rng.choice(self.reasons) if closes else None, hired, 0, False]

    @staticmethod
    def _count(shape: list) -> int:
        furthest, reason, _hired, loops, back = shape
        return 1 + furthest + 2 * loops + (1 if reason else 0) + (1 if back else 0)

    def _plan(self, pairs: list[tuple[int, int]]) -> list[list]:
        """Each application's shape, the interview loops spread so the transitions reach their total."""
        hires = {}
        shapes = [self._shape(self.requisitions[req_index], hires) for req_index, _ in pairs]
        extra = self.n_transitions - sum(self._count(shape) for shape in shapes)
        looping = [shape for shape in shapes if shape[0] >= DEBRIEF]
        if extra > 0 and looping:
            for shape in self.rng.choices(looping, k=extra // 2):
                shape[3] += 1
            if extra % 2:
                moved_back = next((s for s in shapes if s[1] is None and not s[2] and s[0] >= 1), None)
                if moved_back:
                    moved_back[4] = True
        return shapes

    # --- Writing ------------------------------------------------------------------------------------

    def write(self) -> tuple[int, int, int, int]:
        sizes = self._sizes()
        pairs = self._people(sizes)
        shapes = self._plan(pairs)
        # Ids taken ahead (no query may run while a COPY streams the rows).
        self.first_candidate, self.first_application = next_id(Candidate), next_id(Application)
        self.first_transition, self.first_activity = next_id(StageTransition), next_id(Activity)
        self.applications, self.activities = [], []
        self.first_seen = {}  # candidate index: (first applied, by whom)
        transitions = insert(StageTransition, TRANSITION_FIELDS, self._transitions(pairs, shapes))
        insert(Application, APPLICATION_FIELDS, self.applications)
        candidates = insert(Candidate, CANDIDATE_FIELDS, self._candidates())
        insert(Activity, ACTIVITY_FIELDS, self.activities)
        self._count_hires()
        return candidates, len(self.applications), transitions, len(self.activities)

    @staticmethod
    def _count_hires() -> None:
        """Each filled requisition counts the openings its hired applications took."""
        hired = (
            Application.objects.filter(requisition=OuterRef("pk"), status="hired")
            .values("requisition")
            .annotate(n=Count("id"))
            .values("n")
        )
        Requisition.objects.filter(status=Status.FILLED).update(hires=Coalesce(Subquery(hired), 0))

    def _window(self, req: dict) -> tuple[datetime, datetime]:
        """When applications on `req` happen: from its opening to now, to its filling, or to when it
        was put on hold."""
        now = self.clock.now
        start = req["opened_at"] or now - timedelta(days=60)
        if req["status"] == Status.FILLED and req["filled_at"]:
            end = req["filled_at"]
        elif req["status"] == Status.ON_HOLD:
            end = max(start + timedelta(days=3), now - timedelta(days=self.rng.randint(21, 60)))
        else:
            end = now
        return start, min(end, now)

    def _transitions(self, pairs, shapes):
        """Yield every transition row, in time order per application, building the application rows."""
        rng, clock = self.rng, self.clock
        transition_id, activity_id = self.first_transition, self.first_activity
        pipeline = self.pipeline
        windows = {}
        for n, ((req_index, person), shape) in enumerate(zip(pairs, shapes, strict=True)):
            req = self.requisitions[req_index]
            if req_index not in windows:
                windows[req_index] = self._window(req)
            start, end = windows[req_index]
            furthest, reason, hired, loops, back = shape
            route = pipeline[: min(furthest, DEBRIEF) + 1]
            route += [pipeline[INTERVIEW], pipeline[DEBRIEF]] * loops
            route += pipeline[DEBRIEF + 1 : furthest + 1]
            if back:
                route.append(pipeline[furthest - 1])
            steps = len(route) - 1 + (1 if reason else 0)
            applied = clock.between(start, start + (end - start) * 0.85)
            gaps = [rng.uniform(0.5, 6.0) for _ in range(steps)]
            room = (end - applied).total_seconds() / 86400 * 0.95
            squeeze = min(1.0, room / sum(gaps)) if gaps else 1.0
            app_id, owner = self.first_application + n, req["recruiter_id"]
            moment = entered = applied
            status = ApplicationStatus.ACTIVE
            yield (transition_id, app_id, None, route[0], status, None, "", applied, owner)
            transition_id += 1
            for index, gap in enumerate(gaps):
                moment = self._after(moment, gap * squeeze, end)
                if index < len(route) - 1:
                    if hired and index == len(route) - 2:
                        status = ApplicationStatus.HIRED
                    yield (transition_id, app_id, route[index], route[index + 1], status, None, "", moment, owner)
                    entered = moment
                else:
                    status = reason[1]
                    yield (transition_id, app_id, route[-1], route[-1], status, reason[0], "", moment, owner)
                transition_id += 1
            last_activity = moment
            if status == ApplicationStatus.ACTIVE and req["status"] == Status.OPEN and rng.random() < 0.6:
                # Touched lately (or a while ago: then stuck for 7 or 14 days).
                touch = clock.at_work(clock.now - timedelta(days=rng.expovariate(1 / 5)))
                if touch > moment:
                    self.activities.append(
                        (activity_id, app_id, rng.choice(["note", "call", "email"]), rng.choice(NOTES), touch, owner)
                    )
                    activity_id, last_activity = activity_id + 1, touch
            source = rng.choices(self.sources, self.source_weights)[0]
            self.applications.append(
                (
                    app_id,
                    self.first_candidate + person,
                    req["pk"],
                    route[-1],
                    entered,
                    status,
                    reason[0] if reason else None,
                    owner,
                    source.pk,
                    f"{rng.choice(FIRST)} {rng.choice(LAST)}" if source.kind == "referral" else "",
                    rng.choice(AGENCIES) if source.kind == "agency" else "",
                    "",
                    applied,
                    last_activity,
                    applied,
                )
            )
            seen = self.first_seen.get(person)
            if seen is None or applied < seen[0]:
                self.first_seen[person] = (applied, owner)

    def _after(self, moment: datetime, days: float, end: datetime) -> datetime:
        """A working moment about `days` after `moment`, after it, by `end` when there is room."""
        later = max(moment + timedelta(minutes=10), self.clock.at_work(moment + timedelta(days=days)))
        if later > end:
            later = moment + (max(end, moment + timedelta(minutes=20)) - moment) / 2
        return min(later, max(self.clock.now, moment + timedelta(seconds=1)))

    def _candidates(self):
        rng, clock = self.rng, self.clock
        for person in range(self.n_candidates):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            number = self.first_candidate + person
            email = f"{_ascii(first)}.{_ascii(last)}.{number}@volume.example"
            phone = (
                f"+1 {rng.choice(['416', '514', '604', '403', '902'])} {200 + number // 10000:03d} {number % 10000:04d}"
            )
            created, by = self.first_seen.get(person) or (clock.at_work(clock.now - timedelta(days=30)), None)
            yield (
                number,
                first,
                last,
                email,
                email_key(email),
                phone,
                phone_key(phone),
                rng.choice(CITIES),
                rng.choice(["citizen_or_pr", "citizen_or_pr", "work_permit", "unknown"]),
                "",
                "",
                created,
                None,
                created,
                by,
                None,
            )


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
