"""The approval policy a new installation starts with; admins change it in Administration."""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

DEFAULT_RULES = [
    # position, name, condition, threshold, employment types, approver, step
    (10, "The hiring manager's manager approves every requisition", "always", None, "", "hm_manager", 1),
    (20, "The department head approves net-new roles", "net_new", None, "", "department_head", 2),
    (30, "Finance approves a first-year cost over 150,000", "cost_over", Decimal("150000"), "", "finance", 2),
    (40, "Finance approves contractor rates over 120/h", "bill_rate_over", Decimal("120"), "", "finance", 2),
    (50, "HR approves pay above the band", "above_band", None, "", "hr", 2),
    (60, "Finance approves when the plan budget would be exceeded", "plan_budget_exceeded", None, "", "finance", 2),
]


def create_policy(apps, schema_editor):
    ApprovalRule = apps.get_model("requisitions", "ApprovalRule")
    HistoricalApprovalRule = apps.get_model("requisitions", "HistoricalApprovalRule")
    if ApprovalRule.objects.exists():
        return
    now = timezone.now()
    for position, name, condition, threshold, types, approver, step in DEFAULT_RULES:
        rule = ApprovalRule.objects.create(
            name=name, position=position, condition=condition, threshold=threshold,
            employment_types=types, approver=approver, step=step, sla_business_days=2, is_active=True,
        )  # fmt: skip
        HistoricalApprovalRule.objects.create(
            id=rule.id, name=name, position=position, condition=condition, threshold=threshold,
            employment_types=types, approver=approver, step=step, sla_business_days=2, is_active=True,
            history_date=now, history_type="+", history_change_reason="requisitions.approvalrule.default_policy",
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("requisitions", "0001_initial")]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
