"""Every URL pattern, as every role: allowed (200/302), refused (403), or not in the user's slice (404).

A URL pattern missing from ROUTES fails `test_every_url_pattern_is_declared`: a new page must say
who may see it. Object-scoped routes are tried on the persona's own object and on someone else's.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from portal.choices import REQUEST, Outcome, Role
from portal.models import Decision, Notification, SavedView
from portal.services.decisions import raise_decision
from tests.commit import committed
from tests.conftest import PERSONAS
from tests.factories import UserFactory

ANON = "anonymous"
EVERYONE = [ANON, *PERSONAS]
CAN_RAISE = {"recruiter", "hiring_manager", "finance", "hr", "admin_user"}
DONE = {"outcome": Outcome.DONE}
WHY = {"note": "Raised in error."}
NOTE = {"kind": "call", "body": "Left a voicemail."}
SAVE_VIEW = {"page": "candidates:pipeline", "name": "Stuck a week", "query": "flag=stuck_7&page=3"}
# The role each persona's "role" decision goes to (the role-less outsider, IT and facilities get one of a role
# they lack).
PERSONA_ROLE = {
    "recruiter": Role.RECRUITER,
    "hiring_manager": Role.HIRING_MANAGER,
    "interviewer": Role.INTERVIEWER,
    "finance": Role.FINANCE,
    "hr": Role.HR,
    "admin_user": Role.ADMIN,
    "outsider": Role.FINANCE,
    "it_staff": Role.FINANCE,
    "facilities_staff": Role.FINANCE,
}
# IT and facilities are outsiders to everything but pre-boarding: where a route says nothing of them, they
# are expected to fare as the outsider does.
AS_OUTSIDER = ("it_staff", "facilities_staff")


@dataclass(frozen=True)
class Case:
    """One way of calling a route: method, which object (None, "own", "other"), the expected status per persona,
    and the data sent (the form for a POST, the query for a GET)."""

    method: str = "GET"
    scope: str | None = None
    expect: dict = field(default_factory=dict)
    default: int = 200
    data: dict = field(default_factory=dict)

    def status_for(self, persona: str) -> int:
        if persona in self.expect:
            return self.expect[persona]
        if persona in AS_OUTSIDER:
            return self.expect.get("outsider", self.default)
        return self.default


def case(method="GET", scope=None, default=200, data=None, **expect):
    expect.setdefault(ANON, 302)
    return Case(method=method, scope=scope, expect=expect, default=default, data=data or {})


ROUTES: dict[str, list[Case]] = {
    "login": [Case(expect={ANON: 200}, default=302)],
    "logout": [case("POST", default=302)],
    "password_change": [case()],
    "password_change_done": [case()],
    "healthz": [Case(expect={ANON: 200})],
    "portal:my_work": [case()],
    "portal:request_create": [case(default=403, **dict.fromkeys(CAN_RAISE, 200))],
    # Decisions, by who the persona is to the decision: its owner ("own"), whoever raised it ("raised"),
    # the owner's manager ("report"), a member of the role that owns it ("role"), or nobody ("other").
    # docs/roles-and-permissions.md states the same table.
    **{
        name: [
            case(scope="own"),
            case(scope="raised"),
            case(scope="report"),
            case(scope="role", outsider=404),
            case(scope="other", default=404, admin_user=200),
        ]
        for name in ("portal:decision_detail", "portal:decision_reassign")
    },
    "portal:decision_resolve": [
        case(scope="own", default=405),
        case("POST", scope="own", default=302, data=DONE),
        case("POST", scope="raised", default=403, data=DONE),
        case("POST", scope="report", default=403, data=DONE),
        case("POST", scope="role", default=302, outsider=404, data=DONE),
        case("POST", scope="other", default=404, admin_user=403, data=DONE),
    ],
    "portal:decision_cancel": [
        case("POST", scope="own", default=403, admin_user=302, data=WHY),
        case("POST", scope="raised", default=302, data=WHY),
        case("POST", scope="report", default=403, admin_user=302, data=WHY),
        case("POST", scope="role", default=403, admin_user=302, outsider=404, data=WHY),
        case("POST", scope="other", default=404, admin_user=302, data=WHY),
    ],
    "portal:ledger": [case(default=403, finance=200, admin_user=200)],
    # The pipeline. "own": a candidate on the requisition the persona hiring manager and recruiter run;
    # "other": one on a stranger's requisition.
    "candidates:pipeline": [case(interviewer=403, outsider=403)],
    "candidates:bulk": [case("POST", default=403, recruiter=302, admin_user=302, data={"action": "move"})],
    "candidates:detail": [
        case(scope="own", interviewer=404, outsider=404),
        case(scope="other", default=404, finance=200, hr=200, admin_user=200),
    ],
    # Resumes: downloaded by those who may see contact details; uploaded by recruiters, HR and admins.
    "candidates:resume_download": [
        case(scope="own", finance=403, interviewer=404, outsider=404),
        case(scope="other", default=404, finance=403, hr=200, admin_user=200),
    ],
    "candidates:resume_upload": [
        case("POST", scope="own", default=403, recruiter=302, hr=302, admin_user=302, interviewer=404, outsider=404),
        case("POST", scope="other", default=404, finance=403, hr=302, admin_user=302),
    ],
    # Imports: recruiters and admins; an import is opened by whoever uploaded it, and by admins.
    "candidates:imports": [
        case(default=403, recruiter=200, admin_user=200),
        case("POST", default=403, recruiter=400, admin_user=400),
    ],
    **{
        name: [
            case(method, scope="own", default=403, recruiter=ok, admin_user=ok),
            case(method, scope="other", default=403, recruiter=404, admin_user=ok),
        ]
        for name, method, ok in (
            ("candidates:import_detail", "GET", 200),
            ("candidates:import_progress", "GET", 200),
            ("candidates:import_mapping", "POST", 302),
            ("candidates:import_run", "POST", 302),
        )
    },
    "candidates:board": [
        case(scope="own", interviewer=403, outsider=403),
        case(scope="other", default=404, finance=200, hr=200, admin_user=200, interviewer=403, outsider=403),
    ],
    # Moving and closing: recruiters (on what they run) and admins; others who see it may not (403).
    **{
        name: [
            case(
                "POST",
                scope="own",
                default=403,
                recruiter=302,
                admin_user=302,
                interviewer=404,
                outsider=404,
                data=data,
            ),
            case("POST", scope="other", default=404, finance=403, hr=403, admin_user=302, data=data),
        ]
        for name, data in (("candidates:move", {"stage": "screen"}), ("candidates:close", {"reason": "skill_gap"}))
    },
    # Logging a touch: recruiters and hiring managers on what they run, admins anywhere; HR and finance may not.
    "candidates:activity": [
        case(
            "POST",
            scope="own",
            default=403,
            recruiter=302,
            hiring_manager=302,
            admin_user=302,
            interviewer=404,
            outsider=404,
            data=NOTE,
        ),
        case("POST", scope="other", default=404, finance=403, hr=403, admin_user=302, data=NOTE),
    ],
    # Interviews. "own": an interview on the persona recruiter's and hiring manager's requisition, with the
    # persona interviewer as its lead; "other": one on a stranger's requisition. Finance sees none.
    "candidates:interviews": [case(default=200, finance=403, outsider=403)],
    "candidates:interviewer_load": [case(default=403, recruiter=200, hiring_manager=200, admin_user=200)],
    **{
        name: [
            case(scope="own", finance=404, outsider=404),
            case(scope="other", default=404, hr=200, admin_user=200),
        ]
        for name in ("candidates:interview", "candidates:interview_ics")
    },
    "candidates:interview_edit": [
        case(scope="own", default=403, recruiter=200, hiring_manager=200, admin_user=200, finance=404, outsider=404),
        case(scope="other", default=404, hr=403, admin_user=200),
    ],
    "candidates:interview_action": [
        case(
            "POST",
            scope="own",
            default=403,
            recruiter=302,
            hiring_manager=302,
            admin_user=302,
            finance=404,
            outsider=404,
            data={"note": "Role put on hold."},
        ),
        case("POST", scope="other", default=404, hr=403, admin_user=302, data={"note": "Role put on hold."}),
    ],
    # Scorecards: only a scoring panelist writes one (the interview has not started yet: refused, 400).
    "candidates:scorecard": [
        case("POST", scope="own", default=403, interviewer=400, finance=404, outsider=404),
        case("POST", scope="other", default=404, hr=403, admin_user=403),
    ],
    "candidates:scorecard_revise": [
        case(scope="own", default=403, interviewer=200, finance=404, outsider=404),
        case(scope="other", default=404, hr=403, admin_user=403),
    ],
    "candidates:schedule": [
        case(scope="own", recruiter=200, hiring_manager=200, admin_user=200, finance=403, hr=403, default=404),
        case(scope="other", default=404, finance=403, hr=403, admin_user=200),
    ],
    # The plan: seen by those who see the requisition's scorecards, edited by those who run it.
    "candidates:plan": [
        case(scope="own", finance=403, interviewer=404, outsider=404),
        case(scope="other", default=404, finance=403, hr=200, admin_user=200),
        case(
            "POST",
            scope="own",
            default=403,
            recruiter=400,
            hiring_manager=400,
            admin_user=400,
            interviewer=404,
            outsider=404,
        ),
    ],  # fmt: skip
    # Debriefs: for the hiring team; decided by the hiring manager (calling one early: nothing to debrief yet).
    "candidates:debrief": [
        case(scope="own", default=403, recruiter=200, hiring_manager=200, hr=200, admin_user=200),
        case(scope="other", default=403, recruiter=404, hiring_manager=404, hr=200, admin_user=200),
    ],
    "candidates:debrief_proceed": [
        case("POST", scope="own", default=403, hiring_manager=302, admin_user=302, interviewer=404, outsider=404),
        case("POST", scope="other", default=404, finance=403, hr=403, admin_user=302),
    ],
    # Offers. "own": a draft on the candidate of the persona recruiter's and hiring manager's requisition;
    # "other": one on a stranger's. Recruiters (on what they run) and admins work them; hiring managers
    # see their requisitions' offers; finance and HR see all; interviewers none.
    "offers:list": [
        case(interviewer=403, outsider=403),
        case(default=400, interviewer=403, outsider=403, data={"scope": "all"}),
    ],
    "offers:export": [
        case(interviewer=403, outsider=403, data={"format": "csv"}),
        case(default=400, interviewer=403, outsider=403, data={"format": "csv", "requisition": "abc"}),
    ],
    # (Each application already has its live offer: those who may draft are sent to revise it.)
    "offers:new": [
        case(scope="own", default=403, recruiter=302, admin_user=302, interviewer=404, outsider=404),
        case(scope="other", default=404, finance=403, hr=403, admin_user=302),
        case("POST", scope="own", default=403, recruiter=302, admin_user=302, interviewer=404, outsider=404),
    ],
    **{
        name: [
            case(scope="own", default=ok, interviewer=404, outsider=404),
            case(scope="other", default=404, finance=ok, hr=ok, admin_user=ok),
        ]
        for name, ok in (
            ("offers:detail", 200),
            ("offers:letter", 200),
            ("offers:letter_pdf", 200),
            ("offers:compare", 302),
        )
    },
    "offers:edit": [
        case(scope="own", default=403, recruiter=200, admin_user=200, interviewer=404, outsider=404),
        case(scope="other", default=404, finance=403, hr=403, admin_user=200),
    ],
    "offers:act": [
        case(scope="own", default=405, interviewer=405, outsider=405),
        case("POST", scope="own", default=403, recruiter=302, admin_user=302, interviewer=404, outsider=404),
        case("POST", scope="other", default=404, finance=403, hr=403, admin_user=302),
    ],
    # Vendors. One approved supplier with a rate card for each requisition; "own": an active engagement on
    # the persona recruiter's and hiring manager's requisition (its week recorded by the recruiter), "other":
    # one on a stranger's. Finance and admins keep vendors; recruiters see them and run their engagements;
    # hiring managers see their engagements and approve their weeks; invoices are finance's.
    **{
        name: [
            case(default=403, recruiter=200, finance=200, admin_user=200),
            case(default=403, recruiter=400, finance=400, admin_user=400, data={"foo": "bar"}),
        ]
        for name in (
            "vendors:vendor_list",
            "vendors:vendor_export",
            "vendors:rate_card_list",
            "vendors:rate_card_export",
        )
    },
    "vendors:vendor_create": [case(default=403, finance=200, admin_user=200)],
    "vendors:vendor_detail": [case(scope="own", default=404, recruiter=200, finance=200, admin_user=200)],
    **{
        name: [case(scope="own", default=404, recruiter=403, finance=200, admin_user=200)]
        for name in ("vendors:vendor_edit", "vendors:rate_card_create")
    },
    "vendors:rate_card_edit": [case(scope="own", default=403, finance=200, admin_user=200)],
    **{
        name: [
            case(scope="own", default=405, recruiter=405),
            case("POST", scope="own", default=404, recruiter=403, finance=302, admin_user=302, data=data),
        ]
        for name, data in (
            ("vendors:contact_create", {"name": "Pat Lee"}),
            ("vendors:contact_remove", {}),
            ("vendors:clause_toggle", {"checked_on": "2020-01-02"}),
        )
    },
    # Contractors and their weeks: those who see engagements, each over their slice.
    **{
        name: [
            case(default=403, recruiter=200, hiring_manager=200, finance=200, admin_user=200),
            case(default=403, recruiter=400, hiring_manager=400, finance=400, admin_user=400, data={"scope": "all"}),
        ]
        for name in (
            "vendors:engagement_list",
            "vendors:engagement_export",
            "vendors:timesheet_list",
            "vendors:timesheet_export",
        )
    },
    "vendors:engagement_plan": [
        case(default=403, recruiter=302, admin_user=302),
        case(default=403, recruiter=302, admin_user=302, data={"requisition": "x"}),
    ],
    "vendors:engagement_create": [
        case(scope="own", default=403, recruiter=200, admin_user=200),
        case(scope="other", default=403, recruiter=404, admin_user=200),
    ],
    "vendors:engagement_detail": [
        case(scope="own", default=404, recruiter=200, hiring_manager=200, finance=200, admin_user=200),
        case(scope="other", default=404, finance=200, admin_user=200),
    ],
    "vendors:engagement_act": [
        case(scope="own", default=405),
        case(
            "POST",
            scope="own",
            default=404,
            recruiter=302,
            hiring_manager=302,
            finance=403,
            admin_user=302,
            data={"note": "The project was cancelled."},
        ),
        case("POST", scope="other", default=404, finance=403, admin_user=302, data={"note": "Cancelled."}),
    ],  # fmt: skip
    "vendors:timesheet_create": [
        case(
            "POST",
            scope="own",
            default=404,
            recruiter=302,
            hiring_manager=403,
            finance=302,
            admin_user=302,
            data={"week_start": "monday", "hours": "8"},
        ),
        case(
            "POST", scope="other", default=404, finance=302, admin_user=302, data={"week_start": "monday", "hours": "8"}
        ),
    ],  # fmt: skip
    "vendors:timesheet_act": [
        case("POST", scope="own", default=404, recruiter=403, hiring_manager=302, finance=403, admin_user=302),
        case("POST", scope="other", default=404, finance=403, admin_user=302),
    ],
    **{
        name: [case(default=403, finance=200, admin_user=200)]
        for name in ("vendors:invoice_create", "vendors:invoice_import")
    },
    "vendors:invoice_list": [
        case(default=403, finance=200, admin_user=200),
        case(default=403, finance=400, admin_user=400, data={"received_min": "2026-02-30"}),
    ],
    "vendors:invoice_export": [
        case(default=403, finance=200, admin_user=200),
        case(default=403, finance=400, admin_user=400, data={"vendor": "abc"}),
    ],
    "vendors:invoice_detail": [case(scope="own", default=404, finance=200, admin_user=200)],
    "vendors:invoice_act": [
        case(scope="own", default=405, finance=405, admin_user=405),
        case("POST", scope="own", default=404, finance=302, admin_user=302),
    ],
    # Spend: finance and admins over everything, hiring managers over their requisitions.
    # (A hiring manager asking for everything is refused, never shown more: scope=all.)
    "vendors:spend": [
        case(default=403, hiring_manager=200, finance=200, admin_user=200),
        case(default=403, hiring_manager=200, finance=200, admin_user=200, data={"format": "csv"}),
        case(default=403, hiring_manager=400, finance=400, admin_user=400, data={"currency": "EUR"}),
        case(default=403, hiring_manager=400, finance=400, admin_user=400, data={"scope": "all"}),
        case(default=403, hiring_manager=400, finance=400, admin_user=400, data={"format": "csv", "scope": "all"}),
    ],
    "vendors:spend_report": [
        case(scope="own", default=403, hiring_manager=200, finance=200, admin_user=200),
        case(scope="own", default=403, hiring_manager=200, finance=200, admin_user=200, data={"format": "xlsx"}),
        case(scope="own", default=403, hiring_manager=400, finance=400, admin_user=400, data={"from": "2026-02-30"}),
    ],
    # The spend section's pages analytics serves (cash needs, cost per hire): the same people, the same rules.
    "analytics:spend_cash": [
        case(default=403, hiring_manager=200, finance=200, admin_user=200),
        case(default=403, hiring_manager=200, finance=200, admin_user=200, data={"format": "csv"}),
        case(default=403, hiring_manager=400, finance=400, admin_user=400, data={"currency": "EUR"}),
        case(default=403, hiring_manager=400, finance=400, admin_user=400, data={"scope": "all"}),
        case(default=403, hiring_manager=400, finance=400, admin_user=400, data={"format": "csv", "scope": "all"}),
    ],
    "analytics:spend_hires": [
        case(default=403, hiring_manager=200, finance=200, admin_user=200),
        case(default=403, hiring_manager=200, finance=200, admin_user=200, data={"format": "xlsx"}),
        case(default=403, hiring_manager=400, finance=400, admin_user=400, data={"from": "2026-02-30"}),
    ],
    # Saved views: anyone who may see the list saves its filters; only their owner deletes one.
    "portal:saved_view_save": [
        case("POST", default=302, interviewer=403, outsider=403, data=SAVE_VIEW),
        case("POST", default=404, data={**SAVE_VIEW, "page": "admin:index"}),
    ],
    "portal:saved_view_delete": [case("POST", scope="own", default=302), case("POST", scope="other", default=404)],
    "portal:ledger_events": [case(default=403, finance=200, admin_user=200)],
    "portal:notifications": [case()],
    "portal:notification_open": [case("POST", scope="own", default=302), case("POST", scope="other", default=404)],
    "portal:notification_read_all": [case("POST", default=302)],
    # Requisitions. "own": one the persona runs (hiring manager, recruiter), was granted (interviewer),
    # or simply sees (finance, HR, admin); "other": a draft run by someone else.
    "requisitions:list": [case()],
    "requisitions:approvals": [case()],
    "requisitions:export": [
        case(default=200, interviewer=403, outsider=403),
        case(default=200, interviewer=403, outsider=403, data={"format": "xlsx"}),
        case(default=400, interviewer=403, outsider=403, data={"overdue_approval": "abc"}),
    ],
    "requisitions:create": [case(default=403, recruiter=200, hiring_manager=200, admin_user=200)],
    "requisitions:intake_hints": [case(default=403, recruiter=200, hiring_manager=200, admin_user=200)],
    "requisitions:detail": [
        case(scope="own", outsider=404),
        case(scope="other", default=404, finance=200, hr=200, admin_user=200),
    ],
    "requisitions:edit": [
        case(scope="own", default=403, recruiter=200, hiring_manager=200, admin_user=200, outsider=404),
        case(scope="other", default=404, finance=403, hr=403, admin_user=200),
    ],
    "requisitions:submit": [
        case(scope="own", default=405),
        case("POST", scope="own", default=403, recruiter=302, hiring_manager=302, admin_user=302, outsider=404),
        case("POST", scope="other", default=404, finance=403, hr=403, admin_user=302),
    ],
    **{
        f"requisitions:{action}": [case("POST", scope="other", default=404, finance=403, hr=403, admin_user=403)]
        for action in ("approve", "reject", "send_back", "open", "hold", "resume", "fill")
    },
    "requisitions:share": [
        case("POST", scope="own", default=403, recruiter=302, hiring_manager=302, admin_user=302, outsider=404),
        case("POST", scope="other", default=404, finance=403, hr=403, admin_user=302),
    ],
    "requisitions:unshare": [
        case("POST", scope="own", default=403, recruiter=302, hiring_manager=302, admin_user=302, outsider=404),
        case("POST", scope="other", default=404, finance=403, hr=403, admin_user=302),
    ],
    "requisitions:cancel": [
        case(
            "POST",
            scope="own",
            default=403,
            recruiter=302,
            hiring_manager=302,
            admin_user=302,
            outsider=404,
            data={"note": "No longer needed."},
        ),
        case(
            "POST", scope="other", default=404, finance=403, hr=403, admin_user=302, data={"note": "No longer needed."}
        ),
    ],  # fmt: skip
    # Pre-boarding. "own": the case of a hire on the requisition the persona hiring manager and recruiter run;
    # "other": one on a stranger's. Tasks: "own" is the own case's equipment task (IT's), "workspace" its
    # facilities task, "check" its background check (HR's), "other" the other case's equipment task.
    **{
        name: [case(default=403, recruiter=200, hiring_manager=200, finance=200, hr=200, admin_user=200)]
        for name in ("onboarding:risk", "onboarding:starts")
    },
    "onboarding:starts_export": [
        case(default=403, hr=200, admin_user=200),
        case(default=403, hr=200, admin_user=200, data={"format": "xlsx"}),
        case(default=403, hr=400, admin_user=400, data={"starts_after": "2027-02-30"}),
    ],
    "onboarding:my_tasks": [case(interviewer=403, outsider=403, it_staff=200, facilities_staff=200)],
    # Dashboards. A scope names the board (and the section or the list): "organisation" is HR's and admins',
    # "finance" finance's, HR's and admins', "recruiter" and "hiring-manager" their role's, "interviewer" the
    # interviewers'. A list not on the board, or unknown, is 404; a board the persona may not open, 403.
    "analytics:home": [case(default=302, outsider=403)],
    "analytics:definitions": [case(outsider=403)],
    "analytics:ops_review": [case(default=200, interviewer=403, outsider=403)],
    "analytics:board": [
        case(scope="organisation", default=403, hr=200, admin_user=200),
        case(scope="finance", default=403, finance=200, hr=200, admin_user=200),
        case(scope="recruiter", default=403, recruiter=200),
        case(scope="hiring-manager", default=403, hiring_manager=200),
        case(scope="interviewer", default=403, interviewer=200),
        case(scope="nowhere", default=404),
        case(scope="organisation", default=403, hr=400, admin_user=400, data={"period": "7"}),
        case(scope="organisation", default=403, hr=400, admin_user=400, data={"perod": "30"}),
    ],
    "analytics:board_section": [
        case(scope="organisation/velocity", default=403, hr=200, admin_user=200),
        case(scope="organisation/cost", default=403, hr=200, admin_user=200),
        case(scope="recruiter/conversion", default=403, recruiter=200),
        case(scope="recruiter/cost", default=403, recruiter=404),
        case(scope="hiring-manager/capacity", default=403, hiring_manager=200),
        case(scope="interviewer/capacity", default=403, interviewer=200),
        case(scope="finance/cost", default=403, finance=200, hr=200, admin_user=200),
    ],
    "analytics:table_export": [
        case(scope="organisation/funnel", default=403, hr=200, admin_user=200),
        case(scope="organisation/funnel", default=403, hr=200, admin_user=200, data={"format": "xlsx"}),
        case(scope="finance/cost_per_hire", default=403, finance=200, hr=200, admin_user=200),
        case(scope="recruiter/funnel", default=403, recruiter=200),
        case(scope="recruiter/cost_per_hire", default=403, recruiter=404),
        case(scope="interviewer/ratings_by_criterion", default=403, interviewer=200),
        case(scope="organisation/funnel", default=403, hr=400, admin_user=400, data={"period": "x"}),
    ],
    "analytics:tile": [
        case(scope="organisation/stuck_7", default=403, hr=200, admin_user=200),
        case(scope="organisation/stuck_7", default=403, hr=200, admin_user=200, data={"format": "csv"}),
        case(scope="organisation/cohort", default=403, hr=200, admin_user=200, data={"include_open": "1", "page": "2"}),
        case(scope="recruiter/stuck_14", default=403, recruiter=200),
        case(scope="recruiter/stuck_14", default=403, recruiter=400, data={"format": "pdf"}),
        case(scope="recruiter/ledger_events", default=403, recruiter=404),
        case(scope="hiring-manager/open_requisitions", default=403, hiring_manager=200),
        case(scope="interviewer/upcoming_interviews", default=403, interviewer=200),
        case(scope="interviewer/stuck_7", default=403, interviewer=404),
        case(scope="finance/ledger_events", default=403, finance=200, hr=200, admin_user=200),
    ],
    "onboarding:case": [
        case(scope="own", interviewer=404, outsider=404),
        case(scope="other", default=404, finance=200, hr=200, admin_user=200),
    ],
    **{
        name: [
            case("POST", scope="own", default=302, finance=403, interviewer=404, outsider=404, data=data),
            case("POST", scope="other", default=404, finance=403, hr=302, admin_user=302, data=data),
        ]
        for name, data in (
            ("onboarding:move_start", {"start": "2027-03-01", "reason": "Notice period."}),
            ("onboarding:fell_through", {"outcome": "no_show"}),
            ("onboarding:work_email", {"work_email": "own.candidate@example.com"}),
        )
    },
    "onboarding:confirm_start": [
        case("POST", scope="own", default=302, recruiter=403, finance=403, interviewer=404, outsider=404),
        case("POST", scope="other", default=404, finance=403, hr=302, admin_user=302),
    ],
    "onboarding:task": [
        case(scope="own", interviewer=404, outsider=404, it_staff=200, facilities_staff=404),
        case(scope="workspace", interviewer=404, outsider=404, it_staff=404, facilities_staff=200),
        case(scope="other", default=404, finance=200, hr=200, admin_user=200, it_staff=200),
    ],
    "onboarding:task_status": [
        case(
            "POST", scope="own", default=403, hr=302, admin_user=302, it_staff=302, interviewer=404, outsider=404,
            facilities_staff=404, data={"status": "in_progress"},
        ),
        case(
            "POST", scope="other", default=404, finance=403, hr=302, admin_user=302, it_staff=302,
            data={"status": "in_progress"},
        ),
    ],
    "onboarding:task_due": [
        case(
            "POST", scope="own", default=302, finance=403, it_staff=403, interviewer=404, outsider=404,
            facilities_staff=404, data={"due": "2027-02-01", "reason": "Vendor delay."},
        ),
        case(
            "POST", scope="other", default=404, finance=403, it_staff=403, hr=302, admin_user=302,
            data={"due": "2027-02-01", "reason": "Vendor delay."},
        ),
    ],
    **{
        name: [
            case(
                "POST", scope="check", default=403, hr=302, interviewer=404, outsider=404, it_staff=404,
                facilities_staff=404, data=data,
            ),
        ]
        for name, data in (
            ("onboarding:check_request", {"provider": "Sterling", "package": "Standard"}),
            ("onboarding:check_result", {"status": "clear"}),
        )
    },
}  # fmt: skip

# The Django admin is checked on its own (test_admin_is_for_admins_only): it has hundreds of patterns.
SEPARATELY_TESTED_NAMESPACES = ("admin:",)


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_url_names(pattern, inner)
        else:
            yield f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}"


def test_every_url_pattern_is_declared():
    found = {name for name in all_url_names() if not name.startswith(SEPARATELY_TESTED_NAMESPACES)}
    assert found - set(ROUTES) == set(), "declare the expected result per role for these URLs in ROUTES"
    assert set(ROUTES) - found == set(), "ROUTES names URLs that no longer exist"


@pytest.fixture
def world(personas):
    """Each persona's decisions in every relation, its notification, and someone else's, created before anyone looks."""
    raiser = UserFactory(username="raiser", roles=[Role.HIRING_MANAGER])
    stranger = UserFactory(username="stranger")
    due = timezone.now() + timedelta(days=2)

    def decision(title, owner=None, role="", by=raiser):
        return raise_decision(kind=REQUEST, title=title, owner=owner, owner_role=role, due_at=due, by=by)

    with committed():
        decisions = {
            "own": {name: decision(f"Own decision of {name}", owner=user) for name, user in personas.items()},
            "raised": {name: decision(f"Raised by {name}", owner=stranger, by=user) for name, user in personas.items()},
            "report": {
                name: decision(f"Of a report of {name}", owner=UserFactory(username=f"report_of_{name}", manager=user))
                for name, user in personas.items()
            },
            "role": {name: decision(f"For the role of {name}", role=PERSONA_ROLE[name]) for name in personas},
        }
        other = decision("A decision of someone else", owner=stranger)
    own_notes = {name: Notification.objects.filter(user=user).first() for name, user in personas.items()}
    other_note = Notification.objects.filter(user=stranger).first()
    own_views = {
        name: SavedView.objects.create(user=user, page="candidates:pipeline", name="Mine", query="flag=stuck_7")
        for name, user in personas.items()
    }
    other_view = SavedView.objects.create(
        user=stranger, page="candidates:pipeline", name="Theirs", query="flag=stuck_14"
    )
    return {
        "own_views": own_views,
        "other_view": other_view,
        "personas": personas,
        "decisions": decisions,
        "other": other,
        "own_notes": own_notes,
        "other_note": other_note,
    }


@pytest.fixture
def requisitions_world(personas):
    """Drafts: one per persona that runs or may see one, and one run by strangers."""
    from portal.services.access import grant_object_permission
    from requisitions.services import create_requisition

    stranger_hm = UserFactory(username="stranger_hm", roles=[Role.HIRING_MANAGER])
    stranger_recruiter = UserFactory(username="stranger_recruiter", roles=[Role.RECRUITER])

    def draft(title, by, hiring_manager, recruiter):
        return create_requisition(by=by, title=title, hiring_manager=hiring_manager, recruiter=recruiter)

    own = {
        "hiring_manager": draft("HM's own", personas["hiring_manager"], personas["hiring_manager"], stranger_recruiter),
        "recruiter": draft("Recruiter's", stranger_hm, stranger_hm, personas["recruiter"]),
        "interviewer": draft("Interviewed for", stranger_hm, stranger_hm, stranger_recruiter),
        "finance": draft("Seen by finance", stranger_hm, stranger_hm, stranger_recruiter),
        "hr": draft("Seen by HR", stranger_hm, stranger_hm, stranger_recruiter),
        "admin_user": draft("Seen by admins", stranger_hm, stranger_hm, stranger_recruiter),
    }
    grant_object_permission(
        perm="requisitions.view_requisition", user=personas["interviewer"], obj=own["interviewer"], by=None
    )
    other = draft("A requisition of someone else", stranger_hm, stranger_hm, stranger_recruiter)
    shared = UserFactory(username="shared_recruiter", roles=[Role.RECRUITER])
    for req in [*own.values(), other]:
        grant_object_permission(perm="requisitions.view_requisition", user=shared, obj=req, by=None)
    return {"own": own, "other": other, "shared": shared}


@pytest.fixture
def candidates_world(personas):
    """An open requisition run by the persona hiring manager and recruiter, one by strangers; a candidate on each."""
    from candidates.models import CandidateImport
    from candidates.services import apply, attach_resume, create_candidate
    from portal.models import ApprovalRule
    from requisitions.choices import Action
    from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
    from tests.factories import requisition_fields

    # The admins approve (no manager).
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)

    def opened(hiring_manager, recruiter):
        req = create_requisition(
            by=hiring_manager, hiring_manager=hiring_manager, **requisition_fields(recruiter=recruiter)
        )
        submit_requisition(requisition=req, by=hiring_manager)
        approve_requisition(requisition=req, by=personas["admin_user"])
        move_requisition(requisition=req, action=Action.OPEN, by=hiring_manager)
        return req

    stranger_hm = UserFactory(username="pipeline_stranger_hm", roles=[Role.HIRING_MANAGER])
    stranger_recruiter = UserFactory(username="pipeline_stranger_recruiter", roles=[Role.RECRUITER])
    mine = opened(personas["hiring_manager"], personas["recruiter"])
    theirs = opened(stranger_hm, stranger_recruiter)
    own = create_candidate(by=personas["recruiter"], first_name="Own", last_name="Candidate")
    other = create_candidate(by=stranger_recruiter, first_name="Hidden", last_name="Candidate")
    own_application = apply(candidate=own, requisition=mine, by=personas["recruiter"])
    other_application = apply(candidate=other, requisition=theirs, by=stranger_recruiter)
    from candidates.services import interviews, scorecards

    stranger_interviewer = UserFactory(username="pipeline_stranger_interviewer", roles=[Role.INTERVIEWER])
    booked = {}
    for scope, application, recruiter, lead in (
        ("own", own_application, personas["recruiter"], personas["interviewer"]),
        ("other", other_application, stranger_recruiter, stranger_interviewer),
    ):
        plan = interviews.ensure_plan(requisition=application.requisition, by=recruiter)
        start = timezone.now() + timedelta(days=2)
        booked[scope] = interviews.schedule_interview(
            application=application,
            round=plan.rounds.get(name="Technical"),
            panel=[interviews.Seat(lead, "lead")],
            by=recruiter,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    return {
        "own": own,
        "other": other,
        "interview": booked,
        "debrief": {
            scope: scorecards.raise_debrief(application=i.application, round=i.round) for scope, i in booked.items()
        },
        "requisition": {"own": mine, "other": theirs},
        "application": {"own": own_application, "other": other_application},
        "import": {
            "own": {
                name: CandidateImport.objects.create(
                    file_name=f"{name}.csv", content="Name\nA B\n", headers=["Name"], created_by=user
                )
                for name, user in personas.items()
            },
            "other": CandidateImport.objects.create(
                file_name="theirs.csv", content="Name\nA B\n", headers=["Name"], created_by=stranger_recruiter
            ),
        },
        "resume": {
            "own": attach_resume(candidate=own, name="own.txt", content=b"Own resume", by=None),
            "other": attach_resume(candidate=other, name="other.txt", content=b"Hidden resume", by=None),
        },
    }


@pytest.fixture
def offers_world(candidates_world):
    """A draft offer on each candidate of candidates_world, by the recruiter running its requisition."""
    from offers.services import create_offer
    from tests.offers.conftest import terms

    return {
        scope: create_offer(
            application=application,
            by=application.requisition.recruiter,
            terms=terms(application.requisition, title="Backend Developer"),
        )
        for scope, application in candidates_world["application"].items()
    }


@pytest.fixture
def onboarding_world(candidates_world):
    """The offer on each candidate of candidates_world approved by whoever holds each step and accepted: a
    pre-boarding case on each requisition."""
    from offers.services import accept_offer, approve_offer, create_offer, extend_offer, submit_offer
    from onboarding.choices import TaskKind
    from onboarding.models import PreboardingCase
    from portal.models import User
    from portal.services.approvals import open_chain_decisions
    from tests.offers.conftest import terms

    cases = {}
    for scope, application in candidates_world["application"].items():
        recruiter = application.requisition.recruiter
        offer = create_offer(
            application=application, by=recruiter, terms=terms(application.requisition, title="Backend Developer")
        )
        submit_offer(offer=offer, by=recruiter)
        offer.refresh_from_db()
        while offer.status == "pending_approval":
            decision = open_chain_decisions(offer.current_version).first()
            approver = decision.owner or User.objects.with_role(decision.owner_role).exclude(pk=recruiter.pk).first()
            approve_offer(offer=offer, by=approver)
            offer.refresh_from_db()
        accept_offer(offer=extend_offer(offer=offer, by=recruiter), by=recruiter)
        cases[scope] = PreboardingCase.objects.get(offer=offer)
    return {
        "case": cases,
        "task": {
            "own": cases["own"].tasks.get(kind=TaskKind.EQUIPMENT),
            "workspace": cases["own"].tasks.get(kind=TaskKind.WORKSPACE),
            "check": cases["own"].tasks.get(kind=TaskKind.BACKGROUND_CHECK),
            "other": cases["other"].tasks.get(kind=TaskKind.EQUIPMENT),
        },
    }


@pytest.fixture
def vendors_world(candidates_world, personas):
    """An approved supplier with a rate card per requisition; an active engagement on each requisition of
    candidates_world (its worker the candidate there) with a week its recruiter recorded; one invoice."""
    from decimal import Decimal

    from tests.vendors.conftest import approved_vendor, monday, rate_card_for
    from vendors.models import VendorContact
    from vendors.services import (
        EngagementInput,
        InvoiceInput,
        LineInput,
        create_engagement,
        create_invoice,
        record_timesheet,
        save_contact,
        start_engagement,
    )

    finance = personas["finance"]
    vendor = approved_vendor(finance, name="Matrix Staffing")
    contact = save_contact(contact=VendorContact(vendor=vendor, name="Lee Chan"), by=finance)
    today = timezone.localdate()
    engagements, sheets = {}, {}
    for scope in ("own", "other"):
        req = candidates_world["requisition"][scope]
        card = rate_card_for(vendor, req, finance, back=30, ahead=300)
        recruiter = req.recruiter
        engagement = create_engagement(
            data=EngagementInput(
                requisition=req,
                worker=candidates_world["application"][scope].candidate,
                vendor=vendor,
                rate_card=card,
                start_date=monday(today) - timedelta(weeks=1),
                end_date=today + timedelta(days=120),
                hours_per_week=Decimal("40"),
            ),
            by=recruiter,
        )
        engagements[scope] = start_engagement(engagement=engagement, by=recruiter)
        sheets[scope] = record_timesheet(
            engagement=engagements[scope],
            by=recruiter,
            week_start=monday(today) - timedelta(weeks=1),
            hours=40,
            overtime_hours=0,
        )
    invoice = create_invoice(
        data=InvoiceInput(
            vendor=vendor,
            number="MX-1",
            currency="CAD",
            period_start=monday(today) - timedelta(weeks=1),
            period_end=monday(today) - timedelta(days=1),
            received_on=today,
            lines=(LineInput(amount=Decimal("4000"), engagement=engagements["own"], hours=Decimal("40")),),
        ),
        by=personas["admin_user"],
    )
    return {
        "vendor": vendor,
        "contact": contact,
        "card": card,
        "engagement": engagements,
        "timesheet": sheets,
        "invoice": invoice,
        "requisition": candidates_world["requisition"],
        "monday": monday(today).isoformat(),
    }


def _url(name, scope, persona, world):
    if scope is None:
        return reverse(name)
    if name.startswith("analytics:"):
        return reverse(name, args=scope.split("/"))
    if name.startswith("onboarding:"):
        o = world["onboarding"]
        if name.startswith(("onboarding:task", "onboarding:check")):
            return reverse(name, args=[o["task"][scope].pk])
        return reverse(name, args=[o["case"][scope].pk])
    if name.startswith("vendors:"):
        v = world["vendors"]
        args = {
            "vendors:vendor_detail": [v["vendor"].pk],
            "vendors:vendor_edit": [v["vendor"].pk],
            "vendors:rate_card_create": [v["vendor"].pk],
            "vendors:rate_card_edit": [v["card"].pk],
            "vendors:contact_create": [v["vendor"].pk],
            "vendors:contact_remove": [v["vendor"].pk, v["contact"].pk],
            "vendors:clause_toggle": [v["vendor"].pk, v["vendor"].clause_checks.first().clause_id],
            "vendors:engagement_plan": [
                case(default=403, recruiter=302, admin_user=302),
                case(default=403, recruiter=302, admin_user=302, data={"requisition": "x"}),
            ],
            "vendors:engagement_create": [v["requisition"].get(scope, v["requisition"]["own"]).pk],
            "vendors:engagement_detail": [v["engagement"].get(scope, v["engagement"]["own"]).pk],
            "vendors:engagement_act": [v["engagement"].get(scope, v["engagement"]["own"]).pk, "end"],
            "vendors:timesheet_create": [v["engagement"].get(scope, v["engagement"]["own"]).pk],
            "vendors:timesheet_act": [v["timesheet"].get(scope, v["timesheet"]["own"]).pk, "approve"],
            "vendors:invoice_detail": [v["invoice"].pk],
            "vendors:invoice_act": [v["invoice"].pk, "rematch"],
            "vendors:spend_report": ["ending"],
        }
        return reverse(name, args=args[name])
    if name.startswith("offers:"):
        if name == "offers:new":
            return reverse(name, args=[world["candidates"]["application"][scope].pk])
        offer = world["offers"][scope]
        return reverse(name, args=[offer.pk, "submit"] if name == "offers:act" else [offer.pk])
    if name.startswith("candidates:"):
        if name == "candidates:board":
            return reverse(name, args=[world["candidates"]["requisition"][scope].pk])
        if name in ("candidates:move", "candidates:close", "candidates:activity"):
            return reverse(name, args=[world["candidates"]["application"][scope].pk])
        if name.startswith("candidates:import_"):
            imp = world["candidates"]["import"]["own"].get(persona) if scope == "own" else None
            return reverse(name, args=[(imp or world["candidates"]["import"]["other"]).pk])
        if name.startswith(("candidates:interview_", "candidates:scorecard")) or name == "candidates:interview":
            return reverse(name, args=[world["candidates"]["interview"][scope].pk, *(
                ["cancel"] if name == "candidates:interview_action" else []
            )])  # fmt: skip
        if name == "candidates:debrief":
            return reverse(name, args=[world["candidates"]["debrief"][scope].pk])
        if name == "candidates:schedule":
            return reverse(name, args=[world["candidates"]["application"][scope].pk])
        if name == "candidates:debrief_proceed":
            interview = world["candidates"]["interview"][scope]
            return reverse(name, args=[interview.application_id, interview.round_id])
        if name == "candidates:plan":
            return reverse(name, args=[world["candidates"]["requisition"][scope].pk])
        if name == "candidates:resume_download":
            return reverse(name, args=[world["candidates"]["resume"][scope].pk])
        return reverse(name, args=[world["candidates"][scope].pk])
    if name.startswith("requisitions:"):
        req = world["requisitions"]["own"].get(persona) if scope == "own" else world["requisitions"]["other"]
        extra = [world["requisitions"]["shared"].pk] if name == "requisitions:unshare" else []
        return reverse(name, args=[req.pk if req else 999999, *extra])
    if name == "portal:saved_view_delete":
        view = world["own_views"].get(persona) if scope == "own" else world["other_view"]
        return reverse(name, args=[view.pk if view else 999999])
    if name.startswith("portal:notification"):
        note = world["own_notes"].get(persona) if scope == "own" else world["other_note"]
        return reverse(name, args=[note.pk if note else 999999])
    decision = world["decisions"][scope].get(persona) if scope != "other" else world["other"]
    return reverse(name, args=[decision.pk if decision else 999999])


def _state():
    """Every row a denied request must leave untouched."""
    from candidates.models import (
        Application,
        CandidateImport,
        Debrief,
        ImportMapping,
        Interview,
        InterviewRound,
        Resume,
        Scorecard,
    )
    from offers.models import Offer, OfferVersion
    from onboarding.models import BackgroundCheck, PreboardingCase, PreboardingTask
    from portal.models import ExportLog
    from requisitions.models import Requisition
    from vendors.models import ClauseCheck, Engagement, Invoice, RateCard, Timesheet, Vendor, VendorContact

    return (
        ExportLog.objects.count(),
        list(Requisition.objects.order_by("pk").values_list("pk", "status", "title", "hiring_manager")),
        list(Decision.objects.order_by("pk").values_list("pk", "status", "owner", "outcome")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        Decision.history.count(),
        list(Application.objects.order_by("pk").values_list("pk", "stage", "status", "last_activity_at")),
        list(SavedView.objects.order_by("pk").values_list("pk", "user", "name", "query")),
        list(Resume.objects.order_by("pk").values_list("pk", "candidate")),
        list(CandidateImport.objects.order_by("pk").values_list("pk", "status", "columns")),
        list(ImportMapping.objects.order_by("pk").values_list("pk", "value")),
        list(Interview.objects.order_by("pk").values_list("pk", "status", "starts_at", "sequence")),
        list(Scorecard.objects.order_by("pk").values_list("pk", "status")),
        list(InterviewRound.objects.order_by("pk").values_list("pk", "name", "position", "is_active")),
        list(Debrief.objects.order_by("pk").values_list("pk", "status")),
        list(Offer.objects.order_by("pk").values_list("pk", "status", "current_version")),
        list(OfferVersion.objects.order_by("pk").values_list("pk", "status", "base_amount")),
        list(Vendor.objects.order_by("pk").values_list("pk", "status", "name")),
        list(VendorContact.objects.order_by("pk").values_list("pk", "name")),
        list(ClauseCheck.objects.order_by("pk").values_list("pk", "checked_on")),
        list(RateCard.objects.order_by("pk").values_list("pk", "bill_rate", "valid_to")),
        list(Engagement.objects.order_by("pk").values_list("pk", "status", "end_date")),
        list(Timesheet.objects.order_by("pk").values_list("pk", "status")),
        list(Invoice.objects.order_by("pk").values_list("pk", "status")),
        list(PreboardingCase.objects.order_by("pk").values_list("pk", "status", "planned_start", "work_email")),
        list(PreboardingTask.objects.order_by("pk").values_list("pk", "status", "due_date", "due_set_by_hand")),
        list(BackgroundCheck.objects.order_by("pk").values_list("pk", "status", "provider")),
    )


CASES = [(name, index) for name, cases in ROUTES.items() for index, _ in enumerate(cases)]


@pytest.mark.django_db
@pytest.mark.parametrize("name, index", CASES, ids=[f"{n}[{i}]" for n, i in CASES])
def test_access_matrix(request, client, world, name, index):
    """One route, one way of calling it, as every persona; each persona's request is rolled back."""
    route = ROUTES[name][index]
    if name.startswith("requisitions:"):
        world["requisitions"] = request.getfixturevalue("requisitions_world")
    if name.startswith(("candidates:", "offers:")):
        world["candidates"] = request.getfixturevalue("candidates_world")
    if name.startswith("offers:"):
        world["offers"] = request.getfixturevalue("offers_world")
    if name.startswith("vendors:"):
        world["candidates"] = request.getfixturevalue("candidates_world")
        world["vendors"] = request.getfixturevalue("vendors_world")
    if name.startswith("onboarding:"):
        world["onboarding"] = request.getfixturevalue("onboarding_world")
    for persona in EVERYONE:
        with transaction.atomic():
            _check(client, world, name, route, persona)
            transaction.set_rollback(True)


