# The requisition-only approval rules and steps are gone: their rows now live in the core's
# generic chain tables (copied by 0007).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("requisitions", "0007_move_approvals_to_portal"),
    ]

    operations = [
        migrations.DeleteModel(name="ApprovalStep"),
        migrations.DeleteModel(name="HistoricalApprovalRule"),
        migrations.DeleteModel(name="ApprovalRule"),
    ]
