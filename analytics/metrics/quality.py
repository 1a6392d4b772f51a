"""Quality: what interviewers rate, how offers are answered and which hires fall through before their start
(definitions in docs/metrics.md, Dashboards).

Scorecards count once each: the current revision (one no later revision supersedes), submitted in the
period. Offers count by their answer in the period (accepted or declined). A hire falls through when its
pre-boarding case closes as a no-show or a withdrawal before the start.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from analytics import stats
from analytics.metrics import common
from analytics.tiles import ListColumn, MetricTable, TableColumn, Tile, register_table, register_tile
from candidates.choices import Rating, Recommendation, ScorecardStatus
from candidates.models import Scorecard, ScorecardRating
from candidates.permissions import can_see_scorecards
from offers.choices import OfferStatus, PayBasis
from offers.costs import WEEKS_IN_YEAR
from offers.models import Offer
from offers.permissions import can_see_offers
from onboarding.choices import CaseStatus
from onboarding.models import PreboardingCase
from onboarding.permissions import can_see_cases
from portal.choices import Role
from portal.models import CompBand
from requisitions.choices import CONTRACT_TYPES

ANSWERED = (OfferStatus.ACCEPTED, OfferStatus.DECLINED)
FELL_THROUGH = (CaseStatus.NO_SHOW, CaseStatus.WITHDRAWN)
POSITIVE = (Recommendation.YES, Recommendation.STRONG_YES)


# --- Scorecards ------------------------------------------------------------------------------------------------


def sees_scorecards(user) -> bool:
    """Scorecard figures: whoever reads scorecards, and interviewers (their own)."""
    return can_see_scorecards(user) or (user.is_active and user.has_role(Role.INTERVIEWER))


def own_scorecards_only(slice_) -> bool:
    return slice_.board.key == "interviewer" or not can_see_scorecards(slice_.user)


def scorecards(slice_) -> QuerySet[Scorecard]:
    """Submitted, current scorecards submitted in the period on the slice's interviews (an interviewer's own
    on their board, or when they read no one else's); the interviewer filter keeps one person's, the
    criterion filter those rating that criterion."""
    qs = Scorecard.objects.filter(
        interview__in=common.interviews(slice_.replace(interviewer=None)).values("pk"),
        status=ScorecardStatus.SUBMITTED,
        superseded_by__isnull=True,
        submitted_at__gte=slice_.start,
    )
    if own_scorecards_only(slice_):
        qs = qs.filter(interviewer=slice_.user)
    if slice_.get("interviewer") is not None:
        qs = qs.filter(interviewer=slice_.get("interviewer"))
    if slice_.get("criterion") is not None:
        rated = ScorecardRating.objects.filter(
            scorecard=OuterRef("pk"), criterion=slice_.get("criterion"), rating__isnull=False
        )
        qs = qs.filter(Exists(rated))
    return qs.order_by("-submitted_at", "-pk")


register_tile(
    Tile(
        key="scorecards",
        name="Scorecards submitted",
        group="quality",
        definition=(
            "Scorecards submitted in the period on the interviews in view, the current revision of each (a corrected "
            "scorecard counts once, as corrected); on your interviewer board, your own. The criterion filter keeps "
            "those that rated it."
        ),
        rows=scorecards,
        columns=(
            ListColumn("Interview", lambda s: s.interview.round.name, link=lambda s: s.interview.get_absolute_url()),
            ListColumn("Candidate", lambda s: str(s.interview.application.candidate)),
            ListColumn("Requisition", lambda s: s.interview.application.requisition.reference),
            ListColumn("Interviewer", lambda s: str(s.interviewer)),
            ListColumn("Recommendation", lambda s: s.get_recommendation_display()),
            ListColumn("Revision", lambda s: s.revision, numeric=True),
            ListColumn("Submitted", lambda s: common.local(s.submitted_at)),
        ),
        related=(
            "interview__round",
            "interview__application__candidate",
            "interview__application__requisition",
            "interviewer",
        ),
        visible=sees_scorecards,
        shown=False,
        warn_above=None,
        noun="scorecard",
    )
)


def ratings_by_criterion(slice_) -> list[dict]:
    ratings = (
        ScorecardRating.objects.filter(
            scorecard__in=scorecards(slice_.replace(criterion=None)).values("pk"), rating__isnull=False
        )
        .values_list("criterion_id", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for criterion, rating, n in ratings:
        counts[criterion][rating] += n
    rows = []
    names = slice_.names("criterion")
    for criterion in sorted(counts, key=lambda pk: names.get(pk, "")):
        spread = counts[criterion]
        n = sum(spread.values())
        average = Decimal(sum(rating * k for rating, k in spread.items())) / n
        rows.append(
            {
                "label": names.get(criterion, ""),
                "n": n,
                **{f"r{rating}": spread.get(rating, 0) for rating in Rating.values},
                "average": stats.one_decimal(average),
                "drill": {"criterion": criterion},
            }
        )
    return rows


register_table(
    MetricTable(
        key="ratings_by_criterion",
        name="Ratings by criterion",
        group="quality",
        definition=(
            "The ratings (1 to 4; “not assessed” left out) of the scorecards submitted in the period, per criterion: "
            "how many of each, and their mean. On your interviewer board, your own scorecards."
        ),
        compute=ratings_by_criterion,
        columns=(
            TableColumn("n", "Ratings"),
            TableColumn("r1", "1 · well below"),
            TableColumn("r2", "2 · below"),
            TableColumn("r3", "3 · meets"),
            TableColumn("r4", "4 · above"),
            TableColumn("average", "Average"),
        ),
        counts="n",
        tile="scorecards",
        visible=sees_scorecards,
        row_label="Criterion",
        chart={"type": "bar", "series": ["r1", "r2", "r3", "r4"], "unit": "", "horizontal": True, "stacked": True},
    )
)


def ratings_by_interviewer(slice_) -> list[dict]:
    cards = scorecards(slice_.replace(interviewer=None))
    grouped = {
        row["interviewer_id"]: row
        for row in cards.values(
            "interviewer_id", "interviewer__first_name", "interviewer__last_name", "interviewer__username"
        )
        .annotate(n=Count("pk"), positive=Count("pk", filter=Q(recommendation__in=POSITIVE)))
        .order_by()
    }
    averages = dict(
        ScorecardRating.objects.filter(scorecard__in=cards.values("pk"), rating__isnull=False)
        .values("scorecard__interviewer_id")
        .annotate(mean=Avg("rating"))
        .values_list("scorecard__interviewer_id", "mean")
        .order_by()
    )
    rows = []
    for person, row in grouped.items():
        name = f"{row['interviewer__first_name']} {row['interviewer__last_name']}".strip()
        rows.append(
            {
                "label": name or row["interviewer__username"],
                "n": row["n"],
                "average": stats.one_decimal(averages.get(person)),
                "positive": stats.rate(row["positive"], row["n"]),
                "drill": {"interviewer": person},
            }
        )
    rows.sort(key=lambda r: (-r["n"], r["label"]))
    return rows


register_table(
    MetricTable(
        key="ratings_by_interviewer",
        name="Ratings by interviewer",
        group="quality",
        definition=(
            "Per interviewer, the scorecards they submitted in the period (current revisions): how many, the mean of "
            "their ratings (1 to 4, every criterion rated), and the share recommending yes or strong yes. On your "
            "interviewer board, your own row."
        ),
        compute=ratings_by_interviewer,
        columns=(
            TableColumn("n", "Scorecards"),
            TableColumn("average", "Average rating"),
            TableColumn("positive", "Yes or strong yes", unit="%"),
        ),
        counts="n",
        tile="scorecards",
        visible=sees_scorecards,
        row_label="Interviewer",
        chart={"type": "bar", "series": ["positive"], "unit": "%", "horizontal": True},
    )
)


# --- Offers answered ----------------------------------------------------------------------------------------


def _answered(slice_, statuses) -> QuerySet[Offer]:
    qs = Offer.objects.filter(
        requisition__in=common.requisitions(slice_).values("pk"), status__in=statuses, responded_at__gte=slice_.start
    ).filter(slice_.source_q("application__source"))
    if slice_.get("role_family") is not None:
        qs = qs.filter(requisition__role_family=slice_.get("role_family"))
    return qs


def offers_answered(slice_) -> QuerySet[Offer]:
    return _answered(slice_, ANSWERED).order_by("-responded_at", "pk")


def offers_declined(slice_) -> QuerySet[Offer]:
    qs = _answered(slice_, (OfferStatus.DECLINED,))
    if slice_.get("reason") is not None:
        qs = qs.filter(decline_reason=slice_.get("reason"))
    return qs.order_by("-responded_at", "pk")


OFFER_COLUMNS = (
    ListColumn("Offer", lambda o: o.reference, link=lambda o: o.get_absolute_url()),
    ListColumn(
        "Candidate", lambda o: str(o.application.candidate), link=lambda o: o.application.candidate.get_absolute_url()
    ),
    ListColumn(
        "Requisition",
        lambda o: f"{o.requisition.reference} {o.requisition.title}",
        link=lambda o: o.requisition.get_absolute_url(),
    ),
    ListColumn("Recruiter", lambda o: str(o.requisition.recruiter) if o.requisition.recruiter_id else "—"),
    ListColumn("Status", lambda o: o.get_status_display()),
    ListColumn("Reason", lambda o: o.decline_reason.label if o.decline_reason_id else "—"),
    ListColumn("Answered", lambda o: common.local(o.responded_at)),
)
OFFER_RELATED = ("application__candidate", "requisition__recruiter", "decline_reason")

register_tile(
    Tile(
        key="offers_declined",
        name="Offers declined",
        group="quality",
        definition="Offers the candidate declined in the period (a reason filter keeps one decline reason).",
        rows=offers_declined,
        columns=OFFER_COLUMNS,
        related=OFFER_RELATED,
        visible=can_see_offers,
        action="See why",
        warn_above=None,
        noun="offer",
    )
)

register_tile(
    Tile(
        key="offers_answered",
        name="Offers answered",
        group="quality",
        definition="Offers accepted or declined in the period (expired, rescinded or withdrawn offers are no answer).",
        rows=offers_answered,
        columns=OFFER_COLUMNS,
        related=OFFER_RELATED,
        visible=can_see_offers,
        shown=False,
        warn_above=None,
        noun="offer",
    )
)


def offer_acceptance(slice_) -> list[dict]:
    grouped = (
        offers_answered(slice_.replace(role_family=None))
        .values("requisition__role_family_id")
        .annotate(n=Count("pk"), accepted=Count("pk", filter=Q(status=OfferStatus.ACCEPTED)))
        .order_by()
    )
    by_family = {row["requisition__role_family_id"]: row for row in grouped}
    n = sum(row["n"] for row in by_family.values())
    accepted = sum(row["accepted"] for row in by_family.values())
    rows = [
        {
            "label": "All role families",
            "n": n,
            "accepted": accepted,
            "rate": stats.rate(accepted, n),
            "drill": {},
        }
    ]
    names = slice_.names("role_family")
    for family in sorted(by_family, key=lambda k: (k is None, str(names.get(k, "")))):
        row = by_family[family]
        rows.append(
            {
                "label": names[family] if family else "No role family",
                "n": row["n"],
                "accepted": row["accepted"],
                "rate": stats.rate(row["accepted"], row["n"]),
                "drill": {"role_family": family} if family else None,
            }
        )
    return rows


register_table(
    MetricTable(
        key="offer_acceptance",
        name="Offer acceptance",
        group="quality",
        definition=(
            "Offers answered in the period (accepted or declined), overall and by the requisition's role family: how "
            "many, how many accepted, and the acceptance rate = accepted × 100 ÷ answered."
        ),
        compute=offer_acceptance,
        columns=(
            TableColumn("n", "Answered"),
            TableColumn("accepted", "Accepted"),
            TableColumn("rate", "Acceptance rate", unit="%"),
        ),
        counts="n",
        tile="offers_answered",
        visible=can_see_offers,
        row_label="Role family",
        chart={"type": "bar", "series": ["rate"], "unit": "%", "horizontal": True},
    )
)


def band_midpoint() -> Subquery:
    """The midpoint of the band in effect on the offer version's start date for the requisition's role family,
    the version's level and location, in the version's currency (requisitions.selectors.band_for, as a
    subquery of an offer: one query for any number of offers)."""
    version = "current_version__"
    bands = (
        CompBand.objects.filter(
            role_family=OuterRef("requisition__role_family"),
            level=OuterRef(f"{version}level"),
            location=OuterRef(f"{version}location"),
            currency=OuterRef(f"{version}currency"),
            effective_from__lte=OuterRef(f"{version}start_date"),
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=OuterRef(f"{version}start_date")))
        .order_by("-effective_from")
        .values("midpoint")[:1]
    )
    return Subquery(bands)


def compa_ratio(pay_basis, base, hours, midpoint) -> Decimal | None:
    """Annual base × 100 ÷ band midpoint, one decimal (offers.checks.band_check)."""
    if not midpoint or base is None:
        return None
    annual = base * hours * WEEKS_IN_YEAR if pay_basis == PayBasis.HOURLY else base
    return (Decimal(annual) * 100 / Decimal(midpoint)).quantize(Decimal("0.1"))


def declines_by_reason(slice_) -> list[dict]:
    declined = (
        offers_declined(slice_.replace(reason=None))
        .annotate(midpoint=band_midpoint())
        .values_list(
            "decline_reason_id",
            "current_version__employment_type",
            "current_version__pay_basis",
            "current_version__base_amount",
            "current_version__hours_per_week",
            "midpoint",
        )
        .order_by()
    )
    counts: dict[int | None, int] = defaultdict(int)
    compas: dict[int | None, list[Decimal]] = defaultdict(list)
    for reason, employment, basis, base, hours, midpoint in declined:
        counts[reason] += 1
        ratio = None if employment in CONTRACT_TYPES else compa_ratio(basis, base, hours, midpoint)
        if ratio is not None:
            compas[reason].append(ratio)
    labels = slice_.names("reason")
    rows = []
    for reason in counts:
        rows.append(
            {
                "label": labels[reason] if reason else "No reason given",
                "n": counts[reason],
                "compa": stats.one_decimal(stats.median(compas[reason])),
                "priced": len(compas[reason]),
                "drill": {"reason": reason} if reason else None,
            }
        )
    rows.sort(key=lambda r: (-r["n"], r["label"]))
    return rows


register_table(
    MetricTable(
        key="declines_by_reason",
        name="Declines by reason",
        group="quality",
        definition=(
            "Offers declined in the period, per decline reason, with the median compa-ratio of the terms declined "
            "(annual base × 100 ÷ the midpoint of the band in effect on the start date for the requisition's role "
            "family and the offer's level, location and currency; contract offers and offers with no band on file "
            "have none: “with a band” counts those that have one)."
        ),
        compute=declines_by_reason,
        columns=(
            TableColumn("n", "Declines"),
            TableColumn("compa", "Median compa-ratio", unit="%"),
            TableColumn("priced", "With a band"),
        ),
        counts="n",
        tile="offers_declined",
        visible=can_see_offers,
        row_label="Reason",
        chart={"type": "bar", "series": ["n"], "unit": "", "horizontal": True},
    )
)


# --- Hires that fell through -------------------------------------------------------------------------------


def fell_through(slice_) -> QuerySet[PreboardingCase]:
    """Cases closed in the period as a no-show or a withdrawal before the start, of the slice's requisitions;
    the source filter reads the application's source, the vendor filter the offer's placement's agency,
    "hired via" whether an agency placed the hire."""
    qs = PreboardingCase.objects.filter(
        requisition__in=common.requisitions(slice_).values("pk"), status__in=FELL_THROUGH, closed_at__gte=slice_.start
    ).filter(slice_.source_q("application__source"))
    if slice_.get("vendor") is not None:
        qs = qs.filter(offer__placement__vendor=slice_.get("vendor"))
    if slice_.get("hired_via") == "agency":
        qs = qs.filter(offer__placement__isnull=False)
    elif slice_.get("hired_via") == "internal":
        qs = qs.filter(offer__placement__isnull=True)
    return qs.order_by("-closed_at", "pk")


register_tile(
    Tile(
        key="fell_through",
        name="Hires fell through",
        group="quality",
        definition=(
            "Accepted hires that did not start: pre-boarding cases closed in the period as a no-show or a withdrawal "
            "before the start (the vendor filter: the agency that placed the hire)."
        ),
        rows=fell_through,
        columns=(
            *common.CASE_COLUMNS,
            ListColumn("Outcome", lambda c: c.get_status_display()),
            ListColumn("Why", lambda c: c.status_note),
            ListColumn("Planned start", lambda c: c.planned_start),
            ListColumn("Closed", lambda c: common.local(c.closed_at)),
        ),
        related=("candidate", "requisition"),
        visible=can_see_cases,
        action="See what happened",
        warn_above=None,
        noun="hire",
    )
)


def _accepted(slice_) -> QuerySet[Offer]:
    return _answered(slice_, (OfferStatus.ACCEPTED,))


def fall_through_by_source(slice_) -> list[dict]:
    base = slice_.replace(vendor=None, hired_via=None)
    if slice_.get("source") is not None:  # one source chosen: its row (with the sources under it)
        top = Value(slice_.get("source").pk, output_field=IntegerField())
    else:
        top = Coalesce("application__source__parent_id", "application__source_id", output_field=IntegerField())
    accepted = dict(
        _accepted(base).annotate(top=top).values("top").annotate(n=Count("pk")).values_list("top", "n").order_by()
    )
    fell = dict(
        fell_through(base).annotate(top=top).values("top").annotate(n=Count("pk")).values_list("top", "n").order_by()
    )
    by_vendor_accepted = dict(
        _accepted(base)
        .filter(placement__isnull=False)
        .values("placement__vendor_id")
        .annotate(n=Count("pk"))
        .values_list("placement__vendor_id", "n")
        .order_by()
    )
    by_vendor_fell = dict(
        fell_through(base)
        .filter(offer__placement__isnull=False)
        .values("offer__placement__vendor_id")
        .annotate(n=Count("pk"))
        .values_list("offer__placement__vendor_id", "n")
        .order_by()
    )
    rows = []
    sources = slice_.names("source")
    for key in sorted({*accepted, *fell}, key=lambda k: (k is None, sources.get(k, ""))):
        label = f"Source: {sources[key]}" if key else "No source"
        rows.append(_fall_row(label, fell.get(key, 0), accepted.get(key, 0), {"source": key} if key else None))
    names = slice_.names("vendor")
    vendors = {pk: names[pk] for pk in {*by_vendor_accepted, *by_vendor_fell}}
    for key in sorted(vendors, key=lambda k: vendors[k].casefold()):
        label = f"Agency: {vendors[key]}"
        rows.append(_fall_row(label, by_vendor_fell.get(key, 0), by_vendor_accepted.get(key, 0), {"vendor": key}))
    return rows


def _fall_row(label: str, fell: int, accepted: int, drill: dict | None) -> dict:
    return {"label": label, "n": fell, "accepted": accepted, "rate": stats.rate(fell, accepted), "drill": drill}


register_table(
    MetricTable(
        key="fall_through_by_source",
        name="Hires that fell through, by source and agency",
        group="quality",
        definition=(
            "Per source (a source counts with the sources under it) and per agency that placed the hire: the hires "
            "that fell through in the period (cases closed as a no-show or a withdrawal), the offers accepted in the "
            "period, and the rate = fell through × 100 ÷ accepted (two counts of the same period, not one cohort)."
        ),
        compute=fall_through_by_source,
        columns=(
            TableColumn("n", "Fell through"),
            TableColumn("accepted", "Offers accepted"),
            TableColumn("rate", "Fall-through rate", unit="%"),
        ),
        counts="n",
        tile="fell_through",
        visible=can_see_cases,
        row_label="Source or agency",
        chart={"type": "bar", "series": ["rate"], "unit": "%", "horizontal": True},
    )
)
