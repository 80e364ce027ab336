"""One settings module for every environment; everything that differs comes from the environment.

A bad value stops the process at start with a message naming the variable, rather than
running with a guess.
"""

import json
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name, default)
    if value not in ("True", "False"):
        raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}.")
    return value == "True"


def env_int(name, default):
    value = os.environ.get(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", "True")

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DEBUG is False.")
    SECRET_KEY = "insecure-development-key-never-used-with-debug-off"  # noqa: S105

# Journal encryption keys: comma-separated Fernet keys, newest first. Held outside the
# database so that a dump or backup does not reveal journal text.
JOURNAL_KEYS = env_list("JOURNAL_KEYS")
if not JOURNAL_KEYS and not DEBUG:
    raise ImproperlyConfigured("JOURNAL_KEYS must be set when DEBUG is False.")
for position, key in enumerate(JOURNAL_KEYS, start=1):
    try:
        Fernet(key)
    except ValueError:
        raise ImproperlyConfigured(
            f"JOURNAL_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded "
            "bytes; make one with cryptography.fernet.Fernet.generate_key())."
        ) from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    # Before django_tasks_db, whose `db_worker` command alsspace's replaces.
    "alsspace",
    "django_tasks",
    "django_tasks_db",
    "sets",
    "sessions.apps.MeetingsConfig",
    "reflections",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "alsspace.middleware.RefuseNulMiddleware",
    "alsspace.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alsspace.middleware.SQLiteReadingRequestsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a page: a signed-in person's choice on their account page
    # (alsspace.middleware.AccountLanguageMiddleware, below), otherwise the language cookie
    # or the browser's Accept-Language, otherwise British English (docs/languages.md).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "alsspace.middleware.AccountLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "alsspace.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After the session, the user and messages: someone who must turn on two-factor sign-in
    # reaches only the pages that do it (docs/confidentiality.md#signing-in).
    "alsspace.mfa.RequiredMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "alsspace.urls"
WSGI_APPLICATION = "alsspace.wsgi.application"

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
                "sets.context_processors.navigation",
            ],
        },
    }
]

# Databases: SQLite for development when DATABASE_URL is unset, PostgreSQL otherwise.
DATABASE_URL = env("DATABASE_URL")
DATABASE_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")
if DATABASE_URL:
    # Checked before parsing, so that no message echoes the value: it may hold a password.
    scheme, separator, _ = DATABASE_URL.partition("://")
    if not separator or scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            "DATABASE_URL must look like postgres://user:password@host:5432/name "
            f"(schemes: {', '.join(DATABASE_SCHEMES)})."
        )
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {error}") from None
    if not DATABASES["default"].get("NAME") and "sqlite" not in DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_URL must name a database.")
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process, the task worker and the reminder sweep write to one file at once. WAL
    # lets reads go on during a write; every transaction takes the write lock at its start, so
    # none fails midway upgrading a read to a write; a writer waits up to 20 s for the lock.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# A persistent connection the database dropped (a restart, a failover) is replaced at the start
# of the next request instead of failing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, the database otherwise. Never a dummy cache: allauth
# keeps its rate limits here.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    # Each signed-in request reads its session from Redis; the database keeps the record.
    SESSION_ENGINE = "alsspace.session_store"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_entries",
        }
    }

