"""Which tasks a starting or beating worker takes back (alsspace.workers): those of dead
workers only. The real worker, killed with SIGKILL, is in test_worker_failure."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from alsspace.models import WorkerHeartbeat
from alsspace.workers import beat, heartbeat, recover_tasks
from sets.tasks import send_invitation

BACKEND = "default"


@pytest.fixture
def database_tasks(settings, db):
    settings.TASKS = {
        BACKEND: {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.TASK_WORKER_DEAD_AFTER_SECONDS = 60


def running_task(worker_id, started_seconds_ago=0):
    result = DBTaskResult.objects.get(pk=send_invitation.enqueue(1).id)
    result.claim(worker_id)
    started_at = timezone.now() - timedelta(seconds=started_seconds_ago)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=started_at)
    return result.pk


def seen(worker_id, seconds_ago):
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": timezone.now() - timedelta(seconds=seconds_ago)},
    )


def status(pk):
    return DBTaskResult.objects.get(pk=pk).status


def test_a_task_whose_worker_beats_is_left_running_however_long_it_runs(database_tasks):
    seen("alive", seconds_ago=5)
    task = running_task("alive", started_seconds_ago=3600)
    assert recover_tasks(BACKEND, "me") == 0
    assert status(task) == TaskResultStatus.RUNNING


def test_a_task_whose_worker_went_silent_is_queued_again(database_tasks):
    seen("dead", seconds_ago=61)
    seen("alive", seconds_ago=1)
    task = running_task("dead", started_seconds_ago=70)
    assert recover_tasks(BACKEND, "me") == 1
    result = DBTaskResult.objects.get(pk=task)
    assert (result.status, result.started_at) == (TaskResultStatus.READY, None)
    # The dead worker's heartbeat goes; the live one's stays.
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"alive"}


def test_a_task_of_a_worker_without_a_heartbeat_is_queued_again_once_old(database_tasks):
    recent = running_task("unknown", started_seconds_ago=10)
    old = running_task("unknown", started_seconds_ago=61)
    assert recover_tasks(BACKEND, "me") == 1
    assert (status(recent), status(old)) == (TaskResultStatus.RUNNING, TaskResultStatus.READY)


def test_a_starting_worker_takes_back_its_own_ids_tasks_at_once(database_tasks):
    seen("me", seconds_ago=1)
    task = running_task("me")
    assert recover_tasks(BACKEND, "me") == 0
    assert status(task) == TaskResultStatus.RUNNING
    assert recover_tasks(BACKEND, "me", starting=True) == 1
    assert status(task) == TaskResultStatus.READY


def test_finished_tasks_and_other_backends_are_left_alone(database_tasks):
    seen("dead", seconds_ago=600)
    finished = running_task("dead", started_seconds_ago=600)
    DBTaskResult.objects.get(pk=finished).set_successful(None)
    elsewhere = running_task("dead", started_seconds_ago=600)
    DBTaskResult.objects.filter(pk=elsewhere).update(backend_name="other")
    assert recover_tasks(BACKEND, "me") == 0
    assert status(finished) == TaskResultStatus.SUCCESSFUL
    assert status(elsewhere) == TaskResultStatus.RUNNING


def test_a_worker_beats_while_it_runs_and_leaves_no_heartbeat_when_it_stops(database_tasks):
    seen("dead", seconds_ago=600)
    task = running_task("dead", started_seconds_ago=600)
    with heartbeat(BACKEND, "me"):
        assert status(task) == TaskResultStatus.READY
        assert WorkerHeartbeat.objects.filter(worker_id="me").exists()
    assert not WorkerHeartbeat.objects.exists()


def test_a_beat_moves_the_stamp_on(database_tasks):
    seen("me", seconds_ago=50)
    beat("me")
    (stamp,) = WorkerHeartbeat.objects.values_list("seen_at", flat=True)
    assert timezone.now() - stamp < timedelta(seconds=5)
