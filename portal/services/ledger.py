"""The spend ledger's only writer. Events are appended, never edited or deleted: a correction is a
reversing event. Modules record what their workflows imply (an approved need's forecast, an accepted
hire's commitment, an invoice's actual) through these functions, inside their own transaction.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import clock
from portal.choices import COST_RECORDED, COST_REVERSED, CostCategory, CostKind
from portal.exceptions import PortalError
from portal.models import CostCenter, CostEvent, User
from portal.money import Money
from portal.services.records import save_with_history


class LedgerError(PortalError):
    pass


@dataclass(frozen=True)
class Line:
    """Money of one category to record: all of it in the first month, or spread over `months`."""

    category: str
    money: Money
    months: int = 1


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def record_cost(
    *,
    category: str,
    kind: str,
    money: Money,
    month: date,
    cost_center: CostCenter,
    by: User | None,
    need=None,
    source=None,
    memo: str = "",
) -> CostEvent:
    """Append one event. `month` is any day of the month the money falls in."""
    if category not in CostCategory.values:
        raise LedgerError(_("Unknown cost category: %(category)s.") % {"category": category})
    if kind not in CostKind.values:
        raise LedgerError(_("Unknown cost kind: %(kind)s.") % {"kind": kind})
    event = CostEvent(
        category=category,
        kind=kind,
        amount=money.amount,
        currency=money.currency,
        month=first_of_month(month),
        cost_center=cost_center,
        need=need,
        memo=memo[:300],
    )
    if source is not None:
        event.source_type = ContentType.objects.get_for_model(source)
        event.source_id = source.pk
    return _append(event, by=by, reason=COST_RECORDED)


def _append(event: CostEvent, *, by: User | None, reason: str) -> CostEvent:
    event.recorded_at = clock.now()
    event.recorded_by = by
    return save_with_history(event, by=by, reason=reason)


def record_lines(
    *, lines: list[Line], kind: str, first_month: date, cost_center: CostCenter, by, need=None, source=None, memo=""
) -> list[CostEvent]:
    """Record each line, spread evenly by month from `first_month` (to the cent: the parts add up exactly)."""
    events = []
    with transaction.atomic():
        for line in lines:
            if not line.money.amount:
                continue
            for offset, part in enumerate(line.money.allocate(line.months)):
                events.append(
                    record_cost(
                        category=line.category,
                        kind=kind,
                        money=part,
                        month=add_months(first_of_month(first_month), offset),
                        cost_center=cost_center,
                        by=by,
                        need=need,
                        source=source,
                        memo=memo,
                    )
                )
    return events


def reverse_cost(*, event: CostEvent, by: User | None, memo: str) -> CostEvent:
    """Cancel `event` out with an event of the opposite amount in the same month, cost center, need
    and source. An event is reversed at most once: the database refuses a second reversal, so two
    workers at once cannot both reverse it."""
    if event.reverses_id is not None:
        raise LedgerError(_("A reversal is not reversed: record a new event instead."))
    reversal = CostEvent(
        category=event.category,
        kind=event.kind,
        amount=-event.amount,
        currency=event.currency,
        month=event.month,
        cost_center_id=event.cost_center_id,
        need_id=event.need_id,
        source_type_id=event.source_type_id,
        source_id=event.source_id,
        memo=memo[:300],
        reverses=event,
    )
    try:
        with transaction.atomic():
            return _append(reversal, by=by, reason=COST_REVERSED)
    except IntegrityError:
        raise LedgerError(_("This event was already reversed.")) from None


def reverse_outstanding(*, source, kind: str, by: User | None, memo: str) -> list[CostEvent]:
    """Reverse every standing event of `kind` that `source` recorded (a cancelled need's forecast)."""
    with transaction.atomic():
        standing = list(
            CostEvent.objects.for_source(source).outstanding().filter(kind=kind).select_for_update(of=("self",))
        )
        return [reverse_cost(event=event, by=by, memo=memo) for event in standing]


def has_outstanding(*, source, kind: str) -> bool:
    return CostEvent.objects.for_source(source).outstanding().filter(kind=kind).exists()
