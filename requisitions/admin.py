"""Admin: the approval policy is edited here (history-tracked); requisitions are read-only here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ReadOnlyAdmin
from requisitions.models import ApprovalRule, Requisition
from requisitions.services import save_approval_rule


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "position",
        "name",
        "condition",
        "threshold",
        "approver",
        "user",
        "step",
        "sla_business_days",
        "is_active",
    ]
    list_display_links = ["name"]
    list_filter = ["is_active", "condition", "approver"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    fields = [
        "name",
        "position",
        "is_active",
        "condition",
        "threshold",
        "employment_types",
        "approver",
        "user",
        "step",
        "sla_business_days",
    ]

    def save_model(self, request, obj, form, change):
        save_approval_rule(rule=obj, by=request.user)


@admin.register(Requisition)
class RequisitionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["reference", "title", "status", "department", "hiring_manager", "target_start_date"]
    list_filter = ["status", "employment_type", "department"]
    list_select_related = ["department", "hiring_manager"]
    search_fields = ["title"]
