"""Lan Tỏa settings: one file, every value from the environment with a safe development default."""

import datetime as dt
import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_choice, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LANTOA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "lantoa.accounts.apps.LanToaAdminConfig",  # django.contrib.admin behind the one sign-in and its second step
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
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
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lantoa.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lantoa.accounts.middleware.SessionIdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lantoa.core.middleware.NFCInputMiddleware",
    "lantoa.accounts.middleware.TwoFactorRequiredMiddleware",
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
# Failed-login throttling, one for /accounts/login/ and /admin/login/ (which sends there): after N failures
# for one account from one client within the window, that client's attempts on that account are refused
# until the window has passed; after LOGIN_MAX_FAILURES_ACCOUNT failures for the account from any clients,
# every attempt on it is. An address alone never locks anyone out (one proxy may front a whole office).
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_MAX_FAILURES_ACCOUNT = env_int("LOGIN_MAX_FAILURES_ACCOUNT", 4 * LOGIN_MAX_FAILURES, minimum=1)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15, minimum=1)
# The client is REMOTE_ADDR, unless that is one of TRUSTED_PROXIES (addresses or networks, comma-separated):
# then the address its CLIENT_IP_HEADER names (the right-most one not itself a trusted proxy).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or a network") from None
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "X-Forwarded-For")
# Two-factor sign-in (TOTP, django-otp): these roles, and every account that may open /admin/, give a code
# from an authenticator app after their password; the first time they enrol one.
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", ["admin", "coordinator"])
OTP_TOTP_ISSUER = "Lan Tỏa"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

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
# A session ends after SESSION_IDLE_MINUTES without a request. Its cookie ends with the browser, unless
# "Remember me on this computer" was ticked at sign-in: then it outlives the browser, for the same idle time.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 8 * 60, minimum=5)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Behind HTTPS (SECURE_COOKIES=1): HSTS, so that browsers never use plain HTTP for this host again.
if SESSION_COOKIE_SECURE:
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = False
# A proxy terminating TLS says so in this header ("X-Forwarded-Proto"); only when it always sets it.
if env_str("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + env_str("SECURE_PROXY_SSL_HEADER").upper().replace("-", "_"), "https")
# Content-Security-Policy: scripts, styles, fonts and connections from this origin only; no inline script
# or style, no other origin (the vendored htmx, Chart.js and Pico are served from static/). Images may be
# data: URIs (Pico's icons).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
