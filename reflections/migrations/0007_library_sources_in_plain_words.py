"""The library's prompts say what each is about in plain words, as the safe-enough prompts
already do, rather than naming the authors behind them (docs/product.md#prompts). Looked up
by slug, so running it again changes nothing; going back restores the names."""

from django.db import migrations

# slug: (the source in plain words, the source it had)
SOURCES = {
    "vince-avoiding": (
        "On learning inaction: what it suits us not to do",
        "Russ Vince, on learning inaction",
    ),
    "vince-cost-of-acting": (
        "On learning inaction: what acting would cost, and what not acting costs",
        "Russ Vince, on learning inaction",
    ),
    "wenger-trayner-difference": (
        "On value creation: what changes because we learn together",
        "Etienne and Beverly Wenger-Trayner, on value creation",
    ),
}


def in_plain_words(apps, schema_editor):
    Prompt = apps.get_model("reflections", "Prompt")
    for slug, (plain, _) in SOURCES.items():
        Prompt.objects.filter(slug=slug).update(source=plain)


def with_names(apps, schema_editor):
    Prompt = apps.get_model("reflections", "Prompt")
    for slug, (_, named) in SOURCES.items():
        Prompt.objects.filter(slug=slug).update(source=named)


class Migration(migrations.Migration):
    dependencies = [
        ("reflections", "0006_library_ideas_and_safe_enough_prompts"),
    ]

    operations = [migrations.RunPython(in_plain_words, with_names)]
