"""Demo data of the core app: people with a login per role, org reference data, holidays and requests.

Run by `manage.py seed_demo`, which then runs each later app's `demo.seed`. Idempotent: every
record is looked up by a natural key first, so a second run adds nothing. Deterministic: the
choices come from one seeded random generator. Dates are relative to the day it runs.
"""

import importlib
import importlib.util
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import holidays as holiday_calendars
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from portal import calendar, clock
from portal.choices import REQUEST, Outcome, Role
from portal.models import (
    CompBand,
    CostCenter,
    Decision,
    Department,
    HiringPlan,
    Holiday,
    Level,
    Location,
    RoleFamily,
    User,
)
from portal.services.decisions import raise_decision, resolve_decision
from portal.services.org import save_org_record
from portal.services.records import save_with_history
from portal.services.users import create_user, set_roles

DEMO_PASSWORD = "portal-demo"  # noqa: S105 - documented demo login, created only by seed_demo


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    title: str
    roles: tuple[str, ...]
    manager: str = ""


PEOPLE = [
    DemoPerson("admin", "Alex", "Morgan", "Portal administrator", (Role.ADMIN,)),
    DemoPerson("coo", "Jamie", "Roy", "Chief Operating Officer", (Role.HIRING_MANAGER,)),
    DemoPerson("director", "Dana", "Okafor", "VP Engineering", (Role.HIRING_MANAGER,), manager="coo"),
    DemoPerson("hr", "Casey", "Martin", "HR Business Partner", (Role.HR,)),
    DemoPerson("finance", "Avery", "Singh", "FP&A Manager", (Role.FINANCE,), manager="admin"),
    DemoPerson("recruiter", "Riley", "Chen", "Senior Recruiter", (Role.RECRUITER,), manager="hr"),
    DemoPerson(
        "hiring_manager", "Morgan", "Patel", "Engineering Manager, Platform", (Role.HIRING_MANAGER,), "director"
    ),
    DemoPerson("hiring_manager2", "Sam", "Tremblay", "Customer Support Manager", (Role.HIRING_MANAGER,), "director"),
    DemoPerson(
        "interviewer", "Jordan", "Lee", "Senior Software Engineer", (Role.INTERVIEWER,), manager="hiring_manager"
    ),
    DemoPerson("interviewer2", "Taylor", "Brooks", "Staff Engineer", (Role.INTERVIEWER,), manager="hiring_manager"),
    DemoPerson("interviewer3", "Robin", "Haddad", "Support Team Lead", (Role.INTERVIEWER,), manager="hiring_manager2"),
]

DEPARTMENTS = [
    ("Engineering", "ENG", "director"),
    ("Customer Support", "SUP", "hiring_manager2"),
    ("Sales", "SAL", "coo"),
    ("Finance", "FIN", "finance"),
    ("People", "PPL", "hr"),
]

COST_CENTERS = [
    ("CC-4100", "Platform Engineering", "ENG", "director"),
    ("CC-4200", "Product Engineering", "ENG", "hiring_manager"),
    ("CC-5100", "Customer Support", "SUP", "hiring_manager2"),
    ("CC-6100", "Sales, Central Canada", "SAL", "coo"),
    ("CC-7100", "People Operations", "PPL", "hr"),
]

LOCATIONS = [("Toronto", "ON"), ("Montréal", "QC"), ("Vancouver", "BC"), ("Calgary", "AB"), ("Halifax", "NS")]
LOCATION_FACTOR = {"Toronto": 1.0, "Montréal": 0.92, "Vancouver": 1.04, "Calgary": 0.96, "Halifax": 0.88}

ROLE_FAMILIES = {
    "Software Engineering": 98_000,
    "Customer Support": 52_000,
    "Sales": 70_000,
    "Data": 92_000,
    "Finance": 78_000,
    "People Operations": 68_000,
}

LEVELS = [
    ("L1", "Associate", 1, 0.75),
    ("L2", "Intermediate", 2, 1.0),
    ("L3", "Senior", 3, 1.28),
    ("L4", "Staff", 4, 1.55),
    ("M1", "Manager", 5, 1.45),
    ("M2", "Senior Manager", 6, 1.8),
]

