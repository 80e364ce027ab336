"""The database going away: a 503 page that says so, instead of a 500. Reads that do not
queue behind writes on SQLite. And signing out a session left idle."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader

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
