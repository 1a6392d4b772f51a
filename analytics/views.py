"""The dashboard pages: a board's overview (its tiles) and its sections (the metric tables of one group,
each with its chart), the list behind any tile or table row (and its export), the definitions page and
the weekly operations review.

A board the viewer may not open answers 403; a tile or table the viewer may not see, or one not on the
board, answers 404. Filters are read strictly: a value that cannot be read, or a parameter no filter
reads, answers 400 with the error and no figures.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, F, Value
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from analytics import tiles as registry
from analytics.boards import OPS_REVIEW, ops_board
from analytics.filters import BOARD_FILTERS, PERIODS, DashboardFilter
from analytics.slices import Slice
from analytics.tiles import GROUPS
from candidates.models import Source
from portal.filters import filters_query, refuse_unknown_parameters
from portal.models import CostCenter, Department, Location, RoleFamily
from portal.services.exports import Column
from portal.views.exports import FORMAT, export_response
from portal.views.lists import LIST_PARAMETERS

PAGE_SIZE = 50
OPS_ROWS = 10
OVERVIEW = "overview"


def _board_or_403(request, key: str):
    try:
        board = registry.board(key)
    except KeyError:
        raise Http404 from None
    if not board.visible(request.user):
        raise PermissionDenied
    return board


def _filters(request, *, allowed=()) -> DashboardFilter:
    filterset = DashboardFilter(request.GET)
    refuse_unknown_parameters(filterset, request.GET, allowed=allowed)
    return filterset


def filter_selects(filterset: DashboardFilter) -> list[dict]:
    """The board filters' selects, their options read in one query (a union of the five reference tables)
    rather than one per select: {name, label, options [(value, text, selected)], empty}."""
    text = Value("", output_field=CharField())

    def rows(model, kind, a, b="", c=""):
        fields = [F(name) if name else text for name in (a, b, c)]
        return (
            model.objects.order_by()
            .annotate(option_of=Value(kind, output_field=CharField()), a=fields[0], b=fields[1], c=fields[2])
            .values_list("option_of", "pk", "a", "b", "c")
        )

    union = rows(Department, "department", "name").union(
        rows(CostCenter, "cost_center", "code", "name"),
        rows(RoleFamily, "role_family", "name"),
        rows(Location, "location", "city", "province", "country"),
        rows(Source, "source", "name", "parent__name"),
        all=True,
    )
    labels = {
        "department": lambda a, b, c: a,
        "cost_center": lambda a, b, c: f"{a} {b}",
        "role_family": lambda a, b, c: a,
        "location": lambda a, b, c: ", ".join(part for part in (a, b, c) if part),
        "source": lambda a, b, c: f"{b} · {a}" if b else a,
    }
    options: dict[str, list] = {name: [] for name in labels}
    for kind, pk, a, b, c in union:
        options[kind].append((str(pk), labels[kind](a, b, c)))
    selects = []
    for name in BOARD_FILTERS:
        field = filterset.form[name]
        current = str(field.value() or "")
        choices = (
            [(str(v), str(t)) for v, t in PERIODS] if name == "period" else sorted(options[name], key=lambda o: o[1])
        )
        selects.append(
            {
                "name": field.html_name,
                "id": field.id_for_label,
                "label": field.label,
                "empty": "Last 90 days" if name == "period" else "Any",
                "options": [(value, label, value == current) for value, label in choices if value],
            }
        )
    return selects


def board_tiles(board, user) -> list:
    found = (registry.tiles().get(key) for key in board.tiles)
    return [tile for tile in found if tile is not None and tile.shown and registry.sees(tile, user)]


def board_tables(board, user) -> list:
    found = (registry.tables().get(key) for key in board.tables)
    return [table for table in found if table is not None and registry.sees(table, user)]


def sections(board, user) -> list[tuple[str, str]]:
    groups = {table.group for table in board_tables(board, user)}
    return [(OVERVIEW, "Overview")] + [(key, label) for key, label in GROUPS.items() if key in groups]


def reachable_tiles(board, user) -> dict:
    """The tiles whose lists a viewer may open from `board`: its tiles and those its tables' rows open."""
    keys = [*board.tiles, *(table.tile for table in board_tables(board, user) if table.tile)]
    found = {key: registry.tiles().get(key) for key in keys}
    return {key: tile for key, tile in found.items() if tile is not None and registry.sees(tile, user)}


