"""Every URL pattern, as every role: allowed (200/302), refused (403), or not in the user's slice (404).

A URL pattern missing from ROUTES fails `test_every_url_pattern_is_declared`: a new page must say
who may see it. Object-scoped routes are tried on the persona's own object and on someone else's.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from portal.choices import DecisionKind, Outcome, Role
from portal.models import Decision, Notification
from portal.services.decisions import raise_decision
from tests.conftest import PERSONAS
from tests.factories import UserFactory

ANON = "anonymous"
EVERYONE = [ANON, *PERSONAS]
CAN_RAISE = {"recruiter", "hiring_manager", "finance", "hr", "admin_user"}


@dataclass(frozen=True)
class Case:
    """One way of calling a route: method, which object (None, "own", "other"), the expected status per persona."""

    method: str = "GET"
    scope: str | None = None
    expect: dict = field(default_factory=dict)
    default: int = 200
    data: dict = field(default_factory=dict)

    def status_for(self, persona: str) -> int:
        if persona in self.expect:
            return self.expect[persona]
        return self.default


def case(method="GET", scope=None, default=200, data=None, **expect):
    expect.setdefault(ANON, 302)
    return Case(method=method, scope=scope, expect=expect, default=default, data=data or {})


ROUTES: dict[str, list[Case]] = {
    "login": [Case(expect={ANON: 200}, default=302)],
    "logout": [case("POST", default=302)],
    "password_change": [case()],
    "password_change_done": [case()],
    "healthz": [Case(expect={ANON: 200})],
    "portal:my_work": [case()],
    "portal:request_create": [case(default=403, **dict.fromkeys(CAN_RAISE, 200))],
    "portal:decision_detail": [case(scope="own"), case(scope="other", default=404, admin_user=200)],
    "portal:decision_reassign": [case(scope="own"), case(scope="other", default=404, admin_user=200)],
    "portal:decision_resolve": [
        case(scope="own", default=405),
        case("POST", scope="own", default=302, data={"outcome": Outcome.DONE}),
        case("POST", scope="other", default=404, admin_user=403, data={"outcome": Outcome.DONE}),
    ],
    "portal:decision_cancel": [
        case("POST", scope="own", default=403, admin_user=302, data={"note": "Raised in error."}),
        case("POST", scope="other", default=404, admin_user=302, data={"note": "Raised in error."}),
    ],
    "portal:notifications": [case()],
    "portal:notification_open": [case("POST", scope="own", default=302), case("POST", scope="other", default=404)],
    "portal:notification_read_all": [case("POST", default=302)],
}

# The Django admin is checked on its own (test_admin_is_for_admins_only): it has hundreds of patterns.
SEPARATELY_TESTED_NAMESPACES = ("admin:",)


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_url_names(pattern, inner)
        else:
            yield f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}"


def test_every_url_pattern_is_declared():
    found = {name for name in all_url_names() if not name.startswith(SEPARATELY_TESTED_NAMESPACES)}
    assert found - set(ROUTES) == set(), "declare the expected result per role for these URLs in ROUTES"
    assert set(ROUTES) - found == set(), "ROUTES names URLs that no longer exist"


@pytest.fixture
def world(personas):
    """Each persona's own decision and notification, and someone else's, created before anyone looks."""
    raiser = UserFactory(username="raiser", roles=[Role.HIRING_MANAGER])
    stranger = UserFactory(username="stranger")
    due = timezone.now() + timedelta(days=2)

    def decision(owner, title):
        return raise_decision(kind=DecisionKind.REQUEST, title=title, owner=owner, due_at=due, by=raiser)

    own = {name: decision(user, f"Own decision of {name}") for name, user in personas.items()}
    other = decision(stranger, "A decision of someone else")
    own_notes = {name: Notification.objects.filter(user=user).first() for name, user in personas.items()}
    other_note = Notification.objects.filter(user=stranger).first()
    return {"personas": personas, "own": own, "other": other, "own_notes": own_notes, "other_note": other_note}


def _url(name, scope, persona, world):
    if scope is None:
        return reverse(name)
    if name.startswith("portal:notification"):
        note = world["own_notes"].get(persona) if scope == "own" else world["other_note"]
        return reverse(name, args=[note.pk if note else 999999])
    decision = world["own"].get(persona) if scope == "own" else world["other"]
    return reverse(name, args=[decision.pk if decision else 999999])


def _state():
    """Every row a denied request must leave untouched."""
    return (
        list(Decision.objects.order_by("pk").values_list("pk", "status", "owner", "outcome")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        Decision.history.count(),
    )


MATRIX = [
    (name, index, persona) for name, cases in ROUTES.items() for index, _ in enumerate(cases) for persona in EVERYONE
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, index, persona", MATRIX, ids=[f"{n}[{i}]-{p}" for n, i, p in MATRIX])
def test_access_matrix(client, world, name, index, persona):
    route = ROUTES[name][index]
    if persona != ANON:
        client.force_login(world["personas"][persona])
    url = _url(name, route.scope, persona, world)
    before = _state()

    response = client.post(url, route.data) if route.method == "POST" else client.get(url)

    expected = route.status_for(persona)
    assert response.status_code == expected, f"{route.method} {url} as {persona}"
    if persona == ANON and expected == 302 and name not in ("logout",):
        assert response["Location"].startswith(reverse("login"))
    if expected in (403, 404, 405) or persona == ANON:
        assert _state() == before, "a refused request changed data"
    if expected == 404:
        # Nothing about the hidden object leaks into the error page.
        assert world["other"].title.encode() not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", EVERYONE)
def test_admin_is_for_admins_only(client, personas, persona):
    if persona != ANON:
        client.force_login(personas[persona])

    for url in ("/admin/", "/admin/portal/costcenter/", "/admin/portal/user/", "/admin/portal/decision/"):
        response = client.get(url)
        if persona == "admin_user":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/") or response["Location"].startswith(
                "/accounts/login/"
            )
