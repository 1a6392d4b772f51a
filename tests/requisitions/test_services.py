from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.choices import DecisionStatus, Outcome, Role
from portal.models import AccessLog, ApprovalRule, Decision
from portal.services.approvals import ApprovalError
from requisitions.choices import APPROVAL_KIND, Action, Status
from requisitions.costs import first_year_cost
from requisitions.models import Requisition
from requisitions.services import (
    RequisitionError,
    SubmissionRefused,
    approve_requisition,
    create_requisition,
    move_requisition,
    reject_requisition,
    send_back_requisition,
    submit_requisition,
    update_requisition,
)
from tests.factories import CompBandFactory, HiringPlanFactory, UserFactory, approval_steps, requisition_fields

pytestmark = pytest.mark.django_db


def _submitted(hm, **overrides):
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(**overrides))
    return submit_requisition(requisition=req, by=hm)


def _problems(hm, **overrides):
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(**overrides))
    with pytest.raises(SubmissionRefused) as refused:
        submit_requisition(requisition=req, by=hm)
    req.refresh_from_db()
    assert req.status == Status.DRAFT
    assert approval_steps(req).count() == 0
    return refused.value.problems


# --- Cost -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, expected",
    [
        (
            {"base_min": "90000", "base_max": "100000", "bonus_pct": "10", "benefits_load_pct": "20"},
            ("117000.00", "130000.00"),
        ),
        (
            {"base_min": "90000", "base_max": "100000", "bonus_pct": "0", "benefits_load_pct": "0"},
            ("90000.00", "100000.00"),
        ),
        (
            {
                "base_min": "90000",
                "base_max": "100000",
                "agency_fee": "15000",
                "signing_bonus": "5000",
                "relocation": "0",
                "equipment": "2500",
            },
            ("112500.00", "122500.00"),
        ),
        (
            {"employment_type": "contract", "max_bill_rate": "120", "contract_hours": 1500, "equipment": "1000"},
            ("181000.00", "181000.00"),
        ),
        ({"employment_type": "contract", "max_bill_rate": None, "contract_hours": 1500}, (None, None)),
        ({"base_min": None, "base_max": "100000"}, (None, None)),
    ],
)
def test_first_year_cost(fields, expected):
    req = Requisition(
        **{k: (Decimal(v) if isinstance(v, str) and k not in ("employment_type",) else v) for k, v in fields.items()}
    )
    low, high = first_year_cost(req)
    assert (str(low) if low is not None else None, str(high) if high is not None else None) == expected


def test_a_draft_can_be_saved_incomplete(hm):
    req = create_requisition(by=hm, title="Something in support", hiring_manager=hm)

    assert (req.status, req.cost_max, req.comp_band) == (Status.DRAFT, None, None)
    assert req.history.get().history_change_reason == "requisitions.requisition.created"


def test_intake_derives_budget_owner_band_and_cost(hm):
    fields = requisition_fields()
    req = create_requisition(by=hm, hiring_manager=hm, **fields)

    assert req.budget_owner == fields["cost_center"].budget_owner
    assert req.comp_band is not None and req.comp_band.role_family == fields["role_family"]
    assert req.cost_max == Decimal("136500.00")  # 105,000 × 1.30


def test_intake_refuses_fields_it_does_not_own(hm):
    with pytest.raises(RequisitionError, match="cannot be set: status"):
        create_requisition(by=hm, title="x", hiring_manager=hm, status=Status.APPROVED)
    assert Requisition.objects.count() == 0


def test_an_interviewer_cannot_open_a_requisition(interviewer):
    with pytest.raises(RequisitionError, match="may not open"):
        create_requisition(by=interviewer, title="x", hiring_manager=interviewer)


# --- Submission checks ------------------------------------------------------------------------


def test_submission_lists_every_missing_field(hm):
    req = create_requisition(by=hm, title="Half done", hiring_manager=hm)

    with pytest.raises(SubmissionRefused) as refused:
        submit_requisition(requisition=req, by=hm)

    assert set(refused.value.problems) >= {
        "role_family", "level", "department", "cost_center", "location", "recruiter", "target_start_date",
        "hiring_plan", "base_min", "base_max", "business_case",
    }  # fmt: skip


def test_the_target_start_must_be_in_the_future(hm):
    problems = _problems(hm, target_start_date=timezone.localdate())
    assert problems["target_start_date"] == ["The target start date must be in the future."]


def test_a_net_new_role_needs_a_business_case_and_a_backfill_names_who_left(hm):
    assert "business_case" in _problems(hm, is_backfill=False, business_case="  ")
    assert _problems(hm, is_backfill=True, backfill_for="", business_case="")["backfill_for"]


