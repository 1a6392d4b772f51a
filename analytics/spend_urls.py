"""The spend section's analytics pages (included under the analytics namespace)."""

from django.urls import path

from analytics import spend

urlpatterns = [
    path("cash/", spend.spend_page, {"report": "cash"}, name="spend_cash"),
    path("hires/", spend.spend_page, {"report": "hires"}, name="spend_hires"),
]
