# Requisition approvals move onto the core's generic chains: every rule (with its history) becomes a
# portal.ApprovalRule of the "requisition" policy, and every round of steps becomes an ApprovalChain
# with its ApprovalSteps, pointing at the same decisions. Nothing is lost going forward. The reverse
# copies rules, history and steps back; what the old tables cannot hold (who submitted each round, a
# step's authority) is dropped, and rules the old form cannot express stop it with a clear error.

from django.core.management.color import no_style
from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError

POLICY = "requisition"

# old condition -> (condition, fact)
CONDITIONS = {
    "always": ("always", ""),
    "net_new": ("flag", "net_new"),
    "employment_type": ("one_of", "employment_type"),
    "cost_over": ("over", "first_year_cost"),
    "bill_rate_over": ("over", "bill_rate"),
    "above_band": ("flag", "above_band"),
    "plan_budget_exceeded": ("flag", "plan_budget_exceeded"),
}
OLD_CONDITIONS = {new: old for old, new in CONDITIONS.items()}
# old approver -> (approver, approver role)
APPROVERS = {
    "hm_manager": ("hm_manager", ""),
    "department_head": ("department_head", ""),
    "budget_owner": ("budget_owner", ""),
    "finance": ("role", "finance"),
    "hr": ("role", "hr"),
    "user": ("user", ""),
}
OLD_APPROVERS = {new: old for old, new in APPROVERS.items()}
COMMON = ["name", "position", "is_active", "threshold", "user_id", "step", "sla_business_days"]
HISTORY = ["history_id", "history_date", "history_change_reason", "history_type", "history_user_id"]


def _new_rule_fields(old) -> dict:
    condition, fact = CONDITIONS[old.condition]
    approver, role = APPROVERS[old.approver]
    fields = {name: getattr(old, name) for name in COMMON}
    fields.update(
        policy=POLICY,
        condition=condition,
        fact=fact,
        values=old.employment_types,
        approver=approver,
        approver_role=role,
    )
    return fields


def _old_rule_fields(new) -> dict:
    fields = {name: getattr(new, name) for name in COMMON}
    fields.update(
        condition=OLD_CONDITIONS[(new.condition, new.fact)],
        employment_types=new.values,
        approver=OLD_APPROVERS[(new.approver, new.approver_role)],
    )
    return fields


def _reset_sequences(schema_editor, *models):
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), models)
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _submissions(apps, requisition_id) -> list:
    """The requisition's submissions in order (round n is the n-th): who and when."""
    HistoricalRequisition = apps.get_model("requisitions", "HistoricalRequisition")
    return list(
        HistoricalRequisition.objects.filter(
            id=requisition_id, history_change_reason="requisitions.requisition.submitted"
        ).order_by("history_date", "history_id")
    )


def _chain_status(requisition, round_number, steps) -> str:
    if requisition.status == "pending_approval" and round_number == requisition.approval_round:
        return "open"
    outcomes = {step.decision.outcome for step in steps if step.decision_id}
    if "rejected" in outcomes:
        return "rejected"
    if "sent_back" in outcomes:
        return "sent_back"
    if all(step.decision_id and step.decision.outcome == "approved" for step in steps):
        return "approved"
    return "cancelled"