@require_GET
def home(request):
    boards = registry.boards_for(request.user)
    if not boards:
        raise PermissionDenied
    return redirect("analytics:board", board=boards[0].key)


@require_GET
def board_page(request, board, section=OVERVIEW):
    board = _board_or_403(request, board)
    user = request.user
    known = dict(sections(board, user))
    if section not in known:
        raise Http404
    filterset = _filters(request)
    valid = filterset.is_valid()
    query = filters_query(filterset, request.GET)
    context = {
        "board": board,
        "boards": registry.boards_for(user),
        "section": section,
        "section_label": known[section],
        "sections": sections(board, user),
        "filter": filterset,
        "selects": filter_selects(filterset),
        "query": query,
        "tiles": [],
        "tables": [],
        "sees_ops_review": ops_board(user) is not None,
    }
    if valid:
        slice_ = Slice.of(user, board, filterset)
        if section == OVERVIEW:
            context["tiles"] = _tile_figures(board_tiles(board, user), slice_, board)
        else:
            context["tables"] = [
                _table_figures(table, slice_, board) for table in board_tables(board, user) if table.group == section
            ]
        context["slice"] = slice_
        context["include_open"] = slice_.include_open
        toggled = request.GET.copy()
        if slice_.include_open:
            toggled.pop("include_open", None)
        else:
            toggled["include_open"] = "1"
        context["toggle_open"] = toggled.urlencode()
    return render(request, "analytics/board.html", context, status=200 if valid else 400)


def _tile_figures(tiles, slice_, board) -> list[dict]:
    """Each tile's figure (its rows, counted together in one query), note and list link."""
    rows = {tile.key: tile.rows(slice_) for tile in tiles}
    counts = registry.count_all(rows)
    return [
        {
            "tile": tile,
            "figure": counts[tile.key],
            "note": tile.note(slice_, rows[tile.key]) if tile.note else "",
            "warn": tile.warn_above is not None and counts[tile.key] > tile.warn_above,
            "url": tile.url(board.key, slice_.query()),
        }
        for tile in tiles
    ]


def _table_figures(table, slice_, board) -> dict:
    rows = table.compute(slice_)
    tile = registry.tiles().get(table.tile) if table.tile else None
    for row in rows:
        drill = row.get("drill")
        row["url"] = tile.url(board.key, slice_.query(**drill)) if tile is not None and drill is not None else ""
        row["cells"] = [(column, row.get(column.key)) for column in table.columns]
    return {
        "table": table,
        "rows": rows,
        "chart": _chart(table, rows),
        "chart_id": f"chart-{table.key}",
        "export": reverse("analytics:table_export", kwargs={"board": board.key, "key": table.key}),
    }


def _chart(table, rows) -> dict | None:
    spec = table.chart
    if not spec or not rows:
        return None
    if not any(row.get(key) for row in rows for key in spec["series"]):
        return None  # nothing but zeros and blanks: the table says it
    labels = {column.key: column.label for column in table.columns}
    series = [str(labels[key]) for key in spec["series"]]
    return {
        "type": spec.get("type", "bar"),
        "label": f"{table.name}: {', '.join(series)} by {(table.row_label or 'row').lower()}",
        "labels": [str(row["label"]) for row in rows],
        "datasets": [
            {"label": str(labels[key]), "data": [_number(row.get(key)) for row in rows]} for key in spec["series"]
        ],
        "links": [row.get("url") or None for row in rows],
        "unit": spec.get("unit", ""),
        "horizontal": spec.get("horizontal", False),
        "stacked": spec.get("stacked", False),
    }


def _number(value):
    if value is None:
        return None
    return float(value)


