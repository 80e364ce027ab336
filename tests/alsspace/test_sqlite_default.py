"""The embedded default, as `make run` has it: the web server, the task worker and the
reminder sweep sharing one SQLite file. No write is lost or refused, and a worker killed
mid-task loses no email.

Real processes against a real file: `manage.py runserver` (threaded, as `make run` serves),
`manage.py db_worker` and `manage.py send_reminders --every 15`, on a database migrated and
seeded with the demo. Two facilitators tap attendance on their meeting pages as fast as the
server answers, each tap queueing the inaction check that the worker runs and writes; a
member reads pages meanwhile. Every tap must be answered 200 and stored, and every queued
check must succeed.
"""

import http.cookiejar
import itertools
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing
from email import message_from_string
from pathlib import Path

import pytest
from django.db import connection

from tests.alsspace.worker_email import written_emails

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the SQLite default's own processes on a SQLite file; on PostgreSQL, "
    "test_worker_failure and test_failures cover the worker and the database",
)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-pass-2026"  # noqa: S105 - seed_demo's published demo password
TAPPING_SECONDS = 8
# Longer than any write waits for the lock (the busy timeout).
REQUEST_SECONDS = 30
LOCK_HELD_SECONDS = 3
STATUSES = ("present", "late", "left_early", "absent")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args, env, stdout=subprocess.PIPE):
    return subprocess.Popen(  # noqa: S603 - this interpreter and our manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run(*args, env):
    process = manage(*args, env=env)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output


class Browser:
    """A signed-in person's cookies and the CSRF token, over plain HTTP."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self):
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def request(self, path, data=None, headers=()):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - http to the test server
            self.base + path, data=body, headers=dict(headers)
        )
        if body is not None:
            request.add_header("X-CSRFToken", self.csrf())
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=REQUEST_SECONDS) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()
        except OSError as error:  # no answer in time, or the connection dropped
            return None, {}, repr(error)

    def sign_in(self, email):
        self.request("/accounts/login/")
        status, _, page = self.request("/accounts/login/", {"login": email, "password": PASSWORD})
        assert status == 200, page
        assert any(c.name == "sessionid" for c in self.cookies), page


def revision_on(page):
    return int(re.search(r'name="revision" value="(\d+)"', page).group(1))


class Tapper(threading.Thread):
    """A facilitator tapping attendance, one tap after another, each at the revision the
    last save answered with."""

    def __init__(self, browser, meeting, members, until):
        super().__init__()
        self.browser, self.meeting, self.members, self.until = browser, meeting, members, until
        self.answers = []  # (status code, body) of every tap
        self.last_status = {}  # member → the status of their last tap answered 200
        self.error = None

    def run(self):
        try:
            status, _, page = self.browser.request(f"/meetings/{self.meeting}/")
            assert status == 200, page
            revision = revision_on(page)
            choices = zip(itertools.cycle(self.members), itertools.cycle(STATUSES))
            for member, choice in choices:
                if time.monotonic() > self.until:
                    return
                code, headers, body = self.browser.request(
                    f"/meetings/{self.meeting}/attendance/",
                    {"revision": revision, "member": member, "status": choice, "op": "record"},
                    {"HX-Request": "true"},
                )
                self.answers.append((code, body[:200]))
                if code != 200:
                    continue
                self.last_status[member] = choice
                revision = json.loads(headers["HX-Trigger"])["meetingSaved"]["to"]
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error


class Reader(threading.Thread):
    """A member reading pages meanwhile: reads must not fail either."""

    def __init__(self, browser, paths, until):
        super().__init__()
        self.browser, self.paths, self.until = browser, paths, until
        self.answers = []

    def run(self):
        for path in itertools.cycle(self.paths):
            if time.monotonic() > self.until:
                return
            code, _, body = self.browser.request(path)
            self.answers.append((code, body[:200]))


def environment(database, **extra):
    return {
        **os.environ,
        "DEBUG": "True",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    """A SQLite file migrated and seeded with the demo, for each test to copy."""
    database = tmp_path_factory.mktemp("demo") / "db.sqlite3"
    run("migrate", "--no-input", "-v0", env=environment(database))
    run("seed_demo", env=environment(database))
    return database


def copy_of(database, tmp_path):
    copy = tmp_path / "db.sqlite3"
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return copy


@pytest.fixture(scope="module")
def site(demo_database, tmp_path_factory):
    """The demo served and worked on by real processes, as `make run` runs them."""
    tmp_path = tmp_path_factory.mktemp("site")
    database = copy_of(demo_database, tmp_path)
    port = free_port()
    env = environment(database)
    logs = tmp_path / "server.log", tmp_path / "worker.log"
    with logs[0].open("w") as server_log, logs[1].open("w") as worker_log:
        server = manage("runserver", "--noreload", f"127.0.0.1:{port}", env=env, stdout=server_log)
        worker = manage("db_worker", "--no-reload", "--interval=0.1", env=env, stdout=worker_log)
        sweep = manage("send_reminders", "--every", "15", env=env, stdout=worker_log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            assert server.poll() is None, logs[0].read_text()
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.05)
        yield base, database, worker, logs
    finally:
        for process in (server, worker, sweep):
            process.kill()
            process.wait(timeout=30)


def query(database, sql, *params):
    with closing(sqlite3.connect(database)) as db:
        return db.execute(sql, params).fetchall()


def scalar(database, sql, *params):
    return query(database, sql, *params)[0][0]


def meeting_and_members(database, set_name):
    with closing(sqlite3.connect(database)) as db:
        (meeting,) = db.execute(
            "SELECT m.id FROM meetings_meeting m JOIN sets_learningset s "
            "ON s.id = m.learning_set_id WHERE s.name = ? AND m.status = 'held' "
            "ORDER BY m.starts_at DESC LIMIT 1",
            (set_name,),
        ).fetchone()
        members = [
            str(pk)
            for (pk,) in db.execute(
                "SELECT ms.user_id FROM sets_membership ms JOIN sets_learningset s "
                "ON s.id = ms.learning_set_id WHERE s.name = ? AND ms.role = 'member' "
                "AND ms.left_at IS NULL ORDER BY ms.user_id",
                (set_name,),
            )
        ]
    return meeting, members


def stored_statuses(database, meeting):
    rows = query(
        database, "SELECT user_id, status FROM meetings_attendance WHERE meeting_id = ?", meeting
    )
    return {str(user): status for user, status in rows}


def test_taps_and_the_worker_write_at_once_and_nothing_is_refused(site):
    base, database, worker, logs = site
    tappers, readers = [], []
    plans = [
        ("facilitator.aurora@demo.alsspace.test", "Set Aurora"),
        ("facilitator.birch@demo.alsspace.test", "Set Birch"),
    ]
    people = []
    for email, set_name in plans:
        browser = Browser(base)
        browser.sign_in(email)
        people.append((browser, *meeting_and_members(database, set_name)))
    reader = Browser(base)
    reader.sign_in("member.aurora@demo.alsspace.test")
    aurora_meeting = people[0][1]
    revisions_before = {
        meeting: scalar(database, "SELECT revision FROM meetings_meeting WHERE id = ?", meeting)
        for _, meeting, _ in people
    }

    until = time.monotonic() + TAPPING_SECONDS
    tappers = [Tapper(browser, meeting, members, until) for browser, meeting, members in people]
    readers = [Reader(reader, ["/", f"/meetings/{aurora_meeting}/"], until)]
    for thread in tappers + readers:
        thread.start()
    for thread in tappers + readers:
        thread.join(timeout=TAPPING_SECONDS + 60)

    for tapper in tappers:
        assert tapper.error is None, repr(tapper.error)
    answers = [answer for thread in tappers + readers for answer in thread.answers]
    failed = [answer for answer in answers if answer[0] != 200]
    taps = sum(len(tapper.answers) for tapper in tappers)
    assert taps >= 20, "too few taps to test anything"
    assert failed == [], (
        f"{len(failed)} of {len(answers)} requests failed: {failed[:3]}\n"
        + logs[0].read_text()[-3000:]
    )

    for tapper in tappers:
        # Every tap answered 200 moved the revision on once and stored its status.
        revision = scalar(
            database, "SELECT revision FROM meetings_meeting WHERE id = ?", tapper.meeting
        )
        assert revision == revisions_before[tapper.meeting] + len(tapper.answers)
        stored = stored_statuses(database, tapper.meeting)
        assert {member: stored[member] for member in tapper.last_status} == tapper.last_status

    # The worker runs every inaction check the taps queued, and none fails.
    for _ in range(600):
        waiting = scalar(
            database,
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING')",
        )
        if not waiting:
            break
        assert worker.poll() is None, logs[1].read_text()
        time.sleep(0.1)
    assert waiting == 0
    outcomes = query(
        database,
        "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult "
        "WHERE task_path LIKE '%detect_inaction_in_set' GROUP BY status",
    )
    assert outcomes == [("SUCCESSFUL", taps)]
    assert not scalar(
        database,
        "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'",
    )


def test_a_long_write_delays_saves_and_leaves_reading_alone(site):
    """Another process holds the write lock for a while: pages still load at once, and a
    save waits for the lock instead of failing."""
    base, database, _, _ = site
    browser = Browser(base)
    browser.sign_in("facilitator.aurora@demo.alsspace.test")
    meeting, members = meeting_and_members(database, "Set Aurora")
    _, _, page = browser.request(f"/meetings/{meeting}/")
    revision = revision_on(page)

    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE meetings_meeting SET updated_at = updated_at WHERE id = ?", (meeting,))
    tap = {}

    def save():
        tap["answer"] = browser.request(
            f"/meetings/{meeting}/attendance/",
            {"revision": revision, "member": members[0], "status": "late", "op": "record"},
            {"HX-Request": "true"},
        )
        tap["at"] = time.monotonic()

    try:
        saver = threading.Thread(target=save)
        saver.start()
        started = time.monotonic()
        for path in ("/", f"/meetings/{meeting}/"):
            code, _, _ = browser.request(path)
            assert code == 200
        assert time.monotonic() - started < LOCK_HELD_SECONDS
        time.sleep(LOCK_HELD_SECONDS - (time.monotonic() - started))
        assert "answer" not in tap
    finally:
        released = time.monotonic()
        holder.execute("COMMIT")
        holder.close()
    saver.join(timeout=REQUEST_SECONDS)
    assert tap["answer"][0] == 200, tap["answer"][2][:500]
    assert tap["at"] >= released
    assert stored_statuses(database, meeting)[members[0]] == "late"


def test_a_worker_killed_mid_task_loses_no_email_and_repeats_none(demo_database, tmp_path):
    """SIGKILL in the middle of a task that emails a whole set; the next worker, with an id of
    its own, takes the task back once the dead one's heartbeat is stale, and each person
    gets the email once. No one runs a command."""
    database = copy_of(demo_database, tmp_path)
    emails = tmp_path / "emails"
    emails.mkdir()
    env = environment(
        database,
        EMAIL_BACKEND="tests.alsspace.worker_email.StallingEmailBackend",
        WORKER_EMAIL_DIR=str(emails),
        WORKER_STALL_FLAG=str(tmp_path / "stalled"),
        TASK_WORKER_HEARTBEAT_SECONDS="1",
        TASK_WORKER_DEAD_AFTER_SECONDS="3",
    )
    ((meeting, set_id),) = query(
        database,
        "SELECT m.id, m.learning_set_id FROM meetings_meeting m JOIN sets_learningset s "
        "ON s.id = m.learning_set_id WHERE s.name = 'Set Aurora' AND m.status = 'scheduled' "
        "ORDER BY m.starts_at LIMIT 1",
    )
    set_people = sorted(
        email
        for (email,) in query(
            database,
            "SELECT u.email FROM sets_membership ms JOIN alsspace_user u ON u.id = ms.user_id "
            "WHERE ms.learning_set_id = ? AND ms.left_at IS NULL AND u.is_active",
            set_id,
        )
    )
    enqueue = (
        "from sessions.tasks import send_meetings_scheduled; "
        f"send_meetings_scheduled.enqueue([{meeting}])"
    )
    run("shell", "-c", enqueue, env=env)

    stalling = {**env, "WORKER_STALL_AT": "3"}
    first = manage("db_worker", "--no-reload", "--no-startup-delay", "--interval=0.1", env=stalling)
    try:
        for _ in range(600):
            if (tmp_path / "stalled").exists():
                break
            assert first.poll() is None, first.communicate()[0]
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.kill()
        first.communicate(timeout=30)
    assert len(written_emails(emails)) == 2

    second = manage("db_worker", "--no-reload", "--no-startup-delay", "--interval=0.1", env=env)
    try:
        for _ in range(600):
            statuses = query(database, "SELECT status FROM django_tasks_database_dbtaskresult")
            if statuses == [("SUCCESSFUL",)]:
                break
            assert second.poll() is None, second.communicate()[0]
            time.sleep(0.05)
    finally:
        second.send_signal(signal.SIGTERM)
        output, _ = second.communicate(timeout=30)
    assert statuses == [("SUCCESSFUL",)], output
    messages = map(message_from_string, written_emails(emails))
    assert sorted(message["To"] for message in messages) == set_people
