"""A list's filters in the browser: a change swaps the table (and the export buttons carry the filters);
a value the list refuses (a stale choice) answers 400, and the table still changes to say so, with the
reason above the filters and no alert."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.choices import Role
from tests.conftest import requires_chromium
from tests.e2e.helpers import sign_in
from tests.factories import UserFactory
from tests.vendors.conftest import approved_vendor
from vendors.models import Invoice

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def test_a_refused_filter_swaps_the_table_to_say_why(live_server, page):
    finance = UserFactory(username="finance", roles=[Role.FINANCE])
    vendor = approved_vendor(finance, name="Northbridge Talent")
    today = clock.today()
    for number, status in (("NB-1", "flagged"), ("NB-2", "paid")):
        Invoice.objects.create(
            vendor=vendor,
            number=number,
            currency="CAD",
            period_start=today - timedelta(days=14),
            period_end=today - timedelta(days=1),
            received_on=today,
            amount=Decimal("1000.00"),
            status=status,
            approved_by=finance if status == "paid" else None,
            approved_at=clock.now() if status == "paid" else None,
            paid_on=today if status == "paid" else None,
            created_by=finance,
            created_at=clock.now(),
        )
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/vendors/invoices/")
    table = page.locator("#invoice-table")
    expect(table).to_contain_text("NB-1")
    expect(table).to_contain_text("NB-2")

    page.get_by_label("Status").select_option("flagged")
    expect(table).not_to_contain_text("NB-2")
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href",
        "/vendors/invoices/export/?q=&status=flagged&vendor=&requisition=&currency=&received_min=&received_max=&period_min=&period_max=&sort=&format=csv",
    )

    # A choice that is gone by the time it is picked (a stale page): refused, and the table says so.
    page.evaluate(
        "() => { const o = document.createElement('option'); o.value = '999999'; o.text = 'Gone';"
        " document.querySelector('#id_vendor').appendChild(o); }"
    )
    page.get_by_label("Vendor").select_option("999999")
    expect(table).to_contain_text("No invoices match these filters.")
    expect(page.locator("#filter-errors")).to_contain_text("Vendor: Select a valid choice.")
    expect(page.get_by_role("navigation").first).to_be_visible()  # still the whole page around the table
    assert alerts == []
