"""django-tasks-db's worker, with a heartbeat: it takes back the tasks of workers that died
(alsspace.workers), so no operator has to."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from alsspace.workers import heartbeat


class Command(db_worker.Command):
    help = (
        "Run a database background worker. It stamps a heartbeat every "
        "TASK_WORKER_HEARTBEAT_SECONDS and, when it starts and at every beat, queues again the "
        "tasks left running by a worker silent for TASK_WORKER_DEAD_AFTER_SECONDS, and at "
        "start those left under its own --worker-id: a worker killed mid-task loses no work."
    )

    def handle(self, **options):
        if (
            options["reload"]
            and not options["batch"]
            and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        ):
            # The autoreloader's parent process runs no task: it restarts the child that does.
            super().handle(**options)
            return
        with heartbeat(options["backend_name"], options["worker_id"]):
            super().handle(**options)
