"""The vendors' volume layer (`seed_demo --scale N`, N > 1): what the volume's hires and contractors cost
through vendors, written in bulk after the offers' (offers.bulk).

- Placements: every accepted offer of the volume whose application came through an agency's own source (about
  one in seven: candidates.bulk sends that share there) records the agency's placement, as the acceptance
  does (fee % of the first-year base, the guarantee from the start), its fee forecast in the start month; a
  hire that fell through within the guarantee leaves the placement replaced, with finance's decision to claim
  (taken a while ago, or still open). The agency invoices the fee on acceptance: paid or approved mostly,
  the latest waiting for finance, about one in fifteen billed over the fee (flagged).
- Engagements: each filled contract requisition of the volume was filled by contractors a supplier sent
  (its openings, candidates.bulk counts them): they started the day it was filled and run the
  requisition's contract hours, ended, running or waiting for the hiring manager's renewal (an open
  decision); some (RENEWED of those ending by next month) were renewed once. CONTRACT_PLANNED of the open
  contract requisitions have one planned to start within weeks, and COVER of the permanent ones open or
  held for two months a contractor covering the hire to come. About one in six bills above its rate card
  (approved, with its reason). Rate cards are added where the supplier had none for the role, level and
  place; workers are people of the volume who never applied to the requisition.
- Weekly timesheets for every week worked up to last week (holidays off, a sick day or some overtime now and
  then), approved by the hiring manager within two days, but last week's, which waits for them; monthly
  invoices per supplier of the approved weeks (received early the next month, approved by finance and paid
  about three weeks later; the last month's waiting for some suppliers, about one in twenty flagged over
  the rate), whose weeks are then invoiced.
- The ledger: each engagement's labour forecast by month from its start (for cover, from its terms), an
  actual per approved invoice line in the month the period starts, a forecast per placement fee; with the
  commitments of offers.bulk, forecast, committed and actual figures cover the months from the volume's
  oldest requisitions (about seven months back) to a year ahead.

Per unit of scale that is about 1.4 placements, 2.6 engagements (0.5 of them on contract requisitions that
started, 0.6 planned, 1.5 cover), 20 timesheets, 1.5 invoices with 5 lines, 0.8 rate cards added and 20
ledger events (`--scale 122`: about 170 placements, 320 engagements, 2,500 timesheets, 180 invoices,
2,400 ledger events). No approval chains, closed decisions or history rows are written.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from candidates.bulk import own_requisitions, volume_applications
from candidates.choices import ApplicationStatus, ReasonCategory
from candidates.models import Application, Candidate
from offers.choices import OfferStatus
from offers.models import Offer
from portal.bulk import (
    Clock,
    Decisions,
    Ledger,
    Workdays,
    add_months,
    content_type,
    end_of_day,
    insert,
    next_id,
    reset_sequences,
)
from portal.choices import CostCategory, CostKind, Outcome, Role
from portal.demo import LOCATION_FACTOR
from portal.models import CostEvent, Decision, Level, Location, RoleFamily, User
from requisitions.choices import CONTRACT_TYPES, Status
from vendors.choices import (
    GUARANTEE_KIND,
    PLACES_HIRES,
    RENEWAL_KIND,
    RENEWAL_NOTICE_DAYS,
    SUPPLIES_CONTRACTORS,
    EngagementStatus,
    InvoiceStatus,
    LineFlag,
    PlacementStatus,
    RateApproval,
    TimesheetStatus,
    VendorStatus,
)
from vendors.costs import monday_of, monthly_labour, timesheet_charge
from vendors.demo import MAX_BILL, MIN_BILL, PAY, VENDORS
from vendors.models import (
    Engagement,
    EngagementTerm,
    Invoice,
    InvoiceLine,
    Placement,
    RateCard,
    Timesheet,
    Vendor,
)

CONTRACT_PLANNED = 0.15  # of the open contract requisitions: a contractor planned to start
COVER = 0.06  # of the open or held permanent requisitions: a contractor covering the hire to come
COVER_AFTER_DAYS = 60  # on a requisition open this long at least (so that the cover has started)
ABOVE_CARD = 0.15
RENEWED = 0.25
FLAGGED_FEES, FLAGGED_MONTHS = 0.07, 0.05
ABOVE_CARD_REASONS = [
    "The only finalist free this quarter, at the market rate.",
    "Certifications the card's level does not price in.",
    "Bilingual (English and French); the card is unilingual.",
]
PLACEMENT_FIELDS = [
    "id", "vendor_id", "offer_id", "requisition_id", "currency", "base", "fee_pct", "fee", "start_date",
    "guarantee_until", "status", "created_at",
]  # fmt: skip
CARD_FIELDS = [
    "id", "vendor_id", "role_family_id", "level_id", "location_id", "currency", "unit", "pay_rate", "markup_pct",
    "bill_rate", "overtime_multiplier", "valid_from", "valid_to",
]  # fmt: skip
ENGAGEMENT_FIELDS = [
    "id", "requisition_id", "worker_id", "vendor_id", "currency", "unit", "bill_rate", "hours_per_week",
    "po_reference", "start_date", "end_date", "status", "status_note", "created_by_id", "created_at",
]  # fmt: skip
TERM_FIELDS = [
    "id", "engagement_id", "number", "rate_card_id", "starts_on", "ends_on", "pay_rate", "markup_pct", "bill_rate",
    "overtime_multiplier", "rate_approval", "rate_reason", "created_by_id", "created_at",
]  # fmt: skip
TIMESHEET_FIELDS = [
    "id", "engagement_id", "week_start", "hours", "overtime_hours", "status", "note", "submitted_by_id",
    "submitted_at", "decided_by_id", "decided_at", "invoice_id",
]  # fmt: skip
INVOICE_FIELDS = [
    "id", "vendor_id", "number", "currency", "period_start", "period_end", "received_on", "amount",
    "expected_amount", "status", "override_reason", "status_note", "approved_by_id", "approved_at", "paid_on",
    "imported", "created_by_id", "created_at",
]  # fmt: skip
LINE_FIELDS = [
    "id", "invoice_id", "engagement_id", "placement_id", "description", "hours", "overtime_hours", "amount",
    "expected", "flag", "flag_note",
]  # fmt: skip
REQUISITION_FIELDS = [
    "pk", "status", "employment_type", "role_family_id", "level_id", "location_id", "hiring_manager_id",
    "recruiter_id", "cost_center_id", "approved_at", "opened_at", "filled_at", "openings", "hires", "contract_hours",
]  # fmt: skip


def seed(*, rng: random.Random, scale: int, log) -> None:
    if (
        Placement.objects.filter(offer__application__in=volume_applications()).exists()
        or Engagement.objects.filter(requisition__in=own_requisitions()).exists()
    ):
        return
    with transaction.atomic():
        layer = _Vendors(rng)
        if not layer.suppliers and not layer.agencies:
            log("skipped: run the vendors demo first")
            return
        counts = layer.write()
        reset_sequences(RateCard, Engagement, EngagementTerm, Timesheet, Invoice, InvoiceLine, Placement)
        reset_sequences(CostEvent, Decision)
    log(
        "volume: {placements} placements, {engagements} engagements ({cards} rate cards added), {timesheets} "
        "timesheets, {invoices} invoices, {events} ledger events".format(**counts)
    )


class _Vendors:
    def __init__(self, rng: random.Random):
        self.rng, self.clock, self.days = rng, Clock(rng), Workdays()
        self.now = self.clock.now
        self.today = timezone.localdate(self.now)
        people = dict(User.objects.filter(username__in=["admin", "finance"]).values_list("username", "pk"))
        self.admin, self.finance = people.get("admin"), people.get("finance")
        self.prefixes = {plan.name: plan.prefix for plan in VENDORS}
        self.markups = {plan.name: plan.markup for plan in VENDORS}
        vendors = list(Vendor.objects.order_by("pk"))
        self.vendors = {v.pk: v for v in vendors}
        self.suppliers = [v for v in vendors if v.kind in SUPPLIES_CONTRACTORS and v.status == VendorStatus.APPROVED]
        self.agencies = {
            v.source_id: v for v in vendors if v.kind in PLACES_HIRES and v.source_id and v.fee_pct is not None
        }
        self.requisitions = list(own_requisitions().order_by("pk").values(*REQUISITION_FIELDS))
        self.types = {model: content_type(model) for model in (Engagement, Placement, Invoice)}
        self.ledger, self.decisions = Ledger(), Decisions()
        self.ids = {model: next_id(model) for model in (RateCard, Engagement, EngagementTerm, Timesheet)}
        self.ids.update({model: next_id(model) for model in (Invoice, InvoiceLine, Placement)})
        self.rows = defaultdict(list)
        self.engaged = {}  # engagement id -> (requisition, vendor, the engagement's dates and rates, its terms)
        self.billable = defaultdict(list)  # engagement id -> approved weeks: (Monday, hours, overtime, charge, row)

    def take(self, model) -> int:
        pk = self.ids[model]
        self.ids[model] += 1
        return pk

    def write(self) -> dict:
        if self.agencies and self.finance:
            self._placements()
        if self.suppliers and self.finance:
            self._rate_cards()
            self._engagements()
            self._invoices()
        for model, fields in (
            (RateCard, CARD_FIELDS), (Engagement, ENGAGEMENT_FIELDS), (EngagementTerm, TERM_FIELDS),
            (Placement, PLACEMENT_FIELDS), (Invoice, INVOICE_FIELDS), (InvoiceLine, LINE_FIELDS),
        ):  # fmt: skip
            insert(model, fields, self.rows[model])
        insert(Timesheet, TIMESHEET_FIELDS, (tuple(sheet) for sheet in self.rows[Timesheet]))
        return {
            "placements": len(self.rows[Placement]),
            "engagements": len(self.rows[Engagement]),
            "cards": len(self.rows[RateCard]),
            "timesheets": len(self.rows[Timesheet]),
            "invoices": len(self.rows[Invoice]),
            "events": self.ledger.write(),
            "decisions": self.decisions.write(),
        }

    def at(self, day: date, hour: int = 12) -> datetime:
        """A working moment of `day` (of the working day before, should that be later than now)."""
        return self.clock.at_work(timezone.make_aware(datetime.combine(day, time(hour))))

    # --- Placements -----------------------------------------------------------------------------------------

    def _placements(self) -> None:
        """The accepted offers of hires an agency sent: the placement, its fee forecast, the agency's invoice."""
        offers = (
            Offer.objects.filter(
                application__in=volume_applications(),
                status=OfferStatus.ACCEPTED,
                application__source_id__in=list(self.agencies),
            )
            .values(
                "pk", "requisition_id", "responded_at", "application__source_id", "application__status",
                "application__disposition__category", "application__last_activity_at",
                "application__candidate__first_name", "application__candidate__last_name",
                "current_version__base_amount", "current_version__pay_basis", "current_version__hours_per_week",
                "current_version__start_date", "requisition__cost_center_id", "requisition__recruiter_id",
            )
            .order_by("pk")
        )  # fmt: skip
        for offer in offers:
            self._placement(offer)

    def _placement(self, offer: dict) -> None:
        rng = self.rng
        vendor = self.agencies[offer["application__source_id"]]
        base = offer["current_version__base_amount"]
        if offer["current_version__pay_basis"] == "hourly":
            base = base * offer["current_version__hours_per_week"] * 52
        base = base.quantize(Decimal("0.01"))
        fee = (base * vendor.fee_pct / 100).quantize(Decimal("0.01"))
        start = offer["current_version__start_date"]
        until = start + timedelta(days=vendor.guarantee_days) if vendor.guarantee_days else None
        name = f"{offer['application__candidate__first_name']} {offer['application__candidate__last_name']}"
        status = offer["application__status"]
        fell = status not in (ApplicationStatus.ACTIVE, ApplicationStatus.HIRED)
        closed = offer["application__last_activity_at"]
        replaced = fell and until is not None and min(timezone.localdate(closed), start) <= until
        placement = self.take(Placement)
        accepted = offer["responded_at"]
        self.rows[Placement].append(
            (
                placement, vendor.pk, offer["pk"], offer["requisition_id"], "CAD", base, vendor.fee_pct, fee, start,
                until, PlacementStatus.REPLACED if replaced else PlacementStatus.ACTIVE, accepted,
            )
        )  # fmt: skip
        if offer["requisition__cost_center_id"]:
            self.ledger.record(
                category=CostCategory.AGENCY_FEE, kind=CostKind.FORECAST, amount=fee, month=start,
                cost_center=offer["requisition__cost_center_id"], need=offer["requisition_id"],
                source=(self.types[Placement], placement), at=accepted, by=offer["requisition__recruiter_id"],
                memo=f"{vendor} fee for {name} ({vendor.fee_pct.normalize():f}% of {base:,.2f})",
            )  # fmt: skip
        if replaced:
            what = "no-show" if offer["application__disposition__category"] == ReasonCategory.NO_SHOW else "withdrew"
            recent = closed > self.now - timedelta(days=30)
            taken_at = min(self.now, closed + timedelta(days=rng.randint(2, 6)))
            self.decisions.raise_(
                kind=GUARANTEE_KIND,
                title=f"Claim the replacement or a refund from {vendor}: {name}: {what}",
                detail=f"PLC-{placement:04d}: fee {fee:,.2f} CAD, guarantee until {until.isoformat()}. {name}: {what}.",
                subject=(self.types[Placement], placement),
                role=Role.FINANCE,
                due_at=end_of_day(self.days.add(timezone.localdate(closed), 5)),
                created_at=closed,
                key=f"placement:{placement}:guarantee",
                taken=None
                if recent
                else (Outcome.REPLACEMENT, self.finance, taken_at, "The agency sent a replacement."),
            )
        self._fee_invoice(vendor, placement, offer, fee, name)

    def _fee_invoice(self, vendor: Vendor, placement: int, offer: dict, fee: Decimal, name: str) -> None:
        """The agency bills the fee on acceptance (the day is the period); finance approves it and pays it
        some weeks later, unless it waits or bills more than the fee (flagged)."""
        rng = self.rng
        accepted = timezone.localdate(offer["responded_at"])
        received = self.days.add(accepted, rng.randint(1, 3))
        if received > self.today - timedelta(days=1):
            return  # not billed yet
        flagged = rng.random() < FLAGGED_FEES
        amount = (fee * Decimal("1.05")).quantize(Decimal("0.01")) if flagged else fee
        line = (
            LineFlag.OVER_RATE,
            f"Billed {amount:,.2f}; the agency's terms give {vendor.fee_pct.normalize():f}% of the base = {fee:,.2f}.",
        )
        status = InvoiceStatus.FLAGGED if flagged else InvoiceStatus.MATCHED
        self._invoice(
            vendor, f"{self._prefix(vendor)}-VP{placement:05d}", accepted, accepted, received, status,
            [(None, placement, f"Placement fee: {name}", None, None, amount, fee, *(line if flagged else ("", "")))],
            cost_center=offer["requisition__cost_center_id"], need=offer["requisition_id"],
        )  # fmt: skip

    # --- Rate cards ------------------------------------------------------------------------------------------

    def _rate_cards(self) -> None:
        self.cards = defaultdict(list)  # (vendor, family, level, location) -> [card dicts]
        for card in RateCard.objects.filter(vendor__in=self.suppliers).values(
            "pk", "vendor_id", "role_family_id", "level_id", "location_id", "valid_from", "valid_to", "pay_rate",
            "markup_pct", "bill_rate", "overtime_multiplier", "unit",
        ):  # fmt: skip
            key = (card["vendor_id"], card["role_family_id"], card["level_id"], card["location_id"])
            self.cards[key].append(card)
        self.families = dict(RoleFamily.objects.values_list("pk", "name"))
        self.levels = {pk: (code, rank) for pk, code, rank in Level.objects.values_list("pk", "code", "rank")}
        self.cities = dict(Location.objects.values_list("pk", "city"))

    def _card(self, vendor: Vendor, req: dict, day: date) -> dict | None:
        """The vendor's card for the requisition's role, level and place valid on `day`; one is added (valid
        from about thirteen months ago for another five to ten) where the vendor has none for it."""
        key = (vendor.pk, req["role_family_id"], req["level_id"], req["location_id"])
        cards = self.cards[key]
        valid = next((c for c in cards if c["valid_from"] <= day <= c["valid_to"]), None)
        if valid is not None or cards or None in key:
            return valid
        markup = Decimal(self.markups.get(vendor.name, 28))
        code, rank = self.levels[req["level_id"]]
        pay = PAY.get((self.families[req["role_family_id"]], code), 40 + 12 * rank)
        pay = Decimal(
            str(pay * LOCATION_FACTOR.get(self.cities[req["location_id"]], 1.0) * self.rng.uniform(0.97, 1.03))
        )
        factor = 1 + markup / 100
        pay = min(max(pay, MIN_BILL / factor), MAX_BILL / factor / Decimal("1.2"))
        pay = (pay * 2).quantize(Decimal("1"), rounding=ROUND_CEILING) / 2
        card = {
            "pk": self.take(RateCard), "valid_from": (self.today - timedelta(days=395)).replace(day=1),
            "valid_to": self.today + timedelta(days=self.rng.randint(150, 300)), "pay_rate": pay,
            "markup_pct": markup, "bill_rate": (pay * factor).quantize(Decimal("0.01")),
            "overtime_multiplier": Decimal("1.50"), "unit": "hour",
        }  # fmt: skip
        if not card["valid_from"] <= day <= card["valid_to"]:
            return None
        cards.append(card)
        self.rows[RateCard].append(
            (
                card["pk"], vendor.pk, *key[1:], "CAD", card["unit"], pay, markup, card["bill_rate"],
                card["overtime_multiplier"], card["valid_from"], card["valid_to"],
            )
        )  # fmt: skip
        return card

    # --- Engagements -----------------------------------------------------------------------------------------

    def _engagements(self) -> None:
        """Contractors on the filled contract requisitions (one an opening), planned on some open ones, cover on
        some open or held permanent ones; each with its terms, weeks and forecast."""
        rng = self.rng
        plans = []  # (requisition, kind, start, created)
        planned, cover = [], []
        for req in self.requisitions:
            contract = req["employment_type"] in CONTRACT_TYPES
            if contract and req["status"] == Status.FILLED and req["filled_at"]:
                filled = timezone.localdate(req["filled_at"])
                for n in range(req["openings"]):
                    start = self.days.on_or_before(filled - timedelta(days=n * rng.randint(3, 15)))
                    plans.append((req, "contract", start, None))
            elif contract and req["status"] == Status.OPEN and req["hires"] < req["openings"]:
                planned.append(req)
            elif not contract and req["status"] in (Status.OPEN, Status.ON_HOLD) and req["opened_at"] is not None:
                cover += [req] if req["opened_at"] < self.now - timedelta(days=COVER_AFTER_DAYS) else []
        for req in _share(rng, planned, CONTRACT_PLANNED):
            plans.append(
                (req, "planned", self.days.on_or_after(self.today + timedelta(days=rng.randint(10, 40))), None)
            )
        for req in _share(rng, cover, COVER):
            room = (self.now - timedelta(days=2) - req["opened_at"]).days
            created = self.clock.at_work(req["opened_at"] + timedelta(days=rng.randint(3, min(30, max(3, room)))))
            start = self.days.on_or_after(timezone.localdate(created) + timedelta(days=rng.randint(5, 20)))
            plans.append((req, "cover", start, created))
        workers = self._workers(plans)
        for (req, kind, start, created), worker in zip(plans, workers, strict=True):
            if worker is not None:
                self._engagement(req, kind, start, created, worker)

    def _workers(self, plans) -> list[int | None]:
        """A worker for each engagement: a person of the volume who never applied to its requisition, known
        before it was planned, engaged once."""
        bounds = Candidate.objects.filter(email__endswith="@volume.example").aggregate(low=Min("pk"), high=Max("pk"))
        if bounds["low"] is None:
            return [None] * len(plans)
        picks = self.rng.sample(
            range(bounds["low"], bounds["high"] + 1), min(len(plans) * 5 + 50, bounds["high"] - bounds["low"] + 1)
        )
        known = dict(Candidate.objects.filter(pk__in=picks).values_list("pk", "created_at"))
        applied = set(
            Application.objects.filter(
                candidate_id__in=picks, requisition_id__in=[p[0]["pk"] for p in plans]
            ).values_list("candidate_id", "requisition_id")
        )
        free = [pk for pk in picks if pk in known]
        chosen = []
        for req, _kind, start, _created in plans:
            planned = timezone.make_aware(datetime.combine(start - timedelta(days=14), time(9)))
            worker = next((pk for pk in free if known[pk] < planned and (pk, req["pk"]) not in applied), None)
            if worker is not None:
                free.remove(worker)
            chosen.append(worker)
        return chosen

    def _engagement(self, req: dict, kind: str, start: date, created: datetime | None, worker: int) -> None:
        rng = self.rng
        vendors = rng.sample(self.suppliers, len(self.suppliers))
        vendor, card = next(((v, c) for v in vendors if (c := self._card(v, req, start)) is not None), (None, None))
        if vendor is None:
            return
        hours = Decimal(rng.choice(["40", "40", "37.5"]))
        if kind == "contract":
            weeks = max(4, round((req["contract_hours"] or 1200) / float(hours)))
            started = req["filled_at"] if start == timezone.localdate(req["filled_at"]) else self.at(start, 9)
        else:
            weeks = rng.randint(12, 30)
            started = self.at(start, 9) if start <= self.today else None
        end = self.days.on_or_before(start + timedelta(weeks=weeks) - timedelta(days=3))
        if created is None:
            created = self.at(start - timedelta(days=rng.randint(10, 25)))
            created = max(created, (req["approved_at"] or created) + timedelta(hours=2))
            created = min(created, started or self.now, self.now)
        recruiter, manager = req["recruiter_id"], req["hiring_manager_id"]
        engagement = self.take(Engagement)
        above = rng.random() < ABOVE_CARD
        rate = (
            (card["bill_rate"] * Decimal(rng.choice(["1.08", "1.12", "1.15"]))).quantize(Decimal("1"))
            if above
            else card["bill_rate"]
        )
        terms = [self._term(engagement, 1, card, start, end, rate, created, recruiter, approved=above)]
        if end < self.today + timedelta(days=RENEWAL_NOTICE_DAYS) and started is not None and rng.random() < RENEWED:
            renewed_on = self.days.on_or_after(end + timedelta(days=1))
            later = self._card(vendor, req, renewed_on)
            if later is not None:
                new_end = self.days.on_or_before(end + timedelta(weeks=rng.randint(12, 26)))
                asked = min(self.at(end - timedelta(days=15)), self.now)
                terms.append(
                    self._term(
                        engagement, 2, later, end + timedelta(days=1), new_end, later["bill_rate"], asked, manager
                    )
                )
                end = new_end
        if started is None:
            status = EngagementStatus.PLANNED
        elif end < self.today:
            status = EngagementStatus.ENDED
        elif end <= self.today + timedelta(days=RENEWAL_NOTICE_DAYS):
            status = EngagementStatus.EXTENSION_PENDING
            self._renewal(engagement, req, end, worker, vendor)
        else:
            status = EngagementStatus.ACTIVE
        current = next((t for t in reversed(terms) if t.starts_on <= max(self.today, start)), terms[0])
        self.rows[Engagement].append(
            (
                engagement, req["pk"], worker, vendor.pk, "CAD", card["unit"], current.bill_rate, hours,
                f"PO-{rng.randint(41000, 48999)}", start, end, status, "", recruiter, created,
            )
        )  # fmt: skip
        sheet = SimpleNamespace(currency="CAD", hours_per_week=hours, unit=card["unit"], start_date=start, end_date=end)
        self.engaged[engagement] = (req, vendor, sheet, terms)
        if kind != "planned" and req["cost_center_id"]:
            for month, money in monthly_labour(sheet, terms).items():
                self.ledger.record(
                    category=CostCategory.CONTRACTOR_LABOUR, kind=CostKind.FORECAST, amount=money.amount, month=month,
                    cost_center=req["cost_center_id"], need=req["pk"], source=(self.types[Engagement], engagement),
                    memo=f"ENG-{engagement:04d} {'started' if kind == 'contract' else 'terms 1'}",
                    at=started or created, by=recruiter,
                )  # fmt: skip
        if started is not None:
            self._timesheets(engagement, sheet, terms, manager, recruiter, ended=status == EngagementStatus.ENDED)

    def _term(self, engagement, number, card, starts, ends, rate, created, by, *, approved=False) -> SimpleNamespace:
        markup = ((rate / card["pay_rate"] - 1) * 100).quantize(Decimal("0.01"))
        term = SimpleNamespace(
            starts_on=starts, ends_on=ends, bill_rate=rate, overtime_multiplier=card["overtime_multiplier"],
            in_force=True,
        )  # fmt: skip
        self.rows[EngagementTerm].append(
            (
                self.take(EngagementTerm), engagement, number, card["pk"], starts, ends, card["pay_rate"],
                max(Decimal("0"), min(markup, Decimal("300"))), rate, card["overtime_multiplier"],
                RateApproval.APPROVED if approved else RateApproval.WITHIN_CARD,
                self.rng.choice(ABOVE_CARD_REASONS) if approved else "", by, created,
            )
        )  # fmt: skip
        return term

    def _renewal(self, engagement: int, req: dict, end: date, worker: int, vendor: Vendor) -> None:
        """The hiring manager is asked to renew or end it, due on the end date (ask_renewal)."""
        self.decisions.raise_(
            kind=RENEWAL_KIND,
            title=f"Renew or end ENG-{engagement:04d} ({vendor})",
            detail=f"Ends {end.isoformat()}. Renew with a new end date and rate, or let it end.",
            subject=(self.types[Engagement], engagement),
            owner=req["hiring_manager_id"],
            role="" if req["hiring_manager_id"] else Role.ADMIN,
            due_at=timezone.make_aware(datetime.combine(end, time(17))),
            created_at=min(self.now, self.at(end - timedelta(days=RENEWAL_NOTICE_DAYS), 7)),
            key=f"engagement:{engagement}:renewal:{end.isoformat()}:0",
        )

    # --- Timesheets and invoices -----------------------------------------------------------------------------

    def _timesheets(self, engagement, sheet, terms, manager, recruiter, *, ended: bool) -> None:
        """Every week worked up to last week, recorded on its Friday and approved within two days, but last
        week's (of one still running), which waits for the hiring manager."""
        rng = self.rng
        last_week = monday_of(self.today) - timedelta(days=7)
        per_day = sheet.hours_per_week / 5
        week = monday_of(sheet.start_date)
        while week <= min(sheet.end_date, last_week):
            worked = [
                week + timedelta(days=n)
                for n in range(5)
                if sheet.start_date <= week + timedelta(days=n) <= sheet.end_date
                and self.days.is_workday(week + timedelta(days=n))
            ]
            if worked:
                hours = per_day * len(worked)
                if len(worked) == 5 and rng.random() < 0.06:
                    hours -= per_day  # a sick day
                overtime = Decimal(rng.choice([2, 4, 6])) if rng.random() < 0.12 else Decimal("0")
                submitted = self.at(week + timedelta(days=4), 15)
                waiting = week == last_week and not ended
                decided = None if waiting else min(self.now, submitted + timedelta(hours=rng.randint(3, 40)))
                status = TimesheetStatus.SUBMITTED if waiting else TimesheetStatus.APPROVED
                charge = timesheet_charge(
                    SimpleNamespace(week_start=week, hours=hours, overtime_hours=overtime), sheet, terms
                )
                row = [
                    self.take(Timesheet), engagement, week, hours, overtime, status,
                    "Release weekend." if overtime >= 6 else "", recruiter, submitted, None if waiting else manager,
                    decided, None,
                ]  # fmt: skip
                self.rows[Timesheet].append(row)
                if not waiting and charge is not None:
                    self.billable[engagement].append((week, hours, overtime, charge.amount, row))
            week += timedelta(days=7)

    def _invoices(self) -> None:
        """Each supplier's invoice for each month of the approved weeks whose Monday fell in it, one line an
        engagement, received a few days into the next month; the last month invoiced is the one that ended at
        least ten days ago."""
        rng = self.rng
        last = ((self.today - timedelta(days=10)).replace(day=1) - timedelta(days=1)).replace(day=1)
        months = defaultdict(lambda: defaultdict(list))  # (vendor, month) -> engagement -> weeks
        for engagement, weeks in self.billable.items():
            for week in weeks:
                if week[0].replace(day=1) <= last:
                    months[(self.engaged[engagement][1].pk, week[0].replace(day=1))][engagement].append(week)
        waiting = {v.pk for v in self.suppliers if rng.random() < 0.5}
        for (vendor_pk, month), engagements in sorted(months.items()):
            vendor = self.vendors[vendor_pk]
            end = add_months(month, 1) - timedelta(days=1)
            received = self.days.add(end + timedelta(days=1), rng.randint(2, 4))
            if received >= self.today:
                continue
            flagged = rng.random() < FLAGGED_MONTHS
            status = InvoiceStatus.FLAGGED if flagged else InvoiceStatus.MATCHED
            lines = []
            for n, (engagement, weeks) in enumerate(sorted(engagements.items())):
                req, _vendor, _sheet, terms = self.engaged[engagement]
                expected = _total(w[3] for w in weeks)
                amount = (expected * Decimal("1.06")).quantize(Decimal("0.01")) if flagged and n == 0 else expected
                note = (
                    (LineFlag.OVER_RATE, f"Billed 6% over the rate of ENG-{engagement:04d}.")
                    if amount != expected
                    else ("", "")
                )
                lines.append(
                    (
                        engagement, None, f"ENG-{engagement:04d}, {month:%B %Y}", _total(w[1] for w in weeks),
                        _total(w[2] for w in weeks), amount, expected, *note, weeks, req,
                    )
                )  # fmt: skip
            waits = month == last and vendor_pk in waiting
            self._invoice(
                vendor, f"{self._prefix(vendor)}-V{month:%Y%m}", month, end, received, status, lines, waits=waits
            )

    def _invoice(
        self, vendor, number, start, end, received, status, lines, *, cost_center=None, need=None, waits=False
    ):
        """An invoice entered by the admin on the day received and matched; approved by finance a day or
        three later (and paid some weeks after) unless flagged or left waiting, its lines then actual spend."""
        rng = self.rng
        invoice = self.take(Invoice)
        entered = self.at(received, rng.randint(9, 15))
        approved_at = paid = None
        if status == InvoiceStatus.MATCHED and not waits and received < self.today - timedelta(days=3):
            approved_at = min(self.now, entered + timedelta(hours=rng.randint(20, 80)))
            status = InvoiceStatus.APPROVED
            paid = self.days.add(timezone.localdate(approved_at), rng.randint(10, 17))
            if paid < self.today:
                status = InvoiceStatus.PAID
            else:
                paid = None
        total = expected = Decimal("0")
        for engagement, placement, description, hours, overtime, amount, due, flag, note, *more in lines:
            self.rows[InvoiceLine].append(
                (
                    self.take(InvoiceLine),
                    invoice,
                    engagement,
                    placement,
                    description,
                    hours,
                    overtime,
                    amount,
                    due,
                    flag,
                    note,
                )
            )
            total, expected = total + amount, expected + due
            req = more[1] if more else None
            if approved_at is not None:
                for week in more[0] if more else ():
                    week[4][5], week[4][11] = TimesheetStatus.INVOICED, invoice
            if approved_at is not None and (req["cost_center_id"] if req else cost_center):
                self.ledger.record(
                    category=CostCategory.CONTRACTOR_LABOUR if engagement else CostCategory.AGENCY_FEE,
                    kind=CostKind.ACTUAL, amount=amount, month=start,
                    cost_center=req["cost_center_id"] if req else cost_center, need=req["pk"] if req else need,
                    source=(self.types[Invoice], invoice), at=approved_at, by=self.finance,
                    memo=f"{vendor} invoice {number}: {'ENG' if engagement else 'PLC'}-{engagement or placement:04d}",
                )  # fmt: skip
        self.rows[Invoice].append(
            (
                invoice, vendor.pk, number, "CAD", start, end, received, total, expected, status, "", "",
                self.finance if approved_at else None, approved_at, paid, False, self.admin or self.finance, entered,
            )
        )  # fmt: skip
        return invoice

    def _prefix(self, vendor: Vendor) -> str:
        return self.prefixes.get(vendor.name) or vendor.name[:3].upper()


def _total(amounts) -> Decimal:
    return sum(amounts, Decimal("0"))


def _share(rng: random.Random, pool: list, share: float) -> list:
    """About `share` of `pool` (one at least, when there is one), in the pool's order."""
    chosen = set(rng.sample(range(len(pool)), min(len(pool), max(1, round(share * len(pool))))))
    return [item for n, item in enumerate(pool) if n in chosen]
