from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from candidates.models import Source
from candidates.services import apply, create_candidate
from portal.choices import Role
from portal.models import ApprovalRule
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests.factories import UserFactory, requisition_fields


@pytest.fixture
def head(db):
    """The department head: the offer policy's third step."""
    return UserFactory(username="head", first_name="Dana", last_name="Head", roles=[Role.HIRING_MANAGER])


@pytest.fixture
def open_requisition(hm, director, recruiter, head):
    """An open requisition (80,000–110,000 band, 90,000–105,000 base) run by `hm` and the persona recruiter."""
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
    req.department.head = head
    req.department.save()
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    req.refresh_from_db()
    return req


@pytest.fixture
def application(open_requisition, recruiter):
    candidate = create_candidate(by=recruiter, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    return apply(
        candidate=candidate, requisition=open_requisition, by=recruiter, source=Source.objects.get(code="referral")
    )


def terms(req, **overrides) -> dict:
    """Complete terms for an offer on `req`: 100,000 a year, within its band."""
    today = timezone.localdate()
    values = {
        "title": req.title,
        "level": req.level,
        "location": req.location,
        "employment_type": "full_time",
        "currency": "CAD",
        "pay_basis": "annual",
        "base_amount": Decimal("100000"),
        "hours_per_week": Decimal("40"),
        "bonus_kind": "percent",
        "bonus_value": Decimal("10"),
        "equity_note": "",
        "signing_bonus": Decimal("0"),
        "relocation": Decimal("0"),
        "start_date": today + timedelta(days=45),
        "expires_on": today + timedelta(days=7),
        "bill_rate": None,
        "duration_weeks": None,
    }
    values.update(overrides)
    return values
