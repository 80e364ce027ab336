"""Detection in the background: after a change to a set's attendance, airtime or actions
(`schedule_detection`), and nightly for every open set (`manage.py detect_inaction`)."""

from django.db import transaction
from django_tasks import task

from sessions.inaction.reconcile import detect_inaction
from sets.models import LearningSet


@task()
def detect_inaction_in_set(set_id: int) -> None:
    learning_set = LearningSet.objects.filter(pk=set_id).first()
    if learning_set is not None:
        detect_inaction(learning_set)


def schedule_detection(learning_set: LearningSet) -> None:
    """Queue detection for the set once the current transaction commits, so the task reads
    what was written. `robust`: the write has committed by then, and must not fail because
    the queue did; the nightly run catches up."""
    set_id = learning_set.pk
    transaction.on_commit(lambda: detect_inaction_in_set.enqueue(set_id), robust=True)
