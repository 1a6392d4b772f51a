"""The requisition export log moves into portal.ExportLog, and back again when the migration is reversed."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("requisitions", "0002_money_caps"), ("portal", "0004_exportlog")]
AFTER = [("requisitions", "0004_delete_requisitionexport")]
AT = [datetime(2026, 3, 4, 15, 30, tzinfo=UTC), datetime(2026, 5, 6, 9, 0, tzinfo=UTC)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_exports_move_to_the_export_log_and_back():
    try:
        apps = _migrate(BEFORE)
        user = apps.get_model("portal", "User").objects.create(username="exporter")
        RequisitionExport = apps.get_model("requisitions", "RequisitionExport")
        for at, filters, rows in [(AT[0], "status=open", 3), (AT[1], "", 0)]:
            row = RequisitionExport.objects.create(user=user, filters=filters, rows=rows)
            RequisitionExport.objects.filter(pk=row.pk).update(at=at)  # `at` is auto_now_add

        apps = _migrate(AFTER)
        ExportLog = apps.get_model("portal", "ExportLog")
        assert list(
            ExportLog.objects.order_by("at").values_list("user", "at", "dataset", "format", "filters", "rows")
        ) == [
            (user.pk, AT[0], "requisitions", "csv", "status=open", 3),
            (user.pk, AT[1], "requisitions", "csv", "", 0),
        ]
        ExportLog.objects.create(user_id=user.pk, dataset="other", format="xlsx", rows=1)

        apps = _migrate(BEFORE)
        RequisitionExport = apps.get_model("requisitions", "RequisitionExport")
        assert list(RequisitionExport.objects.order_by("at").values_list("user", "at", "filters", "rows")) == [
            (user.pk, AT[0], "status=open", 3),
            (user.pk, AT[1], "", 0),
        ]
        # Moved back, not copied: migrating forward again does not double the log.
        assert list(apps.get_model("portal", "ExportLog").objects.values_list("dataset", flat=True)) == ["other"]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


CHAINS_BEFORE = [("requisitions", "0006_requisition_limits"), ("portal", "0005_approval_chains_and_ledger")]
CHAINS_AFTER = [("requisitions", "0008_delete_legacy_approvals")]


def _legacy_world(apps):
    """A requisition sent back in round 1 and pending in round 2, under one rule edited once."""
    User = apps.get_model("portal", "User")
    Requisition = apps.get_model("requisitions", "Requisition")
    HistoricalRequisition = apps.get_model("requisitions", "HistoricalRequisition")
    Decision = apps.get_model("portal", "Decision")
    Rule = apps.get_model("requisitions", "ApprovalRule")
    RuleHistory = apps.get_model("requisitions", "HistoricalApprovalRule")
    Step = apps.get_model("requisitions", "ApprovalStep")
    hm = User.objects.create(username="hm")
    boss = User.objects.create(username="boss")
    rule = Rule.objects.create(
        name="Finance over 150k", position=30, condition="cost_over", threshold=150000, approver="finance", step=2
    )
    for n, when in enumerate(AT):
        RuleHistory.objects.create(
            id=rule.id,
            name=rule.name,
            position=30,
            is_active=True,
            condition="cost_over",
            threshold=150000 + n,
            employment_types="",
            approver="finance",
            step=2,
            sla_business_days=2,
            history_date=when,
            history_type="+" if n == 0 else "~",
            history_change_reason="requisitions.approvalrule.saved",
            history_user_id=boss.pk,
        )
    req = Requisition.objects.create(
        title="Backend Developer",
        hiring_manager=hm,
        created_by=hm,
        created_at=AT[0],
        status="pending_approval",
        approval_round=2,
        submitted_at=AT[1],
    )
    for when in AT:
        HistoricalRequisition.objects.create(
            id=req.id,
            title=req.title,
            hiring_manager_id=hm.pk,
            created_by_id=hm.pk,
            created_at=AT[0],
            status="pending_approval",
            employment_type="full_time",
            openings=1,
            approval_round=1,
            history_date=when,
            history_type="~",
            history_change_reason="requisitions.requisition.submitted",
            history_user_id=hm.pk,
        )

    def decision(title, **fields):
        return Decision.objects.create(
            kind="requisition_approval", title=title, due_at=AT[1], created_at=AT[0], **fields
        )

    sent_back = decision(
        "R1", owner=boss, status="done", outcome="sent_back", decided_by=boss, decided_at=AT[0], note="Split costs."
    )
    waiting = decision("R2", owner_role="finance", status="open")
    Step.objects.create(requisition=req, round=1, step=1, approver=boss, reason="always", decision=sent_back)
    Step.objects.create(
        requisition=req, round=2, step=2, approver_role="finance", reason="cost > 150,000", decision=waiting
    )
    return req, rule, sent_back, waiting


@pytest.mark.django_db(transaction=True)
def test_requisition_chains_move_onto_the_generic_chain_and_back():
    from portal.models import ApprovalRule
    from tests.commit import purge_history

    # Before requisitions moved onto the generic chain there were no other policies: their rules (the
    # offers' defaults, installed with the test database) and their history would hold the ids the
    # legacy rules move into.
    ApprovalRule.objects.exclude(policy="requisition").delete()
    purge_history(ApprovalRule.history.exclude(policy="requisition"))
    try:
        apps = _migrate(CHAINS_BEFORE)
        req, rule, sent_back, waiting = _legacy_world(apps)

        apps = _migrate(CHAINS_AFTER)
        Rule = apps.get_model("portal", "ApprovalRule")
        moved = Rule.objects.get(pk=rule.pk)
        assert (moved.policy, moved.condition, moved.fact, moved.threshold) == (
            "requisition",
            "over",
            "first_year_cost",
            150000,
        )
        assert (moved.approver, moved.approver_role) == ("role", "finance")
        history = apps.get_model("portal", "HistoricalApprovalRule").objects.filter(id=rule.pk).order_by("history_date")
        boss = apps.get_model("portal", "User").objects.get(username="boss")
        assert [(h.history_date, h.threshold, h.history_user_id) for h in history] == [
            (AT[0], 150000, boss.pk),
            (AT[1], 150001, boss.pk),
        ]
        Chain = apps.get_model("portal", "ApprovalChain")
        chains = Chain.objects.filter(subject_id=req.pk).order_by("round")
        assert [(c.round, c.status, c.submitted_at) for c in chains] == [(1, "sent_back", AT[0]), (2, "open", AT[1])]
        Step = apps.get_model("portal", "ApprovalStep")
        steps = Step.objects.filter(chain__subject_id=req.pk).order_by("chain__round")
        assert [(s.chain.round, s.step, s.decision_id, s.authority, s.reason) for s in steps] == [
            (1, 1, sent_back.pk, "", "always"),
            (2, 2, waiting.pk, "finance", "cost > 150,000"),
        ]
        assert apps.get_model("portal", "Decision").objects.count() == 2

        # A rule the old tables cannot express stops the way back, with its name, until it is changed.
        admins = Rule.objects.create(
            policy="requisition",
            name="Admins sign off",
            position=99,
            condition="always",
            approver="role",
            approver_role="admin",
        )
        with pytest.raises(IrreversibleError, match="Admins sign off"):
            _migrate(CHAINS_BEFORE)
        admins.delete()

        apps = _migrate(CHAINS_BEFORE)
        OldStep = apps.get_model("requisitions", "ApprovalStep")
        assert sorted(OldStep.objects.values_list("round", "step", "decision_id")) == [
            (1, 1, sent_back.pk),
            (2, 2, waiting.pk),
        ]
        old = apps.get_model("requisitions", "ApprovalRule").objects.get(pk=rule.pk)
        assert (old.condition, old.approver, old.threshold) == ("cost_over", "finance", 150000)
        assert apps.get_model("requisitions", "HistoricalApprovalRule").objects.filter(id=rule.pk).count() == 2
        assert not apps.get_model("portal", "ApprovalChain").objects.exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
