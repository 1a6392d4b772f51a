"""Reads of vendors, engagements, timesheets and invoices: each user's slice and what lists show."""

import re

from django.db.models import Count, Prefetch, Q, QuerySet

from portal import clock
from portal.models import Decision, User
from portal.selectors import subjects_asked_of
from requisitions.models import Requisition
from requisitions.selectors import granted_to, requisitions_run_by
from vendors.choices import (
    IN_FORCE,
    OPEN_REQUISITION,
    RATE_APPROVAL_KIND,
    RENEWAL_KIND,
    WORKING,
    RateApproval,
    TimesheetStatus,
)
from vendors.models import Engagement, EngagementTerm, Invoice, RateCard, Timesheet, Vendor
from vendors.permissions import (
    can_add_engagements,
    can_see_engagements,
    can_see_invoices,
    can_see_vendors,
    sees_all_engagements,
)


def vendors_for_user(user: User) -> QuerySet[Vendor]:
    if not user.is_authenticated or not can_see_vendors(user):
        return Vendor.objects.none()
    return Vendor.objects.all()


def engagements_for_user(user: User) -> QuerySet[Engagement]:
    """Every engagement `user` may see: all for finance and admins; those of the requisitions they run
    (or that were shared with them) for recruiters and hiring managers; and those whose rate they are
    asked to approve, or approved. None for HR and interviewers."""
    if not user.is_authenticated or not can_see_engagements(user):
        return Engagement.objects.none()
    if sees_all_engagements(user):
        return Engagement.objects.all()
    approving = subjects_asked_of(user, kind=RATE_APPROVAL_KIND, model=EngagementTerm)
    return Engagement.objects.filter(granted_to(user, field="requisition_id") | Q(terms__in=approving)).distinct()


def engagement_list(user: User) -> QuerySet[Engagement]:
    return engagements_for_user(user).select_related(
        "worker", "vendor", "requisition__cost_center", "requisition__hiring_manager"
    )


def vendor_list(user: User) -> QuerySet[Vendor]:
    """The vendors `user` may see, each with its current rate cards (`cards`) and working contractors
    (`working`) counted, by name."""
    today = clock.today()
    return (
        vendors_for_user(user)
        .select_related("owner")
        .annotate(
            cards=Count("rate_cards", filter=Q(rate_cards__valid_to__gte=today), distinct=True),
            working=Count("engagements", filter=Q(engagements__status__in=WORKING), distinct=True),
        )
        .order_by("name", "id")
    )


def rate_cards_for_user(user: User) -> QuerySet[RateCard]:
    """Every vendor's rate cards for those who see vendors (recruiters, finance, admins); none for others."""
    if not user.is_authenticated or not can_see_vendors(user):
        return RateCard.objects.none()
    return RateCard.objects.all()


def vendors_engaged_for_user(user: User) -> QuerySet[Vendor]:
    """The vendors of the engagements `user` may see (a hiring manager sees no vendor list, but filters
    their contractors by vendor), by name."""
    if not user.is_authenticated or not can_see_engagements(user):
        return Vendor.objects.none()
    if sees_all_engagements(user):
        return Vendor.objects.order_by("name")
    return Vendor.objects.filter(pk__in=engagements_for_user(user).values("vendor_id")).order_by("name")


def timesheets_for_user(user: User) -> QuerySet[Timesheet]:
    """The weeks of the engagements `user` may see (vendors.selectors.engagements_for_user)."""
    if not user.is_authenticated or not can_see_engagements(user):
        return Timesheet.objects.none()
    if sees_all_engagements(user):
        return Timesheet.objects.all()
    return Timesheet.objects.filter(engagement__in=engagements_for_user(user))


def timesheet_list(user: User) -> QuerySet[Timesheet]:
    """`user`'s weeks with what the list shows: the engagement, its worker, vendor, requisition and the
    terms in force (`engagement.terms_in_force`, which price each week), who recorded and decided it."""
    in_force = EngagementTerm.objects.filter(rate_approval__in=IN_FORCE).order_by("number")
    return (
        timesheets_for_user(user)
        .select_related(
            "engagement__worker", "engagement__vendor", "engagement__requisition", "submitted_by", "decided_by",
            "invoice",
        )
        .prefetch_related(Prefetch("engagement__terms", queryset=in_force, to_attr="terms_in_force"))
        .order_by("-week_start", "engagement_id", "id")
    )  # fmt: skip


def plannable_requisitions(user: User) -> QuerySet[Requisition]:
    """The standing requisitions `user` may plan engagements on (vendors.permissions.can_manage_engagement,
    as a query): any for an admin, else those a recruiter runs (granted to them), newest first."""
    if not can_add_engagements(user):
        return Requisition.objects.none()
    return requisitions_run_by(user).filter(status__in=OPEN_REQUISITION).order_by("-created_at")


def engagement_terms(engagement: Engagement) -> list[EngagementTerm]:
    """The engagement's terms in order, with the rate card each was set against."""
    return list(
        engagement.terms.select_related(
            "rate_card__role_family", "rate_card__level", "rate_card__location", "created_by"
        )
    )


def pending_of(terms: list[EngagementTerm]) -> EngagementTerm | None:
    """The latest of `terms` whose rate waits for approval."""
    return next((term for term in reversed(terms) if term.rate_approval == RateApproval.PENDING), None)


def open_renewals(engagement: Engagement) -> QuerySet[Decision]:
    """The engagement's open "renew or end" decision (at most one at a time)."""
    return Decision.objects.open().for_subject(engagement).filter(kind=RENEWAL_KIND)


def invoices_for_user(user: User) -> QuerySet[Invoice]:
    if not user.is_authenticated or not can_see_invoices(user):
        return Invoice.objects.none()
    return Invoice.objects.all()


def timesheets_to_approve(user: User) -> QuerySet[Timesheet]:
    """Weeks waiting for `user` as the hiring manager of their engagements' requisitions."""
    if not user.is_authenticated or not user.is_active:
        return Timesheet.objects.none()
    return (
        Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED, engagement__requisition__hiring_manager=user)
        .exclude(submitted_by=user)
        .select_related("engagement__worker", "engagement__vendor")
        .order_by("week_start", "id")
    )


# How engagements and placements are named on invoices: ENG-0042, PLC-0007 (any case, leading zeros).
REFERENCE = re.compile(r"(ENG|PLC)-0*(\d{1,12})", re.IGNORECASE)


def parse_reference(text: str) -> tuple[str, int] | None:
    """("ENG" or "PLC", id) of a reference as people type it, or None."""
    found = REFERENCE.fullmatch((text or "").replace(" ", ""))
    return (found[1].upper(), int(found[2])) if found else None