@require_GET
def tile_list(request, board, key):
    board = _board_or_403(request, board)
    tile = reachable_tiles(board, request.user).get(key)
    if tile is None:
        raise Http404
    filterset = _filters(request, allowed=(*LIST_PARAMETERS, FORMAT))
    if FORMAT in request.GET:
        valid = filterset.is_valid()
        rows = tile.list_rows(Slice.of(request.user, board, filterset)) if valid else []
        columns = [Column(str(column.label), column.value) for column in tile.columns]
        return export_response(
            request, filterset=filterset, dataset=f"dashboard-{tile.key}", title=tile.name, columns=columns, rows=rows
        )
    valid = filterset.is_valid()
    context = {
        "board": board,
        "tile": tile,
        "filter": filterset,
        "selects": filter_selects(filterset),
        "query": filters_query(filterset, request.GET),
        "back": reverse("analytics:board", kwargs={"board": board.key}),
    }
    if valid:
        slice_ = Slice.of(request.user, board, filterset)
        page = Paginator(tile.list_rows(slice_), PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            page_obj=page,
            count=page.paginator.count,
            rows=[_cells(tile, obj) for obj in page.object_list],
            export_csv=_export_query(context["query"], "csv"),
            export_xlsx=_export_query(context["query"], "xlsx"),
            drills=filterset.drill_fields(),
        )
    return render(request, "analytics/tile_list.html", context, status=200 if valid else 400)


@require_GET
def table_export(request, board, key):
    """A metric table's rows as a file (the one export service: watermark, export log, formula
    neutralisation), under the board's filters; for whoever sees the table on the board."""
    board = _board_or_403(request, board)
    table = next((t for t in board_tables(board, request.user) if t.key == key), None)
    if table is None:
        raise Http404
    filterset = _filters(request, allowed=(FORMAT,))
    rows = table.compute(Slice.of(request.user, board, filterset)) if filterset.is_valid() else []
    columns = [Column(str(table.row_label or table.name), lambda row: str(row["label"]))]
    columns += [Column(str(column.label), _reader(column.key)) for column in table.columns]
    return export_response(
        request,
        filterset=filterset,
        dataset=f"dashboard-table-{table.key}",
        title=table.name,
        columns=columns,
        rows=rows,
    )


def _reader(key: str):
    return lambda row: row.get(key)


def _export_query(query: str, fmt: str) -> str:
    return urlencode([(FORMAT, fmt)]) + (f"&{query}" if query else "")


def _cells(tile, obj) -> list[dict]:
    cells = []
    for column in tile.columns:
        cells.append(
            {"value": column.value(obj), "link": column.link(obj) if column.link else None, "numeric": column.numeric}
        )
    return cells


@require_GET
def definitions(request):
    user = request.user
    boards = registry.boards_for(user)
    if not boards:
        raise PermissionDenied
    seen_tiles = {key: tile for board in boards for key, tile in reachable_tiles(board, user).items()}
    seen_tables = {table.key: table for board in boards for table in board_tables(board, user)}
    groups = []
    for group, label in GROUPS.items():
        items = [("Tile" if tile.shown else "List", tile) for tile in seen_tiles.values() if tile.group == group]
        items += [("Table", table) for table in seen_tables.values() if table.group == group]
        if items:
            groups.append((group, label, sorted(items, key=lambda item: str(item[1].name))))
    return render(request, "analytics/definitions.html", {"groups": groups, "boards": boards})


@require_GET
def ops_review(request):
    user = request.user
    board = ops_board(user)
    if board is None:
        raise PermissionDenied
    filterset = _filters(request)
    valid = filterset.is_valid()
    sections_ = []
    if valid:
        slice_ = Slice.of(user, board, filterset)
        for key in OPS_REVIEW:
            tile = registry.tiles().get(key)
            if tile is None or not registry.sees(tile, user):
                continue
            rows = tile.list_rows(slice_)
            shown = list(rows[: OPS_ROWS + 1])
            sections_.append(
                {
                    "tile": tile,
                    "figure": rows.count() if len(shown) > OPS_ROWS else len(shown),
                    "rows": [_cells(tile, obj) for obj in shown[:OPS_ROWS]],
                    "more": len(shown) > OPS_ROWS,
                    "url": tile.url(board.key, slice_.query()),
                }
            )
    context = {
        "board": board,
        "filter": filterset,
        "sections": sections_,
        "query": filters_query(filterset, request.GET),
    }
    return render(request, "analytics/ops_review.html", context, status=200 if valid else 400)
