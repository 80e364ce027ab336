"""Encrypt the prompts' questions and guidance left in plaintext by 0003, in batches that each
commit, so that a run stopped half way is finished by running migrate again. Reversible."""

from django.db import migrations

from alsspace.crypto import decrypt_existing, encrypt_existing


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reflections", "0003_seal_set_content"),
    ]

    operations = [
        migrations.RunPython(
            encrypt_existing("reflections", "Prompt", "question", "guidance"),
            decrypt_existing("reflections", "Prompt", "question", "guidance"),
        )
    ]
