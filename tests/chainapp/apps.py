"""A module that exists only in the test suite: purchase requests approved through the core's chains.

It proves that a subject the core has never heard of gets approval chains, decision kinds and the
one rule for who may act, and that a role the core has never heard of (Procurement) gets its group, its
permissions, decisions and approval steps, by registering them from its own code, its spine.py
(nothing in portal/ names it).
"""

from django.apps import AppConfig


class ChainAppConfig(AppConfig):
    name = "tests.chainapp"
    label = "chainapp"

    def ready(self):
        from tests.chainapp import spine

        spine.register()
