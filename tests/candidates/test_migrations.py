"""An installation from before reserved stages: its Pre-start stage takes the reserved kind, with a history row
saying so, and gives it back when the migration is reversed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("candidates", "0007_offer_declined_reasons")]
AFTER = [("candidates", "0008_reserved_stages")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_pre_start_stage_becomes_reserved_and_back():
    try:
        apps = _migrate(BEFORE)
        Stage = apps.get_model("candidates", "Stage")
        assert dict(Stage.objects.filter(code__in=["pre_start", "hired"]).values_list("code", "kind")) == {
            "pre_start": "in_progress",
            "hired": "hired",
        }

        apps = _migrate(AFTER)
        Stage = apps.get_model("candidates", "Stage")
        pre_start = Stage.objects.get(code="pre_start")
        assert pre_start.kind == "pre_start"
        last = apps.get_model("candidates", "HistoricalStage").objects.filter(id=pre_start.pk).latest("history_id")
        assert (last.kind, last.history_type, last.history_change_reason) == (
            "pre_start",
            "~",
            "candidates.stage.reserved",
        )

        apps = _migrate(BEFORE)
        assert apps.get_model("candidates", "Stage").objects.get(code="pre_start").kind == "in_progress"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
