"""Checks a higher app adds to this app's models, so that the models never import it.

A model's `clean()` runs every check registered for its class, in the order they were
registered; a check raises `ValidationError` to refuse the instance, or does what must happen
before the change is saved. The sessions app registers its pulse checks from its
`AppConfig.ready()` (`sessions/apps.py`): a programme's pulse threshold and a set's pulse window
are this app's fields, but what they would do to published pulse results is the sessions app's
to say (docs/architecture.md#apps-and-the-import-direction).
"""

from collections.abc import Callable
from typing import Any

from django.db import models

Check = Callable[[Any], None]

_checks: dict[type[models.Model], list[Check]] = {}


def register(model: type[models.Model], check: Check) -> None:
    """Run `check(instance)` in `model.clean()`; registering the same check again does nothing."""
    checks = _checks.setdefault(model, [])
    if check not in checks:
        checks.append(check)


def run(instance: models.Model) -> None:
    """Every check registered for the instance's model, in order; the first refusal stops."""
    for check in _checks.get(type(instance), ()):
        check(instance)


def registered(model: type[models.Model]) -> tuple[Check, ...]:
    return tuple(_checks.get(model, ()))
