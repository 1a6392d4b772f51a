"""The requisitions' volume layer (`seed_demo --scale N`, N > 1): up to N × 41 requisitions in all.

Written in bulk (portal.bulk), after the demo: mostly open (applications sit on those), some filled,
on hold, approved, cancelled or drafts, across the demo's cost centers, levels and places, each run by
a hiring manager and a recruiter of the organisation with their object permissions (and the access log
lines that record them). The demo logins run a realistic share: `recruiter` recruits for about one in
twelve, `hiring_manager` manages about one in twenty, and the three largest requisitions (the boards
with thousands of candidates) are theirs. Requisitions of the volume layer carry no approval chain,
forecast or history rows: they read as approved before the portal kept those.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from guardian.models import UserObjectPermission

from portal.bulk import Clock, insert, next_id, reset_sequences
from portal.choices import AccessAction, Role
from portal.models import AccessLog, CompBand, CostCenter, HiringPlan, Level, Location, RoleFamily, User
from requisitions.choices import CONTRACT_TYPES, Status
from requisitions.costs import first_year_cost
from requisitions.demo import BUSINESS_CASES, NEEDS
from requisitions.models import Requisition
from requisitions.permissions import can_own_budget
from requisitions.services import OBJECT_PERMS

UNIT = len(NEEDS)  # requisitions per unit of --scale, the demo's included
STATUSES = (
    [Status.OPEN] * 72
    + [Status.FILLED] * 10
    + [Status.ON_HOLD] * 5
    + [Status.APPROVED] * 5
    + [Status.DRAFT] * 5
    + [Status.CANCELLED] * 3
)
# The demo logins' shares of the volume; the organisation's other recruiters and managers share the rest.
RECRUITER_SHARE = {"recruiter": 0.08}
MANAGER_SHARE = {"hiring_manager": 0.05, "hiring_manager2": 0.03, "director": 0.03}
# The largest requisitions: (hiring manager); all recruited by `recruiter`, open for months.
LARGEST = ["hiring_manager", "hiring_manager2", "director"]
FIELDS = [
    "id", "title", "role_family_id", "level_id", "department_id", "cost_center_id", "location_id",
    "employment_type", "openings", "hires", "hiring_manager_id", "recruiter_id", "budget_owner_id", "target_start_date",
    "hiring_plan_id", "is_backfill", "backfill_for", "business_case", "justification", "currency", "comp_band_id",
    "base_min", "base_max", "bonus_pct", "benefits_load_pct", "max_bill_rate", "contract_hours", "agency_fee",
    "signing_bonus", "relocation", "equipment", "cost_min", "cost_max", "status", "status_note", "approval_round",
    "created_by_id", "created_at", "first_submitted_at", "submitted_at", "approved_at", "opened_at", "filled_at",
    "closed_at",
]  # fmt: skip
STATUS_NOTES = {Status.ON_HOLD: "Budget review for the quarter.", Status.CANCELLED: "The team was reorganised."}


def seed(*, rng: random.Random, scale: int, log) -> None:
    wanted = scale * UNIT - Requisition.objects.count()
    if wanted <= 0:
        return
    with transaction.atomic():
        rows = _requisitions(rng, wanted)
        insert(Requisition, FIELDS, rows)
        grants = _grants(rows)
        reset_sequences(Requisition, UserObjectPermission, AccessLog)
    opened = sum(1 for row in rows if row[FIELDS.index("status")] == Status.OPEN)
    log(f"volume: {len(rows)} requisitions ({opened} open), {grants} object permissions")


def volume_requisitions():
    """The volume layer's requisitions (the demo's carry the titles of NEEDS), oldest first: the first
    few are the LARGEST."""
    return Requisition.objects.exclude(title__in=[need.title for need in NEEDS]).order_by("pk")


def _requisitions(rng: random.Random, wanted: int) -> list[tuple]:
    clock = Clock(rng)
    recruiters = _people(Role.RECRUITER, RECRUITER_SHARE)
    managers = _people(Role.HIRING_MANAGER, MANAGER_SHARE)
    org = _Org()
    first_id = next_id(Requisition)
    rows = []
    for n in range(wanted):
        need = rng.choice(NEEDS)
        if n < len(LARGEST):
            status, age = Status.OPEN, 200
            manager, recruiter = User.objects.get(username=LARGEST[n]).pk, recruiters.login("recruiter")
        else:
            status, age = rng.choice(STATUSES), rng.randint(20, 200)
            manager, recruiter = managers.pick(rng), recruiters.pick(rng)
        creator = manager if rng.random() < 0.7 else recruiter
        stamps = _stamps(clock, rng, status, age)
        status = stamps.pop("status")
        row = {
            "id": first_id + n,
            "title": f"{need.title} ({first_id + n})",
            "employment_type": need.employment_type,
            "openings": need.openings,
            "hires": 0,  # filled ones count theirs once their applications are written (candidates.bulk)
            "hiring_manager_id": manager,
            "recruiter_id": recruiter,
            "is_backfill": bool(need.backfill_for),
            "backfill_for": need.backfill_for,
            "business_case": "" if need.backfill_for else rng.choice(BUSINESS_CASES),
            "justification": "",
            "status": status,
            "status_note": STATUS_NOTES.get(status, ""),
            "approval_round": 0 if status == Status.DRAFT else 1,
            "created_by_id": creator,
            **stamps,
            **org.money(need, rng, timezone.localtime(stamps["created_at"]).date() + timedelta(rng.randint(40, 100))),
        }
        rows.append(tuple(row[name] for name in FIELDS))
    return rows


def _stamps(clock: Clock, rng: random.Random, status: str, age: int) -> dict:
    """Created `age` days ago, then submitted, approved and opened a few working days apart; filled months
    later (or still open, if that would be in the future); cancelled while pending."""

    def after(moment: datetime, low: int, high: int) -> datetime:
        return max(moment + timedelta(minutes=5), clock.at_work(moment + timedelta(hours=rng.randint(low, high))))

    created = clock.at_work(clock.now - timedelta(days=age))
    stamps = dict.fromkeys(
        ["first_submitted_at", "submitted_at", "approved_at", "opened_at", "filled_at", "closed_at"], None
    )
    stamps.update(status=status, created_at=created)
    if status == Status.DRAFT:
        return stamps
    submitted = after(created, 2, 60)
    stamps.update(first_submitted_at=submitted, submitted_at=submitted)
    if status == Status.CANCELLED:
        return {**stamps, "closed_at": after(submitted, 24, 120)}
    stamps["approved_at"] = approved = after(submitted, 24, 150)
    if status == Status.APPROVED:
        return stamps
    stamps["opened_at"] = opened = after(approved, 4, 48)
    if status == Status.FILLED:
        filled = after(opened, 24 * 30, 24 * 120)
        if filled < clock.now - timedelta(days=2):
            stamps["filled_at"] = filled
        else:
            stamps["status"] = Status.OPEN
    return stamps


class _People:
    """Who runs the volume: the demo logins at their share, the rest spread over the others."""

    def __init__(self, users: list[User], shares: dict[str, float]):
        self.by_name = {u.username: u.pk for u in users}
        self.shares = [(self.by_name[name], share) for name, share in shares.items() if name in self.by_name]
        self.others = [u.pk for u in users if u.username not in shares] or [pk for pk, _ in self.shares]

    def login(self, username: str) -> int:
        return self.by_name[username]

    def pick(self, rng: random.Random) -> int:
        roll = rng.random()
        for pk, share in self.shares:
            if roll < share:
                return pk
            roll -= share
        return rng.choice(self.others)


def _people(role: str, shares: dict[str, float]) -> _People:
    return _People(list(User.objects.with_role(role).order_by("username")), shares)


class _Org:
    """The demo's reference data, read once: what a need costs, which plan and band it falls in."""

    def __init__(self):
        self.centers = {cc.code: cc for cc in CostCenter.objects.select_related("budget_owner")}
        self.budget_owner = {
            code: cc.budget_owner_id if cc.budget_owner_id and can_own_budget(cc.budget_owner) else None
            for code, cc in self.centers.items()
        }
        self.families = {f.name: f.pk for f in RoleFamily.objects.all()}
        self.levels = {lv.code: lv.pk for lv in Level.objects.all()}
        self.locations = {loc.city: loc.pk for loc in Location.objects.all()}
        self.bands = {
            (b.role_family_id, b.level_id, b.location_id): b
            for b in CompBand.objects.filter(currency="CAD").order_by("effective_from")
        }
        self.plans = {}
        for plan in HiringPlan.objects.order_by("period"):
            self.plans.setdefault(plan.cost_center_id, {})[plan.period] = plan.pk

    def money(self, need, rng: random.Random, start) -> dict:
        cc = self.centers[need.cost_center]
        family, level, location = self.families[need.family], self.levels[need.level], self.locations[need.city]
        plans = self.plans.get(cc.pk, {})
        quarter = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        req = Requisition(
            employment_type=need.employment_type,
            role_family_id=family,
            level_id=level,
            location_id=location,
            department_id=cc.department_id,
            cost_center_id=cc.pk,
            budget_owner_id=self.budget_owner[need.cost_center],
            target_start_date=start,
            hiring_plan_id=plans.get(quarter) or (list(plans.values())[-1] if plans else None),
            currency="CAD",
            equipment=Decimal("2500"),
            agency_fee=Decimal("0"),
            signing_bonus=Decimal("0"),
            relocation=Decimal("0"),
            bonus_pct=Decimal("0"),
            benefits_load_pct=Decimal("0"),
        )
        if need.employment_type in CONTRACT_TYPES:
            req.max_bill_rate = Decimal(rng.choice([85, 95, 110, 125, 140]))
            req.contract_hours = rng.choice([900, 1200, 1800])
        else:
            band = self.bands.get((family, level, location))
            mid = band.midpoint if band else Decimal("80000")
            req.comp_band_id = band.pk if band else None
            req.base_min = (mid * Decimal("0.92")).quantize(Decimal("1"))
            req.base_max = (mid * Decimal(rng.choice(["0.95", "1.0", "1.05", "1.2"]))).quantize(Decimal("1"))
            req.bonus_pct = Decimal(rng.choice([0, 5, 10, 15]))
            req.benefits_load_pct = Decimal("18")
            req.agency_fee = Decimal(rng.choice([0, 0, 0, 15000]))
            req.relocation = Decimal(rng.choice([0, 0, 10000]))
        req.cost_min, req.cost_max = first_year_cost(req)
        names = [name for name in FIELDS if name.endswith("_id") or name in MONEY_FIELDS]
        return {name: getattr(req, name) for name in names if name not in OWN_FIELDS}


