"""The offers' volume layer (`seed_demo --scale N`, N > 1): offers on the volume's applications, written in
bulk after the pipeline's (candidates.bulk), in proportion to its hires.

Every application of the volume that reached Pre-start has its accepted offer: hired ones (the start is the
day they were hired), those waiting to start (a start some weeks after the acceptance, still to come) and
the few that fell through before the start (a no-show on the start day, a withdrawal before it). Beside
them, for each accepted offer about DECLINED declined ones (an application closed at Offer with an "offer
declined" reason: the offer's decline reason is that code), CLOSED withdrawn, rescinded or expired ones
(closed at Offer for another reason), LIVE ones on applications that reached Offer in the last fortnight
(a draft when it was drafted today, else extended, or expired once its expiry date passed) and STALE
expired ones on applications waiting at Offer for longer. An application can sit at Offer without a
written offer, as after a hand move: most of the volume's do (the pipeline sends a tenth of its
applications there, while a requisition hires one or two). Per unit of scale that is about 10 accepted,
2 declined, 1 closed otherwise and 2.5 live or expired offers, 20 versions in all and 430 committed ledger
events (`--scale 122`: about 1,250 accepted of some 1,950 offers, 53,000 committed events).

Each offer has one version, or two for about a quarter of those sent (the first approved, then revised
after the candidate asked for more: its approvals voided), with the requisition's terms (a round base in
its range, CAD, its bonus target; a contract requisition's bill rate and weeks) and sometimes an
allowance; created when the application entered Offer, approved, extended and answered in that order. An
accepted offer commits its first-year cost in the ledger as accept_offer does (base, bonus and benefits over
the twelve months from the start month, allowances too, one-time costs in the start month: about 40
committed events an accepted offer, spread as the ledger spreads them); a hire that fell through has them
reversed on the day it did. An extended offer has its
recruiter's open "offer response" decision. No approval chains, closed decisions or history rows are written.
"""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from candidates.bulk import volume_applications
from candidates.choices import ApplicationStatus, ReasonCategory, StageKind
from candidates.models import ReasonCode, Stage, StageTransition
from offers.choices import RESPONSE_KIND, OfferStatus, VersionStatus
from offers.models import Offer, OfferAllowance, OfferVersion
from portal.bulk import Clock, Decisions, Ledger, Workdays, content_type, insert, next_id, reset_sequences
from portal.choices import CostCategory, CostKind
from portal.models import CostEvent, Decision
from requisitions.choices import CONTRACT_TYPES
from requisitions.models import Requisition

OFFER_STAGE = "offer"
# Offers for each accepted one, at least one of each: declined, closed otherwise (withdrawn, rescinded or
# expired), live (drafted, extended or expired lately) and stale (expired while the application waited).
DECLINED, CLOSED, LIVE, STALE = 0.22, 0.08, 0.2, 0.05
LIVE_DAYS = 14  # an application that entered Offer this recently has a live offer
EXPIRES_AFTER = 7  # days from the extension to the expiry
TWO_VERSIONS = 0.25
DECLINE_NOTES = ["Expected 10 % more base.", "Took an offer from a bank.", "Accepted a counter-offer.", ""]
WITHDRAW_NOTES = ["The hiring manager chose another finalist.", "The candidate withdrew before the offer went out."]
RESCIND_NOTE = "The references did not confirm the role held."
REVISION_NOTE = "The candidate asked for {amount} more after a competing offer."
OFFER_FIELDS = [
    "id", "application_id", "requisition_id", "status", "current_version_id", "approved_version_id",
    "extended_version_id", "status_note", "decline_reason_id", "created_by_id", "created_at", "approved_at",
    "extended_at", "responded_at", "closed_at",
]  # fmt: skip
VERSION_FIELDS = [
    "id", "offer_id", "number", "supersedes_id", "status", "title", "level_id", "location_id", "employment_type",
    "currency", "pay_basis", "base_amount", "hours_per_week", "bonus_kind", "bonus_value", "equity_note",
    "signing_bonus", "relocation", "start_date", "expires_on", "bill_rate", "duration_weeks", "follows_approval",
    "change_note", "created_by_id", "created_at",
]  # fmt: skip
REQUISITION_FIELDS = [
    "pk", "title", "level_id", "location_id", "employment_type", "base_min", "base_max", "bonus_pct",
    "benefits_load_pct", "max_bill_rate", "contract_hours", "recruiter_id", "cost_center_id",
]  # fmt: skip


