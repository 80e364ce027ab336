"""The start-up check for SQLite's FULL JOIN, which the attendance report uses."""

import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="checks SQLite's version")


def test_a_recent_sqlite_passes(db):
    call_command("check", "--database", "default")


def test_an_old_sqlite_stops_the_start_with_a_clear_message(db, monkeypatch):
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 37, 2))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.37.2")
    with pytest.raises(SystemCheckError, match="SQLite 3.37.2 is too old"):
        call_command("check", "--database", "default")
