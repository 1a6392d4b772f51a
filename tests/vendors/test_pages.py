"""Vendor pages as their users work them: the Done-when through the browser's requests, what each page
shows, and query counts that do not grow with the data."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.choices import CostKind
from portal.models import CostEvent
from tests.factories import UserFactory
from tests.vendors.conftest import approved_vendor, contract_requisition, monday, plan_engagement, rate_card_for
from vendors.choices import EngagementStatus, InvoiceStatus, RateApproval, TimesheetStatus
from vendors.models import Engagement, Invoice, RateCard
from vendors.services import (
    InvoiceInput,
    LineInput,
    create_invoice,
)

pytestmark = pytest.mark.django_db


def _post(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data or {})


def test_the_done_when_through_the_pages(
    client, open_requisition, supplier, card, worker, recruiter, hm, finance, admin_user, application
):
    from candidates.services import apply

    apply(candidate=worker, requisition=open_requisition, by=recruiter)
    today = timezone.localdate()
    start = monday(today) - timedelta(weeks=3)
    client.force_login(recruiter)
    page = client.get(reverse("vendors:engagement_create", args=[open_requisition.pk]))
    assert page.status_code == 200 and "Northbridge Talent" in page.content.decode()
    create = reverse("vendors:engagement_create", args=[open_requisition.pk])
    plan = {
        "worker": worker.pk,
        "rate_card": card.pk,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=120)).isoformat(),
        "hours_per_week": "40",
        "bill_rate": "115",
    }
    response = client.post(create, {**plan, "rate_reason": ""})
    assert response.status_code == 400 and "say why" in response.content.decode()
    assert not Engagement.objects.exists()
    response = client.post(create, {**plan, "rate_reason": "Niche payments skills.", "po_reference": "PO-42"})
    engagement = Engagement.objects.get()
    assert response.status_code == 302 and response["Location"] == engagement.get_absolute_url()
    detail = client.get(engagement.get_absolute_url()).content.decode()
    assert "Rate in approval" in detail and "Niche payments skills." in detail and "15%" in detail

    client.force_login(hm)
    assert "Approve the rate" in client.get(engagement.get_absolute_url()).content.decode()
    _post(client, hm, reverse("vendors:engagement_act", args=[engagement.pk, "approve"]), {"note": ""})
    _post(client, finance, reverse("vendors:engagement_act", args=[engagement.pk, "approve"]), {"note": "OK"})
    assert engagement.terms.get().rate_approval == RateApproval.APPROVED
    _post(client, recruiter, reverse("vendors:engagement_act", args=[engagement.pk, "start"]))
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.ACTIVE

    for week in (start, start + timedelta(weeks=1)):
        _post(
            client,
            recruiter,
            reverse("vendors:timesheet_create", args=[engagement.pk]),
            {"week_start": week.isoformat(), "hours": "40", "overtime_hours": "0"},
        )
    client.force_login(hm)
    work = client.get(reverse("portal:my_work")).content.decode()
    assert "Timesheets to approve" in work and engagement.reference in work
    for sheet in engagement.timesheets.all():
        _post(client, hm, reverse("vendors:timesheet_act", args=[sheet.pk, "approve"]))
    assert set(engagement.timesheets.values_list("status", flat=True)) == {TimesheetStatus.APPROVED}

    def enter(number, amount):
        return _post(
            client,
            admin_user,
            reverse("vendors:invoice_create"),
            {
                "vendor": supplier.pk,
                "number": number,
                "currency": "CAD",
                "period_start": start.isoformat(),
                "period_end": (start + timedelta(days=13)).isoformat(),
                "received_on": today.isoformat(),
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-MIN_NUM_FORMS": "1",
                "lines-MAX_NUM_FORMS": "20",
                "lines-0-reference": engagement.reference.lower(),
                "lines-0-hours": "80",
                "lines-0-amount": amount,
            },
        )

    response = enter("NB-2001", "9200.00")  # 80 h × 115.00
    matched = Invoice.objects.get(number="NB-2001")
    assert response.status_code == 302 and matched.status == InvoiceStatus.MATCHED
    _post(client, finance, reverse("vendors:invoice_act", args=[matched.pk, "approve"]))
    _post(client, finance, reverse("vendors:invoice_act", args=[matched.pk, "pay"]), {"paid_on": today.isoformat()})
    matched.refresh_from_db()
    assert matched.status == InvoiceStatus.PAID
    # Forecast vs actual: the engagement's months as forecast, the paid invoice as actual in its month.
    ledger = client.get(reverse("portal:ledger")).content.decode()
    assert 'kind=actual&amp;currency=CAD">9,200</a>' in ledger
    forecast = CostEvent.objects.for_source(engagement).filter(kind=CostKind.FORECAST)
    assert {e.month for e in forecast} >= {start.replace(day=1), (start + timedelta(days=100)).replace(day=1)}
    center = open_requisition.cost_center.pk
    for month in {e.month for e in forecast}:
        assert f"month={month:%Y-%m}&amp;cost_center={center}&amp;kind=forecast" in ledger
    assert f"month={start:%Y-%m}&amp;cost_center={center}&amp;kind=actual" in ledger

    # The same weeks again at 130.00 an hour: flagged, refused without a reason, approved with one.
    enter("NB-2002", "10400.00")
    over = Invoice.objects.get(number="NB-2002")
    assert over.status == InvoiceStatus.FLAGGED
    client.force_login(finance)
    page = client.get(over.get_absolute_url()).content.decode()
    assert "Does not match" in page and "Override and approve" in page
    response = _post(
        client, finance, reverse("vendors:invoice_act", args=[over.pk, "approve"]), {"override_reason": ""}
    )
    over.refresh_from_db()
    assert over.status == InvoiceStatus.FLAGGED
    assert "overriding with a reason" in client.get(over.get_absolute_url()).content.decode()
    _post(
        client, finance, reverse("vendors:invoice_act", args=[over.pk, "approve"]), {"override_reason": "Agreed rise."}
    )
    over.refresh_from_db()
    assert over.status == InvoiceStatus.APPROVED and over.override_reason == "Agreed rise."

    ledger = client.get(reverse("portal:ledger")).content.decode()
    assert 'kind=actual&amp;currency=CAD">19,600</a>' in ledger  # both approved invoices, in their month


def _count(client, url):
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "page",
    [
        "vendor_list",
        "rate_card_list",
        "vendor_detail",
        "engagement_list",
        "requisition_engagements",
        "engagement_detail",
        "timesheet_list",
        "invoice_list",
        "invoice_detail",
    ],
)
def test_pages_cost_a_fixed_number_of_queries(client, many, finance, page):
    first = many(2)
    urls = {
        "vendor_list": reverse("vendors:vendor_list"),
        "rate_card_list": reverse("vendors:rate_card_list"),
        "vendor_detail": first.vendor.get_absolute_url(),
        "engagement_list": reverse("vendors:engagement_list"),
        "requisition_engagements": reverse("vendors:engagement_list") + f"?requisition={first.requisition_id}",
        "engagement_detail": first.get_absolute_url(),
        "timesheet_list": reverse("vendors:timesheet_list"),
        "invoice_list": reverse("vendors:invoice_list"),
        "invoice_detail": Invoice.objects.order_by("id").first().get_absolute_url(),
    }
    client.force_login(finance)
    before = _count(client, urls[page])
    many(4)
    after = _count(client, urls[page])
    assert after <= before + 1, (page, before, after)
    assert after <= 40, (page, after)


def test_a_recruiter_sees_vendors_and_rate_cards_but_no_invoice_or_fee(client, supplier, card, recruiter):
    agency = approved_vendor(
        UserFactory(username="fin2", roles=["finance"]), name="Placers Inc", kind="agency", fee_pct=Decimal("20")
    )
    client.force_login(recruiter)
    page = client.get(supplier.get_absolute_url()).content.decode()
    assert "100.00" in page and "Latest invoices" not in page and "Edit" not in page
    assert client.get(agency.get_absolute_url()).status_code == 200
    assert client.get(reverse("vendors:invoice_list")).status_code == 403
    assert reverse("vendors:invoice_list") not in client.get(reverse("vendors:vendor_list")).content.decode()


def test_a_rate_card_is_added_from_the_vendor_page_and_an_overlap_is_refused(
    client, supplier, card, finance, open_requisition
):
    client.force_login(finance)
    url = reverse("vendors:rate_card_create", args=[supplier.pk])
    data = {
        "role_family": card.role_family_id,
        "level": card.level_id,
        "location": card.location_id,
        "currency": "CAD",
        "unit": "hour",
        "pay_rate": "90",
        "markup_pct": "20",
        "bill_rate": "",
        "overtime_multiplier": "1.5",
        "valid_from": (card.valid_to - timedelta(days=5)).isoformat(),
        "valid_to": (card.valid_to + timedelta(days=200)).isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "overlap" in response.content.decode()
    data["valid_from"] = (card.valid_to + timedelta(days=1)).isoformat()
    response = client.post(url, data)
    assert response.status_code == 302
    assert RateCard.objects.get(valid_from=card.valid_to + timedelta(days=1)).bill_rate == Decimal("108.00")


@pytest.mark.parametrize("report", ["vendors", "ending"])  # cash needs and cost per hire: tests/analytics/test_spend.py
def test_spend_pages_show_their_figures_at_a_fixed_cost(client, many, finance, hm, other_hiring_manager, report):
    many(2)
    url = reverse("vendors:spend_report", args=[report])
    client.force_login(finance)
    before = _count(client, url)
    many(4)
    after = _count(client, url)
    assert after <= before + 1 and after <= 30, (before, after)
    page = client.get(url).content.decode()
    if report == "vendors":
        assert "No invoice approved in these months." in page  # entered, not approved: no actual spend yet
    client.force_login(other_hiring_manager)
    theirs = client.get(url).content.decode()
    assert "Northbridge Talent" not in theirs
    client.force_login(hm)
    assert client.get(url).status_code == 200


def test_a_recruiter_plans_an_engagement_from_the_list_on_a_requisition_they_run(
    client, open_requisition, recruiter, hm
):
    client.force_login(recruiter)
    page = client.get(reverse("vendors:engagement_list")).content.decode()
    assert f'<option value="{open_requisition.pk}">{open_requisition.reference}' in page
    response = client.get(reverse("vendors:engagement_plan"), {"requisition": open_requisition.pk})
    assert response["Location"] == reverse("vendors:engagement_create", args=[open_requisition.pk])
    client.force_login(hm)
    assert "Plan an engagement on" not in client.get(reverse("vendors:engagement_list")).content.decode()


def test_a_recruiter_sees_an_engagements_weeks_but_not_their_money(client, many, recruiter, hm, finance):
    engagement = many(2)
    for user, sees in ((recruiter, False), (hm, True), (finance, True)):
        client.force_login(user)
        page = client.get(engagement.get_absolute_url()).content.decode()
        assert "Record week" in page or user == hm
        assert ("Charge" in page, "Expected labour by month" in page) == (sees, sees), user


def test_bad_input_to_the_plan_chooser_and_the_import_confirmation_is_answered_not_crashed(client, recruiter, finance):
    client.force_login(recruiter)
    for value in ("-1", "0", "x", "", "99999999999999999999"):
        response = client.get(reverse("vendors:engagement_plan"), {"requisition": value})
        assert response.status_code in (302, 404), value
    client.force_login(finance)
    response = client.post(reverse("vendors:invoice_import"), {"payload": "not base64!"})
    assert response.status_code == 400


def test_a_contractor_due_to_start_says_what_it_waits_for(
    client, open_requisition, supplier, worker, recruiter, hm, director, finance
):
    from requisitions.choices import Action as RequisitionAction
    from requisitions.services import move_requisition

    req = contract_requisition(hm, director, recruiter, openings=1)
    card = rate_card_for(supplier, req, finance)
    engagement = plan_engagement(req, worker, supplier, card, recruiter, start=timezone.localdate())
    move_requisition(requisition=req, action=RequisitionAction.HOLD, by=hm, note="Budget review.")
    client.force_login(recruiter)
    url = engagement.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Waiting to start." in page and f"{req.reference} is on hold" in page
    assert "For one of its openings" in page

    assert "Start now" not in page  # not offered while it waits, and refused if sent anyway
    assert client.post(reverse("vendors:engagement_act", args=[engagement.pk, "start"])).status_code == 403
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.PLANNED

    move_requisition(requisition=req, action=RequisitionAction.RESUME, by=hm)
    page = client.get(url).content.decode()
    assert "Waiting to start." not in page and "Start now" in page
    client.post(reverse("vendors:engagement_act", args=[engagement.pk, "start"]))
    engagement.refresh_from_db()
    req.refresh_from_db()
    assert (engagement.status, req.status) == (EngagementStatus.ACTIVE, "filled")


def _nav(page: str) -> dict[str, str]:
    """{nav key: its address} of the main navigation, and "current" → the current entry's key."""
    import re

    links = re.findall(r'<a class="nav-link( active)?"(?: aria-current="page")? href="([^"]+)" data-nav="(\w+)"', page)
    nav = {key: url for _active, url, key in links}
    nav["current"] = next((key for active, _url, key in links if active), "")
    return nav


