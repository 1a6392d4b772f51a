"""Stages that belong to a workflow (Pre-start, Hired): one of each, their kind fixed, never retired, whether
an admin edits them in Administration or code saves them; and no form moves an application into them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from candidates.choices import StageKind
from candidates.models import Stage
from candidates.services import apply, create_candidate

pytestmark = pytest.mark.django_db


def _stage(code):
    return Stage.objects.get(code=code)


def test_pre_start_and_hired_are_the_reserved_stages():
    assert sorted(Stage.objects.filter(kind__in=["pre_start", "hired"]).values_list("code", "kind")) == [
        ("hired", "hired"),
        ("pre_start", "pre_start"),
    ]
    assert list(Stage.objects.active().movable().values_list("code", flat=True)) == [
        "applied", "screen", "interview", "debrief", "offer",
    ]  # fmt: skip


@pytest.mark.parametrize("kind", [StageKind.PRE_START, StageKind.HIRED])
def test_a_second_stage_of_a_reserved_kind_is_refused(kind):
    twin = Stage(code="twin", name="Twin", definition="A second one.", position=99, kind=kind)

    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert refused.value.messages == [
        "A stage of this kind already exists: Pre-start and Hired belong to workflows, one stage each."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        twin.save()


@pytest.mark.parametrize("code", ["pre_start", "hired"])
def test_a_reserved_stage_keeps_its_kind_and_is_never_retired(code):
    stage = _stage(code)
    stage.kind = StageKind.IN_PROGRESS
    with pytest.raises(ValidationError) as refused:
        stage.full_clean()
    assert refused.value.message_dict == {"kind": [f"{stage.name} belongs to a workflow: its kind cannot change."]}

    stage = _stage(code)
    stage.is_active = False
    with pytest.raises(ValidationError) as refused:
        stage.full_clean()
    assert refused.value.message_dict == {"is_active": [f"{stage.name} belongs to a workflow: it cannot be retired."]}

    stage = _stage(code)
    stage.name, stage.definition, stage.sla_days = "Renamed", "Still the workflow's stage.", 9
    stage.full_clean()  # its words and its SLA stay the admins' to edit


def test_an_ordinary_stage_cannot_become_a_reserved_one():
    screen = _stage("screen")
    screen.kind = StageKind.HIRED
    with pytest.raises(ValidationError, match="already exists"):
        screen.full_clean()


def _admin_form(stage, **changes):
    data = {
        "code": stage.code,
        "name": stage.name,
        "definition": stage.definition,
        "position": stage.position,
        "sla_days": stage.sla_days,
        "kind": stage.kind,
        "is_active": "on" if stage.is_active else "",
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


def test_administration_cannot_edit_a_reserved_stage_away(client, admin_user):
    client.force_login(admin_user)
    pre_start = _stage("pre_start")
    url = reverse("admin:candidates_stage_change", args=[pre_start.pk])

    retyped = client.post(url, _admin_form(pre_start, kind=StageKind.IN_PROGRESS))
    retired = client.post(url, _admin_form(pre_start, is_active=""))
    twin = client.post(
        reverse("admin:candidates_stage_add"),
        _admin_form(Stage(code="started", name="Started", definition="Began.", position=75, kind="hired")),
    )

    assert "Pre-start belongs to a workflow: its kind cannot change." in retyped.content.decode()
    assert "Pre-start belongs to a workflow: it cannot be retired." in retired.content.decode()
    assert "A stage of this kind already exists" in twin.content.decode()
    pre_start.refresh_from_db()
    assert (pre_start.kind, pre_start.is_active) == ("pre_start", True)
    assert not Stage.objects.filter(code="started").exists()


def _history_form_data(response, **changes):
    """What Administration's history page would post back for the version it shows, with `changes`."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None:
            continue
        if hasattr(value, "tzinfo"):  # a date and a time, in two inputs
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = local.date().isoformat(), local.time().isoformat()
        else:
            data[name] = getattr(value, "pk", value)
    return {**data, **changes}


@pytest.mark.parametrize("code, status", [("hired", "hired"), ("pre_start", "active"), ("screen", "hired")])
def test_administration_moves_no_application_into_pre_start_or_hired(
    client, open_requisition, recruiter, admin_user, code, status
):
    application = apply(
        candidate=create_candidate(by=recruiter, first_name="Ada", last_name="Byron"),
        requisition=open_requisition,
        by=recruiter,
    )
    stage = _stage(code)
    client.force_login(admin_user)
    change = reverse("admin:candidates_application_change", args=[application.pk])
    history = reverse(
        "admin:candidates_application_simple_history", args=[application.pk, application.history.first().history_id]
    )

    changed = client.post(change, {"stage": stage.pk, "status": status})
    reverted = client.post(history, _history_form_data(client.get(history), stage=stage.pk, status=status))

    assert (changed.status_code, reverted.status_code) == (403, 403)  # the pipeline owns it: read-only
    application.refresh_from_db()
    assert (application.stage.code, application.status) == ("applied", "active")

    # Behind the admin, the model's own validation refuses the same edit any form would make, with why.
    application.stage, application.status = stage, status
    with pytest.raises(ValidationError) as refused:
        application.full_clean()
    assert refused.value.message_dict == (
        {"stage": [stage.entry_refusal]}
        if code != "screen"
        else {"status": ["An application becomes a hire only by confirming the start in pre-boarding."]}
    )
