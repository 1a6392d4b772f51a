"""The demo's volume layer (`seed_demo --scale N`, N > 1): rows written in bulk, never saved one by one.

`seed_demo` first seeds the normal demo through the services, then runs each app's `bulk.seed` in
INSTALLED_APPS order (this module first). The volume rows are written with PostgreSQL's COPY (other
databases: `bulk_create` in batches), with ids taken ahead, so one table's rows can point at another's
before those are written (foreign keys are checked at commit). No signals run and no history rows are
written for them: their history starts the day someone changes them.

This module adds the people a large organisation has (recruiters and hiring managers beside the demo
logins, who cannot sign in) and the generated requests of My work. Its plumbing serves every app's volume
layer: ids taken ahead, COPY, working-hour moments (Clock), business days (Workdays), and the ledger's
events and the spine's decisions kept as rows until written (Ledger, Decisions).
"""

import random
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from portal import calendar
from portal.choices import REQUEST, DecisionStatus, Role
from portal.models import CostEvent, Decision, HiringPlan, Holiday, User
from portal.money import Money
from portal.roles import group_name

BATCH = 2000
FIRST = [
    "Adele", "Bruno", "Carmen", "Dev", "Elif", "Farah", "Gus", "Helena", "Ivan", "Jade", "Karim", "Lina", "Marco",
    "Nadia", "Oscar", "Paula", "Quinn", "Rosa", "Stefan", "Tanya", "Umar", "Vera", "Wes", "Yara", "Zoe",
]  # fmt: skip
LAST = [
    "Abbott", "Bélanger", "Carter", "Dubois", "Evans", "Fraser", "Gill", "Hughes", "Ibrahim", "Jensen", "Kaur",
    "Lavoie", "Mendes", "Novak", "Ortiz", "Poirier", "Reid", "Santos", "Tran", "Vachon", "Walsh", "Young",
]  # fmt: skip
# (role, username prefix, job title, manager's username, how many per unit of scale)
VOLUME_PEOPLE = [
    (Role.RECRUITER, "volume.recruiter", "Recruiter", "hr", 1 / 5),
    (Role.HIRING_MANAGER, "volume.manager", "Team Manager", "director", 2 / 5),
]


def seed(*, rng: random.Random, scale: int, log) -> None:
    with transaction.atomic():
        people = _people(rng, scale)
        requests = _requests(rng, scale)
    if people or requests:
        log(f"volume: {people} more people, {requests} generated requests")


def _people(rng: random.Random, scale: int) -> int:
    """Recruiters and hiring managers beyond the demo logins (they cannot sign in), roles included."""
    existing = set(User.objects.filter(username__startswith="volume.").values_list("username", flat=True))
    hr_and_director = {u.username: u.pk for u in User.objects.filter(username__in=["hr", "director"])}
    users, memberships = [], []
    user_id = next_id(User)
    for role, prefix, title, manager, per_unit in VOLUME_PEOPLE:
        group = Group.objects.get(name=group_name(role))
        for n in range(1, max(1, round(scale * per_unit)) + 1):
            username = f"{prefix}.{n:02d}"
            if username in existing:
                continue
            first, last = rng.choice(FIRST), rng.choice(LAST)
            user = User(
                id=user_id,
                username=username,
                email=f"{username}@example.com",
                first_name=first,
                last_name=last,
                title=title,
                manager_id=hr_and_director.get(manager),
                date_joined=timezone.now(),
            )
            user.set_unusable_password()
            users.append(user)
            memberships.append(User.groups.through(user_id=user_id, group_id=group.pk))
            user_id += 1
    User.objects.bulk_create(users, batch_size=BATCH)
    User.groups.through.objects.bulk_create(memberships, batch_size=BATCH)
    reset_sequences(User)
    return len(users)


