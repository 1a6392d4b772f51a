"""Admin: requisitions are read-only here (the approval rules are the core's, under Approval rules)."""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin
from requisitions.models import Requisition


@admin.register(Requisition)
class RequisitionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "status", "department", "hiring_manager", "target_start_date"]
    list_filter = ["status", "employment_type", "department"]
    list_select_related = ["department", "hiring_manager"]
    search_fields = ["title"]
