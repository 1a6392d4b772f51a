"""Plumbing: a hire's pre-boarding case opens inside the transaction of the event that made the hire (an
accepted offer, a contractor's start on an opening)."""


def on_offer_accepted(sender, offer, version, by, **kwargs):
    from onboarding.services import open_case_for_offer

    open_case_for_offer(offer=offer, version=version, by=by)


def on_engagement_started(sender, engagement, by, **kwargs):
    from onboarding.services import open_case_for_engagement

    open_case_for_engagement(engagement=engagement, by=by)


def after_migrate(sender, app_config=None, using="default", **kwargs):
    """After `migrate` (and a test database flush) a new installation has its default checklists."""
    from django.db import connections

    from onboarding.defaults import install_default_templates
    from portal.receivers import fully_migrated

    if app_config is None or app_config.label != "onboarding":
        return
    tables = set(connections[using].introspection.table_names())
    if "onboarding_checklisttemplate" in tables and fully_migrated("onboarding", using):
        install_default_templates()
