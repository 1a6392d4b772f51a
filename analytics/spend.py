"""The spend section's pages that read offers as well as the ledger: cash needs and cost per hire
(analytics.metrics.cost computes them; vendors may not import analytics, so the pages are served here and
join the section through a tab, analytics.spend_spine).

As the vendors' spend pages: the user's scope (vendors.finance.spend_scope: finance and admins everything,
a hiring manager their requisitions), in one currency, exportable as CSV or XLSX (`?format=`). The currency
is the one parameter they read: anything else is refused (400), on the page as in the export.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from analytics.metrics.cost import SPEND_PAGES
from portal import clock
from portal.choices import Currency
from portal.filters import CurrencyFilter, refuse_unknown_parameters
from portal.views.exports import FORMAT, export_problems, export_response, refused
from vendors.finance import spend_scope
from vendors.permissions import can_see_spend


def figures(report: str, user, currency: str):
    _title, _dataset, build, _order = SPEND_PAGES[report]
    return build(spend_scope(user), currency, clock.today())


@require_GET
def spend_page(request, report: str):
    user = request.user
    if not can_see_spend(user):
        raise PermissionDenied
    title, dataset, _build, _order = SPEND_PAGES[report]
    filterset = CurrencyFilter(request.GET)
    if FORMAT in request.GET:
        problems = export_problems(request, filterset)
        if problems:
            return refused(problems)
        report_figures = figures(report, user, filterset.chosen_currency())
        return export_response(
            request,
            filterset=filterset,
            dataset=dataset,
            title=str(title),
            columns=report_figures.export_columns(),
            rows=report_figures.export_rows(),
        )
    refuse_unknown_parameters(filterset, request.GET)
    valid = filterset.is_valid()
    currency = filterset.chosen_currency() if valid else settings.PORTAL_CURRENCY
    context = {
        "report": report,
        "title": title,
        "figures": figures(report, user, currency) if valid else None,
        "filter": filterset,
        "currency": currency,
        "currencies": Currency.choices,
        "sees_all": spend_scope(user) is None,
        "today": clock.today(),
    }
    return render(request, "analytics/spend.html", context, status=200 if valid else 400)