# (key, title, owner username or role, business days from today to due (negative: overdue), raised by)
REQUESTS = [
    (
        "q1-plan-platform",
        "Confirm 2027-Q1 headcount and budget for CC-4100 Platform Engineering",
        "finance",
        -3,
        "director",
    ),
    ("agency-budget-support", "Sign off the Q1 agency budget for Customer Support", Role.FINANCE, 1, "hiring_manager2"),
    ("band-vancouver-sse", "Review the Senior Software Engineering band for Vancouver", Role.HR, -1, "recruiter"),
    (
        "relocation-exception",
        "Approve a relocation allowance exception for the Halifax backfill",
        "hr",
        2,
        "hiring_manager",
    ),
    (
        "panel-support-lead",
        "Choose the interview panel for the Support Team Lead role",
        "hiring_manager2",
        0,
        "recruiter",
    ),
    (
        "platform-loop-availability",
        "Share your availability for next week's Platform onsite loop",
        "interviewer",
        1,
        "recruiter",
    ),
    ("backend-shortlist", "Agree the shortlist for the Backend Developer role", "hiring_manager", -2, "recruiter"),
    ("campus-sources", "Add the winter campus fairs to the source list", "recruiter", 3, "hr"),
    (
        "job-ad-review",
        "Review the job ad for the Data Analyst role before it is posted",
        "recruiter",
        -1,
        "hiring_manager",
    ),
    ("interviewer-training", "Complete structured-interview training before your next panel", "interviewer", 4, "hr"),
    ("q2-plan-support", "Draft the 2027-Q2 hiring plan for CC-5100 Customer Support", "hiring_manager2", 5, "finance"),
    ("letter-template", "Approve the updated hiring letter template", Role.HR, 6, "admin"),
    ("stage-definitions", "Publish the written stage definitions to all recruiters", "admin", -4, "hr"),
    ("contractor-renewals", "Decide which Q1 contractor renewals go to procurement", "director", 2, "finance"),
    ("sales-hc", "Confirm the Sales headcount shift from Calgary to Toronto", Role.FINANCE, 3, "director"),
]

CLOSED_REQUESTS = [
    (
        "q4-plan-platform",
        "Confirm 2026-Q4 headcount for CC-4100 Platform Engineering",
        "finance",
        "director",
        Outcome.DONE,
    ),
    ("referral-bonus", "Raise the referral bonus for senior engineers", "hr", "recruiter", Outcome.DECLINED),
]


def seed(*, rng: random.Random, scale: int, log) -> None:
    with transaction.atomic():
        people = _people(log)
        _holidays(log)
        _org(people, log, scale)
    _requests(people, rng, log)  # --scale N adds its volume afterwards, in bulk (portal.bulk)


def _people(log) -> dict[str, User]:
    people = ensure_people(PEOPLE, log)
    admin = people["admin"]
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        save_with_history(admin, by=None, reason="portal.user.made_admin")
    return people


def ensure_people(persons, log) -> dict[str, User]:
    """The logins of `persons` (DemoPerson), each created when missing with DEMO_PASSWORD, under their
    manager (one of `persons` or a login made before) and holding their roles: {username: user}. Every
    app's demo adds its people through it, and lists them in its DEMO_PEOPLE for `demo_logins`."""
    people = {}
    for person in persons:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = create_user(
                username=person.username,
                email=f"{person.username}@example.com",
                first_name=person.first_name,
                last_name=person.last_name,
                title=person.title,
                roles=person.roles,
                password=DEMO_PASSWORD,
                by=None,
            )
            log(f"created user {person.username}")
        people[person.username] = user
    wanted = {person.manager for person in persons if person.manager} - set(people)
    managers = {**{user.username: user for user in User.objects.filter(username__in=wanted)}, **people}
    for person in persons:
        user = people[person.username]
        manager = managers.get(person.manager)
        if user.manager_id != getattr(manager, "pk", None):
            user.manager = manager
            save_with_history(user, by=None, reason="portal.user.manager_set")
        if not user.roles:
            set_roles(user=user, roles=person.roles, by=None)
    return people


def demo_people() -> list[DemoPerson]:
    """Every demo login: the core's (PEOPLE), then those each later app's `demo` module adds (its
    DEMO_PEOPLE), in INSTALLED_APPS order, as `seed_demo` creates them."""
    people = list(PEOPLE)
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.demo"
        if name != __name__ and importlib.util.find_spec(name) is not None:
            people += getattr(importlib.import_module(name), "DEMO_PEOPLE", [])
    return people


def _holidays(log) -> None:
    this_year = timezone.localdate().year
    calendar_on = holiday_calendars.Canada(subdiv="ON", years=[this_year - 1, this_year, this_year + 1])
    existing = set(Holiday.objects.values_list("date", flat=True))
    added = 0
    for day, name in sorted(calendar_on.items()):
        if day not in existing:
            save_org_record(record=Holiday(date=day, name=name), by=None)
            added += 1
    if added:
        log(f"added {added} Ontario statutory holidays")


