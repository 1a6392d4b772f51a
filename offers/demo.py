"""Demo offers: one or more in every status on the demo recruiter's open requisitions, some above band,
one revised after approval (its first version's approvals voided), declines with their reasons.

Everything goes through offers.services, the approvals taken by whoever holds each step. Idempotent: a
run that finds offers adds nothing.
"""

import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from candidates.choices import ApplicationStatus
from candidates.models import Application, ReasonCode
from offers.choices import OfferStatus
from offers.models import Offer
from offers.services import (
    AllowanceInput,
    accept_offer,
    approve_offer,
    create_offer,
    decline_offer,
    expire_offers,
    extend_offer,
    rescind_offer,
    revise_offer,
    submit_offer,
    withdraw_offer,
)
from portal import calendar, clock
from portal.demo import business_moment
from portal.models import User
from portal.services.approvals import open_chain_decisions
from portal.services.saved_views import save_view
from requisitions.choices import Status
from requisitions.selectors import band_for

# What happens to each demo offer, in order (the acceptance last: it may fill its requisition).
PLAN = [
    "draft_above_band",
    "pending_above_band",
    "pending",
    "approved",
    "revised_after_approval",
    "extended",
    "declined_comp",
    "declined_competing",
    "rescinded",
    "withdrawn",
    "expired",
    "accepted",
]


def seed(*, rng: random.Random, scale: int, log) -> None:
    if Offer.objects.exists():
        return
    recruiter = User.objects.filter(username="recruiter").first()
    if recruiter is None:
        log("skipped: run the portal demo first")
        return
    applications = list(
        Application.objects.filter(
            status=ApplicationStatus.ACTIVE,
            requisition__status=Status.OPEN,
            requisition__recruiter=recruiter,
            requisition__employment_type="full_time",
            stage__code__in=["offer", "debrief", "interview"],
        )
        .select_related("requisition", "candidate", "stage")
        .order_by("-stage__position", "pk")
    )
    # One offer per requisition where possible, so an acceptance filling one leaves the others open.
    chosen, used = [], set()
    for application in applications:
        if application.requisition_id not in used:
            chosen.append(application)
            used.add(application.requisition_id)
    chosen += [a for a in applications if a not in chosen]
    made = Counter()
    for what, application in zip(PLAN, chosen, strict=False):
        application.refresh_from_db()
        if application.status != ApplicationStatus.ACTIVE or application.requisition.status != Status.OPEN:
            continue
        _make(what, application, recruiter, rng)
        made[what] += 1
    expired = expire_offers()
    log(f"created {sum(made.values())} offers in every status ({expired} expired), one revised after approval")
    _saved_views(log)


# Saved views of the offer list, as their users keep them: (username, name, filters).
SAVED_VIEWS = [
    ("recruiter", "Waiting for an answer", "status=extended&sort=expires"),
    ("finance", "In approval", "status=pending_approval"),
]


def _saved_views(log) -> None:
    people = {user.username: user for user in User.objects.filter(username__in={v[0] for v in SAVED_VIEWS})}
    for username, name, query in SAVED_VIEWS:
        if username in people:
            save_view(user=people[username], page="offers:list", name=name, query=query)
    log("saved views of the offer list for the recruiter and finance")


