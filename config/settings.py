"""Lan Tỏa settings: one file, every value from the environment with a safe development default."""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_choice, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LANTOA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "lantoa.core",
    "lantoa.accounts",
    "lantoa.geo",
    "lantoa.orgs",
    "lantoa.plans",
    "lantoa.taxonomy",
    "lantoa.content",
    "lantoa.activities",
    "lantoa.radio",
    "lantoa.audience",
    "lantoa.team",
    "lantoa.coordination",
    "lantoa.budget",
    "lantoa.documents",
    "lantoa.feedback",
    "lantoa.messaging",
    "lantoa.reports",
    "lantoa.public",
    "lantoa.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lantoa.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lantoa.core.middleware.NFCInputMiddleware",
    "lantoa.accounts.middleware.PasswordChangeRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lantoa.core.context_processors.navigation",
                "lantoa.orgs.context_processors.closed_unit",
            ],
            "builtins": ["lantoa.core.templatetags.vn"],
        },
    }
]

# SQLite by default (WAL, wait on locks, IMMEDIATE writes); PostgreSQL when DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "lantoa.sqlite3")),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "lantoa.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed-login throttling: after N failures for one account (or one address) within the window,
# further attempts are refused until the window has passed.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15, minimum=1)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing folder
WHITENOISE_USE_FINDERS = True  # serve from the app folders; no collectstatic step needed
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest document accepted for a plan (MB).
PLAN_DOCUMENT_MAX_MB = env_int("PLAN_DOCUMENT_MAX_MB", 20, minimum=1)

MAILERS = {"default": {"BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "lantoa@localhost")

# Messaging. The public address providers call back (delivery reports, replies); empty: no callbacks
# (the outbox needs none). Workers hold a batch for the lease; a message a dead worker left "sending" is
# queued again once the lease and the grace for late delivery reports are over.
MESSAGING_CALLBACK_BASE = env_str("MESSAGING_CALLBACK_BASE", f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}")
MESSAGING_WORKERS = env_int("MESSAGING_WORKERS", 2, minimum=1)
MESSAGING_LEASE_SECONDS = env_int("MESSAGING_LEASE_SECONDS", 120, minimum=1)
MESSAGING_REPORT_GRACE = env_int("MESSAGING_REPORT_GRACE", 600, minimum=0)
MESSAGING_BACKOFF_SECONDS = env_int("MESSAGING_BACKOFF_SECONDS", 30, minimum=1)
MESSAGING_DISPATCH_SECONDS = env_int("MESSAGING_DISPATCH_SECONDS", 50, minimum=1)

# Largest file accepted in the content library (MB).
CONTENT_MAX_UPLOAD_MB = env_int("CONTENT_MAX_UPLOAD_MB", 50, minimum=1)
# Units' yearly communication plans are due by this day ("dd/mm"); units without one get a reminder after it.
COORDINATION_PLAN_DUE = env_str("COORDINATION_PLAN_DUE", "31/01")
# Units' annual reports are due by this day of the year they cover ("dd/mm"); reminders after it.
REPORTS_DUE = env_str("REPORTS_DUE", "15/12")
# The public site: posts per hour per address to each public form; days to call a lead back; days an
# unconverted lead is kept before it is deleted.
PUBLIC_FORM_POSTS_PER_HOUR = env_int("PUBLIC_FORM_POSTS_PER_HOUR", 10, minimum=1)
PUBLIC_LEAD_CALLBACK_DAYS = env_int("PUBLIC_LEAD_CALLBACK_DAYS", 3, minimum=1)
PUBLIC_LEAD_RETENTION_DAYS = env_int("PUBLIC_LEAD_RETENTION_DAYS", 180, minimum=1)
try:
    dt.date(2024, int(COORDINATION_PLAN_DUE.split("/")[1]), int(COORDINATION_PLAN_DUE.split("/")[0]))
except (ValueError, IndexError):
    raise ImproperlyConfigured(f"COORDINATION_PLAN_DUE={COORDINATION_PLAN_DUE!r}: expected a day as dd/mm") from None
try:
    dt.date(2024, int(REPORTS_DUE.split("/")[1]), int(REPORTS_DUE.split("/")[0]))
except (ValueError, IndexError):
    raise ImproperlyConfigured(f"REPORTS_DUE={REPORTS_DUE!r}: expected a day as dd/mm") from None

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
