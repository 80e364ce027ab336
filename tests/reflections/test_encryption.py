"""Journal text is encrypted at rest: the database holds only tokens, and keys rotate."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from reflections.models import JournalDraft, JournalEntry
from tests.reflections.factories import JournalEntryFactory

SECRET = "I am avoiding the conversation with my CFO."


def raw_columns(table, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT title, body FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def test_the_database_column_never_holds_the_plaintext(world):
    entry = JournalEntryFactory(author=world.member, title="The CFO", body=SECRET)

    title, body = raw_columns(JournalEntry._meta.db_table, entry.pk)

    assert SECRET not in body and "CFO" not in body
    assert "CFO" not in title
    assert body.startswith("gAAAAA")  # a Fernet token
    assert JournalEntry.objects.get(pk=entry.pk).body == SECRET


def test_the_same_text_twice_gives_different_tokens(world):
    first = JournalEntryFactory(author=world.member, body=SECRET)
    second = JournalEntryFactory(author=world.member, body=SECRET)

    table = JournalEntry._meta.db_table
    assert raw_columns(table, first.pk)[1] != raw_columns(table, second.pk)[1]


def test_drafts_are_encrypted_too(world):
    draft = JournalDraft.objects.create(author=world.member, title="Half a thought", body=SECRET)

    title, body = raw_columns(JournalDraft._meta.db_table, draft.pk)

    assert "Half" not in title and SECRET not in body


def test_without_keys_journal_text_can_be_neither_written_nor_read(world, settings):
    entry = JournalEntryFactory(author=world.member, body=SECRET)
    settings.JOURNAL_KEYS = []

    with pytest.raises(ImproperlyConfigured, match="JOURNAL_KEYS"):
        JournalEntry.objects.get(pk=entry.pk)
    with pytest.raises(ImproperlyConfigured, match="JOURNAL_KEYS"):
        JournalEntryFactory(author=world.member, body=SECRET)


def test_a_removed_key_is_named_rather_than_returning_garbage(world, settings):
    entry = JournalEntryFactory(author=world.member, body=SECRET)
    settings.JOURNAL_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ImproperlyConfigured, match="removed"):
        JournalEntry.objects.get(pk=entry.pk)


def test_the_database_is_never_asked_to_compare_journal_text(world):
    with pytest.raises(FieldError, match="encrypted"):
        list(JournalEntry.objects.filter(body__icontains="CFO"))


def test_rotation_reencrypts_so_the_old_key_can_go(world, settings, capsys):
    old_key = settings.JOURNAL_KEYS[0]
    entries = [
        JournalEntryFactory(author=world.member, title=f"Entry {n}", body=f"{SECRET} {n}")
        for n in range(5)
    ]
    JournalDraft.objects.create(author=world.member, title="Draft", body="Unsaved thought")
    updated_at = {entry.pk: entry.updated_at for entry in entries}
    new_key = Fernet.generate_key().decode()
    settings.JOURNAL_KEYS = [new_key, old_key]

    call_command("rotate_journal_keys", batch_size=2)

    out = capsys.readouterr().out
    assert "Journal entries: checked 5, re-encrypted 5, 0 already under the newest key." in out
    assert "Journal drafts: checked 1, re-encrypted 1" in out
    assert SECRET not in out
    settings.JOURNAL_KEYS = [new_key]
    for entry in JournalEntry.objects.order_by("pk"):
        assert entry.body.startswith(SECRET)
        assert entry.updated_at == updated_at[entry.pk]  # rotation is not an edit
    assert JournalDraft.objects.get().body == "Unsaved thought"


def test_rotation_can_be_run_again_after_an_interruption(world, settings, capsys):
    old_key = settings.JOURNAL_KEYS[0]
    first, second = (JournalEntryFactory(author=world.member, body=SECRET) for _ in range(2))
    new_key = Fernet.generate_key().decode()
    settings.JOURNAL_KEYS = [new_key, old_key]
    # As if a run had been stopped after the first entry.
    first.save()

    call_command("rotate_journal_keys")

    assert "checked 2, re-encrypted 1, 1 already under the newest key" in capsys.readouterr().out
    settings.JOURNAL_KEYS = [new_key]
    assert JournalEntry.objects.get(pk=second.pk).body == SECRET


def test_rotation_stops_and_says_which_entry_a_missing_key_leaves_unreadable(world, settings):
    entry = JournalEntryFactory(author=world.member, body=SECRET)
    settings.JOURNAL_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CommandError, match=f"JournalEntry {entry.pk}"):
        call_command("rotate_journal_keys")


def test_rotation_needs_keys(settings):
    settings.JOURNAL_KEYS = []

    with pytest.raises(CommandError, match="JOURNAL_KEYS"):
        call_command("rotate_journal_keys")
