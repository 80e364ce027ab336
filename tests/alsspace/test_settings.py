"""The settings module refuses a bad environment at start, naming the variable to fix."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]

# Everything settings.py reads, so that the caller's own environment cannot leak in.
SETTINGS_VARIABLES = [
    "DEBUG",
    "DJANGO_SECRET_KEY",
    "JOURNAL_KEYS",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "TASK_BACKEND",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "INVITATION_DAYS",
    "TIME_ZONE",
    "SESSION_COOKIE_AGE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_PROXY",
    "LOG_LEVEL",
    "PASSKEY_LOGIN",
]

PRODUCTION = {
    "DEBUG": "False",
    "DJANGO_SECRET_KEY": "a-long-random-secret-key-for-this-test-only-0123456789abcdefghijkl",
    "JOURNAL_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": "postgres://alsspace:secret@db.example.org:5432/alsspace",
}


def start(**variables):
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environment.update(DJANGO_SETTINGS_MODULE="alsspace.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "postgres//nohost"}, "DATABASE_URL"),
        ({"DATABASE_URL": "notaurl"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mongodb://localhost/alsspace"}, "DATABASE_URL"),
        ({**PRODUCTION, "DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({**PRODUCTION, "JOURNAL_KEYS": ""}, "JOURNAL_KEYS"),
        ({"JOURNAL_KEYS": "not-a-fernet-key"}, "JOURNAL_KEYS"),
        ({"JOURNAL_KEYS": f"{Fernet.generate_key().decode()},short"}, "JOURNAL_KEYS"),
        ({"INVITATION_DAYS": "fourteen"}, "INVITATION_DAYS"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"PASSKEY_LOGIN": "yes"}, "PASSKEY_LOGIN"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_bad_value_stops_the_start_naming_the_variable(variables, named):
    result = start(**variables)
    assert result.returncode != 0
    assert "started" not in result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert named in last_line


def test_the_message_never_echoes_a_database_password():
    result = start(DATABASE_URL="postgres//alsspace:hunter2@db/alsspace")
    assert result.returncode != 0
    assert "hunter2" not in result.stderr


def test_a_production_environment_starts():
    result = start(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_development_starts_with_nothing_set():
    result = start()
    assert result.returncode == 0, result.stderr
