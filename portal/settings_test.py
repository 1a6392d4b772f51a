"""Settings for the test suite: the real settings, made fast and self-contained."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from portal.settings import *  # noqa: E402, F403
from portal.settings import INSTALLED_APPS, STORAGES  # noqa: E402

# A module that exists only in tests: a second subject approved through the core's chains.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.chainapp"]

# Argon2 is the production hasher (a test asserts it); tests hash thousands of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "resumes": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
AXES_ENABLED = True
