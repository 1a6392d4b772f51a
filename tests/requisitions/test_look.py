"""Requisition pages as a demanding reader sees them: money, forms, controls, layout."""

import re

import pytest
from django.urls import reverse

from requisitions.services import create_requisition

pytestmark = pytest.mark.django_db


# --- The intake form: required fields marked, every problem shown at once -------------------------


def test_an_empty_save_and_submit_shows_every_missing_field_and_saves_nothing(client, hm):
    from requisitions.models import Requisition
    from requisitions.validation import REQUIRED_TO_SUBMIT

    client.force_login(hm)

    response = client.post(reverse("requisitions:create"), {"submit": "1"})

    assert response.status_code == 400
    errors = response.context["form"].errors
    expected = set(REQUIRED_TO_SUBMIT) | {"title", "hiring_manager", "base_min", "base_max"}
    assert expected - set(errors) == set()
    body = response.content.decode()
    for name in expected:
        assert f'id="id_{name}_error"' in body, name
    assert Requisition.objects.count() == 0


def test_an_invalid_save_and_submit_of_a_draft_lists_the_rest_too_and_changes_nothing(client, hm):
    from requisitions.models import Requisition

    req = create_requisition(by=hm, title="Support Lead", hiring_manager=hm)
    client.force_login(hm)

    response = client.post(
        reverse("requisitions:edit", args=[req.pk]),
        {"title": "Renamed", "hiring_manager": hm.pk, "openings": "0", "submit": "1"},
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"openings", "role_family", "level", "recruiter", "target_start_date"} <= set(errors)
    assert errors["openings"] == ["Ensure this value is greater than or equal to 1."]  # the form's, once
    assert Requisition.objects.get().title == "Support Lead"


def test_required_fields_are_marked_before_anything_is_pressed(client, hm):
    client.force_login(hm)
    body = client.get(reverse("requisitions:create")).content.decode()

    assert re.search(r'<label class="form-label required" for="id_title">Role title</label>', body)
    assert re.search(r'<label class="form-label required-to-submit" for="id_level">Level</label>', body)
    assert re.search(r'for="id_level"><span class="required-mark" aria-hidden="true">\*</span>', body)
    assert '<span class="visually-hidden">required to submit</span>' in body
    assert '<span class="visually-hidden">required to submit a salaried role</span>' in body
    assert not re.search(r'class="[^"]*required[^"]*" for="id_agency_fee"', body)


def test_a_form_shown_again_marks_only_what_is_wrong(client, hm):
    client.force_login(hm)
    response = client.post(reverse("requisitions:create"), {"title": "Support Lead", "openings": "0"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "is-invalid" in body
    assert "is-valid" not in body.replace("is-invalid", "")


def test_loads_and_one_time_costs_left_empty_are_nothing(client, hm):
    from requisitions.models import Requisition

    client.force_login(hm)
    data = {"title": "Support Lead", "hiring_manager": hm.pk, "openings": 1, "employment_type": "full_time"}
    response = client.post(reverse("requisitions:create"), {**data, "currency": "CAD", "agency_fee": ""})

    req = Requisition.objects.get()
    assert response.status_code == 302
    assert (req.agency_fee, req.bonus_pct, req.equipment) == (0, 0, 0)
