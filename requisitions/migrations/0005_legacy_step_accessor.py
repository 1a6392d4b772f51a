# The requisition-only approval steps give up their reverse accessor on Decision
# (decision.approval_step) to the core's generic chain steps, which replace them.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requisitions", "0004_delete_requisitionexport"),
    ]

    operations = [
        migrations.AlterField(
            model_name="approvalstep",
            name="decision",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="legacy_approval_step",
                to="portal.decision",
            ),
        ),
    ]
