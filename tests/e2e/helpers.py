"""What browser tests share: the test users' password, signing in through the login page, and waiting for
htmx to settle."""

from playwright.sync_api import expect

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


def sign_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def wait_for_htmx(page) -> None:
    """Until htmx has no request, swap or settle under way. A locator count, not wait_for_function: the
    portal's CSP (script-src 'self') refuses the eval that wait_for_function's polling needs."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
