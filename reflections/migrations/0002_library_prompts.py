"""The built-in prompt library. Looked up by slug, so running it again changes nothing."""

from django.db import migrations

LIBRARY = [
    {
        "slug": "vince-avoiding",
        "question": "What are you avoiding?",
        "source": "Russ Vince, on learning inaction",
        "guidance": (
            "Think of something you know needs doing and have not done. What makes it easier "
            "not to act? Who is served by things staying as they are, and what part does the "
            "set play in letting them?"
        ),
        "starter": "",
    },
    {
        "slug": "vince-cost-of-acting",
        "question": "What would it cost you to act?",
        "source": "Russ Vince, on learning inaction",
        "guidance": (
            "Name what you might lose if you acted on the problem you brought to the set: "
            "standing, relationships, comfort, certainty. Then name what not acting costs, "
            "and who pays."
        ),
        "starter": "",
    },
    {
        "slug": "saga",
        "question": "SAGA: situation, assumptions, gut feelings, actions",
        "source": "A structure for reflecting on one situation",
        "guidance": (
            "Take one situation from your work since the last meeting and walk through it in "
            "four steps: what happened, what you took for granted, what your instinct told "
            "you, and what you will do now."
        ),
        "starter": (
            "## Situation\n\nWhat happened, briefly and factually?\n\n"
            "## Assumptions\n\nWhat was I taking for granted about the people, the problem "
            "or myself?\n\n"
            "## Gut feelings\n\nWhat did I feel, and what was my instinct telling me?\n\n"
            "## Actions\n\nWhat will I do next, and by when?\n"
        ),
    },
    {
        "slug": "wenger-trayner-difference",
        "question": "What difference are we making, and for whom?",
        "source": "Etienne and Beverly Wenger-Trayner, on value creation",
        "guidance": (
            "Think of a conversation in the set or an action you took since. What changed, "
            "for you, for the people you lead, for your organisation? How would you know, "
            "and who would notice?"
        ),
        "starter": "",
    },
]


def add_library(apps, schema_editor):
    Prompt = apps.get_model("reflections", "Prompt")
    for prompt in LIBRARY:
        Prompt.objects.update_or_create(
            slug=prompt["slug"], defaults={k: v for k, v in prompt.items() if k != "slug"}
        )


def remove_library(apps, schema_editor):
    Prompt = apps.get_model("reflections", "Prompt")
    Prompt.objects.filter(slug__in=[prompt["slug"] for prompt in LIBRARY]).delete()


class Migration(migrations.Migration):
    dependencies = [("reflections", "0001_initial")]

    operations = [migrations.RunPython(add_library, remove_library)]
