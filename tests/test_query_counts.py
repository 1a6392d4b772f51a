"""Every page issues a bounded number of SQL queries: the same with 10x the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.choices import REQUEST, Outcome, Role
from portal.models import Notification
from portal.services.decisions import raise_decision, reassign_decision
from tests.commit import committed
from tests.factories import HiringPlanFactory, UserFactory
from tests.offers.conftest import application, head, open_requisition, terms  # noqa: F401  (fixtures)
from tests.vendors.conftest import card, many, supplier, worker  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

# Upper bounds per page; the test also checks that 10x the data costs no extra query.
BOUNDS = {"my_work": 16, "notifications": 10, "decision_detail": 16, "request_create": 10, "decision_reassign": 10}


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    if __import__("os").environ.get("SHOW_QUERIES"):
        print("\n".join(q["sql"][:160] for q in ctx.captured_queries))
    return len(ctx.captured_queries)


def _fill(user, n, raisers):
    plans = [HiringPlanFactory(period=f"2027-Q{1 + i % 4}") for i in range(2)]
    for i in range(n):
        raise_decision(
            kind=REQUEST,
            title=f"Decision {i}",
            owner=user if i % 3 else None,
            owner_role="" if i % 3 else Role.FINANCE,
            subject=plans[i % 2],
            by=raisers[i % len(raisers)],
            due_at=timezone.now() + timedelta(days=(i % 9) - 4),
        )


@pytest.mark.parametrize("page_name", ["my_work", "notifications"])
def test_list_pages_cost_the_same_with_ten_times_the_data(client, finance, page_name):
    raisers = [UserFactory(username=f"raiser{i}") for i in range(5)]
    client.force_login(finance)
    url = reverse(f"portal:{page_name}")

    _fill(finance, 3, raisers)
    small = _queries(client, url)
    _fill(finance, 27, raisers)
    large = _queries(client, url)

    assert small == large
    assert large <= BOUNDS[page_name]


def test_decision_detail_costs_the_same_with_a_long_history(client, finance, hr, hiring_manager):
    decision = raise_decision(kind=REQUEST, title="Confirm", owner=finance, by=hiring_manager)
    reassign_decision(decision=decision, by=hiring_manager, owner=hr, note="first hand-off")
    client.force_login(hiring_manager)
    url = decision.get_absolute_url()

    small = _queries(client, url)
    for i in range(10):
        owner = finance if i % 2 == 0 else hr
        reassign_decision(decision=decision, by=hiring_manager, owner=owner, note=f"hand-off {i}")
    large = _queries(client, url)

    assert small == large
    assert large <= BOUNDS["decision_detail"]


@pytest.mark.parametrize("page_name", ["request_create", "decision_reassign"])
def test_form_pages_are_bounded(client, finance, hiring_manager, page_name):
    decision = raise_decision(kind=REQUEST, title="Confirm", owner=finance, by=hiring_manager)
    client.force_login(finance)
    url = (
        reverse("portal:request_create")
        if page_name == "request_create"
        else reverse(f"portal:{page_name}", args=[decision.pk])
    )

    small = _queries(client, url)
    for i in range(30):
        UserFactory(username=f"extra{i}", roles=[Role.RECRUITER])
    large = _queries(client, url)

    assert small == large
    assert large <= BOUNDS[page_name]


def test_resolved_decisions_do_not_count_in_my_work(client, finance):
    from portal.services.decisions import resolve_decision

    with committed():
        decision = raise_decision(kind=REQUEST, title="Done soon", owner=finance)
    resolve_decision(decision=decision, outcome=Outcome.DONE, by=finance)
    client.force_login(finance)

    assert client.get("/").context["counts"]["total"] == 0
    assert Notification.objects.filter(user=finance).count() == 1
    assert client.get("/").context["unread_notifications"] == 0  # the request to decide it was cleared


def _requisitions(hm, n, recruiters):
    from requisitions.services import create_requisition, submit_requisition
    from tests.factories import requisition_fields

    org = requisition_fields()
    org["hiring_plan"].approved_headcount = 1000
    org["hiring_plan"].save()
    for i in range(n):
        req = create_requisition(
            by=hm, hiring_manager=hm, **{**org, "title": f"Role {i}", "recruiter": recruiters[i % len(recruiters)]}
        )
        if i % 2:
            submit_requisition(requisition=req, by=hm)


@pytest.mark.parametrize(
    "page_name, query",
    [
        ("requisitions:list", ""),
        ("requisitions:approvals", ""),
        ("requisitions:export", ""),
        ("requisitions:export", "?format=xlsx&status=draft&status=pending_approval"),
    ],
)
def test_requisition_lists_cost_the_same_with_ten_times_the_data(client, finance, page_name, query):
    boss = UserFactory(username="boss", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=boss)
    recruiters = [UserFactory(username=f"rec{i}", roles=[Role.RECRUITER]) for i in range(3)]
    client.force_login(finance if page_name != "requisitions:approvals" else boss)
    url = reverse(page_name) + query

    _requisitions(hm, 2, recruiters)
    small = _queries(client, url)
    _requisitions(hm, 20, recruiters)
    large = _queries(client, url)

    assert small == large
    assert large <= 16


def test_requisition_detail_costs_the_same_with_a_long_chain_and_history(client, finance):
    from requisitions.models import Requisition
    from requisitions.services import approve_requisition, send_back_requisition, submit_requisition, update_requisition

    boss = UserFactory(username="boss", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=boss)
    _requisitions(hm, 2, [UserFactory(username="rec", roles=[Role.RECRUITER])])
    req = Requisition.objects.filter(status="pending_approval").get()
    client.force_login(finance)
    url = reverse("requisitions:detail", args=[req.pk])

    small = _queries(client, url)
    for round_number in range(4):
        send_back_requisition(requisition=req, by=boss, note=f"Round {round_number}")
        update_requisition(requisition=req, by=hm, title=f"Role, take {round_number}")
        submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=boss)
    large = _queries(client, url)

    assert small == large
    assert large <= 22


@pytest.mark.parametrize("page_name", ["requisitions:create", "requisitions:edit", "requisitions:intake_hints"])
def test_requisition_forms_are_bounded(client, page_name):
    from requisitions.models import Requisition

    boss = UserFactory(username="boss", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=boss)
    _requisitions(hm, 1, [UserFactory(username="rec", roles=[Role.RECRUITER])])
    draft = Requisition.objects.get()
    client.force_login(hm)
    args = [draft.pk] if page_name == "requisitions:edit" else []
    url = reverse(page_name, args=args)
    if page_name == "requisitions:intake_hints":
        url += f"?role_family={draft.role_family_id}&level={draft.level_id}&location={draft.location_id}"
        url += f"&department={draft.department_id}&hiring_plan={draft.hiring_plan_id}"
    client.get(url)  # warm the process-wide content-type cache

    small = _queries(client, url)
    _requisitions(hm, 15, [UserFactory(username=f"rec{i}", roles=[Role.RECRUITER]) for i in range(4)])
    large = _queries(client, url)

    assert small == large
    assert large <= 24  # session, user, roles, permissions, 7 choice lists, plan, warnings


def _staff(req, recruiter, vendor, rate_card, n, tag):
    """Add `n` candidates to `req`, each with an application and an offer, and `n` contractors."""
    from candidates.models import Source
    from candidates.services import apply, create_candidate
    from offers.services import create_offer
    from portal import clock
    from tests.vendors.conftest import plan_engagement

    referral = Source.objects.get(code="referral")
    for i in range(n):
        person = create_candidate(by=recruiter, first_name=f"Cand{i}", last_name=tag, email=f"c{i}.{tag}@example.com")
        applied = apply(candidate=person, requisition=req, by=recruiter, source=referral)
        create_offer(application=applied, by=recruiter, terms=terms(req))
        hand = create_candidate(by=recruiter, first_name=f"Hand{i}", last_name=tag, email=f"w{i}.{tag}@example.com")
        plan_engagement(req, hand, vendor, rate_card, recruiter, start=clock.today() + timedelta(days=14 + i))


@pytest.mark.parametrize("viewer", ["recruiter", "finance"])
def test_requisition_detail_costs_the_same_with_ten_times_the_candidates_offers_and_contractors(
    client, request, recruiter, viewer
):
    """The modules' panels (candidates by stage, offers, contractors) cost a fixed number of queries each."""
    req, vendor, rate_card = (request.getfixturevalue(name) for name in ("open_requisition", "supplier", "card"))
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("requisitions:detail", args=[req.pk])
    _staff(req, recruiter, vendor, rate_card, 1, "small")
    client.get(url)  # warm the process-wide content-type cache

    small = _queries(client, url)
    _staff(req, recruiter, vendor, rate_card, 9, "large")
    large = _queries(client, url)

    assert small == large
    assert large <= 26  # the page's own, then the panels': counts by stage and stages, offers, engagements, grants


