"""Background-check vendors, behind one adapter: `request(check)` orders a check and returns the vendor's
reference. Results come back later through `onboarding.services.record_check_result` (by HR on the case
page, or by an integration). `settings.BACKGROUND_CHECK_ADAPTER` names the adapter class; the fake one
serves the demo and the tests (it orders nothing and answers with a reference of its own)."""

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_ADAPTER = "onboarding.checks.FakeCheckVendor"


class FakeCheckVendor:
    """Orders nothing: the reference is made from the check's id, and results are recorded by hand (or by
    the demo)."""

    def request(self, check) -> str:
        return f"FAKE-{check.pk:06d}"


def adapter():
    return import_string(getattr(settings, "BACKGROUND_CHECK_ADAPTER", DEFAULT_ADAPTER))()
