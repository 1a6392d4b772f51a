"""docs/metrics.md carries the dashboards' definitions as the registry declares them."""

from analytics import docs
from analytics import tiles as registry


def test_the_metrics_document_holds_every_definition_as_declared():
    assert docs.current() == docs.render(), "run `manage.py metric_docs` and commit docs/metrics.md"


def test_every_board_names_tiles_and_tables_that_exist():
    for board in registry.boards():
        assert set(board.tiles) <= set(registry.tiles()), board.key
        assert set(board.tables) <= set(registry.tables()), board.key
        for key in board.tables:
            table = registry.table(key)
            assert not table.tile or table.tile in registry.tiles(), table.key
            assert not table.counts or table.counts in {column.key for column in table.columns}, table.key


def test_every_figure_has_a_definition_and_a_group():
    for item in [*registry.tiles().values(), *registry.tables().values()]:
        assert len(str(item.definition)) > 30, item.key
        assert item.group in registry.GROUPS, item.key
