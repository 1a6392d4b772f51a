"""Requisition pages as a demanding reader sees them: money, forms, controls, layout."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.choices import Role
from requisitions.services import create_requisition
from tests.factories import requisition_fields

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_requisition_pages_write_money_one_way(client, hm):
    fields = requisition_fields(agency_fee=Decimal("12000"), equipment=Decimal("2500"))
    req = create_requisition(by=hm, hiring_manager=hm, **fields)
    client.force_login(hm)

    detail = _text(client.get(reverse("requisitions:detail", args=[req.pk])))
    assert "Base pay 90,000–105,000 CAD" in detail
    assert "Band 80,000–110,000 CAD" in detail
    # 90,000 × 1.30 + 14,500 one-time; 105,000 × 1.30 + 14,500
    assert "First-year cost per opening 131,500–151,000 CAD" in detail
    for label, amount in [
        ("Agency fee", "12,000"),
        ("Signing bonus", "0"),
        ("Relocation", "0"),
        ("Equipment", "2,500"),
    ]:
        assert f"{label} {amount} CAD" in detail
    assert "One-time (agency, signing, relocation, equipment)" not in detail

    listing = _text(client.get(reverse("requisitions:list")))
    assert "131,500–151,000 CAD" in listing


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


# --- What each reader may do on the page --------------------------------------------------------


def _forms_posting_to(body: str, req) -> list[str]:
    return [a for a in re.findall(r'<form[^>]*action="([^"]*)"', body) if f"/requisitions/{req.pk}/" in a]


def test_an_interviewer_sees_no_control_they_cannot_use(client, hm, interviewer):
    from portal.services.access import grant_object_permission
    from tests.factories import UserFactory

    other = UserFactory(username="other_recruiter", roles=[Role.RECRUITER])
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    grant_object_permission(perm="requisitions.view_requisition", user=interviewer, obj=req, by=hm, reason="panel")
    grant_object_permission(perm="requisitions.view_requisition", user=other, obj=req, by=hm, reason="cover")
    client.force_login(interviewer)

    response = client.get(reverse("requisitions:detail", args=[req.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert _forms_posting_to(body, req) == []
    assert "Share" not in body
    assert "Shared with" not in body
    assert f'href="{reverse("requisitions:edit", args=[req.pk])}"' not in body

    client.force_login(hm)  # the people who run it still have all of it
    body = client.get(reverse("requisitions:detail", args=[req.pk])).content.decode()
    assert "Shared with" in body and _forms_posting_to(body, req)


def test_loads_and_one_time_costs_left_empty_are_nothing(client, hm):
    from requisitions.models import Requisition

    client.force_login(hm)
    data = {"title": "Support Lead", "hiring_manager": hm.pk, "openings": 1, "employment_type": "full_time"}
    response = client.post(reverse("requisitions:create"), {**data, "currency": "CAD", "agency_fee": ""})

    req = Requisition.objects.get()
    assert response.status_code == 302
    assert (req.agency_fee, req.bonus_pct, req.equipment) == (0, 0, 0)
