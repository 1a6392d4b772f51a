"""Demo candidates: several hundred people on the open requisitions, with realistic histories.

Each application is replayed through the pipeline's services at past moments (portal.clock): applied
some weeks ago, moved through the stages with a funnel's drop-off, some rejected or withdrawn with a
reason code, a few stuck for 7 or 14 days, and a handful of people entered twice (to merge).
Idempotent: a run that finds demo candidates adds nothing.
"""

import random
from collections import Counter
from datetime import datetime, timedelta

from django.utils import timezone

from candidates.choices import ImportStatus
from candidates.models import (
    Application,
    Candidate,
    CandidateImport,
    Debrief,
    InterviewerCap,
    ReasonCode,
    Source,
    Stage,
)
from candidates.services import (
    apply,
    attach_resume,
    close_application,
    create_candidate,
    imports,
    log_activity,
    move_application,
)
from portal import clock
from portal.demo import business_moment
from portal.models import User
from portal.services.saved_views import save_view
from requisitions.choices import Status
from requisitions.models import Requisition

FIRST = [
    "Amara", "Liam", "Noor", "Mateo", "Chloé", "Wei", "Priya", "Owen", "Fatima", "Lucas", "Mei", "Ethan", "Aisha",
    "Gabriel", "Sofia", "Kenji", "Zara", "Félix", "Hana", "Omar", "Ava", "Dmitri", "Leila", "Samuel", "Ines",
    "Jonah", "Anika", "Malik", "Elena", "Tariq", "Maya", "Hugo", "Yuna", "Arjun", "Camille", "Kwame", "Lea",
]  # fmt: skip
LAST = [
    "Tremblay", "Nguyen", "Singh", "Roy", "Gagnon", "Chen", "Patel", "Côté", "Ahmed", "Martin", "Kim", "Bouchard",
    "Ali", "Wilson", "Lefebvre", "Wong", "Morin", "Khan", "Campbell", "Pelletier", "Li", "Okafor", "Leblanc",
    "Hassan", "MacDonald", "Fortin", "Sato", "Bernier", "Rahman", "Thompson", "Girard", "Park", "Haddad",
]  # fmt: skip
CITIES = ["Toronto", "Montréal", "Vancouver", "Calgary", "Halifax", "Ottawa", "Winnipeg", "Québec", "Waterloo"]
# How far an application gets by people's moves, weighted like a real funnel: most stop early. Pre-start and
# Hired are not moves: the offers demo puts people in Pre-start by accepting their offers.
FURTHEST = ["applied"] * 6 + ["screen"] * 6 + ["interview"] * 4 + ["debrief"] * 2 + ["offer"] * 2
NOTES = ["Left a voicemail.", "Sent the interview guide.", "Asked for availability next week.", "Shared the job ad."]


def seed(*, rng: random.Random, scale: int, log) -> None:
    if Candidate.objects.filter(email__endswith="@demo.example").exists():
        return
    recruiter = User.objects.filter(username="recruiter").first()
    requisitions = list(Requisition.objects.filter(status=Status.OPEN).select_related("recruiter").order_by("pk"))
    if recruiter is None or not requisitions:
        log("skipped: run the requisitions demo first")
        return
    stages = {stage.code: stage for stage in Stage.objects.active()}
    reasons = list(ReasonCode.objects.active())
    sources = list(Source.objects.active())
    # --scale N adds its volume afterwards, in bulk (candidates.bulk).
    people: list = [_details(n, rng) for n in range(380)]  # created at their first application
    created = 0
    for n in range(480):
        index = n if n < len(people) else rng.randrange(len(people))
        req = requisitions[n % len(requisitions)]
        person = people[index]
        if isinstance(person, Candidate) and req.applications.filter(candidate=person).exists():
            continue
        people[index] = _replay(person, req, rng, by=recruiter, stages=stages, reasons=reasons, sources=sources)
        created += 1
    for n in range(12):  # the same people entered again, by email: duplicates to merge
        original = next(p for p in people[n * 7 :] if isinstance(p, Candidate))
        create_candidate(
            by=recruiter,
            first_name=original.first_name,
            last_name=original.last_name,
            email=original.email.upper(),
            city=original.city,
        )
    log(f"created {len(people) + 12} candidates (12 to merge) and {created} applications")
    _resumes([p for p in people if isinstance(p, Candidate)][:60], rng, by=recruiter, log=log)
    _saved_views(log)
    _imports(recruiter, log)
    _interviews(rng, log)


