"""Settings for the staffing portal.

Every value comes from an environment variable with a safe local default; see the
configuration table in README.md. Nothing here reads a file other than the environment.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute base of links in emails (reminders are sent by workers, with no request at hand).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "django_filters",
    "django_htmx",
    "django_bootstrap5",
    "bootstrap",
    "axes",
    "csp",
    "portal",
    "requisitions",
    "candidates",
    "offers",
    "vendors",
    "onboarding",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Celery worker started by a test sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_portal.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"
# The admin's history pages show old versions and never revert one (portal.admin.HistoryAdmin).
SIMPLE_HISTORY_REVERT_DISABLED = True
# The staffing need every ledger event belongs to (portal.CostEvent.need).
LEDGER_NEED_MODEL = "requisitions.Requisition"
# The currency finance reports in by default (the ledger page's first view).
PORTAL_CURRENCY = env.str("PORTAL_CURRENCY", default="CAD")

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:my_work"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: after AXES_FAILURE_LIMIT failures for one username from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# No anonymous user row: object permissions are only ever granted to people who sign in.
ANONYMOUS_USER_NAME = None

# Sessions: idle timeout (no request for this long) and absolute timeout (since login).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers -----------------------------------------------------------------------
SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The health check answers plain HTTP from the load balancer inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Forms (django-bootstrap5) -------------------------------------------------------------
# The portal's field renderer: no "valid" mark on fields of a form shown again, required fields
# marked up front (see portal/templatetags/portal_fields.py). Labels are not repeated as placeholders.
BOOTSTRAP5 = {
    "success_css_class": "",
    "set_placeholder": False,
    "field_renderers": {"default": "portal.templatetags.portal_fields.FieldRenderer"},
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-ca"
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="America/Toronto")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Private files (resumes): outside static files and any public URL, served only by access-checked views.
PRIVATE_FILES_ROOT = env.str("PRIVATE_FILES_ROOT", default=str(VAR_DIR / "private"))
STORAGES["resumes"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_FILES_ROOT, "directory_permissions_mode": 0o700, "file_permissions_mode": 0o600},
}
RESUME_MAX_BYTES = env.int("RESUME_MAX_BYTES", default=5 * 1024 * 1024)

# --- Interviews ------------------------------------------------------------------------------
# How many interviews a week one person takes unless an admin sets their own cap.
INTERVIEWS_PER_WEEK = env.int("INTERVIEWS_PER_WEEK", default=5)
# A scorecard is due this many hours after its interview ends.
SCORECARD_DUE_HOURS = env.int("SCORECARD_DUE_HOURS", default=48)

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Staffing portal <portal@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),
        "store_processed": False,
    }
else:
    # A page never waits long on a broker that is down: the reminder sweep catches up later.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 3, "max_retries": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="portal")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env.str("CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule"))
CELERY_BEAT_SCHEDULE = {
    "sweep-decisions": {
        "task": "portal.tasks.sweep_decisions",
        "schedule": env.float("REMINDER_SWEEP_SECONDS", default=900.0),
    },
    # Hourly: a digest claims each stall once, so running often only makes it arrive sooner after 7/14 days.
    "stuck-candidate-digests": {"task": "candidates.tasks.send_stuck_digests", "schedule": 3600.0},
    # Hourly as well: one summary per hiring manager per week, the first run of the week sends it.
    "weekly-summaries": {"task": "candidates.tasks.send_weekly_summaries", "schedule": 3600.0},
    # Interviews whose end passed an hour ago are completed, and their scorecards fall due.
    "complete-past-interviews": {"task": "candidates.tasks.complete_past_interviews", "schedule": 900.0},
    # Extended offers unanswered past their expiry date expire, and their recruiters are told.
    "expire-offers": {"task": "offers.tasks.expire_unanswered_offers", "schedule": 3600.0},
    # Engagements start and end on their dates, renewals are asked for 30 days ahead, and rate cards and
    # vendor contracts about to expire are flagged 30 and 14 days ahead (each once).
    "vendor-daily": {"task": "vendors.tasks.daily", "schedule": 3600.0},
    # Each hiring manager gets one digest 5 business days before a start that has anything open.
    "start-digests": {"task": "onboarding.tasks.send_start_digests", "schedule": 3600.0},
    # Today's dashboard snapshot, replaced every hour: the day's last run is what the trend keeps.
    "daily-snapshot": {"task": "analytics.tasks.fill_snapshot", "schedule": 3600.0},
}

# --- Offers -----------------------------------------------------------------------------------
# Internal equity warns when an offer's base is further than this from the median of its peers.
OFFER_EQUITY_TOLERANCE_PCT = env.int("OFFER_EQUITY_TOLERANCE_PCT", default=10)
# The company name offer letters are signed with.
PORTAL_COMPANY_NAME = env.str("PORTAL_COMPANY_NAME", default="Northwind Staffing")

# --- Vendors ---------------------------------------------------------------------------------
# A day rate bills this many hours a day (timesheets are kept in hours).
VENDOR_HOURS_PER_DAY = env.int("VENDOR_HOURS_PER_DAY", default=8)
# An invoice line matches when it is within this % of what was approved to bill, and never less
# than this amount (the vendor's rounding).
VENDOR_MATCH_TOLERANCE_PCT = env.str("VENDOR_MATCH_TOLERANCE_PCT", default="1")
VENDOR_MATCH_TOLERANCE_AMOUNT = env.str("VENDOR_MATCH_TOLERANCE_AMOUNT", default="1.00")

# --- Decisions and reminders ----------------------------------------------------------------
# A decision due within this many hours gets a "due soon" reminder.
REMINDER_DUE_SOON_HOURS = env.int("REMINDER_DUE_SOON_HOURS", default=24)
# A decision this many business days overdue is escalated to the owner's manager.
ESCALATE_AFTER_BUSINESS_DAYS = env.int("ESCALATE_AFTER_BUSINESS_DAYS", default=2)
# Decisions fall due at this local hour on their last business day.
BUSINESS_DAY_END_HOUR = env.int("BUSINESS_DAY_END_HOUR", default=17)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors_without_traceback": {"()": "portal.logging.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["client_errors_without_traceback"]},
        "django.security": {"filters": ["client_errors_without_traceback"]},
    },
}
