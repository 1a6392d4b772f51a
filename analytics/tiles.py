"""What a dashboard is made of, declared once: tiles, metric tables and boards.

A **tile** is a number that asks for action: its name, its written definition, the query of the rows it
counts and the columns of the list that shows them. Its figure is the number of its rows, and its list is
those rows, both read through the same function of the same slice (analytics.slices.Slice), so the tile
and the list it opens cannot drift apart (tests/analytics/test_tiles.py checks every tile as every role).
A tile may add a note computed over the same rows (a median, a rate).

A **metric table** is a figure broken down (by stage, source, role family, month...): its definition, the
function computing its rows from a slice, its columns, and for each row the tile list that explains it
(the tile's key and the extra filters narrowing it to that row). A table may carry a chart: the same rows,
drawn; a bar opens the same list as its row.

A **board** is the dashboard of a role: which tiles and tables it shows, who may open it, and the slice
of requisitions it covers for the viewer (analytics.slices).

Modules of this app declare their tiles and tables in analytics/metrics/ and register them here.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode

# The groups metrics fall in, in the order a board shows them.
GROUPS = {
    "ops": "Needs action",
    "velocity": "Velocity",
    "conversion": "Conversion",
    "capacity": "Capacity",
    "quality": "Quality",
    "cost": "Cost",
}


@dataclass(frozen=True)
class ListColumn:
    """One column of a tile's list and of its export: its header, its value for a row, and optionally the
    link the value opens (the row's own page)."""

    label: str
    value: Callable[[Any], Any]
    link: Callable[[Any], str | None] | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Tile:
    key: str
    name: str
    group: str
    definition: str
    rows: Callable[..., QuerySet]  # rows(slice) -> the queryset the tile counts and its list shows
    columns: Sequence[ListColumn]
    action: str = ""  # what to do next, the link's wording
    visible: Callable[[Any], bool] | None = None  # who sees it at all (the board decides the rest)
    note: Callable[..., str] | None = None  # note(slice, rows) -> a figure over the same rows
    related: Sequence[str] = ()  # select_related for the list, so its query count stays fixed
    shown: bool = True  # False: a list a table's rows open, not shown as a tile
    warn_above: int | None = 0  # the figure is a warning above this (None: never)
    noun: str = "row"

    def count(self, slice_) -> int:
        return self.rows(slice_).count()

    def list_rows(self, slice_) -> QuerySet:
        return self.rows(slice_).select_related(*self.related) if self.related else self.rows(slice_)

    def url(self, board: str, query: dict | None = None) -> str:
        base = reverse("analytics:tile", kwargs={"board": board, "key": self.key})
        return f"{base}?{urlencode(query, doseq=True)}" if query else base


@dataclass(frozen=True)
class TableColumn:
    key: str
    label: str
    numeric: bool = True
    unit: str = ""  # "days", "%", or a currency code


@dataclass(frozen=True)
class MetricTable:
    key: str
    name: str
    group: str
    definition: str
    compute: Callable[..., list[dict]]  # compute(slice) -> rows: {"label", column keys..., "drill": {...} or None}
    columns: Sequence[TableColumn]
    tile: str = ""  # the tile whose list a row opens, narrowed by the row's "drill" filters
    visible: Callable[[Any], bool] | None = None
    chart: dict | None = None  # {"type": "bar"|"line", "series": [column keys], "unit": ..., "stacked": bool}
    row_label: str = ""  # the header of the label column
    counts: str = ""  # the column whose value is the number of rows of the list a row opens (tested)


@dataclass(frozen=True)
class Board:
    key: str
    name: str
    lede: str
    visible: Callable[[Any], bool]
    scope: Callable[..., Any]  # scope(user) -> the requisitions the board covers for the viewer
    tiles: Sequence[str] = field(default_factory=tuple)
    tables: Sequence[str] = field(default_factory=tuple)
    order: int = 0


_tiles: dict[str, Tile] = {}
_tables: dict[str, MetricTable] = {}
_boards: dict[str, Board] = {}


def register_tile(tile: Tile) -> Tile:
    if tile.group not in GROUPS:
        raise ValueError(f"Tile {tile.key}: unknown group {tile.group!r}.")
    _tiles[tile.key] = tile
    return tile


def register_table(table: MetricTable) -> MetricTable:
    if table.group not in GROUPS:
        raise ValueError(f"Table {table.key}: unknown group {table.group!r}.")
    _tables[table.key] = table
    return table


def register_board(board: Board) -> Board:
    _boards[board.key] = board
    return board


def tiles() -> dict[str, Tile]:
    return dict(_tiles)


def tables() -> dict[str, MetricTable]:
    return dict(_tables)


def boards() -> list[Board]:
    return sorted(_boards.values(), key=lambda board: (board.order, board.key))


def tile(key: str) -> Tile:
    return _tiles[key]


def table(key: str) -> MetricTable:
    return _tables[key]


def board(key: str) -> Board:
    return _boards[key]


def boards_for(user) -> list[Board]:
    return [board for board in boards() if board.visible(user)]


def sees(item: Tile | MetricTable, user) -> bool:
    return item.visible is None or item.visible(user)


def count_all(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """The number of rows of each queryset, in one query: SELECT (SELECT COUNT(*) FROM (q1)), ... — what
    `.count()` on each would give, for a page of tiles at the cost of one round trip."""
    counts = dict.fromkeys(querysets, 0)
    parts, params, keys = [], [], []
    for key, queryset in querysets.items():
        try:
            sql, values = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a queryset that can hold nothing (none(), an empty id list)
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{len(parts)})")  # noqa: S608 - the compiler's SQL
        params.extend(values)
        keys.append(key)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            counts.update(zip(keys, (int(value) for value in cursor.fetchone()), strict=True))
    return counts
