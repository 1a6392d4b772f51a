"""The controlled vocabulary a new installation starts with: stages with written definitions and SLAs,
reason codes by category, normalised sources. Admins change it in Administration afterwards.
"""

from candidates.choices import ReasonCategory, SourceKind, StageKind
from candidates.models import ReasonCode, Source, Stage
from portal.services.records import save_with_history

# code, name, definition, SLA days, kind
STAGES = [
    ("applied", "Applied", "The candidate applied or was added; nobody has reviewed them yet.", 3,
     StageKind.IN_PROGRESS),
    ("screen", "Screen", "A recruiter is checking fit, eligibility and expectations in a first call.", 5,
     StageKind.IN_PROGRESS),
    ("interview", "Interview", "The candidate is in the structured interview loop with the panel.", 10,
     StageKind.IN_PROGRESS),
    ("debrief", "Debrief", "Every scorecard is in; the hiring manager decides to advance, hold or reject.", 3,
     StageKind.IN_PROGRESS),
    ("offer", "Offer", "An offer is being prepared, approved, extended or negotiated.", 7, StageKind.IN_PROGRESS),
    ("pre_start", "Pre-start", "The offer is accepted; checks, equipment and accounts are under way.", 20,
     StageKind.PRE_START),
    ("hired", "Hired", "The person started. The application is closed as a hire.", 1, StageKind.HIRED),
]  # fmt: skip

REASONS = [
    ("skill_gap", "Skill gap", ReasonCategory.WE_REJECTED),
    ("experience", "Experience", ReasonCategory.WE_REJECTED),
    ("comp_mismatch", "Compensation mismatch", ReasonCategory.WE_REJECTED),
    ("not_eligible", "Not eligible to work", ReasonCategory.WE_REJECTED),
    ("location", "Location", ReasonCategory.WE_REJECTED),
    ("timing", "Timing", ReasonCategory.THEY_WITHDREW),
    ("other_offer", "Accepted another offer", ReasonCategory.THEY_WITHDREW),
    ("comp", "Compensation", ReasonCategory.THEY_WITHDREW),
    ("no_response", "No response", ReasonCategory.THEY_WITHDREW),
    ("no_show", "No show", ReasonCategory.NO_SHOW),
]

# Why a candidate turned an offer down (offers.services.decline_offer requires one).
OFFER_DECLINED_REASONS = [
    ("declined_comp", "Compensation", ReasonCategory.OFFER_DECLINED),
    ("declined_competing", "Competing offer", ReasonCategory.OFFER_DECLINED),
    ("declined_role", "The role", ReasonCategory.OFFER_DECLINED),
    ("declined_location", "Location", ReasonCategory.OFFER_DECLINED),
    ("declined_timing", "Timing", ReasonCategory.OFFER_DECLINED),
    ("declined_other", "Other", ReasonCategory.OFFER_DECLINED),
]

# code, name, kind, parent code
SOURCES = [
    ("direct", "Careers site", SourceKind.DIRECT, ""),
    ("referral", "Employee referral", SourceKind.REFERRAL, ""),
    ("job_board", "Job boards", SourceKind.JOB_BOARD, ""),
    ("linkedin", "LinkedIn", SourceKind.JOB_BOARD, "job_board"),
    ("indeed", "Indeed", SourceKind.JOB_BOARD, "job_board"),
    ("agency", "Agencies", SourceKind.AGENCY, ""),
    ("campus", "Campus", SourceKind.CAMPUS, ""),
    ("internal", "Internal mobility", SourceKind.INTERNAL, ""),
]