# --- Offers and vendor lists: a filter set over the user's slice, paged -----------------------------------

# (list or export, query, who asks): hiring managers see contractors and their weeks, not vendors or invoices.
VENDOR_LISTS = [
    *[
        (name, query, persona)
        for name, query in (
            ("vendors:vendor_list", "?sort=-working"),
            ("vendors:vendor_export", "?format=xlsx"),
            ("vendors:rate_card_list", "?show=all"),
            ("vendors:rate_card_export", ""),
            ("vendors:invoice_list", "?sort=-amount"),
            ("vendors:invoice_export", ""),
        )
        for persona in ("finance",)
    ],
    *[
        (name, query, persona)
        for name, query in (
            ("vendors:engagement_list", "?status=active"),
            ("vendors:engagement_export", ""),
            ("vendors:timesheet_list", ""),
            ("vendors:timesheet_export", "?format=xlsx"),
        )
        for persona in ("finance", "hm")
    ],
]


@pytest.mark.parametrize("page_name, query, persona", VENDOR_LISTS)
def test_vendor_lists_and_exports_cost_the_same_with_more_rows(client, request, many, page_name, query, persona):  # noqa: F811
    many(2)
    client.force_login(request.getfixturevalue(persona))
    url = reverse(page_name) + query
    client.get(url)  # warm the process-wide content-type cache

    small = _queries(client, url)
    many(6)
    large = _queries(client, url)

    assert small == large, (page_name, small, large)
    assert large <= 20, (page_name, large)


@pytest.mark.parametrize(
    "page_name, query", [("offers:list", ""), ("offers:list", "?sort=base"), ("offers:export", "")]
)
def test_the_offer_list_and_export_cost_the_same_with_more_offers(
    client,
    application,  # noqa: F811
    recruiter,
    finance,
    page_name,
    query,
):
    from candidates.services import apply, create_candidate
    from offers.services import create_offer

    req = application.requisition

    def add(n):
        for i in range(n):
            person = create_candidate(by=recruiter, first_name=f"Extra{i}", last_name=f"Person{n}")
            offer_on = apply(candidate=person, requisition=req, by=recruiter)
            create_offer(application=offer_on, by=recruiter, terms=terms(req))

    add(2)
    client.force_login(finance)
    url = reverse(page_name) + query
    client.get(url)

    small = _queries(client, url)
    add(8)
    large = _queries(client, url)

    assert small == large, (page_name, small, large)
    assert large <= 16, (page_name, large)