def test_spend_is_one_entry_whose_tabs_follow_the_role(client, finance, hm, recruiter, interviewer):
    client.force_login(finance)
    page = client.get(reverse("portal:ledger") + "?currency=CAD").content.decode()
    nav = _nav(page)
    assert nav["spend"] == reverse("portal:ledger") and nav["current"] == "spend" and "ledger" not in nav
    tabs = ["Forecast vs actual", "Cash needs", "Vendor spend", "Contractors ending", "Cost per hire"]
    assert [t for t in tabs if f">{t}</a>" in page] == tabs
    assert 'aria-current="page">Forecast vs actual</a>' in page
    assert f'href="{reverse("vendors:spend_report", args=["ending"])}?currency=CAD"' in page

    page = client.get(reverse("vendors:spend_report", args=["vendors"])).content.decode()
    assert _nav(page)["current"] == "spend" and 'aria-current="page">Vendor spend</a>' in page

    client.force_login(hm)  # their requisitions' reports, not the whole ledger: cash needs first (analytics')
    page = client.get(reverse("analytics:spend_cash")).content.decode()
    nav = _nav(page)
    assert nav["spend"] == reverse("analytics:spend_cash") and nav["current"] == "spend"
    assert "Forecast vs actual" not in page and 'aria-current="page">Cash needs</a>' in page
    page = client.get(reverse("vendors:spend")).content.decode()  # the vendors' own first page: vendor spend
    assert _nav(page)["current"] == "spend" and 'aria-current="page">Vendor spend</a>' in page

    for person in (recruiter, interviewer):
        client.force_login(person)
        assert "spend" not in _nav(client.get(reverse("portal:my_work")).content.decode())


