"""The issue's own scenario: a net-new requisition over the finance threshold, approved from My work."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.choices import DecisionStatus, Role
from portal.models import Decision
from requisitions.choices import APPROVAL_KIND, Status
from requisitions.services import create_requisition, submit_requisition
from tests.factories import CompBandFactory, UserFactory, approval_steps, requisition_fields

pytestmark = pytest.mark.django_db


def test_net_new_over_the_threshold_goes_to_finance_and_is_approved_from_my_work(client, hm, director, finance):
    head = UserFactory(username="head", roles=[Role.HIRING_MANAGER])
    band = CompBandFactory(minimum=120_000, midpoint=135_000, maximum=150_000, effective_from=date(2020, 1, 1))
    fields = requisition_fields(band=band, base_min=Decimal("130000"), base_max=Decimal("140000"), is_backfill=False)
    fields["department"].head = head
    fields["department"].save()
    req = create_requisition(by=hm, hiring_manager=hm, **fields)
    submit_requisition(requisition=req, by=hm)
    req.refresh_from_db()
    assert req.status == Status.PENDING_APPROVAL

    steps = list(approval_steps(req).order_by("step", "id"))
    assert sorted((s.step, s.approver_display) for s in steps) == sorted(
        [(1, str(director)), (2, str(head)), (2, "Finance")]
    )
    finance_step = next(s for s in steps if s.approver_role == Role.FINANCE)
    # 140,000 base × (1 + 10 % bonus + 20 % benefits) = 182,000 per year.
    assert finance_step.reason == "first-year cost 182,000 > 150,000"
    assert req.comp_band == band

    # Step 1: the HM's manager approves from My work.
    client.force_login(director)
    row = client.get(reverse("portal:my_work")).context["object_list"][0]
    assert row.next_action_url == req.get_absolute_url()
    client.post(reverse("requisitions:approve", args=[req.pk]), {"note": "Go."})
    # Step 2 runs in parallel: the department head and finance.
    client.force_login(head)
    client.post(reverse("requisitions:approve", args=[req.pk]))
    client.force_login(finance)
    my_work = client.get(reverse("portal:my_work")).context["object_list"]
    assert [d.kind for d in my_work] == [APPROVAL_KIND]
    response = client.post(reverse("requisitions:approve", args=[req.pk]), {"note": "Within plan."})
    assert response.status_code == 302

    req.refresh_from_db()
    assert req.status == Status.APPROVED
    assert req.first_submitted_at <= req.submitted_at <= req.approved_at
    reasons = list(req.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))
    assert reasons == [
        "requisitions.requisition.created",
        "requisitions.requisition.submitted",
        "requisitions.requisition.step_approved",
        "requisitions.requisition.step_approved",
        "requisitions.requisition.step_approved",
        "requisitions.requisition.approved",
    ]
    assert not Decision.objects.filter(status=DecisionStatus.OPEN).exists()
    assert approval_steps(req).filter(decision__outcome="approved").count() == 3
