"""Plumbing: after `migrate` (and after a test database flush) make sure the requisition policy exists."""

from requisitions.policy import install_default_policy


def after_migrate(sender, app_config=None, **kwargs):
    if app_config is not None and app_config.label == "requisitions":
        install_default_policy()