def _resumes(candidates: list[Candidate], rng: random.Random, *, by, log) -> None:
    """A plain-text resume for some candidates, uploaded through the same check as any file."""
    for candidate in candidates:
        years = rng.randint(2, 15)
        text = (
            f"{candidate}\n{candidate.city}\n\nExperience\n"
            f"{years} years in {rng.choice(['software', 'data', 'sales', 'finance', 'operations'])}.\n"
            f"{rng.choice(NOTES)}\n\nEducation\n{rng.choice(['BSc', 'BA', 'BEng', 'MBA', 'College diploma'])}\n"
        )
        with clock.frozen(candidate.created_at):
            attach_resume(candidate=candidate, name=f"{candidate.last_name} resume.txt", content=text.encode(), by=by)
    log(f"uploaded {len(candidates)} resumes")


def _saved_views(log) -> None:
    interview = Stage.objects.filter(code="interview").first()
    views = {
        "recruiter": [("Stuck a week", "flag=stuck_7"), ("Interviews over SLA", f"stage={interview.pk}&flag=over_sla")],
        "hiring_manager": [("Over SLA", "flag=over_sla")],
    }
    for username, pairs in views.items():
        user = User.objects.filter(username=username).first()
        for name, query in pairs if user else []:
            save_view(user=user, page="candidates:pipeline", name=name, query=query)
    log("saved views for the recruiter and the hiring manager")


IMPORT_HEADINGS = (
    "Application ID,First Name,Last Name,Email,Job ID,Current Stage,Status,Source,Rejection Reason,Applied At,"
    "Last Activity"
)
IMPORT_ROWS = [
    ("Nadia", "Rahman", "Application Review", "Active", "LinkedIn", ""),
    ("Theo", "Fortin", "Phone Screen", "Active", "Indeed", ""),
    ("Iris", "Okafor", "Phone Screen", "Rejected", "LinkedIn", "Lacked skills"),
    ("Marc", "Bernier", "Face to Face", "Active", "Referral", ""),
    ("Sana", "Ali", "Application Review", "Active", "Careers page", ""),
    ("Jade", "Leblanc", "Phone Screen", "Active", "LinkedIn", ""),
]
IMPORT_LABELS = {
    "stage": {"Application Review": "applied", "Phone Screen": "screen", "Face to Face": "interview"},
    "status": {"Active": "active", "Rejected": "closed"},
    "source": {"LinkedIn": "linkedin", "Indeed": "indeed", "Referral": "referral"},
    "reason": {"Lacked skills": "skill_gap"},
}


def _imports(recruiter, log) -> None:
    """A Greenhouse export imported (its row with an unmapped source skipped), and a second one waiting
    in its preview with two bad rows (a source and a stage nobody mapped)."""
    req = Requisition.objects.filter(status=Status.OPEN, recruiter=recruiter).order_by("pk").first()
    if req is None:
        return
    today = timezone.localdate()

    def csv_text(rows, first_id):
        lines = [IMPORT_HEADINGS]
        for n, (first, last, stage, status, source, reason) in enumerate(rows):
            email = f"{first.lower()}.{last.lower()}@import.example"
            applied, last_touch = today - timedelta(days=30 - n), today - timedelta(days=6 - n % 5)
            cells = [f"GH-{first_id + n}", first, last, email, "7001", stage, status, source, reason]
            lines.append(",".join([*cells, str(applied), str(last_touch)]))
        return "\r\n".join(lines) + "\r\n"

    labels = {**IMPORT_LABELS, "job": {"7001": str(req.pk)}}
    for name, first_id, run in (("greenhouse-october.csv", 100, True), ("greenhouse-november.csv", 200, False)):
        text = csv_text(
            IMPORT_ROWS if run else IMPORT_ROWS[3:] + [("Eli", "Park", "Onsite", "Active", "LinkedIn", "")], first_id
        )
        headers, rows = imports.parse(text)
        imp = CandidateImport.objects.create(
            file_name=name,
            content=text,
            headers=headers,
            columns=imports.guess_columns(headers),
            total_rows=len(rows),
            created_by=recruiter,
        )
        imports.save_mapping(imp=imp, columns=imp.columns, labels=labels, by=recruiter)
        if run:
            CandidateImport.objects.filter(pk=imp.pk).update(status=ImportStatus.QUEUED, skip_errors=True)
            imports.run_import(imp.pk)
    log("imported one ATS export; a second waits in its preview with two bad rows")


INTERVIEW_STATES = ["to_schedule", "scheduled", "rescheduled", "debrief", "decided", "overdue", "cancelled", "no_show"]


