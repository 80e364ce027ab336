"""The migration that tags the library by idea and adds the safe-enough prompts: it tags the
prompts already there, adds the new ones with their questions encrypted at rest, changes
nothing when run again, and going back takes away only what it added."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reflections.models import Idea, Prompt
from tests.reflections.factories import ensure_library

BEFORE = [("reflections", "0004_encrypt_prompts")]
ADDED = [
    "safe-enough-different",
    "safe-enough-risked",
    "safe-enough-if-safer",
    "safe-enough-staying-uncomfortable",
]


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrated_back(transactional_db):
    ensure_library()
    yield migrate(BEFORE)
    migrate(latest())


def test_the_library_is_tagged_and_grows_and_going_back_leaves_the_rest(migrated_back):
    OldPrompt = migrated_back.get_model("reflections", "Prompt")
    assert not OldPrompt.objects.filter(slug__in=ADDED).exists()
    assert OldPrompt.objects.filter(slug="vince-avoiding").exists()

    migrate(latest())

    library = {prompt.slug: prompt for prompt in Prompt.objects.filter(learning_set=None)}
    assert {library[slug].idea for slug in ADDED} == {Idea.SAFE_ENOUGH}
    assert library["vince-avoiding"].idea == Idea.INACTION
    assert library["wenger-trayner-difference"].idea == Idea.VALUE
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT question FROM {Prompt._meta.db_table} WHERE slug = %s",  # noqa: S608
            ["safe-enough-risked"],
        )
        (raw,) = cursor.fetchone()
    assert raw.startswith("gAAAAA") and "risk" not in raw
    assert library["safe-enough-risked"].question == "What did I risk saying in the set?"

    back = migrate(BEFORE).get_model("reflections", "Prompt")
    assert not back.objects.filter(slug__in=ADDED).exists()
    assert back.objects.filter(slug="vince-avoiding").exists()


NAMES = ("Vince", "Wenger", "Trayner")


def test_the_library_says_what_each_prompt_is_about_without_naming_authors(migrated_back):
    migrate(latest())
    sources = dict(Prompt.objects.filter(learning_set=None).values_list("slug", "source"))
    assert sources["vince-avoiding"] == "On learning inaction: what it suits us not to do"
    assert sources["wenger-trayner-difference"].startswith("On value creation: ")
    assert sources["saga"] == "A structure for reflecting on one situation"
    assert not [source for source in sources.values() if any(n in source for n in NAMES)]

    back = migrate([("reflections", "0006_library_ideas_and_safe_enough_prompts")])
    named = back.get_model("reflections", "Prompt").objects.get(slug="vince-avoiding")
    assert named.source == "Russ Vince, on learning inaction"