def _org(people: dict[str, User], log, scale: int = 1) -> None:
    departments = {}
    for name, code, head in DEPARTMENTS:
        departments[code] = _get_or_save(Department, {"code": code}, name=name, head=people[head])
    for code, name, dept, owner in COST_CENTERS:
        _get_or_save(CostCenter, {"code": code}, name=name, department=departments[dept], budget_owner=people[owner])
    locations = [_get_or_save(Location, {"city": city, "province": prov, "country": "CA"}) for city, prov in LOCATIONS]
    families = {name: _get_or_save(RoleFamily, {"name": name}) for name in ROLE_FAMILIES}
    levels = [_get_or_save(Level, {"code": code}, name=name, rank=rank) for code, name, rank, _ in LEVELS]
    start = date(timezone.localdate().year, 1, 1)
    for family_name, family in families.items():
        for level, (_, _, _, level_factor) in zip(levels, LEVELS, strict=True):
            for location in locations:
                mid = round(ROLE_FAMILIES[family_name] * level_factor * LOCATION_FACTOR[location.city], -2)
                _get_or_save(
                    CompBand,
                    {"role_family": family, "level": level, "location": location, "effective_from": start},
                    minimum=Decimal(round(mid * 0.85, -2)),
                    midpoint=Decimal(mid),
                    maximum=Decimal(round(mid * 1.15, -2)),
                    currency="CAD",
                )
    for period_offset, period in enumerate(_periods()):
        for index, cc in enumerate(CostCenter.objects.order_by("code")):
            headcount = (4 + (index * 3 + period_offset) % 6) * scale
            _get_or_save(
                HiringPlan,
                {"period": period, "cost_center": cc},
                approved_headcount=headcount,
                approved_budget=Decimal(headcount * 160_000),
            )
    log("org reference data in place")


def _periods() -> list[str]:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    periods = []
    year, q = today.year, quarter
    for _ in range(3):
        periods.append(f"{year}-Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return periods


def _get_or_save(model, lookup: dict, **values):
    record = model.objects.filter(**lookup).first()
    if record is not None:
        return record
    return save_org_record(record=model(**lookup, **values), by=None)


def _requests(people: dict[str, User], rng: random.Random, log) -> None:
    created = 0
    for key, title, owner, due_in, raiser in REQUESTS:
        created += _raise_once(f"demo:{key}", title, owner, due_in, people, people[raiser], rng)
    for key, title, owner, raiser, outcome in CLOSED_REQUESTS:
        decision_key = f"demo:{key}"
        if Decision.objects.filter(key=decision_key).exists():
            continue
        _raise_once(decision_key, title, owner, -rng.randint(5, 12), people, people[raiser], rng)
        decision = Decision.objects.get(key=decision_key)
        note = (
            "Checked against the plan; go ahead."
            if outcome == Outcome.DONE
            else "Not this quarter: budget is committed."
        )
        resolve_decision(decision=decision, outcome=outcome, by=decision.owner, note=note)
        created += 1
    if created:
        log(f"raised {created} demo decisions")


def business_moment(when: datetime, rng: random.Random) -> datetime:
    """The same day moved onto a business day, between 9:00 and 16:45 local time, never in the future
    (a moment that would be later than now goes to the business day before). For every app's demo."""
    day = calendar.add_business_days(timezone.localtime(when).date(), 0)
    at = time(hour=rng.randint(9, 16), minute=rng.choice([0, 15, 30, 45]))
    moment = timezone.make_aware(datetime.combine(day, at))
    if moment > timezone.now():
        moment = timezone.make_aware(datetime.combine(calendar.business_day_before(day, 1), at))
    return moment


def _raise_once(key, title, owner, due_in, people, raiser, rng) -> int:
    if Decision.objects.filter(key=key).exists():
        return 0
    today = timezone.localdate()
    due_day = calendar.add_business_days(today, due_in) if due_in >= 0 else calendar.business_day_before(today, -due_in)
    due_at = timezone.make_aware(datetime.combine(due_day, time(hour=17)))
    raised_at = min(timezone.now(), due_at - timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 6)))
    person = None if isinstance(owner, Role) else people[owner]  # "finance" is a login and a role
    with clock.frozen(raised_at):
        raise_decision(
            kind=REQUEST,
            title=title,
            detail="Raised in the demo data so that My work has something to show.",
            owner=person,
            owner_role="" if person else owner,
            due_at=due_at,
            by=raiser,
            key=key,
        )
    return 1
