"""Plumbing: after `migrate` (and after a test database flush) make sure the pipeline has its vocabulary."""


def after_migrate(sender, app_config=None, using="default", **kwargs):
    from django.db import connections

    from candidates.vocabulary import install_default_vocabulary

    if app_config is None or app_config.label != "candidates":
        return
    if "candidates_stage" in connections[using].introspection.table_names():  # gone after a backwards migrate
        install_default_vocabulary()
