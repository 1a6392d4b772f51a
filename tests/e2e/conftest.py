"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import os

import pytest

# Playwright's sync API keeps an event loop running in the main thread for the whole session,
# so every later ORM call in this process would be refused without this. Subprocesses that
# must look like production (manage.py check --deploy) drop it from their environment.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
