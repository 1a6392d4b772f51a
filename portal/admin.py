"""Admin pages for people and organisation reference data, and the two bases every admin here builds on.

Each model is declared workflow-owned or reference data (portal.registry). Reference data is saved
through its service (validation, history user and change reason) on the change form. A workflow-owned
model is registered with ReadOnlyAdmin: shown on every page, written on none, whoever asks. History
pages show old versions and never revert one (HistoryAdmin).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal import registry
from portal.choices import USER_CHANGED, USER_CREATED
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
from portal.services.records import save_with_history
from portal.services.users import set_roles

admin.site.site_header = _("Staffing portal administration")
admin.site.site_title = _("Staffing portal")
admin.site.index_title = _("Reference data and people")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _refuse_writes(request) -> None:
    if request.method not in SAFE_METHODS:
        raise PermissionDenied


def _tracked(model) -> bool:
    """Whether simple-history records the model (its HistoricalRecords are set up)."""
    return hasattr(model._meta, "simple_history_manager_attribute")


class HistoryAdmin(SimpleHistoryAdmin):
    """The base of every admin here: simple-history's pages, to read.

    Reverting is off (SIMPLE_HISTORY_REVERT_DISABLED hides the button; a POST to an old version is
    refused here). simple-history's revert saves the old version's form on a path of its own, past what
    the change form does around a save: it skips the inlines and save_related (the user admin's roles,
    which go through set_roles), and on a read-only admin it saved all the same. A change is made on
    the change form, or not at all.

    A model simple-history does not record keeps Django's own history page (the admin log).
    """

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.tracked = _tracked(model)
        if not self.tracked:
            self.object_history_template = None  # Django's own template

    def get_urls(self):
        if not self.tracked:
            return super(SimpleHistoryAdmin, self).get_urls()  # no old versions to show
        return super().get_urls()

    def history_view(self, request, object_id, extra_context=None):
        if not self.tracked:
            return super(SimpleHistoryAdmin, self).history_view(request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _refuse_writes(request)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(HistoryAdmin):
    """A workflow-owned model (registry.register_workflow_owned): every page shows, none writes.

    No adding, changing or deleting, no actions and no list edits, for anyone, superusers included,
    whatever their model permissions (which the portal's own pages use); a POST to any of its pages is
    refused (403) before anything is read from it. Its rows move only through their module's services.
    """

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Every field as text, on an old version's page too (simple-history's form would show inputs).
        opts = self.model._meta
        return [field.name for field in [*opts.fields, *opts.many_to_many] if field.editable and not field.primary_key]

    def changelist_view(self, request, extra_context=None):
        _refuse_writes(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        _refuse_writes(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        _refuse_writes(request)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        _refuse_writes(request)
        return super().history_view(request, object_id, extra_context)


class ReadOnlyInline(admin.TabularInline):
    """Rows of a workflow-owned model shown on another's page: listed, never added, changed or deleted.
    The inline of a ReadOnlyAdmin, which refuses a POST anyway; this keeps its rows from showing as fields."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrgAdmin(HistoryAdmin):
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
class UserAdmin(BaseUserAdmin, HistoryAdmin):
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
        save_with_history(obj, by=request.user, reason=USER_CHANGED if change else USER_CREATED)

    def save_related(self, request, form, formsets, change):
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is not None:
            labels = {group_name(r): r for r in registry.role_keys()}
            set_roles(user=form.instance, roles=[labels[g.name] for g in groups if g.name in labels], by=request.user)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
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
class ApprovalRuleAdmin(HistoryAdmin):
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


# The role groups are made from the code (portal.roles.apply_roles): shown here, changed only there.
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyAdmin):
    list_display = ["name"]
    search_fields = ["name"]
