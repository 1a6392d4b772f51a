"""Plumbing run after every `migrate`: role groups and the history tamper guard.

Both are idempotent. They live here rather than only in migrations because later apps add
permissions and history tables, and each `migrate` must cover those too.
"""

import time

from django.apps import apps

from portal import audit
from portal.roles import apply_roles


def after_migrate(sender, app_config=None, using="default", **kwargs):
    # post_migrate is sent once per installed app that has models, in order (also after a test
    # flush); on the last of them every app's tables and permissions exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is None or app_config is not with_models[-1]:
        return
    apply_roles(using=using)
    audit.install_history_guard(using=using)


def start_session_clock(sender, request, user, **kwargs):
    """Start the idle and absolute session clocks at sign-in (Django has already rotated the session key)."""
    from portal.middleware import LAST_SEEN, SIGNED_IN_AT

    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


def fully_migrated(app_label: str, using: str = "default") -> bool:
    """Are all of the app's migrations applied? After migrating backwards its tables lack columns its
    models have: a receiver writing through those models must then do nothing."""
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return set(loader.graph.leaf_nodes(app_label)) <= set(loader.applied_migrations)