def _interviews(rng: random.Random, log) -> None:
    """Plans for the requisitions with candidates in interview, and interviews in every state: to schedule,
    booked, rescheduled, cancelled, no-show, completed with every scorecard in (debriefs pending and
    decided) and completed with a scorecard overdue. Past ones are replayed at their moment (portal.clock)."""
    from candidates.services import interviews

    panel = list(User.objects.filter(username__in=["interviewer", "interviewer2", "interviewer3"]).order_by("username"))
    if not panel:
        return
    applications = list(
        Application.objects.filter(status="active", stage__code="interview", requisition__status=Status.OPEN)
        .select_related("requisition__recruiter", "requisition__hiring_manager", "candidate")
        .order_by("pk")[:36]
    )
    counts: dict[str, int] = {}
    for n, application in enumerate(applications):
        req = application.requisition
        by = req.recruiter or req.hiring_manager
        rounds = list(interviews.ensure_plan(requisition=req, by=by).rounds.filter(is_active=True).order_by("position"))
        technical = next((r for r in rounds if r.name == "Technical"), rounds[0])
        seats = [
            interviews.Seat(panel[n % len(panel)], "lead"),
            interviews.Seat(panel[(n + 1) % len(panel)], "interviewer"),
        ]
        state = INTERVIEW_STATES[n % len(INTERVIEW_STATES)]
        counts[state] = counts.get(state, 0) + 1
        if state in ("to_schedule", "scheduled", "rescheduled", "cancelled"):
            start = _slot(timezone.now() + timedelta(days=1 + n % 9), rng)
            _upcoming_interview(application, technical, seats, by, state=state, start=start)
        else:
            start = _slot(
                timezone.now() - timedelta(days={"debrief": 3, "decided": 8, "overdue": 7, "no_show": 2}[state]), rng
            )
            _past_interview(application, technical, seats, by, state=state, start=start, rng=rng)
    _part_time(panel[-1])
    log("interviews: " + ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in sorted(counts.items())))


def _part_time(person) -> None:
    """One interviewer works part-time: their weekly cap sits one under their busiest booked week, so the
    interviewer-load page has someone over cap to flag whatever day the demo is seeded."""
    from candidates.choices import UPCOMING_INTERVIEW_STATUSES
    from candidates.selectors import week_bounds

    weeks = Counter(
        week_bounds(starts_at)[0]
        for starts_at in person.interview_seats.filter(
            interview__status__in=UPCOMING_INTERVIEW_STATUSES, interview__starts_at__gte=timezone.now()
        ).values_list("interview__starts_at", flat=True)
    )
    if weeks:
        InterviewerCap.objects.update_or_create(user=person, defaults={"weekly_cap": max(1, max(weeks.values()) - 1)})


def _upcoming_interview(application, round_, seats, by, *, state: str, start: datetime) -> None:
    """To schedule (no time), or booked at `start`, then rescheduled or cancelled as `state` says."""
    from candidates.services import interviews

    if state == "to_schedule":
        interviews.schedule_interview(application=application, round=round_, panel=seats, by=by)
        return
    length = timedelta(minutes=round_.duration_minutes)
    link = f"https://meet.example.com/{application.pk:06d}"
    interview = interviews.schedule_interview(
        application=application, round=round_, panel=seats, by=by, starts_at=start, ends_at=start + length,
        video_link=link, confirm=True,
    )  # fmt: skip
    if state == "rescheduled":
        later = start + timedelta(days=2)
        interviews.update_interview(
            interview=interview, by=by, panel=seats, starts_at=later, ends_at=later + length, video_link=link,
            reason="The candidate asked to move it.", confirm=True,
        )  # fmt: skip
    elif state == "cancelled":
        interviews.cancel_interview(interview=interview, by=by, reason="The candidate withdrew their availability.")


def _past_interview(application, round_, seats, by, *, state: str, start: datetime, rng: random.Random) -> None:
    """Booked three days before `start`, then at its moment: missed (no-show), or held and scored by the
    whole panel (debrief pending, or decided a day later) or by its lead alone (the other card overdue)."""
    from candidates.services import interviews, scorecards

    with clock.frozen(start - timedelta(days=3)):
        interview = interviews.schedule_interview(
            application=application, round=round_, panel=seats, by=by, starts_at=start,
            ends_at=start + timedelta(minutes=round_.duration_minutes), location="Room 4.12", confirm=True,
        )  # fmt: skip
    if state == "no_show":
        with clock.frozen(start + timedelta(minutes=20)):
            interviews.mark_no_show(interview=interview, by=by, note="No answer on the phone or by email.")
        return
    with clock.frozen(start + timedelta(hours=2)):
        interviews.complete_interview(interview=interview, by=by)
    for k, seat in enumerate(seats[:1] if state == "overdue" else seats):
        with clock.frozen(start + timedelta(hours=5 + k)):
            _score(interview, seat.user, rng)
    debrief = Debrief.objects.filter(application=application, status="open").first()
    if state == "decided" and debrief is not None:
        with clock.frozen(start + timedelta(days=1)):
            scorecards.decide_debrief(
                debrief=debrief, by=application.requisition.hiring_manager, outcome="advanced",
                note="Consistent evidence across the panel.",
            )  # fmt: skip


