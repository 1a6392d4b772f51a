"""A module that exists only in the test suite: purchase requests approved through the core's chains.

It proves that a subject the core has never heard of gets approval chains, decision kinds and the
one rule for who may act, by registering them from its own code (nothing in portal/ names it).
"""

from django.apps import AppConfig


class ChainAppConfig(AppConfig):
    name = "tests.chainapp"
    label = "chainapp"

    def ready(self):
        from portal import registry
        from portal.services.approvals import approval_kind
        from tests.chainapp.policy import PURCHASE_POLICY

        registry.register_policy(PURCHASE_POLICY)
        registry.register_kind(approval_kind(PURCHASE_POLICY, label="Purchase approval"))
