"""The database going away mid-request: a 503 page, nothing half-written, and recovery.

The app runs in pytest-django's live server, which handles requests like production does
(its own thread and database connection, closed or health-checked between requests). A
second, real connection plays the failing database: it holds a lock so that a request
waits on it mid-transaction, then terminates that request's backend, as a database restart
or failover would.
"""

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.signals import request_finished, request_started
from django.db import connection, connections
from django.urls import reverse

from alsspace.models import AuditEvent
from sets.audit_actions import SetAction
from sets.models import Invitation

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL): SQLite has no server connection to cut",
)

CSRF_SECRET = "a" * 32  # any 32 letters: Django accepts the unmasked secret as the token


@pytest.fixture
def killer(transactional_db):
    """A second connection to the test database, outside Django's request handling."""
    second = connections.create_connection("default")
    second.ensure_connection()
    second.set_autocommit(False)
    yield second
    second.rollback()
    second.close()


def backend_pid(database):
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def app_backends(killer):
    """Backends of the live server: on the test database, neither the test's nor the killer's."""
    with killer.cursor() as cursor:
        cursor.execute(
            "SELECT pid, wait_event_type FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid NOT IN (%s, %s)",
            [backend_pid(connection), backend_pid(killer)],
        )
        return cursor.fetchall()


def terminate(killer, pid):
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


class Browser:
    """Requests to the live server as a signed-in user, with a CSRF token for posts."""

    def __init__(self, live_server, client, user):
        client.force_login(user)
        self.base = live_server.url
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF_SECRET}"

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - always the live server's http URL
            self.base + path,
            data=body,
            headers={"Cookie": self.cookie, "X-CSRFToken": CSRF_SECRET},
        )
        opener = urllib.request.build_opener(NoRedirects)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request_cut_mid_transaction(browser, killer, table, path, data=None):
    """Make the request wait on a lock on `table`, terminate its backend, return its answer."""
    with killer.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    answers = []
    waiting = threading.Thread(target=lambda: answers.append(browser.request(path, data)))
    waiting.start()
    try:
        pid = wait_for_lock_waiter(killer)
        terminate(killer, pid)
    finally:
        killer.rollback()  # releases the lock
        waiting.join(timeout=30)
    assert answers, "the request did not finish"
    return answers[0]


def wait_for_lock_waiter(killer):
    for _ in range(300):
        waiting = [pid for pid, wait in app_backends(killer) if wait == "Lock"]
        if waiting:
            return waiting[0]
        with killer.cursor() as cursor:
            # A fresh view of pg_stat_activity in the same transaction, which keeps the lock.
            cursor.execute("SELECT pg_stat_clear_snapshot(), pg_sleep(0.05)")
    raise AssertionError("no request waited on the lock")


@pytest.fixture
def facilitator_browser(live_server, client, world):
    return Browser(live_server, client, world.facilitator)


@pytest.mark.parametrize(
    "table",
    [
        pytest.param("sets_learningset", id="in the view"),
        pytest.param("django_session", id="in a middleware, loading the session"),
    ],
)
def test_a_read_cut_off_gets_the_503_page_and_the_next_request_works(
    facilitator_browser, killer, world, table
):
    path = world.learning_set.get_absolute_url()
    assert facilitator_browser.request(path)[0] == 200

    status, headers, body = request_cut_mid_transaction(facilitator_browser, killer, table, path)

    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "<h1>ALS Space is briefly unavailable</h1>" in body
    assert "Nothing you sent was half-saved" in body
    assert facilitator_browser.request(path)[0] == 200


def test_a_write_cut_off_leaves_no_rows_and_can_be_sent_again(facilitator_browser, killer, world):
    path = reverse("sets:invite", args=[world.learning_set.pk])
    data = {"name": "Nia Newcomer", "email": "nia@example.org", "role": "member"}

    # The invitation row is written, then the audit event waits on the lock and is cut off.
    status, _, body = request_cut_mid_transaction(
        facilitator_browser, killer, "alsspace_auditevent", path, data
    )

    assert status == 503
    assert "briefly unavailable" in body
    assert not Invitation.objects.filter(email="nia@example.org").exists()
    assert not AuditEvent.objects.filter(action=SetAction.INVITATION_SENT).exists()

    assert facilitator_browser.request(path, data)[0] == 302
    assert Invitation.objects.filter(email="nia@example.org").count() == 1
    assert AuditEvent.objects.filter(action=SetAction.INVITATION_SENT).count() == 1


def test_a_dropped_idle_connection_is_replaced_at_the_next_request(transactional_db):
    """Production keeps a connection open between requests (CONN_MAX_AGE); one the database
    dropped meanwhile must not fail the next request (CONN_HEALTH_CHECKS). The live server
    closes its connections after each request, so this runs Django's request cycle signals
    in a thread of its own, as a gunicorn worker does."""
    seen = {}

    def two_requests():
        database = connections["default"]
        try:
            request_started.send(sender=None)
            seen["first"] = backend_pid(database)
            request_finished.send(sender=None)
            seen["kept open"] = database.connection is not None

            dropper = connections.create_connection("default")
            terminate(dropper, seen["first"])
            dropper.close()

            request_started.send(sender=None)
            seen["second"] = backend_pid(database)
            request_finished.send(sender=None)
        finally:
            connections.close_all()

    thread = threading.Thread(target=two_requests)
    thread.start()
    thread.join(timeout=30)

    assert seen["kept open"]
    assert seen["second"] != seen["first"]
