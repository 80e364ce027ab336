"""Each prompt may say which idea it speaks to: learning inaction, safe-enough spaces or value
creation. The library is tagged by the next migration, apart from this one, so that going back
never alters the table while its deleted rows' checks are still pending (PostgreSQL)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reflections", "0004_encrypt_prompts"),
    ]

    operations = [
        migrations.AddField(
            model_name="prompt",
            name="idea",
            field=models.CharField(
                blank=True,
                choices=[
                    ("inaction", "Learning inaction"),
                    ("safe_enough", "Safe-enough spaces"),
                    ("value", "Value creation"),
                ],
                max_length=12,
                verbose_name="the idea it speaks to",
            ),
        ),
    ]
