"""Encrypt what 0007 left in plaintext, in batches that each commit, so that a run stopped
half way is finished by running migrate again. Reversible: going back decrypts first."""

from django.db import migrations

from alsspace.crypto import decrypt_existing, encrypt_existing

COLUMNS = [
    ("Meeting", ["process_review"]),
    ("AirtimeSlot", ["topic"]),
    ("Action", ["text"]),
    ("ReportBack", ["note"]),
    ("InactionPrompt", ["summary", "suggested_question", "facilitator_note"]),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("meetings", "0007_seal_set_content"),
    ]

    operations = [
        migrations.RunPython(
            encrypt_existing("meetings", model, *names),
            decrypt_existing("meetings", model, *names),
        )
        for model, names in COLUMNS
    ]
