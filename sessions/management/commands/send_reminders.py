"""Send the reminder of every meeting now within its set's reminder window, once, and every
nudge now due, once."""

import argparse
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from sessions.tasks import send_due_nudges, send_due_reminders


def minutes(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be a whole number of minutes, 1 or more")
    return number


class Command(BaseCommand):
    help = (
        "Queue the reminder email of each meeting that starts within its set's reminder "
        "window (LearningSet.reminder_hours) and has had none; `manage.py db_worker` sends "
        "them. Each meeting is claimed before its reminder is queued, so running this twice, "
        "or on two machines at once, never sends a reminder twice. Run it every 15 minutes: "
        "from cron, e.g. '*/15 * * * * cd /srv/alsspace && .venv/bin/python manage.py "
        "send_reminders', or as a long-running process with --every 15. The same sweep "
        "queues the nudges now due (the pulse open, actions due, the contract waiting, the "
        "next meeting coming; docs/product.md#nudges), each once per person."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=minutes,
            metavar="MINUTES",
            help="keep running and sweep again every MINUTES minutes (stop with Ctrl-C)",
        )

    def handle(self, *args, every=None, **options):
        try:
            while True:
                claimed = send_due_reminders.call()
                self.stdout.write(f"Reminders queued for {claimed} meeting{'s' * (claimed != 1)}.")
                nudged = send_due_nudges.call()
                self.stdout.write(f"Nudges queued: {nudged}.")
                if every is None:
                    return
                close_old_connections()
                time.sleep(every * 60)
        except KeyboardInterrupt:
            return
