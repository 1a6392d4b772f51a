"""Plumbing: after `migrate` (and after a test database flush) make sure the offer policy and a default
letter template exist."""


def after_migrate(sender, app_config=None, using="default", **kwargs):
    from django.db import connections

    from offers.letters import DEFAULT_LETTER
    from offers.models import OfferLetterTemplate
    from offers.policy import install_default_policy
    from portal.receivers import fully_migrated
    from portal.services.records import save_with_history

    if app_config is None or app_config.label != "offers":
        return
    tables = set(connections[using].introspection.table_names())
    if {"portal_approvalrule", "offers_offerlettertemplate"} <= tables and fully_migrated("offers", using):
        install_default_policy()
        if not OfferLetterTemplate.history.exists():
            template = OfferLetterTemplate(name="Standard offer letter", body=DEFAULT_LETTER, is_default=True)
            save_with_history(template, by=None, reason="offers.letter.default")
