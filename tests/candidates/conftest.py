import pytest

from portal.models import ApprovalRule
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests.factories import requisition_fields


@pytest.fixture
def open_requisition(hm, director, recruiter):
    """An approved requisition open for sourcing (approved by the hiring manager's manager alone), run by
    the persona hiring manager and recruiter."""
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    req.refresh_from_db()
    return req