def test_pay_above_the_band_needs_a_justification(hm):
    problems = _problems(hm, base_max=Decimal("120000"))  # band maximum 110,000
    assert problems["justification"] == ["Justify the cost: base maximum 120,000 above band maximum 110,000."]


def test_the_plan_must_belong_to_the_cost_center(hm):
    problems = _problems(hm, hiring_plan=HiringPlanFactory(period="2027-Q2"))
    assert "belongs to" in problems["hiring_plan"][0]


def test_the_plan_headcount_cannot_be_exceeded_by_pending_and_approved(hm):
    fields = requisition_fields()
    plan = fields["hiring_plan"]
    plan.approved_headcount = 3
    plan.save()
    _submitted(
        hm,
        cost_center=fields["cost_center"],
        hiring_plan=plan,
        band=CompBandFactory(effective_from=date(2020, 1, 1)),
        openings=2,
    )

    problems = _problems(hm, cost_center=fields["cost_center"], hiring_plan=plan, openings=2)

    assert problems["openings"] == [f"Plan {plan} has 1 of 3 headcount left; this asks for 2."]


def test_contract_roles_need_a_bill_rate_and_hours_not_a_salary(hm):
    problems = _problems(hm, employment_type="contract", base_min=None, base_max=None)
    assert set(problems) == {"max_bill_rate", "contract_hours"}


def test_a_deactivated_recruiter_cannot_be_submitted_with(hm):
    recruiter = UserFactory(username="gone", roles=[Role.RECRUITER], is_active=False)
    assert "deactivated" in _problems(hm, recruiter=recruiter)["recruiter"][0]


# --- The chain --------------------------------------------------------------------------------


def test_submission_stamps_the_time_and_raises_the_first_step(hm, director):
    req = _submitted(hm)

    assert (req.status, req.approval_round) == (Status.PENDING_APPROVAL, 1)
    assert req.submitted_at == req.first_submitted_at
    decision = Decision.objects.get(kind=APPROVAL_KIND)
    assert (decision.owner, decision.subject, decision.sequence) == (director, req, 1)
    assert decision.next_action_url == req.get_absolute_url()


def test_the_creator_cannot_approve_even_when_the_policy_names_them(hm, director):
    req = create_requisition(by=director, hiring_manager=hm, **requisition_fields())
    # hm's manager is director, who created it: the step goes to director's manager, or the admins.
    submit_requisition(requisition=req, by=director)

    step = approval_steps(req).get(step=1)
    assert (step.approver, step.approver_role) == (None, Role.ADMIN)
    assert "created it: routed to admins" in step.reason
    with pytest.raises(ApprovalError, match="created this requisition"):
        approve_requisition(requisition=req, by=director)


def test_someone_not_on_the_chain_cannot_approve(hm, finance):
    req = _submitted(hm)

    with pytest.raises(ApprovalError, match="waiting on you"):
        approve_requisition(requisition=req, by=finance)

    assert Decision.objects.get().status == DecisionStatus.OPEN


def test_sending_back_closes_the_round_and_resubmission_recomputes_the_chain(hm, director, finance):
    req = _submitted(hm)
    send_back_requisition(requisition=req, by=director, note="Split the one-time costs.")
    req.refresh_from_db()
    assert (req.status, req.status_note) == (Status.SENT_BACK, "Split the one-time costs.")

    update_requisition(requisition=req, by=hm, base_max=Decimal("108000"), base_min=Decimal("95000"))
    req.refresh_from_db()
    assert req.status == Status.DRAFT
    ApprovalRule.objects.filter(fact="first_year_cost").update(threshold=Decimal("100000"))
    submit_requisition(requisition=req, by=hm)

    req.refresh_from_db()
    assert req.approval_round == 2
    assert sorted(approval_steps(req).filter(chain__round=2).values_list("step", "approver_role")) == [
        (1, ""),
        (2, "finance"),
    ]
    assert approval_steps(req).filter(chain__round=1, decision__outcome=Outcome.SENT_BACK).count() == 1


def test_a_refusal_needs_a_comment(hm, director):
    req = _submitted(hm)
    for refuse in (reject_requisition, send_back_requisition):
        with pytest.raises(RequisitionError, match="comment is required"):
            refuse(requisition=req, by=director, note=" ")
    req.refresh_from_db()
    assert req.status == Status.PENDING_APPROVAL