def _requests(rng: random.Random, scale: int) -> int:
    """Generated requests (the demo's fifteen per unit of scale beyond the first), each due within a
    business week or overdue by one, owned by a demo login or one of the roles."""
    from portal.demo import PEOPLE, REQUESTS

    plans = list(HiringPlan.objects.select_related("cost_center").order_by("pk"))
    people = {u.username: u.pk for u in User.objects.filter(username__in=[p.username for p in PEOPLE])}
    owners = [p.username for p in PEOPLE] + [Role.FINANCE, Role.HR, Role.RECRUITER]
    wanted = len(REQUESTS) * (scale - 1)
    taken = set(Decision.objects.filter(key__startswith="demo:bulk:").values_list("key", flat=True))
    now, today = timezone.now(), timezone.localdate()
    due_days = {}
    rows = []
    for n in range(wanted):
        plan = plans[n % len(plans)]
        owner, due_in = rng.choice(owners), rng.randint(-5, 8)
        raised_days, raised_hours = rng.randint(2, 6), rng.randint(0, 6)
        key = f"demo:bulk:{n}"
        if key in taken:
            continue
        if due_in not in due_days:
            day = (
                calendar.add_business_days(today, due_in)
                if due_in >= 0
                else calendar.business_day_before(today, -due_in)
            )
            due_days[due_in] = timezone.make_aware(datetime.combine(day, time(hour=17)))
        due_at = due_days[due_in]
        person = None if isinstance(owner, Role) else people[owner]
        rows.append(
            Decision(
                kind=REQUEST,
                title=f"Check hiring plan {plan.period} for {plan.cost_center.code} (batch {n + 1})",
                detail="Raised in the demo data so that My work has something to show.",
                owner_id=person,
                owner_role="" if person else owner,
                due_at=due_at,
                status=DecisionStatus.OPEN,
                created_at=min(now, due_at - timedelta(days=raised_days, hours=raised_hours)),
                key=key,
            )
        )
    Decision.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# --- Plumbing for every app's volume layer ---------------------------------------------------------


def next_id(model) -> int:
    """The first id free after the table's highest (ids are taken ahead, then the sequence is reset)."""
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequences(*models) -> None:
    """Point the tables' id sequences past the ids written explicitly (PostgreSQL; others need nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def insert(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write `rows` (tuples of `fields`' values, attribute names such as "owner_id", ids included)
    into `model`'s table: COPY on PostgreSQL, `bulk_create` in batches elsewhere. No save(), no signals."""
    if connection.vendor == "postgresql":
        return _copy(model, fields, rows)
    written, batch = 0, []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            written, batch = written + len(batch), []
    model.objects.bulk_create(batch)
    return written + len(batch)


