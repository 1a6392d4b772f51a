"""Plumbing: after `migrate` (and after a test database flush) make sure the requisition policy exists,
and that every approved requisition's forecast stands in the ledger (those approved before it existed)."""

from requisitions.policy import install_default_policy


def after_migrate(sender, app_config=None, **kwargs):
    from requisitions.services import record_missing_forecasts

    if app_config is not None and app_config.label == "requisitions":
        install_default_policy()
        record_missing_forecasts()
