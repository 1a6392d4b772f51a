"""The offer list: a filter set over the user's slice, paged and sorted, with its export; its choices
narrowed to what the user may see, and nothing of another team's offers."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from candidates.services import apply, create_candidate
from offers.services import create_offer, submit_offer
from portal.models import ExportLog
from tests.offers.conftest import terms

pytestmark = pytest.mark.django_db


def _rows(response) -> list:
    return list(response.context["object_list"])


@pytest.fixture
def offers(application, recruiter):
    """Two offers on the requisition: Ada's draft at 100,000, Alan's submitted at 104,000."""
    req = application.requisition
    ada = create_offer(application=application, by=recruiter, terms=terms(req))
    alan = create_candidate(by=recruiter, first_name="Alan", last_name="Turing")
    turing = create_offer(
        application=apply(candidate=alan, requisition=req, by=recruiter),
        by=recruiter,
        terms=terms(req, base_amount=Decimal("104000")),
    )
    submit_offer(offer=turing, by=recruiter)
    return ada, turing


def test_the_offer_list_filters_sorts_and_searches(client, offers, finance, open_requisition):
    ada, turing = offers
    client.force_login(finance)
    url = reverse("offers:list")

    assert _rows(client.get(url)) == [turing, ada]  # newest first
    assert _rows(client.get(url, {"status": "draft"})) == [ada]
    assert _rows(client.get(url, {"q": "turing"})) == [turing]
    assert _rows(client.get(url, {"q": ada.reference})) == [ada]
    assert _rows(client.get(url, {"sort": "base"})) == [ada, turing]
    assert _rows(client.get(url, {"requisition": open_requisition.pk, "sort": "-base"})) == [turing, ada]
    start = ada.current_version.start_date.isoformat()
    assert _rows(client.get(url, {"starts_min": start, "starts_max": start})) == [turing, ada]


def test_another_teams_offers_are_neither_listed_nor_offered_as_choices(
    client, offers, other_hiring_manager, hm, open_requisition, recruiter
):
    client.force_login(other_hiring_manager)
    response = client.get(reverse("offers:list"))
    assert _rows(response) == []  # the offers exist; none is theirs
    form = response.context["filter"].form
    assert list(form.fields["requisition"].queryset) == [] and list(form.fields["recruiter"].queryset) == []
    refused = client.get(reverse("offers:list"), {"requisition": open_requisition.pk})
    assert refused.status_code == 400 and _rows(refused) == []

    client.force_login(hm)
    form = client.get(reverse("offers:list")).context["filter"].form
    assert list(form.fields["recruiter"].queryset) == [recruiter]


def test_the_offer_export_is_the_filtered_list_with_amounts_as_numbers(client, offers, finance):
    ada, turing = offers
    client.force_login(finance)

    response = client.get(reverse("offers:export"), {"status": "pending_approval", "format": "csv"})

    header, row, watermark = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    record = dict(zip(header, row, strict=True))
    assert (record["Offer"], record["Candidate"], record["Base pay"], record["Currency"]) == (
        turing.reference,
        "Alan Turing",
        "104000.00",
        "CAD",
    )
    assert watermark[0].startswith(f"Exported by {finance.username}")
    log = ExportLog.objects.get()
    assert (log.dataset, log.rows, log.filters) == ("offers", 1, "status=pending_approval")


def test_an_interviewer_has_no_offer_list_and_no_export(client, offers, interviewer):
    client.force_login(interviewer)
    assert client.get(reverse("offers:list")).status_code == 403
    assert client.get(reverse("offers:export"), {"format": "csv"}).status_code == 403
    assert ExportLog.objects.count() == 0