def forward(apps, schema_editor):
    OldRule = apps.get_model("requisitions", "ApprovalRule")
    OldHistory = apps.get_model("requisitions", "HistoricalApprovalRule")
    OldStep = apps.get_model("requisitions", "ApprovalStep")
    Requisition = apps.get_model("requisitions", "Requisition")
    Rule = apps.get_model("portal", "ApprovalRule")
    History = apps.get_model("portal", "HistoricalApprovalRule")
    Chain = apps.get_model("portal", "ApprovalChain")
    Step = apps.get_model("portal", "ApprovalStep")
    ContentType = apps.get_model("contenttypes", "ContentType")

    Rule.objects.bulk_create([Rule(id=old.id, **_new_rule_fields(old)) for old in OldRule.objects.all()])
    History.objects.bulk_create(
        [
            History(id=old.id, **{name: getattr(old, name) for name in HISTORY}, **_new_rule_fields(old))
            for old in OldHistory.objects.all()
        ]
    )
    _reset_sequences(schema_editor, Rule, History)

    requisition_type, _ = ContentType.objects.get_or_create(app_label="requisitions", model="requisition")
    rounds: dict[tuple, list] = {}
    for step in OldStep.objects.select_related("decision").order_by("requisition_id", "round", "step", "id"):
        rounds.setdefault((step.requisition_id, step.round), []).append(step)
    requisitions = Requisition.objects.in_bulk({req_id for req_id, _ in rounds})
    for (requisition_id, round_number), steps in rounds.items():
        requisition = requisitions[requisition_id]
        submissions = _submissions(apps, requisition_id)
        submission = submissions[round_number - 1] if len(submissions) >= round_number else None
        decided = [step.decision.decided_at for step in steps if step.decision_id and step.decision.decided_at]
        status = _chain_status(requisition, round_number, steps)
        chain = Chain.objects.create(
            policy=POLICY,
            subject_type=requisition_type,
            subject_id=requisition_id,
            round=round_number,
            status=status,
            submitted_by_id=submission.history_user_id if submission else requisition.created_by_id,
            submitted_at=submission.history_date if submission else (requisition.submitted_at or requisition.created_at),
            closed_at=None if status == "open" else (max(decided) if decided else requisition.submitted_at),
        )
        Step.objects.bulk_create(
            [
                Step(
                    chain=chain,
                    step=step.step,
                    approver_id=step.approver_id,
                    approver_role=step.approver_role,
                    authority=step.approver_role if step.approver_role in ("finance", "hr") else "",
                    reason=step.reason,
                    sla_business_days=step.sla_business_days,
                    decision_id=step.decision_id,
                )
                for step in steps
            ]
        )


def backward(apps, schema_editor):
    Rule = apps.get_model("portal", "ApprovalRule")
    foreign = [
        rule.name
        for rule in Rule.objects.filter(policy=POLICY)
        if (rule.condition, rule.fact) not in OLD_CONDITIONS or (rule.approver, rule.approver_role) not in OLD_APPROVERS
    ]
    if foreign:
        # The old rules knew only finance and HR as approving roles, and fewer conditions.
        raise IrreversibleError(
            "These requisition rules cannot be written in the old form; change or remove them first: "
            + "; ".join(foreign)
        )
    OldRule = apps.get_model("requisitions", "ApprovalRule")
    OldHistory = apps.get_model("requisitions", "HistoricalApprovalRule")
    OldStep = apps.get_model("requisitions", "ApprovalStep")
    History = apps.get_model("portal", "HistoricalApprovalRule")
    Chain = apps.get_model("portal", "ApprovalChain")
    Step = apps.get_model("portal", "ApprovalStep")

    OldRule.objects.bulk_create([OldRule(id=r.id, **_old_rule_fields(r)) for r in Rule.objects.filter(policy=POLICY)])
    OldHistory.objects.bulk_create(
        [
            OldHistory(id=h.id, **{name: getattr(h, name) for name in HISTORY}, **_old_rule_fields(h))
            for h in History.objects.filter(policy=POLICY)
        ]
    )
    _reset_sequences(schema_editor, OldRule, OldHistory)
    chains = Chain.objects.filter(policy=POLICY, subject_type__app_label="requisitions")
    OldStep.objects.bulk_create(
        [
            OldStep(
                requisition_id=step.chain.subject_id,
                round=step.chain.round,
                step=step.step,
                approver_id=step.approver_id,
                approver_role=step.approver_role,
                reason=step.reason,
                sla_business_days=step.sla_business_days,
                decision_id=step.decision_id,
            )
            for step in Step.objects.filter(chain__in=chains).select_related("chain").order_by("chain", "step", "id")
        ]
    )
    Step.objects.filter(chain__in=chains).delete()
    chains.delete()
    # History rows are never deleted in normal operation; only this reverse migration moves them back.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SET LOCAL portal.allow_history_purge = 'on'")
    History.objects.filter(policy=POLICY).delete()
    Rule.objects.filter(policy=POLICY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("requisitions", "0006_requisition_limits"),
        ("portal", "0005_approval_chains_and_ledger"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
