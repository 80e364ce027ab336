"""Run the learning-inaction signals over every open set, and bring its prompts in line."""

from django.core.management.base import BaseCommand, CommandError

from sessions.inaction.reconcile import Outcome, detect_inaction
from sets.models import LearningSet


class Command(BaseCommand):
    help = (
        "Run every learning-inaction signal over each open set (or the sets named with --set) "
        "and bring its prompts in line: open new ones, resolve those whose signal has cleared. "
        "Safe to run at any time and as often as you like: it never duplicates a prompt. "
        "Changes on the meeting page already queue a run for their set; run this nightly too, "
        "for what changes with time alone (a pulse closing, the next meeting coming up), e.g. "
        "from cron: '15 2 * * * cd /srv/alsspace && .venv/bin/python manage.py detect_inaction'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--set",
            type=int,
            action="append",
            dest="set_ids",
            metavar="ID",
            help="only this set (repeatable)",
        )

    def handle(self, *args, set_ids=None, **options):
        sets = LearningSet.objects.exclude(status=LearningSet.Status.CLOSED).order_by("pk")
        if set_ids:
            sets = sets.filter(pk__in=set_ids)
            missing = set(set_ids) - set(sets.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No open set with id {', '.join(map(str, sorted(missing)))}.")
        total, count = Outcome(), 0
        for learning_set in list(sets):
            outcome = detect_inaction(learning_set)
            total.opened += outcome.opened
            total.updated += outcome.updated
            total.resolved += outcome.resolved
            count += 1
        self.stdout.write(
            f"Checked {count} set{'s' * (count != 1)}: {total.opened} prompt"
            f"{'s' * (total.opened != 1)} opened, {total.updated} updated, "
            f"{total.resolved} resolved."
        )