def offer_terms(application, rng, *, above_band=False, today=None) -> dict:
    """Complete terms for an offer on the application's requisition, within its range (or 8 % above the
    band): what the demo's offers, and other demos' hires, are made with."""
    req = application.requisition
    today = today or timezone.localdate()
    band = band_for(
        role_family_id=req.role_family_id, level_id=req.level_id, location_id=req.location_id,
        on=req.target_start_date, currency=req.currency,
    )  # fmt: skip
    low = req.base_min or (band.minimum if band else Decimal("80000"))
    high = req.base_max or (band.maximum if band else low)
    base = (
        (band.maximum * Decimal("1.08"))
        if above_band and band
        else low + (high - low) * Decimal(rng.choice([0.3, 0.5, 0.7]))
    )
    return {
        "title": req.title,
        "level": req.level,
        "location": req.location,
        "employment_type": req.employment_type,
        "currency": req.currency,
        "pay_basis": "annual",
        "base_amount": (base / 500).quantize(Decimal("1")) * 500,  # a round figure, as offers are
        "hours_per_week": Decimal("40"),
        "bonus_kind": "percent" if req.bonus_pct else "none",
        "bonus_value": req.bonus_pct or Decimal("0"),
        "equity_note": rng.choice(["", "", "2,000 stock options vesting over four years"]),
        "signing_bonus": Decimal(rng.choice([0, 0, 5000, 12000])),
        "relocation": Decimal(rng.choice([0, 0, 7500])),
        # Business days: the answer falls due at the end of the expiry day.
        "start_date": calendar.add_business_days(today, rng.choice([25, 30, 40])),
        "expires_on": calendar.add_business_days(today, rng.choice([4, 5, 7])),
        "bill_rate": None,
        "duration_weeks": None,
    }


def _approve_all(offer) -> None:
    """Every step of the current version, taken by whoever holds it."""
    for _ in range(10):
        offer.refresh_from_db()
        if offer.status != OfferStatus.PENDING_APPROVAL:
            return
        _approve_one(offer)


def _approve_one(offer) -> None:
    decision = open_chain_decisions(offer.current_version).select_related("owner").first()
    taker = decision.owner or User.objects.with_role(decision.owner_role).exclude(username="recruiter").first()
    approve_offer(offer=offer, by=taker, note="")


def _make(what: str, application, recruiter, rng) -> None:
    if what == "expired":
        # Drafted, approved and extended three weeks ago; never answered.
        with clock.frozen(business_moment(timezone.now() - timedelta(days=21), rng)):
            today = timezone.localdate(clock.now())
            offer = create_offer(
                application=application, by=recruiter, terms=offer_terms(application, rng, today=today)
            )
            submit_offer(offer=offer, by=recruiter)
            _approve_all(offer)
            extend_offer(offer=offer, by=recruiter)
        return
    above = what in ("draft_above_band", "pending_above_band")
    offer = create_offer(
        application=application,
        by=recruiter,
        terms=offer_terms(application, rng, above_band=above),
        allowances=[AllowanceInput("phone", Decimal("600"))] if rng.random() < 0.4 else [],
    )
    if what == "draft_above_band":
        return
    submit_offer(offer=offer, by=recruiter)
    if what in ("pending_above_band", "pending"):
        _approve_one(offer)  # HR is done; finance is next
        return
    if what == "withdrawn":
        withdraw_offer(offer=offer, by=recruiter, note="The hiring manager chose another finalist.")
        return
    _approve_all(offer)
    if what == "approved":
        return
    if what == "revised_after_approval":
        base = offer.current_version.base_amount + Decimal("4000")
        revise_offer(
            offer=offer, by=recruiter, terms={"base_amount": base},
            change_note="The candidate asked for 4,000 more after a competing offer.",
        )  # fmt: skip
        submit_offer(offer=offer, by=recruiter)
        return
    extend_offer(offer=offer, by=recruiter)
    if what == "extended":
        return
    if what.startswith("declined_"):
        code = {"declined_comp": "declined_comp", "declined_competing": "declined_competing"}[what]
        note = {"declined_comp": "Expected 10 % more base.", "declined_competing": "Took an offer from a bank."}[what]
        decline_offer(offer=offer, by=recruiter, reason=ReasonCode.objects.get(code=code), note=note)
    elif what == "rescinded":
        rescind_offer(offer=offer, by=recruiter, note="The references did not confirm the role held.")
    elif what == "accepted":
        accept_offer(offer=offer, by=recruiter, note="Signed letter received.")