def _copy(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    from psycopg import sql

    columns = [model._meta.get_field(name).column for name in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    written = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


class Clock:
    """Cheap working-hours moments for millions of rows: weekdays, 9:00 to 16:45 local time, never
    after `now` (holidays are not looked up: the volume layer does not need them)."""

    def __init__(self, rng: random.Random, now: datetime | None = None):
        self.rng = rng
        self.now = now or timezone.now()
        self.tz = timezone.get_current_timezone()

    def at_work(self, when: datetime) -> datetime:
        """The same day (a Friday for a weekend) at a working hour; the working day before if that is later
        than now."""
        local = when.astimezone(self.tz)
        day = local.date()
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        minute = self.rng.randrange(0, 32) * 15
        moment = datetime(day.year, day.month, day.day, 9 + minute // 60, minute % 60, tzinfo=self.tz)
        while moment > self.now:
            day -= timedelta(days=3 if day.weekday() == 0 else 1)
            moment = moment.replace(year=day.year, month=day.month, day=day.day)
        return moment

    def between(self, start: datetime, end: datetime) -> datetime:
        """A working moment between `start` and `end` (not before `start`)."""
        span = max((end - start).total_seconds(), 0)
        return max(start, self.at_work(start + timedelta(seconds=span * self.rng.random())))


class Workdays:
    """Business days for the volume layer (weekends and portal.Holiday skipped), the holidays read once."""

    def __init__(self):
        self.holidays = set(Holiday.objects.values_list("date", flat=True))

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def on_or_after(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def on_or_before(self, day: date) -> date:
        while not self.is_workday(day):
            day -= timedelta(days=1)
        return day

    def add(self, day: date, days: int) -> date:
        """The business day `days` business days after `day` (before it when negative)."""
        step = 1 if days >= 0 else -1
        day = self.on_or_after(day) if days >= 0 else day
        for _ in range(abs(days)):
            day += timedelta(days=step)
            while not self.is_workday(day):
                day += timedelta(days=step)
        return day


def end_of_day(day: date) -> datetime:
    """The end of the business day `day` (when a decision due that day falls due)."""
    return timezone.make_aware(datetime.combine(day, time(hour=settings.BUSINESS_DAY_END_HOUR)))


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


COST_FIELDS = [
    "id", "category", "kind", "amount", "currency", "month", "cost_center_id", "need_id", "source_type_id", "source_id",
    "reverses_id", "memo", "recorded_at", "recorded_by_id",
]  # fmt: skip


class Ledger:
    """Cost events of the volume layer, as portal.services.ledger records them (a line spread by month to the
    cent, a reversal naming the event it cancels out), kept as rows until `write`."""

    def __init__(self):
        self.next = next_id(CostEvent)
        self.rows: list[tuple] = []

    def record(self, *, category, kind, amount, month: date, cost_center, need, source, memo, at, by) -> int:
        """`source`: (content type id, object id). Returns the event's id."""
        event = self.next
        self.next += 1
        self.rows.append(
            (event, category, kind, Money(amount, "CAD").amount, "CAD", month.replace(day=1), cost_center, need,
             *source, None, memo[:300], at, by)
        )  # fmt: skip
        return event

    def spread(self, *, amount, months: int, first_month: date, **event) -> list[int]:
        """`amount` over `months` months from `first_month`, the parts adding up exactly (Money.allocate)."""
        parts = Money(amount, "CAD").allocate(months)
        return [
            self.record(amount=part.amount, month=add_months(first_month.replace(day=1), n), **event)
            for n, part in enumerate(parts)
            if part.amount
        ]

    def reverse(self, rows: list[tuple], *, memo: str, at, by) -> None:
        """Cancel out each of `rows` (recorded here) with an event of the opposite amount."""
        for row in rows:
            self.rows.append((self.next, *row[1:3], -row[3], *row[4:10], row[0], memo[:300], at, by))
            self.next += 1

    def write(self) -> int:
        return insert(CostEvent, COST_FIELDS, self.rows)


DECISION_FIELDS = [
    "id", "kind", "title", "detail", "subject_type_id", "subject_id", "owner_id", "owner_role", "due_at", "status",
    "outcome", "decided_by_id", "decided_at", "note", "created_at", "key",
]  # fmt: skip


class Decisions:
    """Decisions on the spine raised by the volume layer, open (or taken, with their outcome), kept as rows
    until `write`."""

    def __init__(self):
        self.next = next_id(Decision)
        self.rows: list[tuple] = []

    def raise_(self, *, kind, title, subject, due_at, created_at, key, owner=None, role="", detail="", taken=None):
        """`subject`: (content type id, object id); `taken`: (outcome, by, at, note) for a decision already
        taken. Returns the decision's id."""
        decision = self.next
        self.next += 1
        outcome, by, at, note = taken or ("", None, None, "")
        status = DecisionStatus.DONE if taken else DecisionStatus.OPEN
        self.rows.append(
            (decision, kind, title[:200], detail, *subject, owner, role, due_at, status, outcome, by, at, note,
             created_at, key)
        )  # fmt: skip
        return decision

    def write(self) -> int:
        return insert(Decision, DECISION_FIELDS, self.rows)


def content_type(model) -> int:
    return ContentType.objects.get_for_model(model).pk