def test_rejecting_closes_the_requisition_and_every_open_step(hm, director, finance):
    ApprovalRule.objects.filter(fact="first_year_cost").update(threshold=Decimal("1"), step=1)
    req = _submitted(hm)
    assert Decision.objects.open().count() == 2  # director and finance in parallel

    reject_requisition(requisition=req, by=finance, note="Not in this quarter.")

    req.refresh_from_db()
    assert (req.status, req.closed_at is not None) == (Status.REJECTED, True)
    assert sorted(Decision.objects.values_list("status", "outcome")) == [("cancelled", ""), ("done", "rejected")]


def test_approval_walks_the_steps_in_order(hm, director, finance):
    ApprovalRule.objects.filter(fact="first_year_cost").update(threshold=Decimal("1"))
    req = _submitted(hm)
    assert [d.owner_role or d.owner.username for d in Decision.objects.open()] == ["director"]

    approve_requisition(requisition=req, by=director)
    assert [d.owner_role for d in Decision.objects.open()] == ["finance"]
    req.refresh_from_db()
    assert req.status == Status.PENDING_APPROVAL

    approve_requisition(requisition=req, by=finance)
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_a_named_approver_sees_the_requisition_while_and_after_approving(hm, director):
    from requisitions.selectors import requisitions_for_user

    req = _submitted(hm)
    assert list(requisitions_for_user(director)) == [req]
    assert not director.has_perm("requisitions.change_requisition", req)

    approve_requisition(requisition=req, by=director)
    assert list(requisitions_for_user(director)) == [req]


# --- After approval ----------------------------------------------------------------------------


def _approved(hm, director):
    req = _submitted(hm)
    approve_requisition(requisition=req, by=director)
    req.refresh_from_db()
    assert req.status == Status.APPROVED
    return req


