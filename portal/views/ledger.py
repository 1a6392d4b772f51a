"""The spend ledger for finance: forecast, committed and actual by month × cost center, and the
events behind every figure."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_filters.views import FilterView

from portal import clock
from portal.choices import Currency
from portal.filters import CostEventFilter, CurrencyFilter, refuse_unknown_parameters
from portal.money import rounded
from portal.permissions import can_view_ledger
from portal.selectors import cost_events, ledger_grid, ledger_months
from portal.views.lists import PartialListMixin


@require_GET
def ledger(request):
    """Twelve months back and forward; each cell links to the events it adds up. The currency is the one
    parameter it reads: anything else, or a currency it does not know, is refused (400)."""
    if not can_view_ledger(request.user):
        raise PermissionDenied
    filterset = CurrencyFilter(request.GET)
    refuse_unknown_parameters(filterset, request.GET)
    valid = filterset.is_valid()
    currency = filterset.chosen_currency() if valid else settings.PORTAL_CURRENCY
    today = clock.today()
    months = ledger_months(today)
    rows, totals = ledger_grid(currency=currency, months=months) if valid else ([], [])
    context = {
        "filter": filterset,
        "months": months,
        "rows": rows,
        "totals": totals,
        "currency": currency,
        "currencies": Currency.choices,
        "this_month": today.replace(day=1),
    }
    return render(request, "portal/ledger.html", context, status=200 if valid else 400)


class CostEventListView(PartialListMixin, FilterView):
    """The events behind a ledger figure, with their total."""

    template_name = "portal/cost_event_list.html"
    partial_template_name = "portal/_cost_event_table.html"
    filterset_class = CostEventFilter
    paginate_by = 50

    allowed = staticmethod(can_view_ledger)

    def get_queryset(self):
        return cost_events().order_by("month", "cost_center__code", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        total = self.object_list.aggregate(total=Sum("amount"))["total"]
        currencies = sorted(set(self.object_list.values_list("currency", flat=True).distinct()))
        context.update(total=rounded(total or 0), total_currency=currencies[0] if len(currencies) == 1 else "")
        return context
