"""The slice a dashboard figure is computed over: who looks, through which board, with which filters.

`Slice.requisitions` is the board's scope for the viewer (their requisitions as recruiter or hiring
manager, every one they may see for finance, HR and admins) narrowed by department, cost center, role
family and location; every figure reaches its rows through it (applications, offers, ledger events by
their requisition), as a subquery, so a figure never counts what the viewer may not see. The period is
the last N days up to now, starting at local midnight; the source filter takes a source and the sources
under it.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from analytics.filters import DEFAULT_PERIOD, DashboardFilter
from candidates.models import Application, Stage
from portal import clock
from portal.models import User
from requisitions.models import Requisition


@dataclass
class Slice:
    user: User
    board: object  # analytics.tiles.Board
    values: dict  # the filter set's cleaned data
    now: datetime
    requisitions: QuerySet[Requisition]
    cache: dict = field(default_factory=dict)  # reference reads shared by the figures of one page

    @classmethod
    def of(cls, user: User, board, filterset: DashboardFilter | None = None) -> "Slice":
        values = dict(filterset.form.cleaned_data) if filterset is not None else {}
        requisitions = board.scope(user)
        for name in ("department", "cost_center", "role_family", "location"):
            if values.get(name) is not None:
                requisitions = requisitions.filter(**{name: values[name]})
        return cls(user=user, board=board, values=values, now=clock.now(), requisitions=requisitions)

    def replace(self, **values) -> "Slice":
        """The same slice with some filter values replaced (a table row's drill-down; None removes one)."""
        return replace(self, values={**self.values, **values})

    def once(self, key: str, read):
        """`read()` the first time a page asks for `key`, the same value after (drilled slices share it)."""
        if key not in self.cache:
            self.cache[key] = read()
        return self.cache[key]

    def stages(self) -> dict:
        """Every stage by id, read once per page."""
        return self.once("stages", lambda: {stage.pk: stage for stage in Stage.objects.order_by("position")})

    def names(self, kind: str) -> dict[int, str]:
        """The names of the small reference tables (criteria, role families, reason codes, sources, vendors) by
        id, all read in one query the first time a page asks for any of them."""
        return self.once("names", _reference_names)[kind]

    def get(self, name: str):
        value = self.values.get(name)
        return None if value in ("", None) else value

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    @property
    def period_days(self) -> int:
        return int(self.get("period") or DEFAULT_PERIOD)

    @property
    def start(self) -> datetime:
        """Local midnight at the start of the period: the period holds today and the N − 1 days before."""
        first = self.today - timedelta(days=self.period_days - 1)
        return timezone.make_aware(datetime.combine(first, datetime.min.time()))

    @property
    def start_date(self) -> date:
        return self.today - timedelta(days=self.period_days - 1)

    @property
    def include_open(self) -> bool:
        return self.get("include_open") == "1"

    def source_q(self, field: str = "source") -> Q:
        source = self.get("source")
        if source is None:
            return Q()
        return Q(**{f"{field}": source}) | Q(**{f"{field}__parent": source})

    def requisition_ids(self):
        return self.requisitions.values("pk")

    def applications(self) -> QuerySet[Application]:
        """The applications of the slice's requisitions, of the chosen source."""
        return Application.objects.filter(self.source_q(), requisition__in=self.requisition_ids())

    def query(self, **extra) -> dict:
        """The filters given, as query parameters (for links to the lists), with `extra` added."""
        params = {}
        for name, value in self.values.items():
            if value in (None, ""):
                continue
            params[name] = value.strftime("%Y-%m") if isinstance(value, date) else getattr(value, "pk", value)
        params.update({name: getattr(value, "pk", value) for name, value in extra.items() if value is not None})
        return params


def _reference_names() -> dict[str, dict[int, str]]:
    from django.db.models import CharField, F, Value

    from candidates.models import Criterion, ReasonCode, Source
    from portal.models import RoleFamily
    from vendors.models import Vendor

    def rows(model, kind, name):
        return (
            model.objects.order_by()
            .annotate(name_of=Value(kind, output_field=CharField()), name_is=F(name))
            .values_list("name_of", "pk", "name_is")
        )

    union = rows(Criterion, "criterion", "name").union(
        rows(RoleFamily, "role_family", "name"),
        rows(ReasonCode, "reason", "label"),
        rows(Source, "source", "name"),
        rows(Vendor, "vendor", "name"),
        all=True,
    )
    names: dict[str, dict[int, str]] = {kind: {} for kind in ("criterion", "role_family", "reason", "source", "vendor")}
    for kind, pk, label in union:
        names[kind][pk] = label
    return names