def _score(interview, interviewer, rng: random.Random) -> None:
    """A submitted scorecard around one overall level, with evidence for every criterion."""
    from candidates.services import scorecards

    level = rng.choice([2, 3, 3, 4])
    ratings = {}
    for criterion in interview.round.criteria.all():
        rating = max(1, min(4, level + rng.choice([-1, 0, 0, 1])))
        ratings[criterion.pk] = scorecards.RatingInput(rating, rng.choice(EVIDENCE[rating]))
    scorecards.save_scorecard(
        interview=interview, by=interviewer, ratings=ratings, submit=True,
        recommendation={1: "strong_no", 2: "no", 3: "yes", 4: "strong_yes"}[level],
        private_note=rng.choice(["", "", "Would be a strong mentor.", "Check the references."]),
    )  # fmt: skip


EVIDENCE = {
    1: [
        "Could not describe their own part in the project; every answer stayed at the team level.",
        "Missed the central trade-off even when it was pointed out.",
    ],
    2: [
        "Needed prompting to state assumptions; recovered only partly once asked.",
        "Answered fluently but stayed general; few specifics on their own contribution.",
    ],
    3: [
        "Walked through a queue design, named the failure modes and how to observe them.",
        "Gave a concrete story of a disagreement with a peer and how it was resolved.",
    ],
    4: [
        "Compared two approaches with costs and chose sensibly for our scale, unprompted.",
        "Three specific examples, each with the outcome measured and what they would change.",
    ],
}


def _slot(day: datetime, rng: random.Random) -> datetime:
    """A half-hour slot between 9:00 and 15:30 local time on a weekday on or after `day`."""
    local = timezone.localtime(day)
    while local.weekday() >= 5:
        local += timedelta(days=1)
    return local.replace(hour=rng.randint(9, 15), minute=rng.choice([0, 30]), second=0, microsecond=0)


def _details(n: int, rng: random.Random) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "first_name": first,
        "last_name": last,
        "email": f"{first.lower()}.{last.lower()}.{n}@demo.example".replace("é", "e").replace("ô", "o"),
        "phone": f"+1 416 555 {n:04d}",
        "city": rng.choice(CITIES),
        "work_eligibility": rng.choice(["citizen_or_pr", "citizen_or_pr", "work_permit", "unknown"]),
    }


def _replay(person, req, rng, *, by, stages, reasons, sources) -> Candidate:
    """Apply at a moment since the requisition opened (60 days at most), then move stage by stage, a few
    business days apart. `person` is a Candidate, or the details of one to create at that moment."""
    owner = req.recruiter
    now = timezone.now()
    earliest = max(req.opened_at or now - timedelta(days=60), now - timedelta(days=60))
    if isinstance(person, Candidate):
        earliest = max(earliest, person.created_at)  # a person applies again only after they first appeared
    moment = max(business_moment(earliest + (now - earliest) * rng.random(), rng), earliest)
    with clock.frozen(moment):
        if not isinstance(person, Candidate):
            person = create_candidate(by=by, **person)
        application = apply(candidate=person, requisition=req, by=owner, source=rng.choice(sources), owner=owner)
    _progress(application, moment, rng, owner=owner, stages=stages, reasons=reasons)
    return person


def _progress(application, moment, rng, *, owner, stages, reasons) -> None:
    furthest = rng.choice(FURTHEST)
    order = ["applied", "screen", "interview", "debrief", "offer"]
    for code in order[1 : order.index(furthest) + 1]:
        moment = _later(moment, rng)
        if moment is None:
            return
        with clock.frozen(moment):
            if rng.random() < 0.3:
                log_activity(
                    application=application,
                    kind=rng.choice(["note", "call", "email"]),
                    body=rng.choice(NOTES),
                    by=owner,
                )
            move_application(application=application, to_stage=stages[code], by=owner)
    roll = rng.random()
    later = _later(moment, rng)
    if later is not None and roll < 0.45:
        with clock.frozen(later):
            close_application(application=application, reason=rng.choice(reasons), by=owner)
    elif roll < 0.85:
        # Most active ones were touched lately; the rest show as stuck for 7 or 14 days.
        touch = business_moment(now_minus(days=rng.randint(0, 9)), rng)
        if touch > moment:
            with clock.frozen(touch):
                log_activity(application=application, kind="note", body=rng.choice(NOTES), by=owner)


def now_minus(*, days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def _later(moment: datetime, rng: random.Random) -> datetime | None:
    """A business moment one to six days later, or None when that would be in the future."""
    later = business_moment(moment + timedelta(days=rng.randint(1, 6)), rng)
    return later if later < timezone.now() else None
