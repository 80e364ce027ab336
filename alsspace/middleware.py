"""The database going away: a 503 page that says so, instead of a 500. Reads that do not
queue behind writes on SQLite. Signing out a session left idle. And refusing a NUL byte
before anything reads it. And pages in the language a person chose."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils import translation

from alsspace.inputs import has_nul

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client is asked to wait: long enough for a database restart or failover.
RETRY_AFTER = 30


def database_unavailable():
    """The 503 response. Rendered without context processors or the database: the request
    failed because the database is gone. ATOMIC_REQUESTS has rolled the request back."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection during the view into a 503 with Retry-After.

    Failures earlier in the request (a middleware loading the session) reach the 500 handler,
    which answers the same way (see alsspace.views.server_error). The next request gets a
    fresh connection: CONN_HEALTH_CHECKS replaces a dead persistent one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning(
                "Database unavailable during %s %s: %s", request.method, request.path, exception
            )
            return database_unavailable()
        return None


READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SQLiteReadingRequestsMiddleware:
    """On SQLite, a request that reads (GET, HEAD, OPTIONS) starts its request transaction
    without the write lock, so pages keep loading while a save or the task worker writes.

    Settings start every other transaction IMMEDIATE: SQLite has one write lock for the whole
    file, and taking it at the start is what lets writers wait for each other instead of
    failing. A reading request that writes inside its transaction after all could be refused
    the lock (a 503) while another write is under way; reading pages do not. The mode is set
    on the open connection, since opening one reads it from settings again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READING_METHODS or connection.vendor != "sqlite":
            return self.get_response(request)
        connection.ensure_connection()
        writing_mode, connection.transaction_mode = connection.transaction_mode, "DEFERRED"
        try:
            return self.get_response(request)
        finally:
            connection.transaction_mode = writing_mode


# Seconds since the epoch of the last request the session was seen at.
LAST_SEEN_KEY = "alsspace_last_seen"
# The stamp is rewritten at most this often, so most requests do not save the session.
TOUCH_EVERY_SECONDS = 60


class AccountLanguageMiddleware:
    """A signed-in person's pages are in the language chosen on their account page, whatever
    their browser asks for. Sits after LocaleMiddleware, which picks the language of anyone
    else (the language cookie, then Accept-Language), and after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.user.chosen_language if request.user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def start_idle_clock(sender, request, user, **kwargs):
    """Stamped at sign-in, so the requests of the next minute never write the session."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


class IdleTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_MINUTES without a request, on top of the
    session's fixed lifetime (SESSION_COOKIE_AGE). Sits after AuthenticationMiddleware and
    MessageMiddleware; LoginRequiredMiddleware then sends the signed-out request to sign in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request):
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
            logout(request)
            messages.info(
                request,
                f"You were signed out after {settings.SESSION_IDLE_MINUTES} minutes without "
                "activity. Sign in again to carry on.",
            )
        elif last_seen is None or now - last_seen >= TOUCH_EVERY_SECONDS:
            request.session[LAST_SEEN_KEY] = now


def _request_texts(request):
    """The parts of a request read before any form: its path, query string, cookies and
    headers, names and values."""
    yield request.path_info
    for name, values in request.GET.lists():
        yield name
        yield from values
    for name, value in request.COOKIES.items():
        yield name
        yield value
    for name, value in request.META.items():
        if name.startswith("HTTP_") and isinstance(value, str):
            yield value


class RefuseNulMiddleware:
    """Answers 400 to a request with a NUL byte in its path, query string, cookies or headers.

    No text of ours contains one, and PostgreSQL cannot store or even compare one: a NUL in
    the session cookie failed the session lookup of every page. Sits before the session is
    read. Forms refuse a NUL in posted fields with a message of their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(has_nul(text) for text in _request_texts(request)):
            logger.info("Refused a NUL byte in %s %r", request.method, request.path)
            return HttpResponseBadRequest(loader.get_template("400.html").render())
        return self.get_response(request)
