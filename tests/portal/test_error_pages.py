"""The portal's own 403, 404 and 500 pages: plain words, no details, no stack traces."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("secret internals: salary 182,000")


def _forbidden(request):
    raise PermissionDenied


urlpatterns = [path("boom/", _boom), path("forbidden/", _forbidden), *portal_urlpatterns]


@pytest.fixture
def errors_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_a_server_error_shows_the_portal_page_and_nothing_internal(client, finance, errors_urls):
    client.raise_request_exception = False
    client.force_login(finance)

    response = client.get("/boom/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "secret internals" not in body and "182,000" not in body and "Traceback" not in body


def test_forbidden_and_not_found_pages(client, finance, errors_urls):
    client.force_login(finance)

    forbidden = client.get("/forbidden/")
    missing = client.get("/decisions/987654/")

    assert forbidden.status_code == 403 and "Not allowed" in forbidden.content.decode()
    assert missing.status_code == 404 and "not shared with you" in missing.content.decode()


def test_a_403_is_logged_in_one_line_without_a_traceback(client, recruiter, caplog):
    """A refused request is expected, not a fault: one line in the log, no stack."""
    import logging

    client.force_login(recruiter)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/ledger/")  # finance's page

    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /ledger/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_500_keeps_its_traceback_in_the_log(client, finance, errors_urls, caplog):
    import logging

    client.raise_request_exception = False
    client.force_login(finance)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        client.get("/boom/")

    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
