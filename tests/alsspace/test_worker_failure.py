"""A task worker killed mid-run: no email is sent twice and none is lost, with no operator.

The real `manage.py db_worker` runs as a subprocess against the test database, sending email
through Django's file backend. It is killed with SIGKILL in the middle of a task that emails
a whole set. A second worker, already running beside it, leaves that task alone while the
first still beats, and takes it back once the first has been silent for
TASK_WORKER_DEAD_AFTER_SECONDS (shortened here to seconds).
"""

import email
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from alsspace.models import WorkerHeartbeat
from sessions.tasks import send_meetings_scheduled
from sets.tasks import send_invitation
from tests.alsspace.worker_email import written_emails
from tests.conftest import TEST_JOURNAL_KEY
from tests.factories import InvitationFactory
from tests.sessions.factories import MeetingFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL): the worker subprocess cannot reach "
    "pytest-django's in-memory SQLite test database",
)

ROOT = Path(__file__).resolve().parents[2]
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
DEAD_AFTER_SECONDS = 3


def database_url_of_the_test_database():
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    user = urllib.parse.quote(db["USER"], safe="")
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_environment(tmp_path, transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND, "QUEUES": ["default"]}}
    emails = tmp_path / "emails"
    emails.mkdir()
    return {
        **os.environ,
        "DEBUG": "True",
        "DATABASE_URL": database_url_of_the_test_database(),
        # The key the test database's set content was encrypted with.
        "JOURNAL_KEYS": TEST_JOURNAL_KEY,
        "REDIS_URL": "",
        "TASK_BACKEND": DATABASE_BACKEND,
        "EMAIL_BACKEND": "tests.alsspace.worker_email.StallingEmailBackend",
        "WORKER_EMAIL_DIR": str(emails),
        "WORKER_STALL_FLAG": str(tmp_path / "stalled"),
        "LOG_LEVEL": "WARNING",
        "TASK_WORKER_HEARTBEAT_SECONDS": "1",
        "TASK_WORKER_DEAD_AFTER_SECONDS": str(DEAD_AFTER_SECONDS),
    }


def manage(*args, env, **kwargs):
    return subprocess.Popen(  # noqa: S603 - this interpreter and our manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def worker(worker_id, env, *extra):
    return manage(
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval=0.1",
        f"--worker-id={worker_id}",
        *extra,
        env=env,
    )


def finish(process):
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    return output


def received(env):
    """(recipient, subject) of every email written so far, repeats included."""
    messages = [email.message_from_string(raw) for raw in written_emails(env["WORKER_EMAIL_DIR"])]
    return sorted((message["To"], message["Subject"]) for message in messages)


def wait_for(path, process):
    for _ in range(600):
        if Path(path).exists():
            return
        assert process.poll() is None, process.communicate()[0]
        time.sleep(0.05)
    raise AssertionError("the worker never reached the email it stalls on")


def eventually(condition, process, seconds=60):
    for _ in range(seconds * 10):
        if condition():
            return
        assert process.poll() is None, process.communicate()[0]
        time.sleep(0.1)
    raise AssertionError("the worker never got there")


def test_a_worker_killed_mid_task_neither_repeats_nor_loses_an_email(worker_environment, world):
    env = worker_environment
    guests = [
        InvitationFactory(learning_set=world.learning_set, email=f"guest{n}@example.org")
        for n in range(4)
    ]
    meeting = MeetingFactory(learning_set=world.learning_set)
    send_invitation.enqueue(guests[0].pk)
    send_invitation.enqueue(guests[1].pk)
    meeting_task = send_meetings_scheduled.enqueue([meeting.pk])  # emails 3 to 5
    send_invitation.enqueue(guests[2].pk)
    send_invitation.enqueue(guests[3].pk)
    set_people = sorted(p.email for p in (world.facilitator, world.member, world.pending))

    # Stalled while sending the meeting email to its second recipient.
    first = worker("worker-1", {**env, "WORKER_STALL_AT": "4"})
    wait_for(env["WORKER_STALL_FLAG"], first)
    assert len(received(env)) == 3

    # A second worker runs the rest of the queue, and leaves the task the first is still
    # running alone, however long it takes, while the first beats.
    second = worker("worker-2", env)
    try:
        eventually(lambda: len(received(env)) == 5, second)
        time.sleep(DEAD_AFTER_SECONDS + 1)
        running = DBTaskResult.objects.get(pk=meeting_task.id)
        assert (running.status, running.worker_ids) == (TaskResultStatus.RUNNING, ["worker-1"])
        assert len(received(env)) == 5

        # Killed: once it has been silent long enough, the second worker takes the task
        # back and finishes it. No one runs a command.
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        eventually(
            lambda: (
                DBTaskResult.objects.get(pk=meeting_task.id).status == TaskResultStatus.SUCCESSFUL
            ),
            second,
        )
    finally:
        second.send_signal(signal.SIGTERM)
    finish(second)

    assert DBTaskResult.objects.get(pk=meeting_task.id).worker_ids == ["worker-1", "worker-2"]
    meeting_subjects = {
        subject for to, subject in received(env) if to in set_people and "invited" not in subject
    }
    assert len(meeting_subjects) == 1
    (meeting_subject,) = meeting_subjects
    expected = sorted(
        [(guest.email, received_subject(env, guest.email)) for guest in guests]
        + [(person, meeting_subject) for person in set_people]
    )
    assert received(env) == expected
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }
    # The dead worker's heartbeat went with its task; the second's with its clean stop.
    assert not WorkerHeartbeat.objects.exists()


def test_a_worker_restarted_under_its_id_takes_back_its_task_at_once(worker_environment, world):
    """A worker restarted with a fixed --worker-id (one per machine, say) need not wait for
    its old heartbeat to go stale."""
    env = {**worker_environment, "TASK_WORKER_DEAD_AFTER_SECONDS": "600"}
    meeting = MeetingFactory(learning_set=world.learning_set)
    meeting_task = send_meetings_scheduled.enqueue([meeting.pk])  # emails 1 to 3
    set_people = sorted(p.email for p in (world.facilitator, world.member, world.pending))

    first = worker("worker-1", {**env, "WORKER_STALL_AT": "2"})
    wait_for(env["WORKER_STALL_FLAG"], first)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)

    finish(worker("worker-1", env, "--batch"))
    assert DBTaskResult.objects.get(pk=meeting_task.id).status == TaskResultStatus.SUCCESSFUL
    assert [to for to, _ in received(env)] == set_people


def received_subject(env, recipient):
    (subject,) = {subject for to, subject in received(env) if to == recipient}
    return subject
