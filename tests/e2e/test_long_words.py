"""A 300-character word (a pasted link, a part number) wraps; it never widens a page, wide or narrow.

Titles hold at most 160 characters, so they get a 150-character word."""

from decimal import Decimal

import pytest
from django.urls import reverse

from portal.choices import REQUEST, Outcome, Role
from portal.services.decisions import raise_decision, resolve_decision
from requisitions.services import approve_requisition, create_requisition, submit_requisition
from tests.conftest import requires_chromium
from tests.e2e.helpers import sign_in
from tests.factories import UserFactory, requisition_fields

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]
WORD = "x" * 300
TITLE_WORD = "y" * 150  # as long as a requisition title allows (160)


def _overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_long_words_wrap_on_every_page(live_server, page):
    director = UserFactory(username="director", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)
    fields = requisition_fields(
        title=f"Engineer {TITLE_WORD}",
        is_backfill=False,
        backfill_for="",
        business_case=f"Because {WORD} and more.",
        justification=f"Market {WORD}.",
        base_max=Decimal("150000"),  # above the band: a justification is asked for
    )
    fields["department"].head = director
    fields["department"].save()
    req = create_requisition(by=hm, hiring_manager=hm, **fields)
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director, note=f"Fine {WORD}")
    draft = create_requisition(by=hm, title=f"Draft {TITLE_WORD}", hiring_manager=hm, business_case=WORD)
    request = raise_decision(kind=REQUEST, title=f"Check {TITLE_WORD}", owner=director, by=hm, detail=WORD)
    done = raise_decision(kind=REQUEST, title="Check the ad", owner=director, by=hm)
    resolve_decision(decision=done, outcome=Outcome.DONE, by=director, note=f"Done {WORD}")

    pages = {
        "hm": [
            reverse("requisitions:list"),
            reverse("requisitions:detail", args=[req.pk]),
            reverse("requisitions:edit", args=[draft.pk]),
            reverse("portal:notifications"),
            reverse("portal:decision_detail", args=[done.pk]),
        ],
        "director": [
            reverse("portal:my_work"),
            reverse("requisitions:approvals"),
            reverse("requisitions:detail", args=[req.pk]),
            reverse("portal:decision_detail", args=[request.pk]),
            reverse("portal:decision_detail", args=[done.pk]),
            reverse("portal:notifications"),
        ],
    }
    checked = 0
    for username, urls in pages.items():
        sign_in(page, live_server, username)
        for width in (390, 1440):
            page.set_viewport_size({"width": width, "height": 900})
            for url in urls:
                page.goto(f"{live_server.url}{url}")
                scroll_width, inner_width = _overflow(page)
                assert scroll_width <= inner_width, (username, width, url, scroll_width)
                checked += 1
    assert checked >= 20
    page.goto(f"{live_server.url}{reverse('requisitions:detail', args=[req.pk])}")
    assert page.get_by_text(f"Because {WORD}").is_visible()
