"""Encrypt every contract version's text left in plaintext by 0007, in batches that each
commit, so that a run stopped half way is finished by running migrate again. Reversible."""

from django.db import migrations

from alsspace.crypto import decrypt_existing, encrypt_existing


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("sets", "0007_seal_set_content"),
    ]

    operations = [
        migrations.RunPython(
            encrypt_existing("sets", "Contract", "text"),
            decrypt_existing("sets", "Contract", "text"),
        )
    ]
