"""The spend section's tabs analytics serves (cash needs, cost per hire), registered beside the ledger's
and the vendors' own. Called from AnalyticsConfig.ready()."""

from portal import registry

URL_NAMES = {"cash": "analytics:spend_cash", "hires": "analytics:spend_hires"}


def register() -> None:
    from analytics.metrics.cost import SPEND_PAGES
    from vendors.permissions import can_see_spend

    for key, (label, _dataset, _build, order) in SPEND_PAGES.items():
        registry.register_tab(registry.SectionTab("spend", key, label, URL_NAMES[key], order, can_see_spend))
