"""Run again, by hand, the tasks a killed worker left half-done.

A worker killed mid-task (SIGKILL, out of memory, a power cut) leaves the task RUNNING.
`manage.py db_worker` takes such tasks back by itself once their worker's heartbeat is stale
(alsspace.workers); this does it at once, for one worker id or by age. It is safe because our
tasks may run again: each person gets each email of a task once (alsspace.emails) and
inaction detection reconciles.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = (
        "Put tasks left RUNNING by a dead worker back in the queue: those last claimed by "
        "--worker-id (run it before starting that worker again), or those started more than "
        "--older-than minutes ago."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id", help="the id of a worker that is not running (db_worker --worker-id)"
        )
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="MINUTES",
            help="requeue tasks of any worker started this long ago; longer than any task runs",
        )

    def handle(self, *, worker_id, older_than, **options):
        if (worker_id is None) == (older_than is None):
            raise CommandError("Give exactly one of --worker-id and --older-than.")
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        if older_than is not None:
            stuck = running.filter(started_at__lt=timezone.now() - timedelta(minutes=older_than))
        else:
            stuck = [task for task in running if task.worker_ids[-1:] == [worker_id]]
        # Conditional, so a task that finished meanwhile is left alone.
        requeued = sum(
            DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            for task in stuck
        )
        self.stdout.write(f"Requeued {requeued} task(s) left running by a stopped worker.")
