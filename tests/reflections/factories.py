"""Factories for journals and prompts, and the built-in prompt library.

The library is a data migration; tests that flush the database (the browser tests) put it
back with `ensure_library`.
"""

import importlib

import factory

from reflections.models import JournalEntry, Prompt
from tests.factories import UserFactory

FIRST = importlib.import_module("reflections.migrations.0002_library_prompts")
IDEAS = importlib.import_module("reflections.migrations.0006_library_ideas_and_safe_enough_prompts")
PLAIN = importlib.import_module("reflections.migrations.0007_library_sources_in_plain_words")
LIBRARY = [
    {
        **prompt,
        "idea": IDEAS.IDEAS[prompt["slug"]],
        "source": PLAIN.SOURCES.get(prompt["slug"], (prompt["source"],))[0],
    }
    for prompt in FIRST.LIBRARY
] + IDEAS.LIBRARY


def ensure_library():
    for prompt in LIBRARY:
        Prompt.objects.update_or_create(
            slug=prompt["slug"], defaults={k: v for k, v in prompt.items() if k != "slug"}
        )
    return {prompt.slug: prompt for prompt in Prompt.objects.filter(learning_set=None)}


class JournalEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JournalEntry

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Reflection {n}")
    body = "What I noticed in the set today, and what I will do about it."


class PromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prompt

    question = factory.Sequence(lambda n: f"What did you notice about question {n}?")
    guidance = "Take ten minutes."
