"""Task workers that take back the work of a worker that died.

django-tasks-db marks a task RUNNING when a worker claims it and finished when the task
returns, so a worker killed mid-task (SIGKILL, out of memory, a power cut, a restart that
did not wait) leaves it RUNNING, and no worker would take it again. Our `manage.py
db_worker` beats: it stamps its WorkerHeartbeat every TASK_WORKER_HEARTBEAT_SECONDS and, when
it starts and at every beat, puts back in the queue each task left RUNNING by a worker that
has not beaten for TASK_WORKER_DEAD_AFTER_SECONDS (by a worker with no heartbeat at all: a
task started that long ago). A worker that starts also takes back at once the tasks left
running under its own id, since a worker id belongs to one live worker at a time.

A task whose worker still beats is never taken, however long it runs. Tasks taken back run
again from the start, which ours allow: each person gets each email of a task once
(alsspace.emails) and inaction detection reconciles.
"""

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from alsspace.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def beat(worker_id):
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": timezone.now()}
    )


def recover_tasks(backend_name, worker_id, *, starting=False):
    """Queue again the tasks of `backend_name` that dead workers left RUNNING; with
    `starting`, those left under `worker_id` too. Returns how many were queued again."""
    now = timezone.now()
    dead_before = now - timedelta(seconds=settings.TASK_WORKER_DEAD_AFTER_SECONDS)
    seen = dict(WorkerHeartbeat.objects.values_list("worker_id", "seen_at"))
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, backend_name=backend_name
    ).values_list("pk", "worker_ids", "started_at")
    requeued = 0
    for pk, worker_ids, started_at in running:
        owner = worker_ids[-1] if worker_ids else None
        if owner == worker_id:
            dead = starting
        elif owner in seen:
            dead = seen[owner] < dead_before
        else:
            dead = started_at is None or started_at < dead_before
        if not dead:
            continue
        # Conditional on the claim read above, so a task that finished, or was taken back
        # and claimed again meanwhile, is left alone.
        taken_back = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
        if taken_back:
            logger.warning("Queued again task %s, left running by dead worker %s", pk, owner)
        requeued += taken_back
    WorkerHeartbeat.objects.filter(seen_at__lt=dead_before).exclude(worker_id=worker_id).delete()
    return requeued


@contextmanager
def heartbeat(backend_name, worker_id):
    """Beat and take back dead workers' tasks, now and every few seconds, until the block
    ends; then remove this worker's heartbeat."""
    beat(worker_id)
    recover_tasks(backend_name, worker_id, starting=True)
    stop = threading.Event()

    def keep_beating():
        try:
            while not stop.wait(settings.TASK_WORKER_HEARTBEAT_SECONDS):
                try:
                    beat(worker_id)
                    recover_tasks(backend_name, worker_id)
                except DatabaseError:
                    logger.warning("Worker %s could not stamp its heartbeat", worker_id)
                    close_old_connections()
                except Exception:
                    # A beat that stopped for good would have this worker's task run twice.
                    logger.exception("Worker %s: heartbeat failed", worker_id)
        finally:
            connection.close()

    beating = threading.Thread(target=keep_beating, name=f"heartbeat-{worker_id}", daemon=True)
    beating.start()
    try:
        yield
    finally:
        stop.set()
        beating.join()
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
