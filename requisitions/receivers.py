"""Plumbing: after `migrate` (and after a test database flush) make sure the requisition policy exists,
and that every approved requisition's forecast stands in the ledger (those approved before it existed)."""

from requisitions.policy import install_default_policy


def after_migrate(sender, app_config=None, using="default", **kwargs):
    from django.db import connections

    from portal.receivers import fully_migrated
    from requisitions.services import record_missing_forecasts

    if app_config is None or app_config.label != "requisitions":
        return
    # After migrating backwards the tables may be gone: then there is nothing to install.
    tables = set(connections[using].introspection.table_names())
    if {"portal_approvalrule", "portal_costevent", "requisitions_requisition"} <= tables and fully_migrated(
        "requisitions", using
    ):
        install_default_policy()
        record_missing_forecasts()
