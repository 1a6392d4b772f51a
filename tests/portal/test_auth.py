"""Sign-in, throttling, session timeouts and the production security settings."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.urls import reverse

from portal.middleware import LAST_SEEN, SIGNED_IN_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def person(db):
    return UserFactory(username="casey")


def _login(client, username="casey", password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_every_page_but_login_requires_signing_in(client):
    response = client.get(reverse("portal:notifications"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('portal:notifications')}"


def test_sign_in_lands_on_my_work_and_rotates_the_session(client, person):
    client.get(reverse("login"))
    before = client.cookies.get(settings.SESSION_COOKIE_NAME)

    response = _login(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_work")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before is None or before.value != after


def test_a_wrong_password_says_so_without_saying_which_part_was_wrong(client, person):
    response = _login(client, password="wrong password")

    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_sign_in_is_locked_after_the_configured_number_of_failures(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, password="nope").status_code == 200

    locked = _login(client, password="nope")
    after_lock = _login(client)  # even the right password is refused while locked

    assert locked.status_code == 429
    assert after_lock.status_code == 429
    assert "Too many failed sign-in attempts" in after_lock.content.decode()


def test_a_lockout_is_per_user_and_address(client, person):
    UserFactory(username="other")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, password="nope")

    assert _login(client, username="other").status_code == 302


def test_sign_out_is_a_post(client, person):
    client.force_login(person)

    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("portal:my_work")).status_code == 302


def test_an_idle_session_ends(client, person):
    _login(client)
    session = client.session
    session[LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5
    session.save()

    response = client.get(reverse("portal:my_work"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("portal:my_work")).status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_even_when_busy(client, person):
    _login(client)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() - 5
    session[LAST_SEEN] = time.time()
    session.save()

    assert client.get(reverse("portal:my_work")).status_code == 302


def test_an_active_session_stays(client, person):
    _login(client)
    assert client.get(reverse("portal:my_work")).status_code == 200


def test_password_change_enforces_the_password_rules(client, person):
    client.force_login(person)

    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )

    assert response.status_code == 200
    assert "too short" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_production_hashes_passwords_with_argon2():
    # Tests use a fast hasher; the production settings module must put argon2 first.
    from portal import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_pages_send_security_headers(client, person):
    client.force_login(person)

    response = client.get(reverse("portal:my_work"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def _production_environ():
    """This process's environment without what only the browser tests set."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_check_deploy_is_clean_with_production_values():
    env = {
        **_production_environ(),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 64 + "-production-like-secret-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "portal.example.com",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    env = {**_production_environ(), "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "false", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
