"""The pipeline list and the candidate page, as the roles that use them."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.models import Stage
from candidates.services import apply, create_candidate, move_application
from portal.choices import Role
from tests import clock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CANARY_EMAIL = "canary.7731@example.com"
CANARY_PHONE = "+1 613 555 7731"


@pytest.fixture
def people(open_requisition, recruiter):

    def person(first, last, **extra):
        candidate = create_candidate(by=recruiter, first_name=first, last_name=last, **extra)
        return apply(candidate=candidate, requisition=open_requisition, by=recruiter)

    return {
        "ada": person("Ada", "Byron", email=CANARY_EMAIL, phone=CANARY_PHONE, links="https://example.com/ada"),
        "grace": person("Grace", "Hopper", email="grace@example.com"),
    }


def _names(response):
    return sorted(str(a.candidate) for a in response.context["object_list"])


def test_the_pipeline_lists_exactly_the_applications_of_the_users_requisitions(
    client, people, recruiter, other_hiring_manager
):
    client.force_login(recruiter)
    assert _names(client.get(reverse("candidates:pipeline"))) == ["Ada Byron", "Grace Hopper"]
    client.force_login(other_hiring_manager)
    response = client.get(reverse("candidates:pipeline"))
    assert _names(response) == []
    assert b"Ada Byron" not in response.content


def test_search_finds_names_and_for_recruiters_emails(client, people, recruiter, finance):
    client.force_login(recruiter)
    assert _names(client.get(reverse("candidates:pipeline"), {"q": "canary.7731"})) == ["Ada Byron"]
    assert _names(client.get(reverse("candidates:pipeline"), {"q": "grace hop"})) == ["Grace Hopper"]
    client.force_login(finance)  # finance may not see emails, so may not find people by them either
    assert _names(client.get(reverse("candidates:pipeline"), {"q": "canary.7731"})) == []
    assert _names(client.get(reverse("candidates:pipeline"), {"q": "Byron"})) == ["Ada Byron"]


def test_finance_sees_names_never_contact_details(client, people, finance, recruiter):
    ada = people["ada"].candidate
    client.force_login(finance)
    pages = [client.get(reverse("candidates:pipeline")), client.get(ada.get_absolute_url())]
    for page in pages:
        body = page.content.decode()
        assert "Ada Byron" in body
        assert CANARY_EMAIL not in body and "613 555 7731" not in body and "example.com/ada" not in body
    client.force_login(recruiter)
    body = client.get(ada.get_absolute_url()).content.decode()
    assert CANARY_EMAIL in body and "613 555 7731" in body


def test_flags_filter_stuck_and_over_sla(client, people, recruiter):
    move_application(application=people["grace"], to_stage=Stage.objects.get(code="screen"), by=recruiter)  # SLA 5
    client.force_login(recruiter)
    url = reverse("candidates:pipeline")
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        client.force_login(recruiter)
        assert _names(client.get(url, {"flag": "over_sla"})) == ["Ada Byron", "Grace Hopper"]  # Applied: SLA 3
        assert _names(client.get(url, {"flag": "stuck_7"})) == []
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        client.force_login(recruiter)
        response = client.get(url, {"flag": "stuck_14"})
        assert _names(response) == ["Ada Byron", "Grace Hopper"]
        assert "stuck 14" in response.content.decode()


def test_the_pipeline_sorts_by_its_main_columns(client, people, open_requisition, recruiter):
    with time_machine.travel(clock.now() + timedelta(hours=1)):  # applied last, still in the first stage
        late = apply(
            candidate=create_candidate(by=recruiter, first_name="Alan", last_name="Turing"),
            requisition=open_requisition,
            by=recruiter,
        )
    with time_machine.travel(clock.now() + timedelta(hours=2)):  # moved on: the furthest along
        move_application(application=people["ada"], to_stage=Stage.objects.get(code="screen"), by=recruiter)
    client.force_login(recruiter)
    url = reverse("candidates:pipeline")

    def order(sort):
        return [str(a.candidate) for a in client.get(url, {"sort": sort} if sort else {}).context["object_list"]]

    assert order("") == ["Ada Byron", str(late.candidate), "Grace Hopper"]  # most recently active first
    assert order("candidate") == ["Ada Byron", "Grace Hopper", "Alan Turing"]
    assert order("-stage")[0] == "Ada Byron"
    assert order("applied") == ["Ada Byron", "Grace Hopper", "Alan Turing"]
    assert order("in_stage")[-1] == "Ada Byron"  # entered its stage last
    refused = client.get(url, {"sort": "salary"})
    assert refused.status_code == 400 and _names(refused) == []


@pytest.mark.parametrize("query", [{"flag": "bogus"}, {"stage": "999999"}, {"status": "x"}, {"applied_min": "nope"}])
def test_an_unreadable_filter_is_shown_and_lists_nothing(client, people, recruiter, query):
    client.force_login(recruiter)
    response = client.get(reverse("candidates:pipeline"), query)
    assert response.status_code == 400
    assert _names(response) == []
    assert "filter-errors" in response.content.decode()


def test_the_candidate_page_shows_every_stage_change(client, people, recruiter):
    grace = people["grace"]
    move_application(
        application=grace, to_stage=Stage.objects.get(code="interview"), by=recruiter, note="Strong screen."
    )
    client.force_login(recruiter)

    body = client.get(grace.candidate.get_absolute_url()).content.decode()

    assert "Applied → Interview" in body and "Strong screen." in body


def test_pages_cost_the_same_with_ten_times_the_applications(client, open_requisition, recruiter):
    client.force_login(recruiter)
    stages = list(Stage.objects.all())

    def add(n, start):
        for i in range(start, start + n):
            candidate = create_candidate(by=recruiter, first_name=f"P{i}", last_name="Q", email=f"p{i}@example.com")
            application = apply(candidate=candidate, requisition=open_requisition, by=recruiter)
            move_application(application=application, to_stage=stages[1 + i % 4], by=recruiter)
        return candidate

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = add(2, 0)
    client.get(reverse("candidates:pipeline"))  # the first request after signing in also writes the session
    small = (queries(reverse("candidates:pipeline")), queries(one.get_absolute_url()))
    add(20, 2)
    UserFactory(username="another_recruiter", roles=[Role.RECRUITER])
    assert (queries(reverse("candidates:pipeline")), queries(one.get_absolute_url())) == small
    assert small[0] <= 20 and small[1] <= 22  # the candidate: its applications, their offers, interviews...


@pytest.mark.parametrize("url_name", ["candidates:pipeline", "requisitions:list", "portal:my_work"])
def test_every_field_of_a_filter_form_is_read_by_its_filters(client, recruiter, url_name):
    """A hand-written filter form whose field names drift from the filter set filters nothing, silently."""
    import re

    from django.http import QueryDict

    from portal.filters import unknown_parameters

    client.force_login(recruiter)
    response = client.get(reverse(url_name))
    form_html = re.search(
        r'<form[^>]*class="filter-panel filter-form".*?</form>', response.content.decode(), re.S
    ).group(0)
    names = set(re.findall(r'name="([^"]+)"', form_html)) - {"scope"}

    assert names
    assert unknown_parameters(response.context["filter"], QueryDict("&".join(f"{n}=" for n in names)), allowed=()) == []


def test_the_pipeline_shows_active_applications_unless_asked_for_closed_ones(client, people, recruiter):
    from candidates.models import ReasonCode
    from candidates.services import close_application

    close_application(application=people["grace"], reason=ReasonCode.objects.get(code="timing"), by=recruiter)
    client.force_login(recruiter)
    url = reverse("candidates:pipeline")

    assert _names(client.get(url)) == ["Ada Byron"]
    assert _names(client.get(url, {"status": "withdrawn"})) == ["Grace Hopper"]
    assert _names(client.get(url, {"status": "any"})) == ["Ada Byron", "Grace Hopper"]


def test_a_recruiter_logs_a_call_and_moves_an_application_from_the_candidate_page(client, people, recruiter):
    from candidates.models import Activity

    grace = people["grace"]
    page = grace.candidate.get_absolute_url()
    client.force_login(recruiter)

    refused = client.post(reverse("candidates:activity", args=[grace.pk]), {"kind": "call", "body": "  "})
    assert refused["Location"] == page and not Activity.objects.exists()
    logged = client.post(reverse("candidates:activity", args=[grace.pk]), {"kind": "call", "body": "Left a voicemail."})
    moved = client.post(reverse("candidates:move", args=[grace.pk]), {"stage": "screen", "from": "candidate"})

    assert logged["Location"] == page and moved["Location"] == page
    grace.refresh_from_db()
    assert grace.stage.code == "screen"
    activity = Activity.objects.get()
    assert (activity.kind, activity.by, grace.last_activity_at >= activity.at) == ("call", recruiter, True)
    body = client.get(page).content.decode()
    assert "Left a voicemail." in body and "Applied → Screen" in body


def test_an_admin_logs_a_note_on_any_application_as_the_roles_list_says(client, people, admin_user, hr):
    """docs/roles-and-permissions.md gave admins view only on activities while a superuser admin could add
    them: admins work any pipeline as its recruiter would, so they log notes too; HR still only reads."""
    from candidates.models import Activity
    from portal.permissions import has_perm

    ada = people["ada"]
    url = reverse("candidates:activity", args=[ada.pk])
    assert (has_perm(admin_user, "candidates.add_activity"), has_perm(hr, "candidates.add_activity")) == (True, False)
    client.force_login(admin_user)
    assert url in client.get(ada.candidate.get_absolute_url()).content.decode()
    assert client.post(url, {"kind": "note", "body": "References checked."}).status_code == 302
    client.force_login(hr)
    assert url not in client.get(ada.candidate.get_absolute_url()).content.decode()
    assert client.post(url, {"kind": "note", "body": "HR was here."}).status_code == 403
    assert [(a.body, a.by) for a in Activity.objects.filter(application=ada, kind="note")] == [
        ("References checked.", admin_user)
    ]
