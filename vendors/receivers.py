"""Plumbing: an accepted offer through an agency records the placement and forecasts its fee; after
`migrate` (and a test database flush) the rate policy's default rules and the required clauses exist."""

DEFAULT_CLAUSES = [
    (10, "Rates and markup", "The rate card and markup are stated and fixed for the term."),
    (20, "Timesheet approval", "Only timesheets approved by the hiring manager are billed."),
    (30, "Confidentiality and IP", "Work product belongs to the company; confidentiality survives the term."),
    (40, "Insurance", "General and professional liability cover, with certificates on file."),
    (50, "Placement guarantee", "A placed hire who leaves in the guarantee period is replaced or refunded."),
]


def on_offer_accepted(sender, offer, version, by, **kwargs):
    from vendors.services import record_placement

    record_placement(offer=offer, version=version, by=by)


def after_migrate(sender, app_config=None, using="default", **kwargs):
    from django.db import connections

    from portal.receivers import fully_migrated
    from portal.services.records import save_with_history
    from vendors.models import RequiredClause
    from vendors.policy import install_default_policy

    if app_config is None or app_config.label != "vendors":
        return
    tables = set(connections[using].introspection.table_names())
    if {"portal_approvalrule", "vendors_requiredclause"} <= tables and fully_migrated("vendors", using):
        install_default_policy()
        if not RequiredClause.history.exists():
            for position, name, description in DEFAULT_CLAUSES:
                clause = RequiredClause(name=name, description=description, position=position)
                save_with_history(clause, by=None, reason="vendors.requiredclause.default")
