"""Every list looks and behaves alike: one page layout, visible filters, compact tables."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from portal.choices import REQUEST
from portal.services.decisions import raise_decision
from requisitions.services import create_requisition, submit_requisition
from tests.factories import UserFactory, requisition_fields

pytestmark = pytest.mark.django_db

LISTS = ["portal:my_work", "requisitions:list", "requisitions:approvals", "portal:notifications"]


class Page(HTMLParser):
    """The tables of a page: each a class list and rows of (tag, class list, text) cells; and the
    classes of the elements around the filter form."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[dict] = []
        self.stack: list[tuple[str, list[str]]] = []
        self.cell = None
        self.filter_form_ancestors: list[str] | None = None
        self.details = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "details":
            self.details += 1
        if tag == "form" and "filter-form" in classes:
            self.filter_form_ancestors = [c for _, cs in self.stack for c in cs] + [f"{t}" for t, _ in self.stack]
        if tag == "table":
            self.tables.append({"classes": classes, "cells": []})
        if tag in ("td", "th") and self.tables:
            self.cell = {"tag": tag, "classes": classes, "text": "", "inner": []}
            self.tables[-1]["cells"].append(self.cell)
        elif self.cell is not None:
            self.cell["inner"].extend(classes)
        if tag not in ("input", "br", "meta", "link", "img", "hr"):
            self.stack.append((tag, classes))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


@pytest.fixture
def busy(hm, director, finance, recruiter):
    """Something on every list: requisitions (one pending approval), a request, notifications."""
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
    submit_requisition(requisition=req, by=hm)
    create_requisition(by=hm, title="A draft", hiring_manager=hm)
    raise_decision(kind=REQUEST, title="Check the ad", owner=director, by=hm)
    return req


@pytest.fixture
def hm(db):
    from portal.choices import Role

    director = UserFactory(username="director", roles=[Role.HIRING_MANAGER])
    return UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)


@pytest.fixture
def director(hm):
    return hm.manager


@pytest.mark.parametrize("name", LISTS)
def test_every_list_extends_the_list_page(client, busy, director, name):
    client.force_login(director)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "list_page.html" in [t.name for t in response.templates]


FILTERED_LISTS = {
    "offers:list": "offer-table",
    "vendors:vendor_list": "vendor-table",
    "vendors:rate_card_list": "rate-card-table",
    "vendors:engagement_list": "engagement-table",
    "vendors:timesheet_list": "timesheet-table",
    "vendors:invoice_list": "invoice-table",
}


@pytest.mark.parametrize("name", FILTERED_LISTS)
def test_the_offer_and_vendor_lists_are_list_pages_with_their_filters_in_view(client, admin_user, name):
    client.force_login(admin_user)
    response = client.get(reverse(name))
    body = response.content.decode()
    page = Page(body)

    assert response.status_code == 200
    assert "list_page.html" in [t.name for t in response.templates]
    assert page.filter_form_ancestors is not None and "list-filters" in page.filter_form_ancestors
    target = FILTERED_LISTS[name]
    assert f'hx-target="#{target}"' in body and f'id="{target}"' in body
    assert 'id="export-buttons"' in body


def test_the_requisition_filters_are_in_view_not_folded_away(client, busy, director):
    client.force_login(director)
    body = client.get(reverse("requisitions:list")).content.decode()
    page = Page(body)

    assert page.details == 0
    assert page.filter_form_ancestors is not None and "list-filters" in page.filter_form_ancestors
    assert 'hx-target="#requisition-table"' in body and 'id="requisition-table"' in body
    # Below lg the panel folds behind a button; from lg up it is always shown.
    assert 'class="collapse d-lg-block' in body


def test_the_table_targets_and_figures_stay_where_scripts_and_tests_find_them(client, busy, director):
    client.force_login(director)
    body = client.get(reverse("portal:my_work")).content.decode()
    assert 'id="decision-table"' in body and 'hx-target="#decision-table"' in body
    assert 'data-testid="count-open"' in body and 'data-testid="count-overdue"' in body
    approvals = client.get(reverse("requisitions:approvals")).content.decode()
    assert 'id="decision-table"' in approvals and 'hx-get="/requisitions/approvals/"' in approvals


def _tables(client, url):
    return Page(client.get(url).content.decode()).tables


def test_every_table_is_compact_with_names_on_one_line_and_figures_aligned(client, busy, director, finance):
    urls = [
        reverse("requisitions:list"),
        reverse("requisitions:detail", args=[busy.pk]),
        reverse("requisitions:approvals"),
        reverse("portal:my_work"),
    ]
    seen = 0
    for url in urls:
        for user in (finance, director):
            client.force_login(user)
            for table in _tables(client, url):
                seen += 1
                assert "table-sm" in table["classes"], url
                for cell in table["cells"]:
                    text = " ".join(cell["text"].split())
                    if text.replace(",", "").replace("–", "").replace(" CAD", "").isdigit():
                        assert "num" in cell["classes"], (url, text)
    assert seen >= 4

    client.force_login(finance)
    (table,) = _tables(client, reverse("requisitions:list"))
    headers = {" ".join(c["text"].split()): c for c in table["cells"] if c["tag"] == "th"}
    assert "num" in headers["Openings"]["classes"]
    assert "num" in headers["First-year cost per opening"]["classes"]
    first_row = [c for c in table["cells"] if c["tag"] == "td"][: len(headers)]
    assert "text-nowrap" in first_row[0]["inner"]  # the reference
    names = [c for c in first_row if c["text"].strip() == str(busy.hiring_manager)]
    assert names and all("text-nowrap" in c["classes"] for c in names)
