"""Offer pages as their users use them: the Done-when through the pages, the extension rule refused by
the page, the admin and the service alike, the letter, and query counts that do not grow with the data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.services import apply, create_candidate
from offers.choices import OfferStatus
from offers.models import Offer
from offers.services import OfferError, approve_offer, create_offer, extend_offer, revise_offer, submit_offer
from requisitions.choices import Status as RequisitionStatus
from tests.offers.conftest import terms

pytestmark = pytest.mark.django_db


def form_data(req, **overrides) -> dict:
    values = terms(req, **overrides)
    data = {}
    for name, value in values.items():
        if value is None:
            data[name] = ""
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def _act(client, offer, action, **data):
    return client.post(reverse("offers:act", args=[offer.pk, action]), data, follow=True)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_the_done_when_through_the_pages(client, application, recruiter, hr, finance, head):
    req = application.requisition
    client.force_login(recruiter)
    page = client.get(reverse("offers:new", args=[application.pk]))
    assert page.status_code == 200 and b"Offer for Ada Lovelace" in page.content

    response = client.post(
        reverse("offers:new", args=[application.pk]), form_data(req, base_amount="125000", allowance_phone="600")
    )
    offer = Offer.objects.get()
    assert response.status_code == 302 and response["Location"] == offer.get_absolute_url()
    detail = client.get(offer.get_absolute_url()).content.decode()
    assert "Base 125,000 is above the band maximum 110,000" in detail and "check-fail" in detail
    assert "Phone allowance" not in detail and "Allowance: Phone" in detail  # in the cost breakdown
    assert "Not ready to extend" in detail

    assert "Submitted for approval" in _messages(_act(client, offer, "submit"))
    client.force_login(finance)
    finance_page = client.get(offer.get_absolute_url()).content.decode()
    finance_step = finance_page.split("Step 2 · Finance", 1)[1].split("</div>", 1)[0]
    assert "is above the band maximum 110,000" in finance_step

    for person in (hr, finance, head):
        client.force_login(person)
        assert "Approval recorded" in _messages(_act(client, offer, "approve"))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.APPROVED

    client.force_login(recruiter)
    edit = client.post(
        reverse("offers:edit", args=[offer.pk]),
        form_data(req, base_amount="128000", allowance_phone="600", change_note="Countered with a competing offer."),
        follow=True,
    )
    assert "Version 2 created: the approvals of version 1 are void" in _messages(edit)
    offer.refresh_from_db()
    assert (offer.status, offer.current_version.number) == (OfferStatus.DRAFT, 2)
    assert "Approvals voided" in edit.content.decode()

    refused = _act(client, offer, "extend")
    assert "Version 2 is not approved yet" in _messages(refused)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT

    compare = client.get(reverse("offers:compare", args=[offer.pk])).content.decode()
    assert "Changed: base pay." in compare and "128,000" in compare.replace("128000.00", "128,000")

    _act(client, offer, "submit")
    for person in (hr, finance, head):
        client.force_login(person)
        _act(client, offer, "approve")
    client.force_login(recruiter)
    assert "Marked extended" in _messages(_act(client, offer, "extend"))
    accepted = _act(client, offer, "accept")
    assert "the candidate is in Pre-start" in _messages(accepted)
    application.refresh_from_db()
    req.refresh_from_db()
    assert application.stage.code == "pre_start" and req.status == RequisitionStatus.FILLED


def test_bad_input_gets_a_message_not_a_500(client, application, recruiter):
    client.force_login(recruiter)
    url = reverse("offers:new", args=[application.pk])
    response = client.post(url, form_data(application.requisition, base_amount="abc", start_date="2020-13-45"))
    assert response.status_code == 400 and b"Enter a number" in response.content
    late = form_data(application.requisition)
    late["expires_on"] = "2099-01-01"
    response = client.post(url, late)
    assert response.status_code == 400 and b"expire on or before the start date" in response.content
    assert not Offer.objects.exists()


def test_the_extension_rule_is_refused_by_the_page_the_admin_and_the_service(
    client, application, recruiter, admin_user, hr, finance, head
):
    offer = create_offer(application=application, by=recruiter, terms=terms(application.requisition))
    submit_offer(offer=offer, by=recruiter)
    # The page: for whoever runs it, a clear message; nothing moves.
    client.force_login(recruiter)
    assert "not approved yet" in _messages(_act(client, offer, "extend"))
    # The service.
    with pytest.raises(OfferError, match="not approved yet"):
        extend_offer(offer=offer, by=recruiter)
    # The admin: offers are read-only there, a change is refused.
    client.force_login(admin_user)
    change_url = reverse("admin:offers_offer_change", args=[offer.pk])
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"status": "extended"}).status_code == 403
    assert client.get(reverse("admin:offers_offer_add")).status_code == 403
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING_APPROVAL
    # And once approved, a changed version is again refused until it is approved itself.
    for person in (hr, finance, head):
        approve_offer(offer=offer, by=person)
    revise_offer(offer=offer, by=recruiter, terms={"relocation": Decimal("8000")}, change_note="Relocation.")
    with pytest.raises(OfferError, match="Version 2 is not approved yet"):
        extend_offer(offer=offer, by=recruiter)


def test_the_letter_page_and_pdf(client, application, recruiter, finance):
    offer = create_offer(application=application, by=recruiter, terms=terms(application.requisition))
    client.force_login(finance)
    page = client.get(reverse("offers:letter", args=[offer.pk])).content.decode()
    assert "Dear Ada," in page and "100,000.00 CAD per year" in page and "Not for the candidate" in page
    pdf = client.get(reverse("offers:letter_pdf", args=[offer.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("offers:letter", args=[offer.pk]), {"version": "9"}).status_code == 404


def _count(client, url):
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_offer_pages_cost_the_same_with_more_data(client, application, recruiter, finance, hr, head):
    req = application.requisition
    offer = create_offer(application=application, by=recruiter, terms=terms(req))
    pages = [reverse("offers:list"), offer.get_absolute_url(), reverse("offers:letter", args=[offer.pk])]
    users = (recruiter, finance)
    before = {}
    for user in users:
        client.force_login(user)
        for url in pages:
            before[user.pk, url] = _count(client, url)
    # More offers, versions, rounds and allowances.
    submit_offer(offer=offer, by=recruiter)
    for person in (hr, finance, head):
        approve_offer(offer=offer, by=person)
    from offers.services import AllowanceInput

    revise_offer(
        offer=offer, by=recruiter, terms={"base_amount": Decimal("101000")},
        allowances=[AllowanceInput("phone", Decimal("600")), AllowanceInput("transit", Decimal("1200"))],
        change_note="More.",
    )  # fmt: skip
    submit_offer(offer=offer, by=recruiter)
    for n in range(4):
        person = create_candidate(by=recruiter, first_name=f"Extra{n}", last_name="Person")
        create_offer(application=apply(candidate=person, requisition=req, by=recruiter), by=recruiter, terms=terms(req))
    for user in users:
        client.force_login(user)
        for url in pages:
            after = _count(client, url)
            assert after <= before[user.pk, url] + 1, (url, before[user.pk, url], after)
            assert after <= 30, (url, after)


def test_my_approvals_lists_the_offer_steps_waiting_on_me(client, application, recruiter, hr, finance):
    offer = create_offer(application=application, by=recruiter, terms=terms(application.requisition))
    submit_offer(offer=offer, by=recruiter)
    client.force_login(hr)
    page = client.get(reverse("requisitions:approvals")).content.decode()
    assert f"Approve offer {offer.reference} v1: Ada Lovelace" in page
    client.force_login(finance)  # the second step: not yet theirs
    assert offer.reference not in client.get(reverse("requisitions:approvals")).content.decode()