# The criteria library a new installation starts with: (name, description, what good looks like).
CRITERIA = [
    ("Problem solving", "Breaks an unfamiliar problem down and reasons towards a workable answer.",
     "Asks clarifying questions, states assumptions, weighs two approaches and explains the trade-off."),
    ("Technical depth", "Command of the tools and concepts the role uses every day.",
     "Explains why, not only how; knows the limits of their approach and where it fails."),
    ("Communication", "Makes themselves understood and listens to others.",
     "Clear, structured answers; adapts to the listener; checks understanding."),
    ("Collaboration", "Works with others towards a shared result.",
     "Concrete examples of resolving disagreement and of helping others succeed."),
    ("Ownership", "Takes responsibility for outcomes, not only tasks.",
     "Describes results they drove end to end, including what went wrong and what they changed."),
    ("Role knowledge", "Knows the domain of the role (finance, sales, operations...).",
     "Uses the domain's terms correctly and relates past work to our situation."),
    ("Values alignment", "Works in the way the team works: candour, care, curiosity.",
     "Examples that show the values under pressure, not statements of belief."),
]  # fmt: skip

# The default interview plan: (round, minutes, panel roles, criteria).
DEFAULT_PLAN = [
    ("Phone screen", 30, ["lead"], ["Communication", "Role knowledge"]),
    ("Technical", 60, ["lead", "interviewer", "shadow"], ["Problem solving", "Technical depth"]),
    ("Panel", 60, ["lead", "interviewer", "hiring_manager", "shadow"], ["Collaboration", "Ownership", "Communication"]),
    ("Values", 45, ["interviewer", "hiring_manager"], ["Values alignment", "Ownership"]),
]


def install_default_vocabulary() -> dict[str, int]:
    """Create the default stages, reasons and sources where a table never held any (its history is kept,
    so a vocabulary admins retired stays retired). Returns how many of each were created."""
    created = {"stages": 0, "reasons": 0, "sources": 0}
    if not Stage.history.exists():
        for position, (code, name, definition, sla, kind) in enumerate(STAGES, start=1):
            _save(Stage(code=code, name=name, definition=definition, sla_days=sla, kind=kind, position=position * 10))
            created["stages"] += 1
    if not ReasonCode.history.exists():
        created["reasons"] += _install_reasons(REASONS)
    if not ReasonCode.history.filter(category=ReasonCategory.OFFER_DECLINED).exists():
        # Separately: installations that had their reasons before offers existed get these too.
        created["reasons"] += _install_reasons(OFFER_DECLINED_REASONS)
    if not Source.history.exists():
        parents = {}
        for code, name, kind, parent in SOURCES:
            parents[code] = _save(Source(code=code, name=name, kind=kind, parent=parents.get(parent)))
            created["sources"] += 1
    created.update(install_default_interview_library())
    return created


def _install_reasons(rows) -> int:
    """Create the reasons of `rows` whose code is not taken. Returns how many."""
    missing = [row for row in rows if not ReasonCode.objects.filter(code=row[0]).exists()]
    for code, label, category in missing:
        _save(ReasonCode(code=code, label=label, category=category))
    return len(missing)


def install_default_interview_library() -> dict[str, int]:
    """The criteria library and the default plan template, where those tables never held any."""
    from candidates.models import Criterion, InterviewPlanTemplate, InterviewRoundTemplate

    created = {"criteria": 0, "plan templates": 0}
    if not Criterion.history.exists():
        for name, description, good in CRITERIA:
            _save(Criterion(name=name, description=description, good_looks_like=good))
            created["criteria"] += 1
    if not InterviewPlanTemplate.history.exists():
        template = _save(InterviewPlanTemplate(name="Default interview plan"))
        by_name = {c.name: c for c in Criterion.objects.active()}
        for position, (name, minutes, roles, criteria) in enumerate(DEFAULT_PLAN, start=1):
            round_ = InterviewRoundTemplate.objects.create(
                template=template, position=position, name=name, duration_minutes=minutes, panel_roles=roles
            )
            round_.criteria.set([by_name[c] for c in criteria if c in by_name])
        created["plan templates"] += 1
    return created


def _save(record):
    return save_with_history(record, by=None, reason="candidates.vocabulary.default")
