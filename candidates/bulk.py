"""The pipeline's volume layer (`seed_demo --scale N`, N > 1), written in bulk after the demo.

Per unit of scale (41 requisitions, requisitions.bulk) there are, in all, 1,640 candidates, 2,050
applications and 12,300 stage transitions: `--scale 122` gives about 5,000 requisitions, 200,000
candidates, 250,000 applications and 1,500,000 transitions. The volume's applications sit on the
volume's open, on-hold and filled requisitions, skewed like real demand: the three largest hold about
1.6%, 1% and 0.6% of them (thousands at that scale), the rest follow a long tail. Each application
is replayed as rows: applied, moved stage by stage a few working days apart with a funnel's drop-off,
the interview loop gone round again for many who reach the debrief (so six transitions an
application on average), closed with a reason code (all of them on a filled requisition, but its
hires), and often touched lately (an activity) or left stuck. About one in seven comes through an
agency's own source (the agency vendors'; a terminated one sends nobody), and at least one hire does.

Only hires reach Pre-start, each counted on its requisition as an accepted offer counts it (offers.bulk
writes the offers): on a filled permanent requisition one for each opening, hired some weeks after the
acceptance (the start); on an open one with openings to spare, hires accepted lately and waiting to
start (one opening always left); and about FELL_SHARE of them again fell through before the start (a
no-show on the start day, or a withdrawal), closed in Pre-start and counting nothing. A filled contract
requisition's openings were taken by contractors a supplier sent (vendors.bulk engages them): none of
its applicants is hired. Per unit of scale that is about 4.5 hired, 5 waiting to start and 0.8 fallen
through. Every transition is in time order and the application's stage, status, disposition,
stage_entered_at and last_activity_at agree with its transitions; a candidate appears when they first
apply. No history rows are written for them.

Interviews (_Interviews): per unit of scale about 35 interview plans, 1,500 interviews, 2,050 panel seats,
1,850 submitted scorecards and 4,100 ratings (`--scale 122`: about 183,000 interviews and 500,000
ratings); see _Interviews for what each stay in Interview becomes.
"""

import random
import unicodedata
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import CharField, Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from candidates.choices import (
    RESERVED_STAGE_KINDS,
    SCORING_PANEL_ROLES,
    STATUS_FOR_CATEGORY,
    ApplicationStatus,
    InterviewStatus,
    PanelRole,
    ReasonCategory,
    ScorecardStatus,
    StageKind,
)
from candidates.demo import CITIES, EVIDENCE, FIRST, LAST, NOTES
from candidates.models import (
    Activity,
    Application,
    Candidate,
    Interview,
    InterviewParticipant,
    InterviewPlan,
    InterviewPlanTemplate,
    InterviewRound,
    ReasonCode,
    Scorecard,
    ScorecardRating,
    Source,
    Stage,
    StageTransition,
)
from candidates.services import email_key, phone_key
from portal.bulk import Clock, insert, next_id, reset_sequences
from portal.choices import Role
from portal.models import User
from requisitions.bulk import LARGEST, UNIT, volume_requisitions
from requisitions.choices import CONTRACT_TYPES, Status
from requisitions.models import Requisition

