from portal.choices import Role
from portal.policy import ApprovalPolicy, Fact, FactKind, FactSpec

# The module's own role (registered in spine.py): Procurement approves the purchases it is asked to.
PROCUREMENT = "procurement"

PURCHASE_POLICY = ApprovalPolicy(
    key="purchase",
    label="Purchase approval",
    subject_label="purchase",
    decision_kind="purchase_approval",
    facts=(
        FactSpec("amount", "amount", FactKind.AMOUNT),
        FactSpec("urgent", "urgent purchase", FactKind.FLAG),
    ),
    people={"requester_manager": "Requester's manager"},
    approver_roles=frozenset({Role.HIRING_MANAGER, Role.FINANCE, PROCUREMENT}),
    read_facts=lambda purchase: {"amount": Fact(purchase.amount), "urgent": Fact(purchase.urgent)},
    read_people=lambda purchase: {"requester_manager": purchase.created_by.manager},
    creators=lambda purchase: {purchase.created_by_id},
    title=lambda purchase: f"Approve the purchase of {purchase.title}",
    fallback="requester_manager",
)
