"""Admin pages for people and organisation reference data.

Saves go through the services (validation, history user and change reason). Decisions,
reminders, notifications, access logs and export logs are read-only here: workflows write them.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal import registry
from portal.choices import USER_CREATED
from portal.models import (
    AccessLog,
    ApprovalChain,
    ApprovalRule,
    CompBand,
    CostCenter,
    CostEvent,
    Decision,
    Department,
    ExportLog,
    HiringPlan,
    Holiday,
    Level,
    Location,
    ReminderLog,
    RoleFamily,
    User,
)
from portal.roles import group_name
from portal.services.approvals import save_approval_rule
from portal.services.org import save_org_record
from portal.services.users import set_roles

admin.site.site_header = _("Staffing portal administration")
admin.site.site_title = _("Staffing portal")
admin.site.index_title = _("Reference data and people")


class OrgAdmin(SimpleHistoryAdmin):
    """Reference data: saved through save_org_record; deleting is refused once referenced (PROTECT)."""

    def save_model(self, request, obj, form, change):
        save_org_record(record=obj, by=request.user)


@admin.register(Department)
class DepartmentAdmin(OrgAdmin):
    list_display = ["name", "code", "head"]
    list_select_related = ["head"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["head"]


@admin.register(CostCenter)
class CostCenterAdmin(OrgAdmin):
    list_display = ["code", "name", "department", "budget_owner", "is_active"]
    list_filter = ["is_active", "department"]
    list_select_related = ["department", "budget_owner"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["budget_owner"]


@admin.register(Location)
class LocationAdmin(OrgAdmin):
    list_display = ["city", "province", "country", "is_remote"]
    list_filter = ["country", "province", "is_remote"]
    search_fields = ["city"]


@admin.register(RoleFamily)
class RoleFamilyAdmin(OrgAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Level)
class LevelAdmin(OrgAdmin):
    list_display = ["code", "name", "rank"]


@admin.register(CompBand)
class CompBandAdmin(OrgAdmin):
    list_display = [
        "role_family",
        "level",
        "location",
        "minimum",
        "midpoint",
        "maximum",
        "currency",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["role_family", "level", "currency"]
    list_select_related = ["role_family", "level", "location"]


@admin.register(HiringPlan)
class HiringPlanAdmin(OrgAdmin):
    list_display = ["period", "cost_center", "approved_headcount", "approved_budget", "currency"]
    list_filter = ["period"]
    list_select_related = ["cost_center"]
    search_fields = ["period", "cost_center__code"]


@admin.register(Holiday)
class HolidayAdmin(OrgAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    """People. Roles are set through set_roles so that the change is checked and recorded."""

    list_display = ["username", "first_name", "last_name", "email", "title", "manager", "is_active"]
    list_select_related = ["manager"]
    list_filter = ["is_active", "groups"]
    autocomplete_fields = ["manager"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "title", "manager")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: decisions and history point at people

    def has_change_permission(self, request, obj=None):
        # Only a superuser may change a superuser (their password, their access).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff"]  # an Admin cannot make anyone (themselves) a superuser
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            from django.contrib.auth.models import Group

            kwargs["queryset"] = Group.objects.filter(name__in=[group_name(r) for r in registry.role_keys()])
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj._change_reason = "portal.user.changed" if change else USER_CREATED
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is not None:
            labels = {group_name(r): r for r in registry.role_keys()}
            set_roles(user=form.instance, roles=[labels[g.name] for g in groups if g.name in labels], by=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "owner", "owner_role", "due_at", "status", "outcome"]
    list_filter = ["kind", "status", "owner_role"]
    list_select_related = ["owner"]
    search_fields = ["title"]


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ["decision", "kind", "recipient", "due_at", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["decision", "recipient"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "permission", "user", "object_type", "object_id", "by", "reason"]
    list_filter = ["action", "permission"]
    list_select_related = ["user", "by", "object_type"]


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(SimpleHistoryAdmin):
    """The approval policies: each module's rules over the facts its subjects supply (history-tracked)."""

    list_display = ["policy", "position", "name", "condition", "fact", "threshold", "approver", "step", "is_active"]
    list_display_links = ["name"]
    list_filter = ["policy", "is_active", "condition", "approver"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    fields = [
        "policy",
        "name",
        "position",
        "is_active",
        "condition",
        "fact",
        "threshold",
        "values",
        "approver",
        "approver_role",
        "user",
        "step",
        "sla_business_days",
    ]

    def save_model(self, request, obj, form, change):
        save_approval_rule(rule=obj, by=request.user)


@admin.register(ApprovalChain)
class ApprovalChainAdmin(ReadOnlyAdmin):
    list_display = ["policy", "subject_type", "subject_id", "round", "status", "submitted_by", "submitted_at"]
    list_filter = ["policy", "status"]
    list_select_related = ["subject_type", "submitted_by"]


@admin.register(CostEvent)
class CostEventAdmin(ReadOnlyAdmin):
    list_display = ["month", "cost_center", "kind", "category", "amount", "currency", "need", "memo", "recorded_at"]
    list_filter = ["kind", "category", "currency", "cost_center"]
    list_select_related = ["cost_center", "need"]


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    list_display = ["export_id", "at", "user", "dataset", "format", "rows", "filters"]
    list_filter = ["dataset", "format"]
    list_select_related = ["user"]
    search_fields = ["user__username", "filters"]
    date_hierarchy = "at"