TASKS = {
    "default": {
        "BACKEND": env("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# `manage.py db_worker` stamps its heartbeat this often, and a worker silent for longer than
# TASK_WORKER_DEAD_AFTER_SECONDS is taken for dead: the tasks it left running are queued again.
TASK_WORKER_HEARTBEAT_SECONDS = env_int("TASK_WORKER_HEARTBEAT_SECONDS", 10)
TASK_WORKER_DEAD_AFTER_SECONDS = env_int("TASK_WORKER_DEAD_AFTER_SECONDS", 60)
if not 0 < TASK_WORKER_HEARTBEAT_SECONDS < TASK_WORKER_DEAD_AFTER_SECONDS:
    raise ImproperlyConfigured(
        "TASK_WORKER_HEARTBEAT_SECONDS must be at least 1 and less than "
        "TASK_WORKER_DEAD_AFTER_SECONDS."
    )

# The RQ backend, for more than one machine: the queue lives in the Redis at REDIS_URL and
# `manage.py rqworker --job-class django_tasks_rq.Job default` runs it.
RQ_BACKEND = "django_tasks_rq.RQBackend"
if TASKS["default"]["BACKEND"] == RQ_BACKEND:
    if not REDIS_URL:
        raise ImproperlyConfigured(f"TASK_BACKEND={RQ_BACKEND} needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {queue: {"URL": REDIS_URL} for queue in TASKS["default"]["QUEUES"]}

AUTH_USER_MODEL = "alsspace.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: email is the login, verification is mandatory, signup only through an invitation.
ACCOUNT_ADAPTER = "sets.accounts.AccountAdapter"
ACCOUNT_FORMS = {"signup": "sets.accounts.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ALS Space] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
MFA_TOTP_ISSUER = "ALS Space"
# Adding, removing or changing an email address, and changing two-factor sign-in, ask for the
# password again unless it was given in the last few minutes; changing the password asks for
# the current one.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
MFA_REAUTHENTICATION_REQUIRED = True

# Two-factor sign-in and passkeys (docs/confidentiality.md#signing-in). An authenticator app,
# recovery codes and security keys or passkeys (WebAuthn, verified by fido2). A passkey is a
# second factor after the password, or signs in on its own: it proves both the device and the
# person who unlocked it. Signing up with a passkey stays off: accounts are made through an
# invitation, whose form sets the password. allauth's WebAuthn scripts are static files
# (mfa/js/), so the Content Security Policy needs no exception. WebAuthn works over HTTPS,
# and on http://localhost, which browsers and fido2 treat as secure; no other origin is let in.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = env_bool("PASSKEY_LOGIN", "True")
MFA_PASSKEY_SIGNUP_ENABLED = False
# allauth's WebAuthn forms, refusing a malformed credential as a failed one (alsspace/mfa.py).
MFA_FORMS = {
    "add_webauthn": "alsspace.mfa.AddKeyForm",
    "login_webauthn": "alsspace.mfa.LoginKeyForm",
    "authenticate_webauthn": "alsspace.mfa.AuthenticateKeyForm",
    "reauthenticate_webauthn": "alsspace.mfa.ReauthenticateKeyForm",
}

# --- Single sign-on (docs/sso.md) -------------------------------------------------------
# OpenID Connect and SAML 2.0 identity providers, through allauth's own providers. An operator
# configures each one as a social application in the operator admin, or here from
# SSO_PROVIDERS (JSON in allauth's SOCIALACCOUNT_PROVIDERS shape); a programme admin links
# their programme to one (sets.sign_on). Accounts are matched by an email address the provider
# asserts as verified; signing up without an invitation is for the email domains a linked
# programme admits (sets.sign_on.SocialAccountAdapter).
INSTALLED_APPS += [
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
]
SOCIALACCOUNT_ADAPTER = "sets.sign_on.SocialAccountAdapter"
# After the CSP middleware, so that its additions to form-action reach the policy.
MIDDLEWARE.insert(
    MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "sets.sign_on.SignOnFormActionMiddleware"
)
try:
    SOCIALACCOUNT_PROVIDERS = json.loads(env("SSO_PROVIDERS", "{}"))
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"SSO_PROVIDERS is not valid JSON: {error}") from None
if not isinstance(SOCIALACCOUNT_PROVIDERS, dict) or not set(SOCIALACCOUNT_PROVIDERS) <= {
    "openid_connect",
    "saml",
}:
    raise ImproperlyConfigured(
        'SSO_PROVIDERS must be a JSON object with the keys "openid_connect" and/or "saml".'
    )
for protocol, provider_settings in SOCIALACCOUNT_PROVIDERS.items():
    # Each app's provider_id is what a programme is linked to (docs/sso.md).
    sso_apps = provider_settings.get("APPS") if isinstance(provider_settings, dict) else None
    if not isinstance(sso_apps, list) or not all(
        isinstance(app, dict) and app.get("provider_id") for app in sso_apps
    ):
        raise ImproperlyConfigured(
            f'SSO_PROVIDERS: "{protocol}" must be {{"APPS": [...]}}, each app with a provider_id.'
        )
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SSO_REQUESTS_TIMEOUT", 10)
# --- end of single sign-on -----------------------------------------------------------------

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", "False")
# Seconds: a mail server that stops answering fails the send instead of holding a worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ALS Space <noreply@alsspace.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

INVITATION_DAYS = env_int("INVITATION_DAYS", 14)

# The read-only API (docs/api.md): requests a token may make a minute, counted in the cache
# above, and the rows of a page (a client may ask for up to API_MAX_PAGE_SIZE).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 500

# British English is the source language: every string is written in it and marked for
# translation; Welsh has a complete catalogue in locale/ (docs/languages.md).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [
    BASE_DIR / "locale",
    # Welsh for django-allauth's own messages, which it does not ship.
    BASE_DIR / "locale" / "allauth",
]
LANGUAGE_COOKIE_NAME = "alsspace_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env("TIME_ZONE", "Europe/London")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone.")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: imports are read in memory and refused above this size.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
IMPORT_MAX_BYTES = 1_048_576

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers (Django's deployment checklist) and a strict Content Security Policy:
# no inline script or style anywhere.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
# Signed out after this long without a request (alsspace.middleware.IdleTimeoutMiddleware).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", "False" if DEBUG else "True")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", "False" if DEBUG else "True")
if env_bool("BEHIND_PROXY", "False"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
