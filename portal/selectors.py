"""Reads of the core app: user-scoped querysets and the figures pages show."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from portal.choices import CostKind, DecisionStatus, Role
from portal.models import ApprovalChain, CostCenter, CostEvent, Decision, Notification, User
from portal.money import rounded


def decisions_for_user(user: User) -> QuerySet[Decision]:
    """Every decision `user` may look at: theirs, their role's, their reports' (for escalations),
    the ones they raised; admins see all."""
    qs = Decision.objects.all()
    if user.is_portal_admin:
        return qs
    return qs.filter(
        Q(owner=user) | Q(owner__manager=user) | Q(raised_by=user) | Q(owner__isnull=True, owner_role__in=user.roles)
    )


def my_work(user: User) -> QuerySet[Decision]:
    """Open decisions `user` must take, overdue first (oldest due date first).

    A chain step addressed to one of the user's roles is left out when the user may not take it: they
    submitted one of the subject's rounds, or already took a decision in this round.
    """
    decided_in_round = Decision.objects.filter(approval_step__chain=OuterRef("approval_step__chain"), decided_by=user)
    submitted = ApprovalChain.objects.filter(
        subject_type=OuterRef("approval_step__chain__subject_type"),
        subject_id=OuterRef("approval_step__chain__subject_id"),
        submitted_by=user,
    )
    return (
        Decision.objects.open()
        .owned_by(user)
        .exclude(Exists(decided_in_round))
        .exclude(Exists(submitted))
        .select_related("owner", "raised_by", "subject_type")
        .prefetch_related("subject")
        .order_by("due_at", "id")
    )


def subjects_asked_of(user: User, *, kind: str, model) -> QuerySet:
    """Ids of the `model` subjects of `kind` decisions `user` holds, took, or may take through one of
    their roles while it is open: who is asked to approve something sees it, even when the decision was
    handed to them after the chain was computed. A subquery (`pk__in=`), no query of its own."""
    return Decision.objects.filter(
        Q(owner=user)
        | Q(decided_by=user)
        | Q(owner__isnull=True, owner_role__in=user.roles, status=DecisionStatus.OPEN),
        kind=kind,
        subject_type=ContentType.objects.get_for_model(model),
    ).values("subject_id")


def decision_counts(qs: QuerySet[Decision]) -> dict:
    """Counts of a decision list: total, overdue, due today, and per kind (one query)."""
    now = timezone.now()
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    totals = qs.order_by().aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(due_at__lt=now)),
        due_today=Count("id", filter=Q(due_at__gte=now, due_at__lte=end_of_today)),
    )
    return totals


def decision_counts_by_kind(qs: QuerySet[Decision]) -> list[tuple[str, str, int]]:
    labels = dict(Decision._meta.get_field("kind").choices)
    rows = qs.order_by().values("kind").annotate(n=Count("id")).order_by("kind")
    return [(row["kind"], labels.get(row["kind"], row["kind"]), row["n"]) for row in rows]


def role_members(role: str) -> QuerySet[User]:
    return User.objects.with_role(role)


def decision_recipients(decision: Decision) -> list[User]:
    """Who a decision's reminders go to: its owner, or every active member of its owner role.

    A decision nobody can take (a deactivated owner, a role with no members) goes to the admins,
    so it is never silently stuck.
    """
    from portal.permissions import hold_rule

    if decision.owner_id:
        owners = [decision.owner] if decision.owner.is_active else []
    else:
        # Only the members who may take it (one query): one who already approved in this round is not asked again.
        owners = list(role_members(decision.owner_role).filter(pk__in=hold_rule(decision).people().values("pk")))
    return owners or list(role_members(Role.ADMIN))


def escalation_recipients(decision: Decision) -> list[User]:
    """The owner's manager; for a role's decision, or when no manager is recorded, the admins."""
    owners = decision_recipients(decision)
    owner_ids = {u.pk for u in owners}
    manager = decision.owner.manager if decision.owner_id else None
    if manager is not None and manager.is_active and manager.pk not in owner_ids:
        return [manager]
    return list(role_members(Role.ADMIN).exclude(pk__in=owner_ids))


def notifications_for_user(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_notification_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def assignable_users() -> QuerySet[User]:
    return User.objects.people().order_by("first_name", "last_name", "username")


# --- The spend ledger ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    cost_center: CostCenter | None  # None: the totals row
    kind: str
    cells: list[tuple[date, Decimal]]
    total: Decimal

    @property
    def kind_label(self) -> str:
        return CostKind(self.kind).label


def ledger_months(today: date, *, back: int = 12, forward: int = 12) -> list[date]:
    """First days of the months from `back` months before `today`'s month to `forward` after it."""
    from portal.services.ledger import add_months

    first = today.replace(day=1)
    return [add_months(first, offset) for offset in range(-back, forward + 1)]


def ledger_grid(*, currency: str, months: list[date]) -> tuple[list[LedgerRow], list[LedgerRow]]:
    """Forecast, committed and actual money by cost center × month in `currency` (two queries), and
    the totals of each kind. A cell is the exact sum of the events behind it, rounded to the cent."""
    sums = (
        CostEvent.objects.filter(currency=currency, month__gte=months[0], month__lte=months[-1])
        .values_list("cost_center", "month", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    cells = {(center, month, kind): rounded(total) for center, month, kind, total in sums}
    centers = CostCenter.objects.filter(pk__in={center for center, _, _ in cells}).order_by("code")
    zero = Decimal("0.00")

    def row(center, kind, amount_of):
        values = [(month, amount_of(month)) for month in months]
        return LedgerRow(center, kind, values, sum((v for _, v in values), zero))

    rows = [
        row(center, kind, lambda month, c=center.pk, k=kind: cells.get((c, month, k), zero))
        for center in centers
        for kind in CostKind.values
    ]
    totals = [
        row(
            None,
            kind,
            lambda month, k=kind: sum((v for (_, m, kk), v in cells.items() if m == month and kk == k), zero),
        )
        for kind in CostKind.values
    ]
    return rows, totals


def cost_events(*, currency: str | None = None) -> QuerySet[CostEvent]:
    """Ledger events with what a list shows of them (cost center, need, who recorded it)."""
    qs = CostEvent.objects.select_related("cost_center", "need", "recorded_by", "source_type")
    return qs.filter(currency=currency) if currency else qs
