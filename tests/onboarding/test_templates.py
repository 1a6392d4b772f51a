"""Checklist templates as admins keep them: a task waits only on its own template's tasks, never in a loop;
the most specific template wins; a new installation has its defaults."""

import pytest
from django.forms import inlineformset_factory
from django.urls import reverse

from onboarding.admin import TemplateTaskFormSet
from onboarding.choices import OwnerRule
from onboarding.models import ChecklistTemplate, TemplateTask
from onboarding.services import template_for
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

FIELDS = ["position", "title", "kind", "owner_rule", "anchor", "offset_days", "duration_days", "waits_on"]


def _formset(template, rows):
    FormSet = inlineformset_factory(ChecklistTemplate, TemplateTask, formset=TemplateTaskFormSet, fields=FIELDS,
                                    extra=0)  # fmt: skip
    data = {"tasks-TOTAL_FORMS": len(rows), "tasks-INITIAL_FORMS": len(rows)}
    for i, (task, waits_on) in enumerate(rows):
        data.update({f"tasks-{i}-id": task.pk, f"tasks-{i}-template": template.pk, f"tasks-{i}-position": i,
                     f"tasks-{i}-title": task.title, f"tasks-{i}-kind": task.kind,
                     f"tasks-{i}-owner_rule": task.owner_rule, f"tasks-{i}-anchor": task.anchor,
                     f"tasks-{i}-offset_days": 0, f"tasks-{i}-duration_days": 1,
                     f"tasks-{i}-waits_on": [t.pk for t in waits_on]})  # fmt: skip
    return FormSet(data, instance=template, prefix="tasks")


def _template(name="Test", **kwargs):
    template = ChecklistTemplate.objects.create(name=name, employment_type=kwargs.pop("employment_type", "full_time"),
                                                **kwargs)  # fmt: skip
    a = TemplateTask.objects.create(template=template, title="Contract", owner_rule=OwnerRule.HR)
    b = TemplateTask.objects.create(template=template, title="Laptop", owner_rule=OwnerRule.IT)
    return template, a, b


def test_tasks_waiting_on_each_other_in_a_loop_are_refused():
    template, a, b = _template()
    formset = _formset(template, [(a, [b]), (b, [a])])
    assert not formset.is_valid()
    assert "loop" in " ".join(formset.non_form_errors())
    formset = _formset(template, [(a, []), (b, [a])])
    assert formset.is_valid(), formset.errors


def test_a_task_cannot_wait_on_another_templates_task():
    template, a, b = _template()
    _other, stranger, _ = _template(name="Other")
    formset = _formset(template, [(a, [stranger]), (b, [])])
    assert not formset.is_valid()


def test_the_most_specific_active_template_wins():
    ChecklistTemplate.objects.all().update(is_active=False)
    toronto = LocationFactory()
    general, _, _ = _template("Everyone")
    local, _, _ = _template("Toronto", location=toronto)
    assert template_for(employment_type="full_time", location_id=toronto.pk, department_id=None) == local
    assert template_for(employment_type="full_time", location_id=None, department_id=None) == general
    assert template_for(employment_type="contract", location_id=toronto.pk, department_id=None) is None


def test_a_new_installation_has_default_checklists_and_admins_edit_them(client, admin_user):
    names = set(ChecklistTemplate.objects.values_list("name", flat=True))
    assert {"Employees", "Contractors"} <= names
    employees = ChecklistTemplate.objects.get(name="Employees")
    assert employees.tasks.filter(blocks_start=True).exists()
    client.force_login(admin_user)
    assert client.get(reverse("admin:onboarding_checklisttemplate_change", args=[employees.pk])).status_code == 200
