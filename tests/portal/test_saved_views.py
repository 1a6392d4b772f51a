"""Saved views: a person keeps a list's filters under a name and finds them again; nobody else sees them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.exceptions import SavedViewError
from portal.models import SavedView
from portal.services.saved_views import MAX_PER_PAGE, save_view

pytestmark = pytest.mark.django_db

PIPELINE = "candidates:pipeline"


def _save(client, name, query, page=PIPELINE):
    return client.post(reverse("portal:saved_view_save"), {"page": page, "name": name, "query": query})


def test_a_recruiter_saves_the_filters_and_finds_them_on_the_list(client, recruiter):
    client.force_login(recruiter)

    response = _save(client, "  Stuck   screens ", "flag=stuck_7&status=&page=4&format=csv&bogus=1&q=ada")

    view = SavedView.objects.get(user=recruiter)
    assert (view.name, view.query) == ("Stuck screens", "q=ada&flag=stuck_7")
    assert response.status_code == 302 and response["Location"] == "/candidates/?q=ada&flag=stuck_7"
    body = client.get(response["Location"]).content.decode()
    assert 'aria-current="true">Stuck screens</a>' in body
    assert "Name these filters" not in body  # the current filters are already saved
    assert "Name these filters" in client.get("/candidates/?flag=stuck_14").content.decode()


def test_saving_under_a_name_already_used_replaces_its_filters(recruiter):
    first = save_view(user=recruiter, page=PIPELINE, name="Mine", query="flag=stuck_7")
    again = save_view(user=recruiter, page=PIPELINE, name="Mine", query="flag=over_sla")
    assert again.pk == first.pk
    assert list(SavedView.objects.values_list("name", "query")) == [("Mine", "flag=over_sla")]


@pytest.mark.parametrize(
    "name, query, message",
    [
        ("", "flag=stuck_7", "Give the view a name."),
        ("x" * 61, "flag=stuck_7", "at most 60 characters"),
        ("Nothing", "page=2&format=csv", "Choose at least one filter"),
        ("Long", "q=" + "a" * 1200, "too long to save"),
    ],
)
def test_a_view_that_cannot_be_saved_says_why_and_saves_nothing(client, recruiter, name, query, message):
    client.force_login(recruiter)
    response = _save(client, name, query)
    assert response.status_code == 302 and response["Location"].startswith("/candidates/")
    assert message in client.get(response["Location"]).content.decode()
    assert not SavedView.objects.exists()


def test_a_person_has_at_most_twenty_views_on_a_page(recruiter):
    for n in range(MAX_PER_PAGE):
        save_view(user=recruiter, page=PIPELINE, name=f"View {n}", query=f"q=n{n}")
    with pytest.raises(SavedViewError, match="delete one first"):
        save_view(user=recruiter, page=PIPELINE, name="One more", query="q=more")
    save_view(user=recruiter, page=PIPELINE, name="View 3", query="q=changed")  # renaming in place still works
    assert SavedView.objects.count() == MAX_PER_PAGE


def test_views_are_private_and_only_their_owner_deletes_one(client, recruiter, hiring_manager):
    mine = save_view(user=recruiter, page=PIPELINE, name="Recruiter's secret view", query="flag=stuck_7")
    client.force_login(hiring_manager)
    assert "Recruiter&#x27;s secret view" not in client.get(reverse(PIPELINE)).content.decode()
    assert client.post(reverse("portal:saved_view_delete", args=[mine.pk])).status_code == 404
    assert SavedView.objects.filter(pk=mine.pk).exists()

    client.force_login(recruiter)
    response = client.post(reverse("portal:saved_view_delete", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(PIPELINE)
    assert not SavedView.objects.exists()


def test_a_role_that_cannot_see_the_list_cannot_save_its_filters(client, interviewer):
    client.force_login(interviewer)
    assert _save(client, "Mine", "flag=stuck_7").status_code == 403
    assert _save(client, "Mine", "flag=stuck_7", page="portal:ledger").status_code == 404
    assert not SavedView.objects.exists()


def test_an_htmx_swap_of_the_table_updates_the_saved_views_beside_it(client, recruiter):
    save_view(user=recruiter, page=PIPELINE, name="Over SLA", query="flag=over_sla")
    client.force_login(recruiter)
    body = client.get(reverse(PIPELINE), {"flag": "over_sla"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="saved-views" class="saved-views mb-3" aria-labelledby="saved-views-heading" hx-swap-oob="true"' in body
    assert 'aria-current="true">Over SLA</a>' in body


def test_the_list_costs_the_same_with_many_saved_views(client, recruiter):
    client.force_login(recruiter)
    client.get(reverse(PIPELINE))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(PIPELINE), {"flag": "stuck_7"}).status_code == 200
        return len(ctx.captured_queries)

    save_view(user=recruiter, page=PIPELINE, name="One", query="flag=stuck_14")
    one = queries()
    for n in range(10):
        save_view(user=recruiter, page=PIPELINE, name=f"View {n}", query=f"q=n{n}")
    assert queries() == one


def test_the_requisition_list_saves_its_filters_too(client, hiring_manager):
    client.force_login(hiring_manager)
    response = _save(client, "Open ones", "status=open&page=2", page="requisitions:list")
    assert response["Location"] == "/requisitions/?status=open"
    assert 'aria-current="true">Open ones</a>' in client.get(response["Location"]).content.decode()
