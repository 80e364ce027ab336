"""What the signal tests share: running detection on a set and reading its prompts
(docs/signals.md). Set Alpha with four current members is the `alpha` fixture
(tests/sessions/conftest.py)."""

from sessions.inaction.reconcile import detect_inaction
from sessions.models import InactionPrompt

Status = InactionPrompt.Status


def detect(world):
    return detect_inaction(world.learning_set)


def prompts(world, signal, **filters):
    return InactionPrompt.objects.filter(learning_set=world.learning_set, signal=signal, **filters)


def only_open(world, signal):
    (prompt,) = prompts(world, signal, status=Status.OPEN)
    return prompt
