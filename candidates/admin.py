"""Admin: the controlled vocabulary (stages, reason codes, sources) is edited here, history-tracked, and
retired rather than deleted. Candidates and applications are read-only here: the pipeline writes them."""

from django.contrib import admin

from candidates.choices import VOCABULARY_SAVED
from candidates.models import (
    Application,
    Candidate,
    Criterion,
    ImportMapping,
    InterviewerCap,
    InterviewPlanTemplate,
    InterviewRoundTemplate,
    ReasonCode,
    Source,
    Stage,
)
from portal.admin import HistoryAdmin, ReadOnlyAdmin
from portal.services.records import save_with_history


class VocabularyAdmin(HistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False  # retire instead: transitions and applications point at it

    def save_model(self, request, obj, form, change):
        save_with_history(obj, by=request.user, reason=VOCABULARY_SAVED.format(model=obj._meta.model_name))


@admin.register(Stage)
class StageAdmin(VocabularyAdmin):
    list_display = ["position", "name", "code", "sla_days", "kind", "is_active"]
    list_display_links = ["name"]
    list_filter = ["is_active", "kind"]


@admin.register(ReasonCode)
class ReasonCodeAdmin(VocabularyAdmin):
    list_display = ["label", "code", "category", "is_active"]
    list_filter = ["category", "is_active"]


@admin.register(Source)
class SourceAdmin(VocabularyAdmin):
    list_display = ["name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["parent"]


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ["last_name", "first_name", "email", "city", "created_at"]
    search_fields = ["last_name", "first_name", "email_key"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "requisition", "stage", "status", "owner", "last_activity_at"]
    list_filter = ["status", "stage"]
    list_select_related = ["candidate", "requisition", "stage", "owner"]


@admin.register(ImportMapping)
class ImportMappingAdmin(ReadOnlyAdmin):
    """Saved by the import pages (which check each value against what the user may choose); read here."""

    list_display = ["kind", "label", "value", "updated_by", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["label"]


@admin.register(Criterion)
class CriterionAdmin(VocabularyAdmin):
    list_display = ["name", "description", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class RoundTemplateInline(admin.TabularInline):
    model = InterviewRoundTemplate
    extra = 1
    fields = ["position", "name", "duration_minutes", "panel_roles", "criteria"]
    filter_horizontal = ["criteria"]


@admin.register(InterviewPlanTemplate)
class InterviewPlanTemplateAdmin(VocabularyAdmin):
    """The rounds a requisition's plan starts from, per role family (one default without a family)."""

    list_display = ["name", "role_family", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["role_family"]
    inlines = [RoundTemplateInline]


@admin.register(InterviewerCap)
class InterviewerCapAdmin(HistoryAdmin):
    """A person's own weekly interview cap (everyone else has settings.INTERVIEWS_PER_WEEK)."""

    list_display = ["user", "weekly_cap"]
    autocomplete_fields = ["user"]
