"""Sending our emails: a plain-text body and an HTML alternative, both from templates.

Inside a background task each person gets each email of the task once, however often the
task runs: a worker killed mid-task leaves it RUNNING, the next worker queues it again
(alsspace.workers), and the rerun skips the people already emailed. The marker row is written
just after the send, so a kill before the send finishes leaves no marker (the email is sent on
the rerun) and only a kill in the instant between the send and the marker can repeat one. No
transaction is open during the send: a slow mail server never holds the database's write
lock (on SQLite, the whole file's). Two runs of one task do not overlap, since a task is only
queued again once its worker has stopped beating.

Each email is in its recipient's language: the one chosen on their account page, otherwise
British English. Dates and numbers in it follow that language too.
"""

import hashlib
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import TaskResult
from django_tasks.signals import task_finished, task_started

from alsspace.models import SentEmail, User

# Ids of the task runs in progress in this thread, innermost last: an immediate backend runs
# a task enqueued by another task inside it.
running_tasks: ContextVar[tuple[str, ...]] = ContextVar("running_tasks", default=())


@receiver(task_started)
def _task_started(sender: object, task_result: TaskResult[Any], **kwargs: object) -> None:
    running_tasks.set((*running_tasks.get(), task_result.id))


@receiver(task_finished)
def _task_finished(sender: object, task_result: TaskResult[Any], **kwargs: object) -> None:
    running_tasks.set(running_tasks.get()[:-1])


def language_of(to: User | str | None, fallback: str | None = None) -> str:
    """The language to write to someone in: their account's choice, found by address when
    only an address is known; otherwise `fallback`, otherwise British English
    (settings.LANGUAGE_CODE)."""
    person = User.objects.filter(email__iexact=to).first() if isinstance(to, str) else to
    return (person.chosen_language if person else "") or fallback or settings.LANGUAGE_CODE


def send_templated_email(
    template_prefix: str,
    to: User | str,
    context: Mapping[str, Any],
    attachments: Iterable[tuple[str, str | bytes, str]] = (),
    language: str | None = None,
) -> None:
    """Render and send one email to a person or an address, in `language` if given,
    otherwise in the recipient's (`language_of`)."""
    language = language or language_of(to)
    to = to if isinstance(to, str) else to.email
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        body = render_to_string(f"{template_prefix}_message.txt", context)
    message = EmailMultiAlternatives(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, settings.DEFAULT_FROM_EMAIL, [to]
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)

    tasks = running_tasks.get()
    if not tasks:
        message.send()
        return
    key = hashlib.sha256(f"{tasks[-1]}\n{template_prefix}\n{to}".encode()).hexdigest()
    if SentEmail.objects.filter(key=key).exists():
        return
    message.send()
    SentEmail.objects.get_or_create(key=key)