def seed(*, rng: random.Random, scale: int, log) -> None:
    if Offer.objects.filter(application__in=volume_applications()).exists():
        return
    with transaction.atomic():
        volume = _Offers(rng)
        counts = volume.write()
        reset_sequences(Offer, OfferVersion, OfferAllowance, CostEvent, Decision)
    if counts:
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        log(f"volume: {sum(counts.values())} offers ({statuses}), {volume.events} committed events")


class _Offers:
    def __init__(self, rng: random.Random):
        self.rng, self.clock, self.days = rng, Clock(rng), Workdays()
        self.now = self.clock.now
        self.today = timezone.localdate(self.now)
        stages = {s.code: s for s in Stage.objects.all()}
        self.offer_stage = stages.get(OFFER_STAGE)
        kinds = {s.kind: s.pk for s in stages.values() if s.kind != StageKind.IN_PROGRESS}
        self.pre_start, self.hired = kinds.get(StageKind.PRE_START), kinds.get(StageKind.HIRED)
        self.category = dict(ReasonCode.objects.values_list("pk", "category"))
        self.offer_type = content_type(Offer)

    # --- What each application's offer is ----------------------------------------------------------------

    def _applications(self) -> list[dict]:
        """The volume's applications that reached Offer, with when they entered it (the last time), were
        accepted (entered Pre-start) and started (entered Hired)."""
        moves: dict[int, dict] = {}
        stages = {self.offer_stage.pk: "offered", self.pre_start: "accepted", self.hired: "started"}
        for app_id, stage, at in (
            StageTransition.objects.filter(application__in=volume_applications(), to_stage_id__in=list(stages))
            .exclude(from_stage_id=F("to_stage_id"))
            .values_list("application_id", "to_stage_id", "at")
            .order_by("application_id", "at")
        ):
            moves.setdefault(app_id, {})[stages[stage]] = at
        apps = []
        for app in (
            volume_applications()
            .filter(pk__in=StageTransition.objects.filter(to_stage=self.offer_stage).values("application_id"))
            .values(
                "pk", "requisition_id", "stage_id", "status", "disposition_id", "last_activity_at",
                "candidate__first_name", "candidate__last_name",
            )
            .order_by("pk")
        ):  # fmt: skip
            if app["pk"] not in moves:
                continue
            app.update(moves[app["pk"]])
            app["name"] = f"{app.pop('candidate__first_name')} {app.pop('candidate__last_name')}"
            apps.append(app)
        return apps

    def _plan(self, apps: list[dict]) -> list[tuple[str, dict]]:
        """(status, application) of each offer to write: every hire's, and the shares of the others."""
        accepted, declined, closed, live, stale = [], [], [], [], []
        for app in apps:
            if "accepted" in app:
                accepted.append(app)
            elif app["stage_id"] != self.offer_stage.pk:
                continue  # moved back from Offer: no offer was written
            elif app["status"] != ApplicationStatus.ACTIVE:
                declining = self.category.get(app["disposition_id"]) == ReasonCategory.OFFER_DECLINED
                (declined if declining else closed).append(app)
            elif app["offered"] >= self.now - timedelta(days=LIVE_DAYS):
                live.append(app)
            else:
                stale.append(app)
        plan = [(OfferStatus.ACCEPTED, app) for app in accepted]
        for share, pool, status in (
            (DECLINED, declined, OfferStatus.DECLINED),
            (CLOSED, closed, OfferStatus.WITHDRAWN),
            (LIVE, live, OfferStatus.EXTENDED),
            (STALE, stale, OfferStatus.EXPIRED),
        ):
            wanted = min(len(pool), max(1, round(share * len(accepted))))
            plan += [(status, app) for app in self.rng.sample(pool, wanted)]
        return sorted(plan, key=lambda pair: pair[1]["pk"])

    # --- Writing ---------------------------------------------------------------------------------------

    def write(self) -> Counter:
        if self.offer_stage is None or self.pre_start is None:
            return Counter()
        plan = self._plan(self._applications())
        wanted = {app["requisition_id"] for _, app in plan}
        self.requisitions = {r["pk"]: r for r in Requisition.objects.filter(pk__in=wanted).values(*REQUISITION_FIELDS)}
        self.offer_id, self.version_id = next_id(Offer), next_id(OfferVersion)
        self.allowance_id = next_id(OfferAllowance)
        self.offers, self.versions, self.allowances = [], [], []
        self.ledger, self.decisions = Ledger(), Decisions()
        counts = Counter()
        for status, app in plan:
            req = self.requisitions[app["requisition_id"]]
            counts[self._offer(status, app, req)] += 1
        insert(Offer, OFFER_FIELDS, self.offers)
        insert(OfferVersion, VERSION_FIELDS, self.versions)
        insert(OfferAllowance, ["id", "version_id", "kind", "amount"], self.allowances)
        self.events = self.ledger.write()
        self.decisions.write()
        return counts

    def _offer(self, status: str, app: dict, req: dict) -> str:
        """Write one offer of `app` ending in `status` (the plan's; a closed one's kind follows its timing)."""
        rng = self.rng
        offer_id = self.offer_id
        self.offer_id += 1
        closed_at = app["last_activity_at"] if app["status"] != ApplicationStatus.ACTIVE else None
        until = app.get("accepted") or closed_at or self.now  # drafted before anything else happened to it
        offered = app["offered"] + min(timedelta(minutes=rng.randint(2, 30)), (until - app["offered"]) / 10)
        row = dict.fromkeys(OFFER_FIELDS, None)
        row.update(
            id=offer_id, application_id=app["pk"], requisition_id=req["pk"], created_by_id=req["recruiter_id"],
            created_at=offered, status_note="",
        )  # fmt: skip
        terms = self._terms(req)
        two = rng.random() < TWO_VERSIONS
        if status == OfferStatus.ACCEPTED:
            answered = app["accepted"]
            start = self._start(app, answered)
            sent = self._sent(row, offered, answered, two)
            self._answered(row, OfferStatus.ACCEPTED, answered)
            row["status_note"] = "Signed letter received."
        elif status == OfferStatus.DECLINED:
            answered = closed_at
            start = self.days.on_or_after(_local(answered) + timedelta(days=rng.randint(20, 45)))
            sent = self._sent(row, offered, answered, two)
            self._answered(row, OfferStatus.DECLINED, answered)
            row["decline_reason_id"], row["status_note"] = app["disposition_id"], rng.choice(DECLINE_NOTES)
        elif status == OfferStatus.WITHDRAWN:
            status, start, sent, two = self._closed(row, app, offered, closed_at, two)
        else:  # live or stale: extended, then answered or expired, or still a draft
            status, start, sent, two = self._open(row, app, offered, two)
        expires = self._expiry(row, start, sent)
        self._versions(row, status, terms, start, expires, two, app)
        if status == OfferStatus.ACCEPTED and req["cost_center_id"]:
            self._commit(row, app, req, terms, start)
        if status == OfferStatus.EXTENDED:
            self._response(row, app, expires)
        row["status"] = status
        self.offers.append(tuple(row[name] for name in OFFER_FIELDS))
        return status

    def _start(self, app: dict, accepted: datetime) -> date:
        """An accepted offer's start: the day it was confirmed (hired), the day the hire did not come (a
        no-show) or some days after they withdrew, or one still to come."""
        rng = self.rng
        if "started" in app:
            return _local(app["started"])
        if app["status"] != ApplicationStatus.ACTIVE:
            closed = _local(app["last_activity_at"])
            if self.category.get(app["disposition_id"]) == ReasonCategory.NO_SHOW:
                return closed
            return self.days.on_or_after(closed + timedelta(days=rng.randint(5, 25)))
        start = _local(accepted) + timedelta(days=rng.randint(20, 60))
        if start <= self.today:
            start = self.today + timedelta(days=rng.randint(3, 30))
        return self.days.on_or_after(start)

    def _sent(self, row: dict, offered: datetime, answered: datetime, two: bool) -> datetime:
        """Approved (twice with a second version) and extended between the draft and the answer."""
        span = max(answered - offered, timedelta(minutes=10))
        row["approved_at"] = offered + span * self.rng.uniform(0.45 if two else 0.15, 0.55 if two else 0.35)
        row["extended_at"] = offered + span * self.rng.uniform(0.6, 0.85)
        row["first_approved_at"] = offered + span * self.rng.uniform(0.1, 0.25)
        return row["extended_at"]

    @staticmethod
    def _answered(row: dict, status: str, at: datetime) -> None:
        row["responded_at"] = row["closed_at"] = at
        row["status"] = status

    def _closed(self, row, app, offered, closed_at, two):
        """An application closed at Offer for another reason than a decline: the offer expired before it
        withdrew (a long wait), was rescinded (after the extension) or withdrawn (before it)."""
        rng = self.rng
        span = closed_at - offered
        category = self.category.get(app["disposition_id"])
        if category == ReasonCategory.THEY_WITHDREW and span > timedelta(days=EXPIRES_AFTER + 3):
            sent = self._sent(row, offered, offered + timedelta(days=2), two)
            expires = _local(sent) + timedelta(days=EXPIRES_AFTER)
            row["closed_at"] = _expired_at(expires)
            row["status_note"] = f"Expired unanswered on {expires.isoformat()}."
            return OfferStatus.EXPIRED, self._later_start(expires), sent, two
        if category != ReasonCategory.THEY_WITHDREW and span > timedelta(days=2):
            sent = self._sent(row, offered, closed_at, two)
            row["closed_at"], row["status_note"] = closed_at, RESCIND_NOTE
            return OfferStatus.RESCINDED, self._later_start(_local(closed_at)), sent, two
        if rng.random() < 0.5:
            row["approved_at"] = offered + (closed_at - offered) * rng.uniform(0.2, 0.6)
        row["closed_at"], row["status_note"] = closed_at, rng.choice(WITHDRAW_NOTES)
        return OfferStatus.WITHDRAWN, self._later_start(_local(closed_at)), None, False

    def _open(self, row, app, offered, two):
        """An application waiting at Offer: a draft (drafted today), extended (its expiry still to come) or
        expired (extended a week or more ago, never answered)."""
        rng = self.rng
        if offered > self.now - timedelta(days=1):
            return OfferStatus.DRAFT, self._later_start(self.today), None, False
        until = min(self.now, offered + timedelta(days=rng.randint(2, 5)))
        sent = self._sent(row, offered, until, two)
        expires = _local(sent) + timedelta(days=EXPIRES_AFTER)
        if expires >= self.today:
            return OfferStatus.EXTENDED, self._later_start(expires), sent, two
        row["closed_at"] = _expired_at(expires)
        row["status_note"] = f"Expired unanswered on {expires.isoformat()}."
        return OfferStatus.EXPIRED, self._later_start(expires), sent, two

    def _later_start(self, day: date) -> date:
        return self.days.on_or_after(day + timedelta(days=self.rng.randint(20, 45)))

    def _expiry(self, row: dict, start: date, sent: datetime | None) -> date:
        """A week after the extension (or the draft), a few days for one answered (never before the answer);
        by the start."""
        if row["responded_at"] is None:
            return min(_local(sent or row["created_at"]) + timedelta(days=EXPIRES_AFTER), start)
        expires = _local(sent) + timedelta(days=self.rng.randint(3, EXPIRES_AFTER))
        return min(max(expires, _local(row["responded_at"])), start)

    def _terms(self, req: dict) -> dict:
        """The requisition's terms: a round base in its range (an hourly pay under its bill rate for a
        contract), its bonus target, sometimes a signing bonus, relocation or equity."""
        rng = self.rng
        terms = {
            "title": req["title"], "level_id": req["level_id"], "location_id": req["location_id"],
            "employment_type": req["employment_type"], "currency": "CAD", "hours_per_week": Decimal("40"),
            "equity_note": rng.choice(["", "", "", "2,000 stock options vesting over four years"]),
            "signing_bonus": Decimal(rng.choice([0, 0, 0, 5000, 12000])),
            "relocation": Decimal(rng.choice([0, 0, 0, 7500])), "bill_rate": None, "duration_weeks": None,
            "allowance": rng.choice([None, None, ("phone", Decimal("600")), ("transit", Decimal("1200"))]),
        }  # fmt: skip
        if req["employment_type"] in CONTRACT_TYPES:
            rate = Decimal(req["max_bill_rate"] or 100) * Decimal(rng.choice(["0.9", "0.95", "1.0"]))
            terms.update(
                pay_basis="hourly", base_amount=(rate * Decimal("0.72")).quantize(Decimal("1")),
                bill_rate=rate.quantize(Decimal("1")), duration_weeks=max(1, (req["contract_hours"] or 1200) // 40),
                bonus_kind="none", bonus_value=Decimal("0"),
            )  # fmt: skip
        else:
            low = Decimal(req["base_min"] or 80000)
            high = max(Decimal(req["base_max"] or low), low)
            base = low + (high - low) * Decimal(rng.choice(["0.3", "0.5", "0.7"]))
            terms.update(
                pay_basis="annual", base_amount=(base / 500).quantize(Decimal("1")) * 500,
                bonus_kind="percent" if req["bonus_pct"] else "none", bonus_value=Decimal(req["bonus_pct"] or 0),
            )  # fmt: skip
        return terms

    def _versions(self, row, status, terms, start, expires, two, app) -> None:
        """Version 1, and version 2 superseding it when the candidate negotiated; the last is the current one
        (approved and sent, a draft, or in approval when withdrawn)."""
        rng = self.rng
        sent = row["extended_at"] is not None
        if status == OfferStatus.DRAFT:
            last_status = VersionStatus.DRAFT
        elif sent or row["approved_at"] is not None:
            last_status = VersionStatus.APPROVED
        else:
            last_status = VersionStatus.IN_APPROVAL
        numbers = [1, 2] if two and sent else [1]
        previous = None
        for number in numbers:
            version_id = self.version_id
            self.version_id += 1
            current = number == numbers[-1]
            values = dict(terms)
            note = ""
            created = row["created_at"]
            if number == 2:
                raise_by = Decimal(rng.choice([2000, 3000, 4000, 6000]))
                values["base_amount"] = terms["base_amount"] + (raise_by if terms["pay_basis"] == "annual" else 2)
                note = REVISION_NOTE.format(amount=f"{raise_by:,.0f}")
                created = row.pop("first_approved_at") + timedelta(minutes=rng.randint(30, 300))
                created = min(created, row["approved_at"] - timedelta(minutes=5))
            allowance = values.pop("allowance")
            self.versions.append(
                (
                    version_id, row["id"], number, previous, last_status if current else VersionStatus.VOIDED,
                    values["title"], values["level_id"], values["location_id"], values["employment_type"], "CAD",
                    values["pay_basis"], values["base_amount"], values["hours_per_week"], values["bonus_kind"],
                    values["bonus_value"], values["equity_note"], values["signing_bonus"], values["relocation"],
                    start, expires, values["bill_rate"], values["duration_weeks"], number > 1, note,
                    row["created_by_id"], created,
                )
            )  # fmt: skip
            if allowance:
                self.allowances.append((self.allowance_id, version_id, *allowance))
                self.allowance_id += 1
            previous = version_id
            if current:
                terms["base_amount"] = values["base_amount"]
        row.pop("first_approved_at", None)
        row["current_version_id"], row["number"] = previous, numbers[-1]
        if last_status == VersionStatus.APPROVED:
            row["approved_version_id"] = previous
        if sent:
            row["extended_version_id"] = previous

    def _commit(self, row: dict, app: dict, req: dict, terms: dict, start: date) -> None:
        """What accept_offer commits (offers.costs.commitment_lines): pay by month over the first year from
        the start month, one-time costs in it; reversed when the hire fell through before the start."""
        base = terms["base_amount"]
        lines = []
        if terms["pay_basis"] == "hourly":
            weeks = min(terms["duration_weeks"] or 52, 52)
            months = max(1, round(weeks * 12 / 52))
            lines.append((CostCategory.CONTRACTOR_LABOUR, terms["bill_rate"] * terms["hours_per_week"] * weeks, months))
        else:
            bonus = base * terms["bonus_value"] / 100 if terms["bonus_kind"] == "percent" else Decimal("0")
            load = Decimal(req["benefits_load_pct"] or 0)
            lines += [
                (CostCategory.BASE_SALARY, base, 12),
                (CostCategory.BONUS, bonus, 12),
                (CostCategory.BENEFITS, base * load / 100, 12),
            ]
        if terms["allowance"]:
            lines.append((CostCategory.OTHER, terms["allowance"][1], 12))
        lines += [
            (CostCategory.SIGNING_BONUS, terms["signing_bonus"], 1),
            (CostCategory.RELOCATION, terms["relocation"], 1),
        ]
        event = {
            "kind": CostKind.COMMITTED, "cost_center": req["cost_center_id"], "need": req["pk"],
            "source": (self.offer_type, row["id"]), "at": row["responded_at"], "by": req["recruiter_id"],
            "memo": f"{app['name']} accepted OFF-{row['id']:04d}",
        }  # fmt: skip
        first = len(self.ledger.rows)
        for category, amount, months in lines:
            if amount:
                self.ledger.spread(category=category, amount=amount, months=months, first_month=start, **event)
        if app["status"] != ApplicationStatus.ACTIVE and app["status"] != ApplicationStatus.HIRED:
            what = "no-show" if self.category.get(app["disposition_id"]) == ReasonCategory.NO_SHOW else "withdrew"
            self.ledger.reverse(
                self.ledger.rows[first:], memo=f"{app['name']}: {what}", at=app["last_activity_at"],
                by=req["recruiter_id"],
            )  # fmt: skip

    def _response(self, row: dict, app: dict, expires: date) -> None:
        """The recruiter waits for the answer until the end of the expiry day (extend_offer's decision)."""
        reference = f"OFF-{row['id']:04d}"
        self.decisions.raise_(
            kind=RESPONSE_KIND,
            title=f"Answer to offer {reference}: {app['name']}",
            detail=f"Extended on {_local(row['extended_at']).isoformat()}; the offer expires at the end of "
            f"{expires.isoformat()}.",
            subject=(self.offer_type, row["id"]),
            owner=row["created_by_id"],
            due_at=timezone.make_aware(datetime.combine(expires, time(23, 59))),
            created_at=row["extended_at"],
            key=f"offer:{row['id']}:response:{row['number']}",
        )


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)


def _expired_at(expires: date) -> datetime:
    """The hourly job expired it just after its expiry day."""
    return timezone.make_aware(datetime.combine(expires + timedelta(days=1), time(0, 20)))