def test_invoice_amounts_show_their_cents(client, open_requisition, supplier, card, worker, recruiter, finance):
    today = timezone.localdate()
    engagement = plan_engagement(open_requisition, worker, supplier, card, recruiter, start=today - timedelta(days=30))
    invoice = create_invoice(
        data=InvoiceInput(
            vendor=supplier,
            number="INV-CENTS",
            currency="CAD",
            period_start=today - timedelta(days=7),
            period_end=today,
            received_on=today,
            lines=(LineInput(amount=Decimal("1234.56"), engagement=engagement, hours=Decimal("12.35")),),
        ),
        by=finance,
    )
    client.force_login(finance)
    assert "1,234.56 CAD" in client.get(invoice.get_absolute_url()).content.decode()
    assert "1,234.56 CAD" in client.get(reverse("vendors:invoice_list")).content.decode()


def test_a_requisitions_contractors_open_from_its_page(
    client, open_requisition, supplier, card, worker, recruiter, hm, other_hiring_manager, interviewer, hr
):
    engagement = plan_engagement(open_requisition, worker, supplier, card, recruiter, start=timezone.localdate())
    listing = reverse("vendors:engagement_list") + f"?requisition={open_requisition.pk}"
    for person in (recruiter, hm):
        client.force_login(person)
        page = client.get(open_requisition.get_absolute_url()).content.decode()
        assert f'href="{listing}"' in page
        page = client.get(listing).content.decode()
        assert (
            engagement.reference in page and f'Contractors on <a href="{open_requisition.get_absolute_url()}"' in page
        )
        assert "Cover on a permanent requisition" in page
        create = reverse("vendors:engagement_create", args=[open_requisition.pk])
        assert (create in page) == (person == recruiter)  # only who runs it plans one
        assert engagement.reference not in client.get(listing + "&status=ended").content.decode()
    for person in (interviewer, hr):
        client.force_login(person)
        assert "Contractors</a>" not in client.get(open_requisition.get_absolute_url()).content.decode()
    client.force_login(other_hiring_manager)  # a requisition they may not see: no list of it, and nothing named
    response = client.get(listing)
    assert response.status_code == 404 and engagement.reference not in response.content.decode()
    client.force_login(recruiter)
    response = client.get(reverse("vendors:engagement_list") + "?requisition=REQ-1")
    assert response.status_code == 400 and "by its number" in response.content.decode()
