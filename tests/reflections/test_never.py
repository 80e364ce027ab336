"""Journals are not in the admin, not in error reports, not in any export, and never feed a
signal (docs/confidentiality.md#encryption-at-rest, docs/signals.md#what-signals-never-read)."""

import ast
from pathlib import Path

import pytest
from django.contrib import admin
from django.db.models import signals
from django.urls import reverse

from reflections import exports, services
from reflections.models import JournalDraft, JournalEntry, Prompt
from tests.reflections.factories import JournalEntryFactory

ROOT = Path(__file__).resolve().parents[2]
LOWER_APPS = ("alsspace", "sets", "sessions")
OUR_APPS = (*LOWER_APPS, "reflections")


def test_nothing_of_the_journal_is_in_the_django_admin():
    for model in (JournalEntry, JournalDraft, Prompt):
        assert not admin.site.is_registered(model)


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("app", LOWER_APPS)
def test_no_lower_app_imports_the_journal(app):
    """So nothing below can read a journal: not the inaction signals, not any export."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / app).rglob("*.py")
        if any(name.split(".")[0] == "reflections" for name in imported_modules(path))
    ]
    assert offenders == []


@pytest.mark.parametrize("signal", [signals.pre_save, signals.post_save, signals.post_delete])
@pytest.mark.parametrize("model", [JournalEntry, JournalDraft])
def test_no_code_of_ours_listens_to_journal_saves(signal, model):
    receivers = [receiver for group in signal._live_receivers(model) for receiver in group]
    ours = [r for r in receivers if getattr(r, "__module__", "").split(".")[0] in OUR_APPS]
    assert ours == []


def test_an_entrys_name_in_logs_is_its_number_not_its_title(world):
    entry = JournalEntryFactory(author=world.member, title="The CFO")

    assert str(entry) == f"Journal entry {entry.pk}"
    assert "CFO" not in repr(entry)


@pytest.mark.parametrize(
    ("name", "fields", "data"),
    [
        ("reflections:entry_create", {"title", "body"}, {"title": "", "body": "secret"}),
        ("reflections:draft", {"title", "body"}, {"title": "t", "body": "x" * 50_001}),
        ("reflections:erase_account", {"password", "code"}, {"password": "secret"}),
    ],
)
def test_journal_forms_keep_their_values_out_of_error_reports(client, world, name, fields, data):
    client.force_login(world.member)

    response = client.post(reverse(name), data)

    assert set(response.wsgi_request.sensitive_post_parameters) == fields


@pytest.mark.parametrize(
    "function",
    [
        services.save_entry,
        services.save_draft,
        services.export_my_data,
        services.erase_account,
        exports.my_data,
        exports.my_data_zip,
    ],
)
def test_functions_holding_journal_text_hide_their_variables(function):
    assert function.__code__.co_name == "sensitive_variables_wrapper"