def _check(client, world, name, route, persona):
    client.logout()
    if persona != ANON:
        client.force_login(world["personas"][persona])
    url = _url(name, route.scope, persona, world)
    before = _state()

    data = {key: world["vendors"]["monday"] if value == "monday" else value for key, value in route.data.items()}
    response = client.post(url, data) if route.method == "POST" else client.get(url, data)

    expected = route.status_for(persona)
    where = f"{route.method} {url} as {persona}"
    assert response.status_code == expected, where
    if persona == ANON and expected == 302 and name != "logout":
        assert response["Location"].startswith(reverse("login")), where
    if expected in (400, 403, 404, 405) or persona == ANON:
        assert _state() == before, f"a refused request changed data: {where}"
    if expected == 404:
        # Nothing about the hidden objects leaks into the error page.
        assert world["other"].title.encode() not in response.content, where
        assert b"A requisition of someone else" not in response.content, where
        assert b"Hidden Candidate" not in response.content, where


@pytest.mark.django_db
@pytest.mark.parametrize("persona", EVERYONE)
def test_admin_is_for_admins_only(client, personas, persona):
    if persona != ANON:
        client.force_login(personas[persona])

    for url in ("/admin/", "/admin/portal/costcenter/", "/admin/portal/user/", "/admin/portal/decision/"):
        response = client.get(url)
        if persona == "admin_user":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/") or response["Location"].startswith(
                "/accounts/login/"
            )
