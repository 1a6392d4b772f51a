"""Reads of requisitions: the user's slice, plan capacity, band look-up, similar requisitions."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission

from portal.choices import DecisionStatus
from portal.models import CompBand, Decision, HiringPlan, User
from portal.selectors import subjects_asked_of
from requisitions.choices import APPROVAL_KIND, LIVE
from requisitions.models import Requisition
from requisitions.permissions import RUNNER_ROLES

VIEW = "requisitions.view_requisition"
CHANGE = "requisitions.change_requisition"


def requisitions_for_user(user: User) -> QuerySet[Requisition]:
    """Every requisition `user` may see: all with the role-wide view permission (finance, HR, admin),
    otherwise those granted to them one by one (their own, assigned) and those they approve."""
    if not user.is_authenticated or not user.is_active:
        return Requisition.objects.none()
    if user.has_perm(VIEW):
        return Requisition.objects.all()
    approving = subjects_asked_of(user, kind=APPROVAL_KIND, model=Requisition)
    return Requisition.objects.filter(granted_to(user) | Q(pk__in=approving))


def requisitions_run_by(user: User) -> QuerySet[Requisition]:
    """The requisitions `user` runs (requisitions.permissions.runs_requisition as a query): every one for an
    admin; for a recruiter or hiring manager, those they hold the change permission on (their own, not a
    view-only share); none for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return Requisition.objects.none()
    if user.is_portal_admin:
        return Requisition.objects.all()
    if not user.has_role(*RUNNER_ROLES):
        return Requisition.objects.none()
    return Requisition.objects.filter(granted_to(user, CHANGE))


def granted_to(user: User, perm: str = VIEW, *, field: str = "pk") -> Q:
    """The requisitions granted to `user` one by one (django-guardian object permissions, theirs or
    their groups'), as a condition on `field` (a requisition id): what guardian's get_objects_for_user
    (without global permissions or superuser) selects, in a shape the database checks row by row on
    a large table (a hashed list of ids) rather than joining requisitions first."""
    codename = perm.split(".", 1)[1]
    requisition = ContentType.objects.get_for_model(Requisition)
    granted = {"content_type": requisition, "permission__content_type": requisition, "permission__codename": codename}
    as_id = Cast("object_pk", BigIntegerField())
    by_user = UserObjectPermission.objects.filter(user=user, **granted).values(granted_pk=as_id)
    by_group = GroupObjectPermission.objects.filter(group__user=user, **granted).values(granted_pk=as_id)
    return Q(**{f"{field}__in": by_user}) | Q(**{f"{field}__in": by_group})


def with_overdue_approval(qs: QuerySet[Requisition]) -> QuerySet[Requisition]:
    """Annotate `has_overdue_approval`: an open approval decision on it is past due."""
    overdue = Decision.objects.filter(
        kind=APPROVAL_KIND,
        status=DecisionStatus.OPEN,
        due_at__lt=timezone.now(),
        subject_type=ContentType.objects.get_for_model(Requisition),
        subject_id=OuterRef("pk"),
    )
    return qs.annotate(has_overdue_approval=Exists(overdue))


@dataclass(frozen=True)
class PlanCapacity:
    plan: HiringPlan
    headcount: int
    used_headcount: int
    budget: Decimal
    used_budget: Decimal

    @property
    def remaining_headcount(self) -> int:
        return self.headcount - self.used_headcount

    @property
    def remaining_budget(self) -> Decimal:
        return self.budget - self.used_budget


def plan_capacity(plan: HiringPlan, *, excluding: Requisition | None = None) -> PlanCapacity:
    """Headcount and budget of `plan` taken by requisitions pending, approved, open, on hold or filled.

    Budget taken is each requisition's first-year cost maximum times its openings.
    """
    qs = Requisition.objects.counting_against_plan().filter(hiring_plan=plan)
    if excluding is not None and excluding.pk:
        qs = qs.exclude(pk=excluding.pk)
    rows = list(qs.values_list("openings", "cost_max"))
    used_budget = sum(((cost or Decimal("0")) * openings for openings, cost in rows), Decimal("0"))
    return PlanCapacity(
        plan=plan,
        headcount=plan.approved_headcount,
        used_headcount=sum(openings for openings, _ in rows),
        budget=plan.approved_budget,
        used_budget=used_budget,
    )


def band_for(*, role_family_id, level_id, location_id, on: date | None, currency: str = "CAD") -> CompBand | None:
    """The compensation band in effect on `on` (default today) for that role family, level and place."""
    if not (role_family_id and level_id and location_id):
        return None
    return (
        CompBand.objects.effective_on(on or timezone.localdate())
        .filter(role_family_id=role_family_id, level_id=level_id, location_id=location_id, currency=currency)
        .order_by("-effective_from")
        .first()
    )


def similar_requisitions(requisition: Requisition) -> QuerySet[Requisition]:
    """Other live requisitions (submitted, not closed: never drafts) for the same role family, level and
    department (allowed, but worth a look)."""
    if not (requisition.role_family_id and requisition.level_id and requisition.department_id):
        return Requisition.objects.none()
    return Requisition.objects.filter(
        role_family_id=requisition.role_family_id,
        level_id=requisition.level_id,
        department_id=requisition.department_id,
        status__in=LIVE,
    ).exclude(pk=requisition.pk)


def status_counts(qs: QuerySet[Requisition]) -> dict[str, int]:
    return dict(qs.order_by().values_list("status").annotate(n=Count("id")))


def drafts_for_user(user: User) -> QuerySet[Requisition]:
    """Drafts the user manages or started, oldest first: they wait on the user to finish and submit."""
    return Requisition.objects.filter(Q(hiring_manager=user) | Q(created_by=user), status="draft").order_by(
        "created_at", "id"
    )


def bands_on_file(requisition: Requisition) -> set[str]:
    """Currencies of the bands in effect for the requisition's role family, level and place (salaried roles)."""
    if requisition.is_contract or not (requisition.role_family_id and requisition.level_id and requisition.location_id):
        return set()
    on = requisition.target_start_date or timezone.localdate()
    return set(
        CompBand.objects.effective_on(on)
        .filter(
            role_family_id=requisition.role_family_id,
            level_id=requisition.level_id,
            location_id=requisition.location_id,
        )
        .values_list("currency", flat=True)
    )


def shared_with(requisition: Requisition) -> list[User]:
    """People granted sight of the requisition one by one, beyond those who run it."""
    runners = {requisition.created_by_id, requisition.hiring_manager_id, requisition.recruiter_id}
    user_ids = UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Requisition),
        object_pk=str(requisition.pk),
        permission__codename="view_requisition",
    ).values_list("user_id", flat=True)
    return list(
        User.objects.filter(pk__in=user_ids).exclude(pk__in=runners - {None}).order_by("first_name", "last_name")
    )
