"""The controlled vocabulary a new installation starts with: stages with written definitions and SLAs,
reason codes by category, normalised sources. Admins change it in Administration afterwards.
"""

from candidates.choices import ReasonCategory, SourceKind, StageKind
from candidates.models import ReasonCode, Source, Stage

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
     StageKind.IN_PROGRESS),
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


def install_default_vocabulary() -> dict[str, int]:
    """Create the default stages, reasons and sources where a table never held any (its history is kept,
    so a vocabulary admins retired stays retired). Returns how many of each were created."""
    created = {"stages": 0, "reasons": 0, "sources": 0}
    if not Stage.history.exists():
        for position, (code, name, definition, sla, kind) in enumerate(STAGES, start=1):
            _save(Stage(code=code, name=name, definition=definition, sla_days=sla, kind=kind, position=position * 10))
            created["stages"] += 1
    if not ReasonCode.history.exists():
        for code, label, category in REASONS:
            _save(ReasonCode(code=code, label=label, category=category))
            created["reasons"] += 1
    if not Source.history.exists():
        parents = {}
        for code, name, kind, parent in SOURCES:
            parents[code] = _save(Source(code=code, name=name, kind=kind, parent=parents.get(parent)))
            created["sources"] += 1
    return created


def _save(record):
    record._change_reason = "candidates.vocabulary.default"
    record.save()
    return record