CANDIDATES = 40 * UNIT  # per unit of --scale, the demo's included
APPLICATIONS = 50 * UNIT
TRANSITIONS = 300 * UNIT
LARGEST_SHARES = [0.016, 0.010, 0.006]  # of the volume's applications, on the LARGEST requisitions
# How far an application gets (applied, screen, interview, debrief, offer, pre-start, hired), in percent; one
# that would stop in Pre-start or Hired without an opening for it stops at Offer instead.
FURTHEST = [10, 20, 25, 20, 10, 5, 10]
INTERVIEW, DEBRIEF = 2, 3  # positions in the pipeline: the loop gone round again
# What becomes of a hire (a roll past Offer with an opening for it): hired on a filled requisition, waiting to
# start on an open one; a few fall through before the start (a no-show, a withdrawal).
HIRED, PRE_START, FELL_THROUGH = "hired", "pre_start", "fell_through"
FELL_SHARE = 0.08  # of the hires, at least one: rolls past Offer that fell through before the start
START_DAYS = (15, 45)  # from the acceptance to the start (or the no-show)
RECENT_ACCEPTANCE_DAYS = 50  # a hire still waiting to start accepted within this many days
SOURCES = {
    "direct": 15, "referral": 15, "job_board": 10, "linkedin": 25, "indeed": 20, "agency": 8, "campus": 4,
    "internal": 3,
}  # fmt: skip
OTHER_SOURCE_WEIGHT = 4  # each source not named above (an agency vendor's): about one application in 30
AGENCIES = ["Northbound Talent", "Maple Staffing", "TechHire Partners"]  # unnamed agencies (the "agency" source)
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
INTERVIEW_FIELDS = [
    "id", "application_id", "round_id", "status", "starts_at", "ends_at", "location", "video_link", "note",
    "completed_at", "created_at", "created_by_id", "sequence",
]  # fmt: skip
PARTICIPANT_FIELDS = ["id", "interview_id", "user_id", "panel_role"]
SCORECARD_FIELDS = [
    "id", "interview_id", "interviewer_id", "revision", "supersedes_id", "status", "recommendation", "private_note",
    "revision_reason", "created_at", "submitted_at",
]  # fmt: skip
RATING_FIELDS = ["id", "scorecard_id", "criterion_id", "rating", "evidence"]
RECOMMENDATION = {1: "strong_no", 2: "no", 3: "yes", 4: "strong_yes"}
# A panelist's overall level, by what became of the application after the round.
LEVELS = {"advanced": [2, 3, 3, 4, 4], ReasonCategory.WE_REJECTED: [1, 2, 2, 3], None: [2, 3, 3, 4]}
SECOND_ROUND = 0.2  # of the stays after the loop that ended: their round is an interview too
SECOND_INTERVIEWER, SHADOW = 0.2, 0.05  # how often a panel has an interviewer beside its lead, and a shadow
CALLED_OFF = 0.4  # of the stays a withdrawal ended: an interview was booked, then cancelled (else none was)
UPCOMING_PER_PANELIST = 5  # booked interviews a panelist has this week and next, about
INTERVIEWER_WEIGHT = 3  # how much more often the interviewer role sits on a panel than a hiring manager


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
        interviews = _Interviews(volume).write()
        reset_sequences(InterviewPlan, InterviewRound, Interview, InterviewParticipant, Scorecard, ScorecardRating)
        reset_sequences(InterviewRound.criteria.through)
    log("volume: {} candidates, {} applications, {} stage transitions, {} activities".format(*counts))
    log("volume: {} interview plans, {} interviews, {} panel seats, {} scorecards, {} ratings".format(*interviews))


def own_requisitions():
    """The volume's own requisitions, titled with their id (requisitions.bulk), without the demo's contract
    requisitions (titled "... (contract)") that volume_requisitions takes as well."""
    own_title = Concat(Value(" ("), Cast("pk", output_field=CharField()), Value(")"))
    return volume_requisitions().alias(own_title=own_title).filter(title__endswith=F("own_title"))


