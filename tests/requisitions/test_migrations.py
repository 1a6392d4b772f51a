"""The requisition export log moves into portal.ExportLog, and back again when the migration is reversed."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("requisitions", "0002_money_caps"), ("portal", "0004_exportlog")]
AFTER = [("requisitions", "0004_delete_requisitionexport")]
AT = [datetime(2026, 3, 4, 15, 30, tzinfo=UTC), datetime(2026, 5, 6, 9, 0, tzinfo=UTC)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_exports_move_to_the_export_log_and_back():
    try:
        apps = _migrate(BEFORE)
        user = apps.get_model("portal", "User").objects.create(username="exporter")
        RequisitionExport = apps.get_model("requisitions", "RequisitionExport")
        for at, filters, rows in [(AT[0], "status=open", 3), (AT[1], "", 0)]:
            row = RequisitionExport.objects.create(user=user, filters=filters, rows=rows)
            RequisitionExport.objects.filter(pk=row.pk).update(at=at)  # `at` is auto_now_add

        apps = _migrate(AFTER)
        ExportLog = apps.get_model("portal", "ExportLog")
        assert list(
            ExportLog.objects.order_by("at").values_list("user", "at", "dataset", "format", "filters", "rows")
        ) == [
            (user.pk, AT[0], "requisitions", "csv", "status=open", 3),
            (user.pk, AT[1], "requisitions", "csv", "", 0),
        ]
        ExportLog.objects.create(user_id=user.pk, dataset="other", format="xlsx", rows=1)

        apps = _migrate(BEFORE)
        RequisitionExport = apps.get_model("requisitions", "RequisitionExport")
        assert list(RequisitionExport.objects.order_by("at").values_list("user", "at", "filters", "rows")) == [
            (user.pk, AT[0], "status=open", 3),
            (user.pk, AT[1], "", 0),
        ]
        # Moved back, not copied: migrating forward again does not double the log.
        assert list(apps.get_model("portal", "ExportLog").objects.values_list("dataset", flat=True)) == ["other"]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
