"""The built-in library's prompts are tagged with the idea each speaks to, and prompts from
the safe-enough idea join it. Looked up by slug, so running it again changes nothing;
reversible."""

from django.db import migrations

# The library's prompts by slug, and the idea each speaks to. SAGA walks from what happened
# to what you will do about it, which is the step learning inaction is about.
IDEAS = {
    "vince-avoiding": "inaction",
    "vince-cost-of-acting": "inaction",
    "saga": "inaction",
    "wenger-trayner-difference": "value",
}

SAFE_ENOUGH = "On safe-enough spaces: being comfortable with being uncomfortable"

LIBRARY = [
    {
        "slug": "safe-enough-different",
        "question": "Where did I choose to be different this month, or not, and what did it cost?",
        "source": SAFE_ENOUGH,
        "idea": "safe_enough",
        "guidance": (
            "Think of a moment when you could have acted out of character: challenged someone, "
            "said you did not know, asked for help. Did you? What did it cost you, and what "
            "did playing it safe cost?"
        ),
        "starter": "",
    },
    {
        "slug": "safe-enough-risked",
        "question": "What did I risk saying in the set?",
        "source": SAFE_ENOUGH,
        "idea": "safe_enough",
        "guidance": (
            "Recall something you said in the set that felt exposed: a doubt, a mistake, a "
            "feeling. What made it possible to say? How did the set respond, and how did you "
            "feel afterwards?"
        ),
        "starter": "",
    },
    {
        "slug": "safe-enough-if-safer",
        "question": "What would I say if I felt safer?",
        "source": SAFE_ENOUGH,
        "idea": "safe_enough",
        "guidance": (
            "Write down what you have not said, in the set or at work, as if nobody would "
            "judge you. You do not have to say it anywhere. Then ask what would need to "
            "change for it to feel safe enough to say."
        ),
        "starter": "",
    },
    {
        "slug": "safe-enough-staying-uncomfortable",
        "question": "Where was I uncomfortable in the set, and did I stay with it?",
        "source": SAFE_ENOUGH,
        "idea": "safe_enough",
        "guidance": (
            "Think of a moment when a question landed hard or you felt out of your depth. Did "
            "you hurry back to comfort, with a joke, an explanation or a change of subject, or "
            "stay with it? What did you learn either way?"
        ),
        "starter": "",
    },
]


def tag_and_add(apps, schema_editor):
    Prompt = apps.get_model("reflections", "Prompt")
    for slug, idea in IDEAS.items():
        Prompt.objects.filter(slug=slug).update(idea=idea)
    for prompt in LIBRARY:
        Prompt.objects.update_or_create(
            slug=prompt["slug"], defaults={k: v for k, v in prompt.items() if k != "slug"}
        )


def remove_added(apps, schema_editor):
    Prompt = apps.get_model("reflections", "Prompt")
    Prompt.objects.filter(slug__in=[prompt["slug"] for prompt in LIBRARY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reflections", "0005_prompt_idea"),
    ]

    operations = [migrations.RunPython(tag_and_add, remove_added)]