def test_open_hold_resume_fill_stamp_their_times(hm, director):
    req = _approved(hm, director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    move_requisition(requisition=req, action=Action.HOLD, by=hm, note="Budget review.")
    move_requisition(requisition=req, action=Action.RESUME, by=hm)
    move_requisition(requisition=req, action=Action.FILL, by=hm)

    req.refresh_from_db()
    assert req.status == Status.FILLED
    assert req.first_submitted_at <= req.approved_at <= req.opened_at <= req.filled_at
    moves = list(req.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert moves[-5:] == ["approved", "open", "on_hold", "open", "filled"]


def test_moves_outside_the_transition_table_are_refused(hm, director):
    req = _approved(hm, director)
    for action in (Action.FILL, Action.RESUME, Action.HOLD):
        with pytest.raises(RequisitionError, match="not possible"):
            move_requisition(requisition=req, action=action, by=hm, note="x")
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_cancelling_a_pending_requisition_closes_its_approvals(hm):
    req = _submitted(hm)

    move_requisition(requisition=req, action=Action.CANCEL, by=hm, note="Team reorganised.")

    req.refresh_from_db()
    assert (req.status, req.status_note) == (Status.CANCELLED, "Team reorganised.")
    assert list(Decision.objects.values_list("status", flat=True)) == [DecisionStatus.CANCELLED]


def test_only_the_people_who_run_it_move_it(hm, director, finance, recruiter):
    req = _approved(hm, director)
    with pytest.raises(RequisitionError):
        move_requisition(requisition=req, action=Action.OPEN, by=finance)
    move_requisition(requisition=req, action=Action.OPEN, by=req.recruiter)
    req.refresh_from_db()
    assert req.status == Status.OPEN


def test_changing_the_hiring_manager_moves_the_grants(hm, admin_user):
    req = create_requisition(by=admin_user, title="Swap", hiring_manager=hm)
    other = UserFactory(username="other_hm", roles=[Role.HIRING_MANAGER])

    update_requisition(requisition=req, by=admin_user, hiring_manager=other)

    fresh = type(hm).objects.get(pk=hm.pk)
    assert not fresh.has_perm("requisitions.view_requisition", req)
    assert other.has_perm("requisitions.change_requisition", req)
    assert AccessLog.objects.filter(user=hm, action="revoked").count() == 2


def test_an_approved_requisition_cannot_be_edited(hm, director):
    req = _approved(hm, director)
    with pytest.raises(RequisitionError, match="can be edited"):
        update_requisition(requisition=req, by=hm, title="Changed after approval")
    assert Requisition.objects.get(pk=req.pk).title == "Backend Developer"


def test_target_start_in_the_past_is_fine_once_approved(hm, director):
    req = _approved(hm, director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    Requisition.objects.filter(pk=req.pk).update(target_start_date=timezone.localdate() - timedelta(days=3))
    move_requisition(requisition=req, action=Action.FILL, by=hm)
    assert Requisition.objects.get(pk=req.pk).status == Status.FILLED


# --- Guards found in review ------------------------------------------------------------------------


def test_a_cost_in_another_currency_than_the_plan_and_band_is_refused(hm):
    problems = _problems(hm, currency="USD", base_max=Decimal("200000"))
    assert "The plan is in CAD" in " ".join(problems["currency"])
    assert "band for this role is in CAD" in " ".join(problems["currency"])


def _budget_owner_policy():
    ApprovalRule.objects.update(is_active=False)
    ApprovalRule.objects.create(
        policy="requisition", name="Budget owner", position=1, condition="always", approver="budget_owner", step=1
    )


def test_the_budget_owner_named_on_the_requisition_approves_the_budget_step(hm):
    _budget_owner_policy()
    named = UserFactory(username="named_owner", roles=[Role.FINANCE])
    req = create_requisition(by=hm, hiring_manager=hm, **{**requisition_fields(), "budget_owner": named})
    submit_requisition(requisition=req, by=hm)

    step = approval_steps(req).get()
    assert (step.approver, step.decision.owner) == (named, named)
    approve_requisition(requisition=req, by=named)
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_the_budget_owner_defaults_to_the_cost_centers_owner(hm):
    _budget_owner_policy()
    fields = requisition_fields()
    req = create_requisition(by=hm, hiring_manager=hm, **fields)
    submit_requisition(requisition=req, by=hm)

    assert req.budget_owner == fields["cost_center"].budget_owner
    assert approval_steps(req).get().approver == fields["cost_center"].budget_owner


def test_a_requester_naming_themselves_budget_owner_is_replaced_by_their_manager(hm, director):
    _budget_owner_policy()
    req = create_requisition(by=hm, hiring_manager=hm, **{**requisition_fields(), "budget_owner": hm})
    submit_requisition(requisition=req, by=hm)

    step = approval_steps(req).get()
    assert step.approver == director
    assert "created it: routed to their manager" in step.reason


def test_only_someone_who_may_own_a_budget_can_be_named_budget_owner(hm, recruiter, interviewer):
    for person in (recruiter, interviewer):
        req = create_requisition(by=hm, hiring_manager=hm, **{**requisition_fields(), "budget_owner": person})
        with pytest.raises(SubmissionRefused) as refused:
            submit_requisition(requisition=req, by=hm)
        assert "cannot own a budget" in refused.value.problems["budget_owner"][0]
        req.refresh_from_db()
        assert req.status == Status.DRAFT


def test_a_later_approver_deactivated_before_their_turn_is_replaced_by_the_admins(hm, director, finance):
    named = UserFactory(username="named", roles=[Role.FINANCE])
    ApprovalRule.objects.create(
        policy="requisition", name="Named", position=99, condition="always", approver="user", user=named, step=3
    )
    req = _submitted(hm)
    named.is_active = False
    named.save()

    approve_requisition(requisition=req, by=director)

    step = approval_steps(req).get(approver_role=Role.ADMIN)
    assert "was deactivated: routed to admins" in step.reason
    assert step.decision.owner_role == Role.ADMIN


def test_one_person_takes_one_of_the_parallel_approvals_of_a_step(hm):
    both = UserFactory(username="both", roles=[Role.HIRING_MANAGER, Role.FINANCE])
    ApprovalRule.objects.update(is_active=False)
    ApprovalRule.objects.create(
        policy="requisition", name="Named", position=1, condition="always", approver="user", user=both, step=1
    )
    ApprovalRule.objects.create(
        policy="requisition",
        name="Finance",
        position=2,
        condition="always",
        approver="role",
        approver_role="finance",
        step=1,
    )
    req = _submitted(hm)

    approve_requisition(requisition=req, by=both)
    with pytest.raises(ApprovalError, match="already took a decision in this round"):
        approve_requisition(requisition=req, by=both)

    assert Decision.objects.open().count() == 1


def test_the_cost_threshold_counts_every_opening(hm):
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(openings=3))
    submit_requisition(requisition=req, by=hm)

    finance_step = approval_steps(req).get(approver_role=Role.FINANCE)
    assert finance_step.reason == "first-year cost 3 × 136,500 = 409,500 > 150,000"


def test_the_approval_decision_carries_no_cost_figure(hm, finance):
    ApprovalRule.objects.filter(fact="first_year_cost").update(threshold=Decimal("1"), step=1)
    _submitted(hm)
    for decision in Decision.objects.all():
        assert "136,500" not in decision.title + decision.detail
