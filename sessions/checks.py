"""Start-up checks for what the meetings app needs from the database."""

import sqlite3

from django.core.checks import Error
from django.db import connections

# The attendance report joins tallies and current members with FULL JOIN, which SQLite has
# had since 3.39.
SQLITE_FULL_JOIN = (3, 39)


def sqlite_has_full_join(app_configs=None, databases=None, **kwargs):
    """Run with the database checks, as `migrate` runs them: `make run` stops with this
    message instead of a report page failing later."""
    uses_sqlite = any(connections[alias].vendor == "sqlite" for alias in databases or ())
    if not uses_sqlite or sqlite3.sqlite_version_info >= SQLITE_FULL_JOIN:
        return []
    return [
        Error(
            f"SQLite {sqlite3.sqlite_version} is too old for the attendance reports, which need "
            "3.39 or newer.",
            hint="Use a Python built with a newer SQLite, or PostgreSQL through DATABASE_URL.",
            id="meetings.E001",
        )
    ]
