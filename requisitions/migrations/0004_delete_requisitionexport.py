from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("requisitions", "0003_move_exports_to_portal"),
    ]

    operations = [
        migrations.DeleteModel(
            name="RequisitionExport",
        ),
    ]
