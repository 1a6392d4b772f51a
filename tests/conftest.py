"""Personas, environment probes, the CI rule that nothing may be skipped, and the frozen clock (tests/clock.py)."""

import os
import socket
from pathlib import Path

import pytest
from django.db import connection

from portal.choices import Role
from tests.factories import UserFactory

pytest_plugins = ["tests.clock"]

CHROMIUM = Path("/usr/bin/chromium")


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


requires_redis = pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
requires_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium")


@pytest.fixture
def requires_postgresql(db):
    if not on_postgresql():
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def pytest_configure(config):
    # pytest-xdist declares it; declared here as well so that a run without xdist (-p no:xdist) still
    # collects the modules that keep their tests on one worker (--strict-markers).
    config.addinivalue_line("markers", "xdist_group(name): run these tests on the same xdist worker")


def pytest_sessionfinish(session, exitstatus):
    """With PORTAL_NO_SKIPS set (CI has Redis, PostgreSQL and Chromium), a skipped test fails the run."""
    if not os.environ.get("PORTAL_NO_SKIPS") or exitstatus != 0:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"PORTAL_NO_SKIPS: {len(skipped)} tests were skipped; every test must run here.", red=True)
        session.exitstatus = 1


# --- Personas ----------------------------------------------------------------------------


def _persona(username, *roles, **extra):
    return UserFactory(username=username, roles=list(roles), **extra)


@pytest.fixture
def recruiter(db):
    return _persona("p_recruiter", Role.RECRUITER)


@pytest.fixture
def hiring_manager(db):
    return _persona("p_hiring_manager", Role.HIRING_MANAGER)


@pytest.fixture
def other_hiring_manager(db):
    return _persona("p_other_hiring_manager", Role.HIRING_MANAGER)


@pytest.fixture
def interviewer(db):
    return _persona("p_interviewer", Role.INTERVIEWER)


@pytest.fixture
def finance(db):
    return _persona("p_finance", Role.FINANCE)


@pytest.fixture
def hr(db):
    return _persona("p_hr", Role.HR)


@pytest.fixture
def admin_user(db):
    return _persona("p_admin", Role.ADMIN, is_staff=True)


@pytest.fixture
def outsider(db):
    """Signed in, but holding no role."""
    return _persona("p_outsider")


@pytest.fixture
def it_staff(db):
    """IT: prepares accounts and equipment for pre-boarding (a role the onboarding module registers)."""
    from onboarding.choices import IT

    return _persona("p_it", IT)


@pytest.fixture
def facilities_staff(db):
    from onboarding.choices import FACILITIES

    return _persona("p_facilities", FACILITIES)


PERSONAS = [
    "recruiter",
    "hiring_manager",
    "interviewer",
    "finance",
    "hr",
    "admin_user",
    "outsider",
    "it_staff",
    "facilities_staff",
]


@pytest.fixture
def personas(recruiter, hiring_manager, interviewer, finance, hr, admin_user, outsider, it_staff, facilities_staff):
    return {
        "recruiter": recruiter,
        "hiring_manager": hiring_manager,
        "interviewer": interviewer,
        "finance": finance,
        "hr": hr,
        "admin_user": admin_user,
        "outsider": outsider,
        "it_staff": it_staff,
        "facilities_staff": facilities_staff,
    }


@pytest.fixture
def director(db):
    return UserFactory(username="director", roles=[Role.HIRING_MANAGER])


@pytest.fixture
def hm(db, director):
    """A hiring manager whose manager is the director."""
    return UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)


@pytest.fixture
def no_checklists(db):
    """No pre-boarding checklist applies: hires open their cases without tasks, so a test of another module's
    money sees only that module's events (pre-boarding's own are tested in tests/onboarding)."""
    from onboarding.models import ChecklistTemplate

    ChecklistTemplate.objects.update(is_active=False)
