"""The requisition page shows what modules register for it (candidates, offers, contractors), each panel to
the people who may see that data on the module's own pages; requisitions names none of those modules."""

import pathlib
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from offers.services import create_offer
from portal import clock, registry
from requisitions.services import create_requisition, share_requisition
from tests.factories import requisition_fields
from tests.offers.conftest import terms
from tests.vendors.conftest import (  # noqa: F401  (fixtures)
    application,
    card,
    head,
    open_requisition,
    plan_engagement,
    supplier,
    worker,
)

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def staffed(open_requisition, application, recruiter, worker, supplier, card):  # noqa: F811
    """The open requisition with one application, a draft offer to it and a planned contractor."""
    offer = create_offer(application=application, by=recruiter, terms=terms(open_requisition))
    engagement = plan_engagement(
        open_requisition, worker, supplier, card, recruiter, start=clock.today() + timedelta(days=14)
    )
    return {"requisition": open_requisition, "offer": offer, "engagement": engagement}


def _panels(client, user, requisition):
    client.force_login(user)
    response = client.get(reverse("requisitions:detail", args=[requisition.pk]))
    assert response.status_code == 200
    return {panel["key"]: panel["data"] for panel in response.context["panels"]}


def test_each_role_sees_the_panels_of_the_data_it_may_see(client, staffed, recruiter, hm, finance, hr, admin_user):
    req = staffed["requisition"]
    shown = {
        name: list(_panels(client, user, req))
        for name, user in {"recruiter": recruiter, "hm": hm, "finance": finance, "hr": hr, "admin": admin_user}.items()
    }

    assert shown == {
        "recruiter": ["pipeline", "offers", "contractors"],
        "hm": ["pipeline", "offers", "contractors"],
        "finance": ["pipeline", "offers", "contractors"],
        "hr": ["pipeline", "offers"],  # HR sees no contractors anywhere
        "admin": ["pipeline", "offers", "contractors"],
    }


def test_an_approver_sees_the_requisition_but_none_of_its_people(client, staffed, director):
    """The director approved it: they see the requisition page, not its candidates, offers or contractors."""
    assert _panels(client, director, staffed["requisition"]) == {}


def test_a_view_only_share_sees_the_panels_without_the_means_to_run_it(client, staffed, hm, other_hiring_manager):
    req = staffed["requisition"]
    share_requisition(requisition=req, user=other_hiring_manager, by=hm)

    panels = _panels(client, other_hiring_manager, req)

    assert list(panels) == ["pipeline", "offers", "contractors"]
    assert panels["contractors"]["can_plan"] is False


def test_the_panels_show_the_requisitions_own_data(client, staffed, recruiter, application):  # noqa: F811
    req = staffed["requisition"]

    panels = _panels(client, recruiter, req)

    pipeline = panels["pipeline"]
    application.refresh_from_db()  # drafting the offer moved it to the offer stage
    counted = [(row["stage"].name, row["count"]) for row in pipeline["stages"] if row["count"]]
    assert counted == [(application.stage.name, 1)]
    assert (pipeline["active"], pipeline["hired"], pipeline["closed"], pipeline["total"]) == (1, 0, 0, 1)
    assert (pipeline["show_board"], pipeline["show_plan"]) == (True, True)
    assert panels["offers"] == {"offers": [staffed["offer"]], "more": False}
    assert panels["contractors"] == {"engagements": [staffed["engagement"]], "more": False, "can_plan": True}


def test_the_page_links_to_the_modules_pages(client, staffed, recruiter, hr):
    req = staffed["requisition"]
    client.force_login(recruiter)
    body = client.get(reverse("requisitions:detail", args=[req.pk])).content.decode()

    assert f'href="{reverse("candidates:board", args=[req.pk])}"' in body
    assert f'href="{reverse("candidates:plan", args=[req.pk])}"' in body
    assert f'href="{reverse("vendors:engagement_list")}?requisition={req.pk}"' in body
    assert f'href="{reverse("vendors:engagement_create", args=[req.pk])}"' in body
    assert f'href="{staffed["offer"].get_absolute_url()}"' in body
    client.force_login(hr)
    body = client.get(reverse("requisitions:detail", args=[req.pk])).content.decode()
    assert "vendors/engagements" not in body and staffed["engagement"].reference not in body


def test_a_draft_shows_only_what_its_readers_use(client, hm, recruiter, finance):
    """Before it opens a requisition has no candidates: those who read interview plans get the plan link,
    finance gets nothing."""
    draft = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))

    panels = _panels(client, hm, draft)

    assert list(panels) == ["pipeline"]
    assert {key: value for key, value in panels["pipeline"].items() if key != "stages"} == {
        "active": 0,
        "hired": 0,
        "closed": 0,
        "total": 0,
        "show_board": False,
        "show_plan": True,
    }
    assert _panels(client, finance, draft) == {}


def test_panels_come_in_order_and_hide_when_not_visible_or_empty(monkeypatch, staffed, recruiter, hr):
    req = staffed["requisition"]
    label = "requisitions.Requisition"
    monkeypatch.setattr(registry, "_detail_panels", {})
    registry.register_detail_panel(registry.DetailPanel("late", label, "late.html", lambda u, r: {"n": 2}, order=50))
    registry.register_detail_panel(registry.DetailPanel("early", label, "early.html", lambda u, r: {"n": 1}, order=5))
    registry.register_detail_panel(registry.DetailPanel("empty", label, "empty.html", lambda u, r: None, order=10))
    registry.register_detail_panel(
        registry.DetailPanel(
            "hr_only", label, "hr.html", lambda u, r: {}, order=20, visible=lambda user, obj: user.pk == hr.pk
        )
    )
    registry.register_detail_panel(registry.DetailPanel("other", "portal.User", "user.html", lambda u, r: {"n": 0}))

    assert registry.detail_panels(req, recruiter) == [
        {"key": "early", "template": "early.html", "data": {"n": 1}},
        {"key": "late", "template": "late.html", "data": {"n": 2}},
    ]
    assert [panel["key"] for panel in registry.detail_panels(req, hr)] == ["early", "hr_only", "late"]


def test_requisitions_name_no_module_above_them():
    """Its code and templates reach candidates, offers and vendors only through the registry's panels: no
    URL name (`'candidates:board'`) or permission (`"vendors.view_engagement"`) of theirs, as no import
    (tests/test_import_order.py)."""
    files = [*(ROOT / "requisitions").rglob("*.py"), *(ROOT / "templates" / "requisitions").rglob("*.html")]
    pattern = re.compile(r"[\"'](candidates|offers|vendors|onboarding|analytics)[:.]")
    named = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in files
        if "migrations" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert named == []
