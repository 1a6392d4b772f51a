"""What the test-only purchases module contributes to the core, as every module does from its spine.py: a
role of its own (Procurement, which the core has never heard of), its permissions, the purchase approval policy
and its decision kind."""

from portal import registry
from portal.services.approvals import approval_kind
from tests.chainapp.policy import PROCUREMENT, PURCHASE_POLICY

ROLE_PERMISSIONS = {PROCUREMENT: {"chainapp.purchase": ("view",)}}


def register() -> None:
    registry.register_role(
        registry.RoleSpec(PROCUREMENT, "Procurement", "Buys what the business needs; approves urgent purchases.")
    )
    registry.register_role_permissions("chainapp", ROLE_PERMISSIONS)
    registry.register_policy(PURCHASE_POLICY)
    registry.register_kind(approval_kind(PURCHASE_POLICY, label="Purchase approval"))
