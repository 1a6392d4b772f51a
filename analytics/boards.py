"""The dashboards, one per role, and the weekly operations review.

Each board says who may open it and which requisitions it covers for the viewer: a recruiter's board the
requisitions they recruit for, a hiring manager's those they manage (both within what they may see), the
finance and organisation boards every requisition the viewer may see. Tiles and tables then narrow
further (costs only for finance, HR and admins; scorecards only for those who read them; an
interviewer's board only their own interviews and scorecards).
"""

from django.db.models import QuerySet

from analytics.tiles import Board, register_board
from portal.choices import Role
from portal.models import User
from requisitions.models import Requisition
from requisitions.selectors import requisitions_for_user


def _holds(*roles):
    def visible(user: User) -> bool:
        return (
            user.is_authenticated
            and user.is_active
            and (user.has_role(*roles) or (Role.ADMIN in roles and user.is_superuser))
        )

    return visible


def _recruiting(user: User) -> QuerySet[Requisition]:
    return requisitions_for_user(user).filter(recruiter=user)


def _managing(user: User) -> QuerySet[Requisition]:
    return requisitions_for_user(user).filter(hiring_manager=user)


def _none(user: User) -> QuerySet[Requisition]:
    return Requisition.objects.none()


# The weekly operations review: exceptions only, each with its owner and a link.
OPS_REVIEW = ("stuck_requisitions", "overdue_feedback", "aging_offers", "at_risk_starts", "flagged_invoices")

BOARDS = [
    Board(
        key="recruiter",
        name="My pipeline",
        lede="The health of the requisitions you recruit for, and who needs a follow-up.",
        visible=_holds(Role.RECRUITER),
        scope=_recruiting,
        order=10,
        tiles=("stuck_7", "stuck_14", "stuck_requisitions", "overdue_decisions", "aging_offers", "at_risk_starts",
               "active_applications", "open_requisitions"),
        tables=("snapshot", "funnel", "by_source", "days_per_stage", "activity", "time_to_fill", "requisition_ages",
                "sla_breaches", "weekly_load"),
    ),
    Board(
        key="hiring-manager",
        name="My requisitions",
        lede="Your requisitions, your interviews and the decisions waiting on you.",
        visible=_holds(Role.HIRING_MANAGER),
        scope=_managing,
        order=20,
        tiles=("overdue_decisions", "stuck_requisitions", "stuck_7", "aging_offers", "at_risk_starts",
               "upcoming_interviews", "open_requisitions"),
        tables=("snapshot", "funnel", "time_to_fill", "time_to_approve", "interviewer_load", "ratings_by_criterion",
                "declines_by_reason", "sla_breaches"),
    ),
    Board(
        key="interviewer",
        name="My interviews",
        lede="Your interview load against your weekly cap, and your scorecards.",
        visible=_holds(Role.INTERVIEWER),
        scope=_none,
        order=30,
        tiles=("upcoming_interviews", "overdue_feedback"),
        tables=("interviewer_load", "ratings_by_criterion"),
    ),
    Board(
        key="finance",
        name="Spend",
        lede="Forecast against actual by month and cost center, the cost of hiring, and what waits for finance.",
        visible=_holds(Role.FINANCE, Role.HR, Role.ADMIN),
        scope=requisitions_for_user,
        order=40,
        tiles=("flagged_invoices", "overdue_decisions", "fell_through", "accepted_offers"),
        tables=("forecast_vs_actual_by_month", "forecast_vs_actual", "cost_per_hire", "agency_fees_by_vendor",
                "fall_through_cost", "time_to_approve"),
    ),
    Board(
        key="organisation",
        name="Organisation",
        lede="Hiring across the organisation: velocity, conversion, capacity, quality and cost.",
        visible=_holds(Role.HR, Role.ADMIN),
        scope=requisitions_for_user,
        order=50,
        tiles=("stuck_7", "stuck_14", "stuck_requisitions", "aging_requisitions", "overdue_decisions", "aging_offers",
               "at_risk_starts", "overdue_feedback", "flagged_invoices", "offers_declined", "fell_through"),
        tables=("time_to_approve", "time_to_fill", "days_per_stage", "sla_breaches", "requisition_ages",
                "funnel", "by_source", "by_role_family", "by_recruiter", "activity", "snapshot",
                "recruiter_load", "hiring_manager_load", "interviewer_load", "decision_owners", "weekly_load",
                "ratings_by_criterion", "ratings_by_interviewer", "offer_acceptance", "declines_by_reason",
                "fall_through_by_source",
                "cost_per_hire", "agency_fees_by_vendor", "forecast_vs_actual_by_month", "forecast_vs_actual",
                "fall_through_cost"),
    ),
]  # fmt: skip

for board in BOARDS:
    register_board(board)


def ops_board(user: User):
    """The board whose slice the weekly operations review covers for `user`: the organisation's for HR and
    admins, finance's for finance, else their hiring manager's or recruiter's board; None for anyone else."""
    from analytics.tiles import board as board_of

    for key in ("organisation", "finance", "hiring-manager", "recruiter"):
        if board_of(key).visible(user):
            return board_of(key)
    return None
