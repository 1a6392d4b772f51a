"""My work and the decision pages, as the people who use them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.choices import REQUEST, DecisionStatus, Outcome, Role
from portal.models import Decision, Notification
from portal.services.decisions import raise_decision
from requisitions.choices import APPROVAL_KIND
from tests.commit import committed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _raise(owner=None, role="", by=None, title="Confirm Q1 budget", due_in_days=3):
    with committed():
        return raise_decision(
            kind=REQUEST,
            title=title,
            owner=owner,
            owner_role=role,
            by=by,
            due_at=timezone.now() + timedelta(days=due_in_days),
        )


def _titles(response):
    return [d.title for d in response.context["object_list"]]


def test_my_work_lists_my_decisions_and_my_roles_overdue_first(client, finance, hr):
    later = _raise(owner=finance, title="Later", due_in_days=5)
    overdue = _raise(owner=finance, title="Overdue", due_in_days=-1)
    role_owned = _raise(role=Role.FINANCE, title="Finance team", due_in_days=1)
    _raise(owner=hr, title="Someone else's")
    _raise(role=Role.HR, title="Another role's")
    client.force_login(finance)

    response = client.get(reverse("portal:my_work"))

    assert _titles(response) == [overdue.title, role_owned.title, later.title]
    assert response.context["counts"] == {"total": 3, "overdue": 1, "due_today": 0}
    assert response.context["counts_by_kind"] == [("request", "Request", 3)]
    assert b"Overdue" in response.content


def test_my_work_filters_by_due_kind_and_search(client, finance):
    _raise(owner=finance, title="Budget for support", due_in_days=-1)
    _raise(owner=finance, title="Headcount for sales", due_in_days=2)
    client.force_login(finance)

    assert _titles(client.get("/", {"due": "overdue"})) == ["Budget for support"]
    assert _titles(client.get("/", {"q": "sales"})) == ["Headcount for sales"]
    assert _titles(client.get("/", {"kind": APPROVAL_KIND})) == []


def test_my_work_with_bad_filter_values_explains_and_lists_nothing(client, finance):
    _raise(owner=finance, title="Budget")
    client.force_login(finance)

    response = client.get("/", {"kind": "no-such-kind", "due": "yesterday"})

    assert response.status_code == 400
    assert response.context["filter"].errors.keys() == {"kind", "due"}
    assert "Select a valid choice" in response.content.decode()
    assert _titles(response) == []  # never "everything" for a filter that cannot be read


def test_my_work_with_a_page_past_the_end_is_a_404(client, finance):
    client.force_login(finance)
    assert client.get("/", {"page": "x"}).status_code == 404
    assert client.get("/", {"page": "99"}).status_code == 404


def test_the_back_button_gets_the_whole_page_not_the_table(client, finance):
    client.force_login(finance)

    response = client.get("/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert response.templates[0].name == "portal/my_work.html"
    assert "HX-Request" in response["Vary"]


def test_my_work_answers_htmx_with_only_the_table(client, finance):
    _raise(owner=finance, title="Budget")
    client.force_login(finance)

    response = client.get("/", {"q": "Budget"}, HTTP_HX_REQUEST="true")

    assert response.templates[0].name == "portal/_decision_table.html"
    assert b'<nav class="navbar' not in response.content


def test_raised_by_me_scope_and_all_scope_only_for_admins(client, finance, hiring_manager, admin_user):
    asked = _raise(owner=finance, by=hiring_manager, title="Asked by HM")
    _raise(owner=finance, title="Asked by nobody")
    client.force_login(hiring_manager)

    assert _titles(client.get("/", {"scope": "raised"})) == [asked.title]
    # Asking for everything without being an admin is refused: nothing listed, and the page says why.
    refused = client.get("/", {"scope": "all"})
    assert refused.status_code == 400 and _titles(refused) == []
    assert "“all” is not one of your views of the work." in refused.content.decode()

    client.force_login(admin_user)
    assert sorted(_titles(client.get("/", {"scope": "all"}))) == ["Asked by HM", "Asked by nobody"]


def test_resolving_a_request_from_its_page(client, finance, hiring_manager):
    decision = _raise(owner=finance, by=hiring_manager)
    client.force_login(finance)

    page = client.get(decision.get_absolute_url())
    assert page.context["can_resolve_here"] is True
    response = client.post(
        reverse("portal:decision_resolve", args=[decision.pk]), {"outcome": Outcome.DONE, "note": ""}
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.status, decision.outcome, decision.decided_by) == (DecisionStatus.DONE, Outcome.DONE, finance)


def test_declining_without_a_reason_is_refused_with_a_message(client, finance):
    decision = _raise(owner=finance)
    client.force_login(finance)

    response = client.post(reverse("portal:decision_resolve", args=[decision.pk]), {"outcome": Outcome.DECLINED})

    assert response.status_code == 400
    assert "a note is required" in response.content.decode()
    decision.refresh_from_db()
    assert decision.is_open


def test_resolving_with_an_outcome_not_offered_is_refused(client, finance):
    decision = _raise(owner=finance)
    client.force_login(finance)

    response = client.post(reverse("portal:decision_resolve", args=[decision.pk]), {"outcome": Outcome.APPROVED})

    assert response.status_code == 400
    decision.refresh_from_db()
    assert decision.is_open


def test_resolving_twice_says_it_is_already_closed(client, finance):
    decision = _raise(owner=finance)
    client.force_login(finance)
    client.post(reverse("portal:decision_resolve", args=[decision.pk]), {"outcome": Outcome.DONE})

    response = client.post(
        reverse("portal:decision_resolve", args=[decision.pk]), {"outcome": Outcome.DECLINED, "note": "x"}, follow=True
    )

    assert "already closed" in response.content.decode()
    decision.refresh_from_db()
    assert (decision.outcome, decision.history.count()) == (Outcome.DONE, 2)


def test_handing_a_decision_on_to_a_role_with_a_new_due_date(client, finance, hr):
    decision = _raise(owner=finance)
    client.force_login(finance)

    with committed():
        response = client.post(
            reverse("portal:decision_reassign", args=[decision.pk]),
            {"owner_role": Role.HR, "due_in_business_days": "3", "note": "HR owns relocation policy."},
        )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.owner, decision.owner_role) == (None, Role.HR)
    assert list(Notification.objects.filter(user=hr).values_list("decision", flat=True)) == [decision.pk]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"note": "why"}, "Choose a person or a role"),
        ({"owner_role": Role.HR, "owner": "OWNER", "note": "why"}, "not both"),
        ({"owner_role": Role.HR, "note": "   "}, "Say why"),
        ({"owner_role": Role.HR, "note": "why", "due_in_business_days": "0"}, "greater than or equal to 1"),
        ({"owner_role": "emperor", "note": "why"}, "Select a valid choice"),
        ({"owner": "999999", "note": "why"}, "Select a valid choice"),
    ],
)
def test_handing_on_with_bad_input_explains_and_changes_nothing(client, finance, data, message):
    decision = _raise(owner=finance)
    client.force_login(finance)
    data = {key: str(finance.pk) if value == "OWNER" else value for key, value in data.items()}

    response = client.post(reverse("portal:decision_reassign", args=[decision.pk]), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    decision.refresh_from_db()
    assert (decision.owner, decision.history.count()) == (finance, 1)


def test_asking_for_a_decision(client, hiring_manager, finance):
    client.force_login(hiring_manager)

    response = client.post(
        reverse("portal:request_create"),
        {"title": "Confirm the Q1 plan", "detail": "", "owner": finance.pk, "business_days": "2"},
    )

    decision = Decision.objects.get()
    assert response.status_code == 302
    assert (decision.owner, decision.raised_by, decision.kind) == (finance, hiring_manager, REQUEST)


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "owner_role": Role.FINANCE, "business_days": "2"},
        {"title": "   ", "owner_role": Role.FINANCE, "business_days": "2"},
        {"title": "x" * 201, "owner_role": Role.FINANCE, "business_days": "2"},
        {"title": "Plan", "owner_role": Role.FINANCE, "business_days": "61"},
        {"title": "Plan", "owner_role": Role.FINANCE, "business_days": "soon"},
        {"title": "Plan", "business_days": "2"},
    ],
)
def test_asking_with_bad_input_saves_nothing(client, hiring_manager, data):
    client.force_login(hiring_manager)

    response = client.post(reverse("portal:request_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Decision.objects.count() == 0


def test_a_deactivated_person_is_not_offered_as_owner(client, hiring_manager):
    gone = UserFactory(username="gone", is_active=False)
    client.force_login(hiring_manager)

    response = client.get(reverse("portal:request_create"))

    assert gone not in response.context["form"].fields["owner"].queryset


def test_cancelling_a_request_i_raised(client, finance, hiring_manager):
    decision = _raise(owner=finance, by=hiring_manager)
    client.force_login(hiring_manager)

    client.post(reverse("portal:decision_cancel", args=[decision.pk]), {"note": "Raised in error."})

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CANCELLED


def test_cancelling_without_a_reason_is_refused(client, finance, hiring_manager):
    decision = _raise(owner=finance, by=hiring_manager)
    client.force_login(hiring_manager)

    response = client.post(reverse("portal:decision_cancel", args=[decision.pk]), {"note": ""})

    assert response.status_code == 400
    decision.refresh_from_db()
    assert decision.is_open


def test_notifications_open_marks_read_and_follows_the_link(client, finance, hiring_manager):
    decision = _raise(owner=finance, by=hiring_manager)
    notification = Notification.objects.get(user=finance)
    client.force_login(finance)
    assert client.get("/").context["unread_notifications"] == 1

    response = client.post(reverse("portal:notification_open", args=[notification.pk]))

    assert response["Location"] == decision.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get("/").context["unread_notifications"] == 0


def test_a_notification_never_redirects_off_site(client, finance):
    notification = Notification.objects.create(user=finance, message="x", url="https://evil.example/phish")
    client.force_login(finance)

    response = client.post(reverse("portal:notification_open", args=[notification.pk]))

    assert response["Location"] == reverse("portal:notifications")


def test_mark_all_read_touches_only_my_notifications(client, finance, hr):
    Notification.objects.create(user=finance, message="mine")
    Notification.objects.create(user=hr, message="theirs")
    client.force_login(finance)

    client.post(reverse("portal:notification_read_all"))

    assert list(Notification.objects.unread().values_list("user__username", flat=True)) == [hr.username]


def test_the_navigation_follows_the_role(client, interviewer, admin_user):
    client.force_login(interviewer)
    page = client.get("/").content.decode()
    assert "Ask for a decision" not in page and "Administration" not in page

    client.force_login(admin_user)
    page = client.get("/").content.decode()
    assert "Ask for a decision" in page and "Administration" in page


def test_an_escalated_manager_sees_and_can_hand_on_their_reports_decision(client, hiring_manager):
    boss = UserFactory(username="boss", roles=[Role.HIRING_MANAGER])
    report = UserFactory(username="report", roles=[Role.FINANCE], manager=boss)
    decision = _raise(owner=report, by=hiring_manager, due_in_days=-5)
    client.force_login(boss)

    assert client.get(decision.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("portal:decision_reassign", args=[decision.pk]), {"owner_role": Role.FINANCE, "note": "Away this week."}
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.owner, decision.owner_role) == (None, Role.FINANCE)


def test_whoever_raised_a_decision_cannot_take_it_by_handing_it_to_themselves(client, finance, hiring_manager):
    decision = _raise(owner=finance, by=hiring_manager)
    client.force_login(hiring_manager)

    assert (
        hiring_manager
        not in client.get(reverse("portal:decision_reassign", args=[decision.pk]))
        .context["form"]
        .fields["owner"]
        .queryset
    )  # not even offered

    response = client.post(
        reverse("portal:decision_reassign", args=[decision.pk]), {"owner": hiring_manager.pk, "note": "I'll do it."}
    )

    assert "Select a valid choice" in response.content.decode()
    decision.refresh_from_db()
    assert decision.owner == finance


def test_a_title_on_several_lines_is_kept_on_one(client, hiring_manager, finance):
    client.force_login(hiring_manager)

    client.post(
        reverse("portal:request_create"),
        {"title": "Budget\r\nBcc: everyone@example.com", "owner": finance.pk, "business_days": "2"},
    )

    assert Decision.objects.get().title == "Budget Bcc: everyone@example.com"


def test_a_request_with_over_long_details_is_refused_with_a_message(client, hiring_manager, finance):
    client.force_login(hiring_manager)

    response = client.post(
        reverse("portal:request_create"),
        {"title": "Confirm", "detail": "x" * 4001, "owner": finance.pk, "business_days": "2"},
    )

    assert response.status_code == 200
    assert "at most 4000 characters" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_notification_list_shows_all_or_the_unread_and_refuses_other_parameters(client, finance, hr):
    read = Notification.objects.create(user=finance, message="Seen already")
    Notification.objects.create(user=finance, message="Still new")
    Notification.objects.create(user=hr, message="Someone else's")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    client.force_login(finance)
    url = reverse("portal:notifications")

    def messages(query):
        response = client.get(url, query)
        return response.status_code, sorted(n.message for n in response.context["notifications"])

    assert messages({}) == (200, ["Seen already", "Still new"])
    assert messages({"show": "unread"}) == (200, ["Still new"])
    assert messages({"show": "everything"}) == (400, [])
    assert messages({"user": hr.pk}) == (400, [])  # a parameter no filter reads widens nothing
