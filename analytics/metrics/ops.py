"""Needs action: the exceptions of the weekly operations review, each with its owner and a link
(definitions in docs/metrics.md, Dashboards).

Scorecards overdue, offers left waiting or about to expire, starts at risk and flagged invoices: each
tile lists the objects themselves, the person who must act on each named in an "Owner" column.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from analytics.metrics import common
from analytics.tiles import ListColumn, Tile, register_tile
from candidates.choices import SCORECARD_DUE_KIND
from candidates.models import Interview
from candidates.permissions import can_see_scorecards, can_sit_on_panel
from offers.choices import OfferStatus
from offers.models import Offer
from offers.permissions import can_see_offers
from onboarding.choices import OPEN_TASK
from onboarding.models import PreboardingCase
from onboarding.permissions import can_see_cases
from onboarding.selectors import upcoming_risks
from portal import clock
from portal.choices import DecisionStatus
from portal.models import Decision
from vendors.choices import InvoiceStatus
from vendors.models import Invoice, InvoiceLine
from vendors.permissions import can_see_invoices
from vendors.selectors import invoices_for_user

OFFER_WAIT_DAYS = 5  # extended and unanswered this many days or more
OFFER_EXPIRY_DAYS = 2  # expiring today or within this many days
# The filters that narrow the requisitions of a slice (an invoice linked to none is then left out).
REQUISITION_FILTERS = ("department", "cost_center", "role_family", "location", "recruiter", "hiring_manager")


def _person(user) -> str:
    return str(user) if user is not None else "—"


# --- Scorecards overdue ------------------------------------------------------------------------------------


def overdue_feedback(slice_) -> QuerySet[Decision]:
    """Open scorecard-due decisions past due on the slice's interviews; on the interviewer's board, their
    own."""
    qs = Decision.objects.filter(
        kind=SCORECARD_DUE_KIND,
        status=DecisionStatus.OPEN,
        due_at__lt=slice_.now,
        subject_type=ContentType.objects.get_for_model(Interview),
        subject_id__in=common.interviews(slice_.replace(interviewer=None)).values("pk"),
    )
    if slice_.board.key == "interviewer":
        qs = qs.filter(owner=slice_.user)
    for name in ("owner", "interviewer"):
        if slice_.get(name) is not None:
            qs = qs.filter(owner=slice_.get(name))
    return qs.order_by("due_at", "pk")


def _sees_feedback(user) -> bool:
    return can_see_scorecards(user) or can_sit_on_panel(user)


register_tile(
    Tile(
        key="overdue_feedback",
        name="Scorecards overdue",
        group="ops",
        definition=(
            "Scorecards still owed past their due date (an open scorecard-due decision) on the interviews in view; "
            "on your own interviewer board, those you owe. The owner is the interviewer who owes it."
        ),
        rows=overdue_feedback,
        columns=(
            *common.DECISION_COLUMNS[:1],
            ListColumn(
                "Interview",
                lambda d: "Open the interview",
                link=lambda d: reverse("candidates:interview", args=[d.subject_id]),
            ),
            *common.DECISION_COLUMNS[2:],
        ),
        related=common.DECISION_RELATED,
        visible=_sees_feedback,
        action="Chase the interviewers",
        noun="scorecard",
    )
)


# --- Offers waiting --------------------------------------------------------------------------------------------


def aging_offers(slice_) -> QuerySet[Offer]:
    """Extended offers of the slice unanswered for OFFER_WAIT_DAYS or more, or expiring within
    OFFER_EXPIRY_DAYS (their current version's expiry date, today included)."""
    waited = slice_.now - timedelta(days=OFFER_WAIT_DAYS)
    expiring = slice_.today + timedelta(days=OFFER_EXPIRY_DAYS)
    return (
        Offer.objects.filter(requisition__in=common.requisitions(slice_).values("pk"), status=OfferStatus.EXTENDED)
        .filter(slice_.source_q("application__source"))
        .filter(Q(extended_at__lte=waited) | Q(current_version__expires_on__lte=expiring))
        .order_by("current_version__expires_on", "extended_at", "pk")
    )


register_tile(
    Tile(
        key="aging_offers",
        name="Offers waiting for an answer",
        group="ops",
        definition=(
            f"Offers extended and unanswered for {OFFER_WAIT_DAYS} days or more, or whose terms expire within "
            f"{OFFER_EXPIRY_DAYS} days (today included). The owner is the requisition's recruiter."
        ),
        rows=aging_offers,
        columns=(
            ListColumn("Offer", lambda o: o.reference, link=lambda o: o.get_absolute_url()),
            ListColumn(
                "Candidate",
                lambda o: str(o.application.candidate),
                link=lambda o: o.application.candidate.get_absolute_url(),
            ),
            ListColumn(
                "Requisition",
                lambda o: f"{o.requisition.reference} {o.requisition.title}",
                link=lambda o: o.requisition.get_absolute_url(),
            ),
            ListColumn("Owner", lambda o: _person(o.requisition.recruiter)),
            ListColumn("Extended", lambda o: common.local(o.extended_at)),
            ListColumn(
                "Days waiting", lambda o: (clock.now() - o.extended_at).days if o.extended_at else None, numeric=True
            ),
            ListColumn("Expires on", lambda o: o.current_version.expires_on if o.current_version_id else None),
        ),
        related=("application__candidate", "requisition__recruiter", "current_version"),
        visible=can_see_offers,
        action="Call the candidates",
        noun="offer",
    )
)


# --- Starts at risk -------------------------------------------------------------------------------------------


def at_risk_starts(slice_) -> QuerySet[PreboardingCase]:
    """Pre-boarding cases at risk (onboarding.selectors.upcoming_risks: red) of the slice's requisitions,
    with the number of blocking tasks still open."""
    at_risk = [risk.case.pk for risk in upcoming_risks(slice_.user, today=slice_.today) if risk.at_risk]
    blocking = Q(tasks__blocks_start=True, tasks__status__in=OPEN_TASK)
    return (
        PreboardingCase.objects.filter(pk__in=at_risk, requisition__in=common.requisitions(slice_).values("pk"))
        .filter(slice_.source_q("application__source"))
        .annotate(blocking_open=Count("tasks", filter=blocking))
        .order_by("planned_start", "pk")
    )


register_tile(
    Tile(
        key="at_risk_starts",
        name="Starts at risk",
        group="ops",
        definition=(
            "Open pre-boarding cases at risk: a blocking task still open within 5 business days of the start, or "
            "an earliest feasible start after the planned one. The owner is the requisition's hiring manager."
        ),
        rows=at_risk_starts,
        columns=(
            *common.CASE_COLUMNS,
            ListColumn("Owner", lambda c: _person(c.requisition.hiring_manager)),
            ListColumn("Recruiter", lambda c: _person(c.requisition.recruiter)),
            ListColumn("Planned start", lambda c: c.planned_start),
            ListColumn("Blocking tasks open", lambda c: c.blocking_open, numeric=True),
        ),
        related=("candidate", "requisition__hiring_manager", "requisition__recruiter"),
        visible=can_see_cases,
        action="Unblock the tasks or move the start",
        noun="start",
    )
)


# --- Flagged invoices ----------------------------------------------------------------------------------------


def flagged_invoices(slice_) -> QuerySet[Invoice]:
    """Flagged invoices the viewer may see with a line billing an engagement or a placement of the slice's
    requisitions; on the boards covering everything, with no requisition filter, those billing none too."""
    requisitions = common.requisitions(slice_).values("pk")
    billed = InvoiceLine.objects.filter(invoice=OuterRef("pk")).filter(
        Q(engagement__requisition__in=requisitions) | Q(placement__requisition__in=requisitions)
    )
    linked = Exists(billed)
    everything = slice_.board.key in common.WHOLE_ORGANISATION and not any(
        slice_.get(name) is not None for name in REQUISITION_FILTERS
    )
    if everything:
        unlinked = ~Exists(
            InvoiceLine.objects.filter(invoice=OuterRef("pk")).filter(
                Q(engagement__isnull=False) | Q(placement__isnull=False)
            )
        )
        linked = linked | unlinked
    qs = invoices_for_user(slice_.user).filter(status=InvoiceStatus.FLAGGED).filter(linked)
    if slice_.get("vendor") is not None:
        qs = qs.filter(vendor=slice_.get("vendor"))
    return qs.order_by("received_on", "pk")


register_tile(
    Tile(
        key="flagged_invoices",
        name="Invoices flagged",
        group="ops",
        definition=(
            "Invoices whose matching flagged a line (over rate, a difference, nothing to match), waiting for finance "
            "to override or reject them, that bill an engagement or a placement of the requisitions in view (with no "
            "requisition filter on the finance and organisation boards, every flagged invoice). The owner is the "
            "vendor's contact owner."
        ),
        rows=flagged_invoices,
        columns=(
            ListColumn("Invoice", lambda i: i.number, link=lambda i: i.get_absolute_url()),
            ListColumn("Vendor", lambda i: i.vendor.name, link=lambda i: i.vendor.get_absolute_url()),
            ListColumn("Owner", lambda i: _person(i.vendor.owner)),
            ListColumn("Amount", lambda i: i.amount, numeric=True),
            ListColumn("Expected", lambda i: i.expected_amount, numeric=True),
            ListColumn("Currency", lambda i: i.currency),
            ListColumn("Received", lambda i: i.received_on),
        ),
        related=("vendor__owner",),
        visible=can_see_invoices,
        action="Override or reject them",
        noun="invoice",
    )
)