MONEY_FIELDS = {
    "target_start_date", "currency", "base_min", "base_max", "bonus_pct", "benefits_load_pct", "max_bill_rate",
    "contract_hours", "agency_fee", "signing_bonus", "relocation", "equipment", "cost_min", "cost_max",
}  # fmt: skip
OWN_FIELDS = {"id", "hiring_manager_id", "recruiter_id", "created_by_id"}


def _grants(rows: list[tuple]) -> int:
    """View and change on each requisition for its creator, hiring manager and recruiter (as
    requisitions.services grants them), with the access log's line for each."""
    content_type = ContentType.objects.get_for_model(Requisition)
    perms = {
        perm: Permission.objects.get(content_type__app_label=perm.split(".")[0], codename=perm.split(".")[1]).pk
        for perm in OBJECT_PERMS
    }
    index = {name: FIELDS.index(name) for name in ("id", "created_by_id", "hiring_manager_id", "recruiter_id")}
    grants, logs = [], []
    grant_id, log_id = next_id(UserObjectPermission), next_id(AccessLog)
    for row in rows:
        pk, creator, at = row[index["id"]], row[index["created_by_id"]], row[FIELDS.index("created_at")]
        people = {row[index["created_by_id"]]: "creator"}
        people.update({row[index["hiring_manager_id"]]: "hiring manager"})
        people.update({row[index["recruiter_id"]]: "recruiter"})
        for user, why in people.items():
            for perm, perm_id in perms.items():
                grants.append((grant_id, str(pk), content_type.pk, perm_id, user))
                logs.append((log_id, AccessAction.GRANTED, perm, user, content_type.pk, str(pk), creator, why, at))
                grant_id, log_id = grant_id + 1, log_id + 1
    insert(UserObjectPermission, ["id", "object_pk", "content_type_id", "permission_id", "user_id"], grants)
    insert(
        AccessLog,
        ["id", "action", "permission", "user_id", "object_type_id", "object_id", "by_id", "reason", "at"],
        logs,
    )
    return len(grants)
