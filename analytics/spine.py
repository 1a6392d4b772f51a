"""What the dashboards contribute to the core: the navigation entry and the metrics they are made of.
Called from AnalyticsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from portal import registry


def sees_dashboards(user) -> bool:
    from analytics.tiles import boards_for

    return bool(user.is_authenticated and boards_for(user))


def register() -> None:
    import analytics.boards  # noqa: F401 - registers the boards
    import analytics.metrics.capacity  # noqa: F401 - each metrics module registers its tiles and tables
    import analytics.metrics.conversion  # noqa: F401
    import analytics.metrics.cost  # noqa: F401
    import analytics.metrics.ops  # noqa: F401
    import analytics.metrics.quality  # noqa: F401
    import analytics.metrics.trends  # noqa: F401
    import analytics.metrics.velocity  # noqa: F401
    from analytics import spend_spine

    spend_spine.register()

    registry.register_workflow_owned("analytics.DailySnapshot")  # written by the snapshot job alone
    registry.register_nav(
        registry.NavEntry("dashboards", _("Dashboards"), "analytics:home", order=5, visible=sees_dashboards)
    )