def volume_applications():
    """The volume's applications (its candidates')."""
    return Application.objects.filter(candidate__email__endswith="@volume.example")


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
        self.hires_possible = len(self.pipeline) == self.first_reserved + 2
        self.position = {pk: n for n, pk in enumerate(self.pipeline)}
        codes = list(ReasonCode.objects.active())
        self.reasons = [(r.pk, STATUS_FOR_CATEGORY[ReasonCategory(r.category)]) for r in codes]
        self.category = {r.pk: r.category for r in codes}
        fell = (ReasonCategory.NO_SHOW, ReasonCategory.THEY_WITHDREW)
        self.fell_reasons = [reason for reason in self.reasons if self.category[reason[0]] in fell]
        # The demo's sources, and the agencies' own (an application names the agency that sent it; a
        # terminated one sends nobody).
        sources = {s.code: s for s in Source.objects.active().exclude(vendor__status="terminated").order_by("pk")}
        known = [sources[code] for code in SOURCES if code in sources]
        self.sources = known + [s for code, s in sources.items() if code not in SOURCES]
        self.source_weights = [SOURCES.get(s.code, OTHER_SOURCE_WEIGHT) for s in self.sources]
        self.vendor_names = dict(Source.objects.filter(vendor__isnull=False).values_list("pk", "vendor__name"))
        with_applications = Application.objects.values("requisition_id")
        self.requisitions = list(
            volume_requisitions()
            .filter(status__in=[Status.OPEN, Status.ON_HOLD, Status.FILLED])
            .exclude(pk__in=with_applications)
            .order_by("pk")
            .values(
                "pk", "status", "openings", "opened_at", "filled_at", "recruiter_id", "hiring_manager_id",
                "employment_type", "role_family_id",
            )
        )  # fmt: skip
        self.visits = []  # (application id, requisition index, [(entered, left or None, how it left)]) of Interview

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
        """[furthest position, closing reason (pk, status) or None, hired, loops, back, fate]: a roll past
        Offer is a hire only where an opening takes it (a filled permanent requisition's, or an open one's
        with another left after it); a few fall through before the start; the rest stop at Offer. A
        contract requisition's openings are taken by contractors (vendors.bulk), not applicants."""
        rng = self.rng
        furthest = rng.choices(range(len(FURTHEST)), FURTHEST)[0]
        fate, reason, may_fall = None, None, False
        if furthest >= self.first_reserved:
            pk, taken = req["pk"], hires.get(req["pk"], 0)
            permanent = req["employment_type"] not in CONTRACT_TYPES
            if not (self.hires_possible and permanent):
                furthest = self.first_reserved - 1
            elif req["status"] == Status.FILLED and furthest == self.first_reserved + 1 and taken < req["openings"]:
                fate = HIRED
            elif req["status"] == Status.OPEN and furthest == self.first_reserved and taken < req["openings"] - 1:
                fate = PRE_START
            else:
                furthest = self.first_reserved - 1
                may_fall = req["status"] in (Status.OPEN, Status.FILLED)
            if fate in (HIRED, PRE_START):
                hires[pk] = taken + 1
        if fate is None and (req["status"] == Status.FILLED or rng.random() < 0.45):
            reason = rng.choice(self.reasons)
        shape = [furthest, reason, fate == HIRED, 0, False, fate]
        if may_fall:
            self.capped.append(shape)  # a hire that may have fallen through instead (_fall_through)
        return shape

    @staticmethod
    def _count(shape: list) -> int:
        furthest, reason, _hired, loops, back, _fate = shape
        return 1 + furthest + 2 * loops + (1 if reason else 0) + (1 if back else 0)

    def _plan(self, pairs: list[tuple[int, int]]) -> list[list]:
        """Each application's shape, the interview loops spread so the transitions reach their total."""
        hires, self.capped = {}, []
        shapes = [self._shape(self.requisitions[req_index], hires) for req_index, _ in pairs]
        self._fill(pairs, shapes, hires)
        self._fall_through(sum(hires.values()))
        extra = self.n_transitions - sum(self._count(shape) for shape in shapes)
        looping = [shape for shape in shapes if shape[0] >= DEBRIEF]
        if extra > 0 and looping:
            for shape in self.rng.choices(looping, k=extra // 2):
                shape[3] += 1
            if extra % 2:
                moved_back = next((s for s in shapes if s[1] is None and s[5] is None and s[0] >= 1), None)
                if moved_back:
                    moved_back[4] = True
        return shapes

    def _fill(self, pairs, shapes, hires: dict) -> None:
        """A filled permanent requisition has a hire for each opening (as many as its applicants allow):
        those the rolls left short are its furthest applicants, hired."""
        if not self.hires_possible:
            return
        members = defaultdict(list)
        for n, (req_index, _) in enumerate(pairs):
            members[req_index].append(n)
        for req_index, ns in members.items():
            req = self.requisitions[req_index]
            if req["status"] != Status.FILLED or req["employment_type"] in CONTRACT_TYPES:
                continue
            short = req["openings"] - hires.get(req["pk"], 0)
            free = sorted((n for n in ns if shapes[n][5] is None), key=lambda n: -shapes[n][0])
            for n in free[: max(short, 0)]:
                shapes[n][:] = [self.first_reserved + 1, None, True, 0, False, HIRED]
                hires[req["pk"]] = hires.get(req["pk"], 0) + 1

    def _fall_through(self, hires: int) -> None:
        """About FELL_SHARE of the hires again (one at least) accepted an offer and fell through before the
        start, half of them a no-show, half a withdrawal: they take no opening."""
        capped = [shape for shape in self.capped if shape[5] is None]
        no_show = [r for r in self.fell_reasons if self.category[r[0]] == ReasonCategory.NO_SHOW]
        withdrew = [r for r in self.fell_reasons if r not in no_show]
        if not capped or not self.fell_reasons:
            return
        for shape in self.rng.sample(capped, min(len(capped), max(1, round(hires * FELL_SHARE)))):
            reasons = no_show if no_show and (self.rng.random() < 0.5 or not withdrew) else withdrew
            shape[0], shape[1], shape[5] = self.first_reserved, self.rng.choice(reasons), FELL_THROUGH

    # --- Writing ------------------------------------------------------------------------------------

    def write(self) -> tuple[int, int, int, int]:
        sizes = self._sizes()
        pairs = self._people(sizes)
        shapes = self._plan(pairs)
        # Ids taken ahead (no query may run while a COPY streams the rows).
        self.first_candidate, self.first_application = next_id(Candidate), next_id(Application)
        self.first_transition, self.first_activity = next_id(StageTransition), next_id(Activity)
        self.applications, self.activities, self.hires = [], [], []
        self.first_seen = {}  # candidate index: (first applied, by whom)
        transitions = insert(StageTransition, TRANSITION_FIELDS, self._transitions(pairs, shapes))
        self._agency_hire()
        insert(Application, APPLICATION_FIELDS, self.applications)
        candidates = insert(Candidate, CANDIDATE_FIELDS, self._candidates())
        insert(Activity, ACTIVITY_FIELDS, self.activities)
        self._count_hires()
        return candidates, len(self.applications), transitions, len(self.activities)

    def _agency_hire(self) -> None:
        """At least one hire came through an agency's own source, whatever the scale (a placement to show)."""
        source_at = APPLICATION_FIELDS.index("source_id")
        if not self.vendor_names or any(self.applications[n][source_at] in self.vendor_names for n in self.hires):
            return
        agency = next((s for s in self.sources if s.pk in self.vendor_names), None)
        if agency is None or not self.hires:
            return
        row = list(self.applications[self.hires[0]])
        row[source_at], row[source_at + 1], row[source_at + 2] = agency.pk, "", self.vendor_names[agency.pk]
        self.applications[self.hires[0]] = tuple(row)

    def _count_hires(self) -> None:
        """Each requisition counts the openings taken: an open one its hires waiting to start, a filled
        permanent one its hires, a filled contract one all of them (its contractors started, vendors.bulk)."""
        taken = (
            Application.objects.filter(requisition=OuterRef("pk"))
            .filter(
                Q(status=ApplicationStatus.HIRED) | Q(status=ApplicationStatus.ACTIVE, stage__kind=StageKind.PRE_START)
            )
            .values("requisition")
            .annotate(n=Count("id"))
            .values("n")
        )
        ours = Requisition.objects.filter(pk__in=[r["pk"] for r in self.requisitions])
        contract = Q(status=Status.FILLED, employment_type__in=CONTRACT_TYPES)
        ours.filter(status=Status.FILLED).exclude(contract).update(hires=Coalesce(Subquery(taken), 0))
        # An open one may count a contractor already (a demo requisition the volume applies to).
        ours.filter(status=Status.OPEN).update(hires=F("hires") + Coalesce(Subquery(taken), 0))
        ours.filter(contract).update(hires=F("openings"))

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
        """Yield every transition row, in time order per application, building the application rows and
        noting each stay in Interview (for the interviews)."""
        rng, clock = self.rng, self.clock
        transition_id, activity_id = self.first_transition, self.first_activity
        pipeline, position = self.pipeline, self.position
        interview = pipeline[INTERVIEW] if len(pipeline) > INTERVIEW else None
        windows = {}
        for n, ((req_index, person), shape) in enumerate(zip(pairs, shapes, strict=True)):
            req = self.requisitions[req_index]
            if req_index not in windows:
                windows[req_index] = self._window(req)
            start, end = windows[req_index]
            furthest, reason, hired, loops, back, fate = shape
            if fate == PRE_START:  # accepted lately: the start is still to come
                start = max(start, min(end, clock.now - timedelta(days=RECENT_ACCEPTANCE_DAYS)))
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
            visits, since = [], None
            yield (transition_id, app_id, None, route[0], status, None, "", applied, owner)
            transition_id += 1
            for index, gap in enumerate(gaps):
                if index == steps - 1 and fate in (HIRED, FELL_THROUGH):
                    # The start (or the day the hire fell through): weeks after the acceptance.
                    moment = self._after(moment, rng.uniform(*START_DAYS), clock.now)
                else:
                    moment = self._after(moment, gap * squeeze, end)
                if index < len(route) - 1:
                    if hired and index == len(route) - 2:
                        status = ApplicationStatus.HIRED
                    here, there = route[index], route[index + 1]
                    yield (transition_id, app_id, here, there, status, None, "", moment, owner)
                    entered = moment
                    if there == interview:
                        since = moment
                    elif here == interview and since is not None:
                        visits.append((since, moment, "advanced" if position[there] > INTERVIEW else "back"))
                        since = None
                else:
                    status = reason[1]
                    yield (transition_id, app_id, route[-1], route[-1], status, reason[0], "", moment, owner)
                    if since is not None:
                        visits.append((since, moment, self.category[reason[0]]))
                        since = None
                transition_id += 1
            if since is not None:
                visits.append((since, None, None))
            if len(visits) > 1 and visits[1][1] is not None and rng.random() >= SECOND_ROUND:
                visits = visits[:1]  # the loop's round went unrecorded (only some are: _Interviews)
            if visits:
                self.visits.append((app_id, req_index, visits[:2]))
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
            agency = rng.choice(AGENCIES) if source.kind == "agency" else ""
            if fate is not None:
                self.hires.append(len(self.applications))
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
                    self.vendor_names.get(source.pk, agency),  # a vendor's own source names it
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


class _Interviews:
    """The volume's interviews: an application's first stay in Interview, and about SECOND_ROUND of the stays
    after the loop (or the one still going), are an interview of its requisition's plan (copied from the
    template of its role family, or the default, as `ensure_plan` copies it): the first stay the round
    after the first (a phone screen is the Screen stage's), the stay after the loop the next one. A stay
    that ended held its interview (a shorter one when the stay was short): completed, every scoring
    panelist's scorecard submitted before the application moved on, rating every criterion of the round 1
    to 4 around one level that leans yes for those who advanced and no for those rejected. A stay closed
    by a no-show reason: a no-show; by a withdrawal: cancelled for some (CALLED_OFF), never booked for the
    others. A stay still going is booked this week or next for the latest ones (about
    UPCOMING_PER_PANELIST interviews a panelist), still to schedule for those who entered today, held
    otherwise. Panels: a lead, an interviewer now and then, the requisition's hiring manager where the
    round has that seat, rarely a shadow, drawn from the people holding the interviewer and hiring
    manager roles (the interviewers more often). No reschedules, debriefs, scorecard-due decisions or
    history rows are written."""

    def __init__(self, volume: _Volume):
        self.volume, self.rng, self.clock = volume, volume.rng, volume.clock
        self.now = volume.clock.now
        self.tz = timezone.get_current_timezone()
        people = User.objects.with_role(Role.INTERVIEWER, Role.HIRING_MANAGER).order_by("username")
        interviewers = set(User.objects.with_role(Role.INTERVIEWER).values_list("pk", flat=True))
        self.panelists = [u.pk for u in people]
        self.pool = [pk for pk in self.panelists for _ in range(INTERVIEWER_WEIGHT if pk in interviewers else 1)]

    def write(self) -> tuple[int, int, int, int, int]:
        visits = self.volume.visits
        if not visits or not self.pool:
            return 0, 0, 0, 0, 0
        first_stay = {}
        for _, req_index, stays in visits:
            first_stay[req_index] = min(first_stay.get(req_index, stays[0][0]), stays[0][0])
        plans = self._plans(first_stay)
        self.next = {
            "interview": next_id(Interview),
            "seat": next_id(InterviewParticipant),
            "card": next_id(Scorecard),
            "rating": next_id(ScorecardRating),
        }
        self.interviews, self.seats, self.cards, self.rated = [], [], [], []
        upcoming = self._upcoming(visits)
        for app_id, req_index, stays in visits:
            rounds = self.rounds.get(req_index)
            if not rounds:
                continue
            req = self.volume.requisitions[req_index]
            for number, stay in enumerate(stays):
                round_ = rounds[min(number + 1, len(rounds) - 1)]
                self._interview(app_id, req, round_, stay, upcoming=(app_id, number) in upcoming)
        insert(Interview, INTERVIEW_FIELDS, self.interviews)
        insert(InterviewParticipant, PARTICIPANT_FIELDS, self.seats)
        insert(Scorecard, SCORECARD_FIELDS, self.cards)
        ratings = insert(ScorecardRating, RATING_FIELDS, self._ratings())
        return plans, len(self.interviews), len(self.seats), len(self.cards), ratings

    def _plans(self, first_stay: dict[int, datetime]) -> int:
        """A plan for each requisition with someone in Interview, its rounds copied from the template."""
        templates = InterviewPlanTemplate.objects.filter(is_active=True).prefetch_related("rounds__criteria")
        by_family = {t.role_family_id: t for t in templates}
        requisitions = self.volume.requisitions
        plan_id, round_id = next_id(InterviewPlan), next_id(InterviewRound)
        link_id = next_id(InterviewRound.criteria.through)
        plans, rounds, links = [], [], []
        self.rounds = {}
        planned = set(
            InterviewPlan.objects.filter(requisition__in=volume_requisitions()).values_list("requisition_id", flat=True)
        )
        for req_index in sorted(first_stay):
            req = requisitions[req_index]
            template = by_family.get(req["role_family_id"]) or by_family.get(None)
            if template is None or req["pk"] in planned:
                continue  # no template to copy, or a plan of the demo's: no volume interviews there
            at = first_stay[req_index]
            plans.append((plan_id, req["pk"], template.pk, at, req["recruiter_id"], at))
            copied = []
            for source in sorted(template.rounds.all(), key=lambda r: (r.position, r.pk)):
                criteria = [c.pk for c in source.criteria.all() if c.is_active]
                rounds.append(
                    InterviewRound(
                        id=round_id,
                        plan_id=plan_id,
                        position=source.position,
                        name=source.name,
                        duration_minutes=source.duration_minutes,
                        panel_roles=list(source.panel_roles),
                    )
                )
                for criterion in criteria:
                    links.append((link_id, round_id, criterion))
                    link_id += 1
                copied.append((round_id, timedelta(minutes=source.duration_minutes), source.panel_roles, criteria))
                round_id += 1
            if copied:
                self.rounds[req_index] = copied
            plan_id += 1
        insert(
            InterviewPlan, ["id", "requisition_id", "template_id", "created_at", "created_by_id", "updated_at"], plans
        )
        InterviewRound.objects.bulk_create(rounds, batch_size=2000)  # a JSON column: not through COPY
        insert(InterviewRound.criteria.through, ["id", "interviewround_id", "criterion_id"], links)
        return len(plans)

    def _upcoming(self, visits) -> set[tuple[int, int]]:
        """The stays still going that are booked: the latest ones entered in the last fortnight, about
        UPCOMING_PER_PANELIST interviews a panelist over this week and next."""
        since = self.now - timedelta(days=14)
        going = [
            (stay[0], app_id, number)
            for app_id, _req, stays in visits
            for number, stay in enumerate(stays)
            if stay[1] is None and stay[0] >= since
        ]
        going.sort(reverse=True)
        return {(app_id, number) for _, app_id, number in going[: UPCOMING_PER_PANELIST * len(self.panelists)]}

    def _panel(self, roles, manager: int | None) -> list[tuple[int, str]]:
        """Seats for a round needing `roles`: a lead, often an interviewer, the hiring manager where the round
        has one, now and then a shadow; never one person twice, and always someone who scores."""
        rng, pool = self.rng, self.pool
        taken = {manager}
        seats = []

        def sit(role):
            for _ in range(8):
                user = rng.choice(pool)
                if user not in taken:
                    taken.add(user)
                    seats.append((user, role))
                    return

        if PanelRole.LEAD in roles:
            sit(PanelRole.LEAD)
        if PanelRole.INTERVIEWER in roles and (not seats or rng.random() < SECOND_INTERVIEWER):
            sit(PanelRole.INTERVIEWER)
        if PanelRole.HIRING_MANAGER in roles and manager is not None:
            seats.append((manager, PanelRole.HIRING_MANAGER))
        if PanelRole.SHADOW in roles and rng.random() < SHADOW:
            sit(PanelRole.SHADOW)
        return seats

    def _interview(self, app_id: int, req: dict, round_, stay, *, upcoming: bool) -> None:
        rng, now = self.rng, self.now
        round_id, length, roles, criteria = round_
        entered, left, how = stay
        status, times, note = InterviewStatus.COMPLETED, None, ""
        if left is None and upcoming:
            status, times = InterviewStatus.SCHEDULED, self._slot(length)
        elif left is None and entered > now - timedelta(days=1):
            status = InterviewStatus.TO_SCHEDULE
        elif how == ReasonCategory.THEY_WITHDREW or how == ReasonCategory.OFFER_DECLINED:
            if rng.random() >= CALLED_OFF:
                return  # withdrew before anything was booked
            # Booked for a few days after the day the candidate withdrew, and called off.
            status, note = InterviewStatus.CANCELLED, "The candidate withdrew."
            times = self._slot(length, after=left + timedelta(days=rng.randint(1, 4)))
        else:
            times = self._held(entered, left or now, length)
            if times is None:
                return  # a stay too short for an interview
            if how == ReasonCategory.NO_SHOW:
                status, note = InterviewStatus.NO_SHOW, "No answer on the phone or by email."
        seats = self._panel(roles, req["hiring_manager_id"])
        if not seats:
            return
        interview_id = self.next["interview"]
        self.next["interview"] += 1
        latest = min(now, times[0] - timedelta(hours=1)) if times else now
        created = max(entered, min(entered + timedelta(minutes=rng.randint(10, 240)), latest))
        completed = None
        if status == InterviewStatus.COMPLETED:
            completed = times[1] + timedelta(hours=1)
            level = LEVELS[how if how in ("advanced", ReasonCategory.WE_REJECTED) else None]
            cap = min(now, left - timedelta(minutes=1)) if left else now
            for user, role in seats:
                if role not in SCORING_PANEL_ROLES:
                    continue
                submitted = min(times[1] + timedelta(hours=rng.uniform(0.3, 30)), cap)
                submitted = max(submitted, times[1] + timedelta(minutes=5))
                completed = min(completed, submitted)
                mark = rng.choice(level)
                card_id = self.next["card"]
                self.next["card"] += 1
                self.cards.append(
                    (
                        card_id, interview_id, user, 1, None, ScorecardStatus.SUBMITTED, RECOMMENDATION[mark], "", "",
                        max(times[1], submitted - timedelta(minutes=rng.randint(5, 40))), submitted,
                    )
                )  # fmt: skip
                self.rated.append((card_id, mark, criteria))
        for user, role in seats:
            self.seats.append((self.next["seat"], interview_id, user, role))
            self.next["seat"] += 1
        in_person = rng.random() < 0.4
        self.interviews.append(
            (
                interview_id, app_id, round_id, status, times[0] if times else None, times[1] if times else None,
                rng.choice(ROOMS) if in_person else "", "" if in_person else f"https://meet.example.com/{app_id:07d}",
                note, completed, created, req["recruiter_id"], 1,
            )
        )  # fmt: skip

    def _held(self, entered: datetime, left: datetime, length: timedelta) -> tuple[datetime, datetime] | None:
        """When an interview of `length` was held during a stay, ending a quarter of an hour before it ended
        (or before now) at the latest; in a stay too short for that, a shorter one in its middle."""
        end = min(left, self.now)
        latest = end - length - timedelta(minutes=15)
        if latest <= entered:
            span = end - entered
            if span < timedelta(minutes=5):
                return None
            return entered + span * 0.2, entered + span * 0.7
        start = min(self.clock.between(min(entered + timedelta(minutes=30), latest), latest), latest)
        return start, start + length

    def _slot(self, length: timedelta, after: datetime | None = None) -> tuple[datetime, datetime]:
        """A half-hour slot from 9:00 to 15:30 on a weekday: after `after`, or from now to the end of next week."""
        rng = self.rng
        minute = rng.randrange(0, 14) * 30
        if after is None:  # a weekday left this week or next, at an hour still to come
            today = timezone.localdate(self.now)
            days = [today + timedelta(days=n) for n in range(12 - today.weekday()) if (today.weekday() + n) % 7 < 5]
            slots = [_at(day, minute, self.tz) for day in days]
            return _lasting(rng.choice([s for s in slots if s > self.now + timedelta(hours=1)] or slots), length)
        day = timezone.localtime(after).date()
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return _lasting(_at(day, minute, self.tz), length)

    def _ratings(self):
        """Each submitted scorecard rates every criterion of its round, around the panelist's level, with the
        evidence for it."""
        rng = self.rng
        rating_id = self.next["rating"]
        for card_id, mark, criteria in self.rated:
            for criterion in criteria:
                rating = max(1, min(4, mark + rng.choice((-1, 0, 0, 1))))
                yield rating_id, card_id, criterion, rating, rng.choice(EVIDENCE[rating])
                rating_id += 1


def _at(day, minute: int, tz) -> datetime:
    return datetime(day.year, day.month, day.day, 9 + minute // 60, minute % 60, tzinfo=tz)


def _lasting(start: datetime, length: timedelta) -> tuple[datetime, datetime]:
    return start, start + length


ROOMS = ["Room 4.12", "Room 2.05", "Boardroom, 10th floor", "Room 7.30"]


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
