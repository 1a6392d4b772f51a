"""Saving a list's filters under a name, for the person who saved them only."""

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import registry
from portal.exceptions import SavedViewError
from portal.filters import filter_keys
from portal.models import SavedView, User

MAX_PER_PAGE = 20
NAME_MAX = SavedView._meta.get_field("name").max_length
QUERY_MAX = SavedView._meta.get_field("query").max_length


def clean_query(page: str, query: str, user: User) -> str:
    """`query` (a query string) reduced to the non-blank parameters the page's filters read, in their order."""
    entry = registry.saved_view_page(page)
    if entry is None or not entry[1](user):
        raise SavedViewError(_("This page cannot save its filters."))
    filterset_class = entry[0]
    form = filterset_class(QueryDict()).form
    given = QueryDict(query)
    kept = QueryDict(mutable=True)
    for name in form.fields:
        for key in filter_keys(form, name):
            values = [value for value in given.getlist(key) if value.strip()]
            if values:
                kept.setlist(key, values)
    return kept.urlencode()


@transaction.atomic
def save_view(*, user: User, page: str, name: str, query: str) -> SavedView:
    """Keep the page's filters under `name`; a name the person already used on that page is updated."""
    name = " ".join(name.split())
    if not name:
        raise SavedViewError(_("Give the view a name."))
    if len(name) > NAME_MAX:
        raise SavedViewError(_("A view's name has at most %(max)d characters.") % {"max": NAME_MAX})
    cleaned = clean_query(page, query, user)
    if not cleaned:
        raise SavedViewError(_("Choose at least one filter before saving a view."))
    if len(cleaned) > QUERY_MAX:
        raise SavedViewError(_("These filters are too long to save."))
    existing = SavedView.objects.select_for_update().filter(user=user, page=page, name=name).first()
    if existing is not None:
        existing.query = cleaned
        existing.save(update_fields=["query"])
        return existing
    if SavedView.objects.filter(user=user, page=page).count() >= MAX_PER_PAGE:
        raise SavedViewError(_("You have %(max)d saved views here; delete one first.") % {"max": MAX_PER_PAGE})
    try:
        with transaction.atomic():
            return SavedView.objects.create(user=user, page=page, name=name, query=cleaned)
    except IntegrityError:  # the same name saved at the same moment from another tab
        raise SavedViewError(_("A view with this name was just saved; try again.")) from None


def delete_view(*, user: User, view: SavedView) -> None:
    if view.user_id != user.pk:
        raise SavedViewError(_("Only the person who saved a view can delete it."))
    view.delete()


def views_for(user: User, page: str) -> list[SavedView]:
    return list(SavedView.objects.filter(user=user, page=page)) if user.is_authenticated else []


def page_url(page: str) -> str:
    return reverse(page)


def url_of(view: SavedView) -> str:
    return f"{page_url(view.page)}?{view.query}"
