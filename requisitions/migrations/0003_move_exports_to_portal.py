"""Move the requisition export log into the portal's export log (one log for every data set).

Both directions move rows rather than copy them, so migrating back and forth never doubles the log.
Backwards, the copied-back rows keep their original time: `RequisitionExport.at` is `auto_now_add`,
which a plain insert would overwrite with the time of the migration.
"""

from django.db import migrations

DATASET = "requisitions"
BATCH = 500


def to_export_log(apps, schema_editor):
    RequisitionExport = apps.get_model("requisitions", "RequisitionExport")
    ExportLog = apps.get_model("portal", "ExportLog")
    old = RequisitionExport.objects.order_by("at", "pk")
    ExportLog.objects.bulk_create(
        (
            ExportLog(user_id=row.user_id, at=row.at, dataset=DATASET, format="csv", filters=row.filters, rows=row.rows)
            for row in old.iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )
    old.delete()


def to_requisition_export(apps, schema_editor):
    RequisitionExport = apps.get_model("requisitions", "RequisitionExport")
    ExportLog = apps.get_model("portal", "ExportLog")
    logs = ExportLog.objects.filter(dataset=DATASET).order_by("at", "pk")
    for log in logs.iterator(chunk_size=BATCH):
        row = RequisitionExport.objects.create(user_id=log.user_id, filters=log.filters, rows=log.rows)
        RequisitionExport.objects.filter(pk=row.pk).update(at=log.at)
    logs.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("requisitions", "0002_money_caps"),
        ("portal", "0004_exportlog"),
    ]

    operations = [
        migrations.RunPython(to_export_log, to_requisition_export),
    ]
