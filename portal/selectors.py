"""Reads of the core app: user-scoped querysets and the figures pages show."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal.choices import Role
from portal.models import Decision, Notification, User
from portal.roles import group_name


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
    """Open decisions `user` must take, overdue first (oldest due date first)."""
    return (
        Decision.objects.open()
        .owned_by(user)
        .select_related("owner", "raised_by", "subject_type")
        .prefetch_related("subject")
        .order_by("due_at", "id")
    )


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
    return User.objects.filter(is_active=True, groups__name=group_name(role)).distinct()


def decision_recipients(decision: Decision) -> list[User]:
    """Who a decision's reminders go to: its owner, or every active member of its owner role.

    A decision nobody can take (a deactivated owner, a role with no members) goes to the admins,
    so it is never silently stuck.
    """
    if decision.owner_id:
        owners = [decision.owner] if decision.owner.is_active else []
    else:
        owners = list(role_members(decision.owner_role))
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
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
