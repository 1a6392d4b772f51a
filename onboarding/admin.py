"""Admin: pre-boarding templates are kept here (history-tracked; a task's dependencies are checked before
they are saved); cases, tasks, checks and the start log are read-only here: the pre-boarding pages and
services write them."""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from onboarding.choices import TEMPLATE_SAVED
from onboarding.models import (
    BackgroundCheck,
    ChecklistTemplate,
    PreboardingCase,
    PreboardingTask,
    StartChange,
    TemplateTask,
)
from onboarding.services import save_template, template_problems
from portal.admin import HistoryAdmin, ReadOnlyAdmin
from portal.services.records import delete_with_history, save_with_history


class TemplateTaskFormSet(BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A task waits only on tasks of its own template (saved ones: add a task, save, then link it).
        siblings = (
            TemplateTask.objects.filter(template=self.instance) if self.instance.pk else TemplateTask.objects.none()
        )
        for form in self.forms:
            form.fields["waits_on"].queryset = siblings.exclude(pk=form.instance.pk) if form.instance.pk else siblings

    def clean(self):
        super().clean()
        tasks = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            key = form.instance.pk or -id(form)
            tasks.append(
                {"key": key, "title": data.get("title", ""), "waits_on": {t.pk for t in data.get("waits_on") or ()}}
            )
        problems = template_problems(self.instance, tasks)
        if problems:
            raise forms.ValidationError(problems)


class TemplateTaskInline(admin.StackedInline):
    model = TemplateTask
    formset = TemplateTaskFormSet
    extra = 1
    fields = [
        ("position", "title", "kind"),
        ("owner_rule", "owner_person"),
        ("anchor", "offset_days", "duration_days", "blocks_start"),
        "waits_on",
        ("expected_cost", "cost_category"),
    ]
    filter_horizontal = ["waits_on"]
    autocomplete_fields = ["owner_person"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(HistoryAdmin):
    """The checklist a hire's case starts with, per employment type (and location and department)."""

    list_display = ["name", "employment_type", "location", "department", "equipment_profile", "is_active"]
    list_filter = ["employment_type", "is_active"]
    list_select_related = ["location", "department"]
    inlines = [TemplateTaskInline]

    def has_delete_permission(self, request, obj=None):
        return False  # retire instead: cases name the template they came from

    def save_model(self, request, obj, form, change):
        save_template(template=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_with_history(obj, by=request.user, reason=TEMPLATE_SAVED)
        for obj in instances:
            save_with_history(obj, by=request.user, reason=TEMPLATE_SAVED)
        formset.save_m2m()


@admin.register(PreboardingCase)
class PreboardingCaseAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "requisition", "status", "planned_start", "confirmed_start"]
    list_filter = ["status"]
    list_select_related = ["candidate", "requisition"]


@admin.register(PreboardingTask)
class PreboardingTaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "case", "status", "due_date", "blocks_start"]
    list_filter = ["status", "kind"]
    list_select_related = ["case__candidate"]


@admin.register(BackgroundCheck)
class BackgroundCheckAdmin(ReadOnlyAdmin):
    list_display = ["task", "status", "provider", "package", "decided_on"]
    list_filter = ["status"]
    exclude = ["report"]


@admin.register(StartChange)
class StartChangeAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "from_date", "to_date", "by", "at"]
    list_filter = ["kind"]
