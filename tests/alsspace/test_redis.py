"""Redis for the cache, allauth's rate limits and the RQ task backend, as when several
machines serve (README, "Deployment").

Runs against the Redis on 127.0.0.1:6379 (database 15, keys under a prefix of this run's
own). Where none answers the tests are skipped with that reason, unless REQUIRE_REDIS=1 (as
in CI), which makes the missing Redis a failure.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import django_rq
import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_rq import Job
from rq import SimpleWorker

from sets.tasks import send_invitation
from tests.factories import InvitationFactory

REDIS_URL = "redis://127.0.0.1:6379/15"
DOWN_URL = "redis://127.0.0.1:1/0"
ROOT = Path(__file__).resolve().parents[2]
RQ_BACKEND = "django_tasks_rq.RQBackend"


def redis_or_skip():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        reason = f"no Redis answers at {REDIS_URL} ({error})"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"{reason}, and REQUIRE_REDIS=1 requires it: apt-get install redis-server")
        pytest.skip(f"{reason}: install and start redis-server, or set REQUIRE_REDIS=1 to fail")
    return client


@pytest.fixture
def redis_client():
    client = redis_or_skip()
    yield client
    client.close()


@pytest.fixture
def redis_cache(settings, redis_client):
    """The cache settings.py makes from REDIS_URL, with a prefix only this test uses."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    for key in redis_client.scan_iter(f"{prefix}:*"):
        redis_client.delete(key)


def test_the_cache_round_trips_through_redis(redis_cache, redis_client):
    cache.set("greeting", {"text": "hello"}, 60)

    assert cache.get("greeting") == {"text": "hello"}
    assert redis_client.exists(f"{redis_cache}:1:greeting")


def test_allauths_sign_in_rate_limit_is_kept_in_redis(client, world, redis_cache, redis_client):
    login = reverse("account_login")
    wrong = {"login": world.member.email, "password": "not-the-password"}
    for _ in range(5):
        assert "password you specified are not correct" in client.post(login, wrong).text

    blocked = client.post(login, wrong)

    assert "Too many failed login attempts" in blocked.text
    assert any(b":allauth:rl:" in key for key in redis_client.scan_iter(f"{redis_cache}:*"))


@pytest.fixture
def redis_sessions(settings, redis_cache):
    settings.SESSION_ENGINE = "alsspace.session_store"
    return redis_cache


def signed_in_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return [query["sql"] for query in queries]


def test_a_signed_in_request_reads_its_session_from_redis(
    client, world, redis_sessions, redis_client
):
    client.force_login(world.member)
    keys = [key.decode() for key in redis_client.scan_iter(f"{redis_sessions}:*")]
    assert any(":django.contrib.sessions.cached_db" in key for key in keys)

    assert not any("django_session" in sql for sql in signed_in_queries(client))


def test_sessions_are_read_from_the_database_while_redis_is_away(
    client, world, settings, redis_sessions
):
    client.force_login(world.member)
    # Nothing answers on this port: every cache call fails at once.
    away = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DOWN_URL}
    settings.CACHES = {"default": away}

    assert world.member.email in client.get(reverse("home")).text


@pytest.fixture
def rq_backend(settings, redis_client):
    """What settings.py configures for TASK_BACKEND=django_tasks_rq.RQBackend."""
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": RQ_BACKEND, "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    yield queue
    queue.empty()


def test_a_task_enqueued_on_rq_is_run_by_an_rq_worker(rq_backend, world):
    invitation = InvitationFactory(learning_set=world.learning_set, email="nia@example.org")

    result = send_invitation.enqueue(invitation.pk)

    assert result.status == TaskResultStatus.READY
    assert mail.outbox == []  # nothing runs until a worker takes it from Redis
    worker = SimpleWorker([rq_backend], connection=rq_backend.connection, job_class=Job)
    assert worker.work(burst=True)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [email.to for email in mail.outbox] == [["nia@example.org"]]


def settings_with(**environment):
    """alsspace.settings as a fresh process reads it from this environment."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'backend': settings.TASKS['default']['BACKEND'], "
        "'queues': getattr(settings, 'RQ_QUEUES', None), 'apps': settings.INSTALLED_APPS, "
        "'cache': settings.CACHES['default']['BACKEND'], "
        "'sessions': settings.SESSION_ENGINE}))"
    )
    return subprocess.run(  # noqa: S603 - this interpreter and a fixed script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "alsspace.settings",
            "DEBUG": "True",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_configure_the_rq_backend_from_redis_url():
    answer = settings_with(TASK_BACKEND=RQ_BACKEND, REDIS_URL=REDIS_URL)

    assert answer.returncode == 0, answer.stderr
    configured = json.loads(answer.stdout)
    assert configured["backend"] == RQ_BACKEND
    assert configured["queues"] == {"default": {"URL": REDIS_URL}}
    assert {"django_rq", "django_tasks_rq"} <= set(configured["apps"])
    assert configured["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert configured["sessions"] == "alsspace.session_store"


def test_the_database_backend_needs_no_rq():
    answer = settings_with(TASK_BACKEND="django_tasks_db.DatabaseBackend", REDIS_URL="")

    assert answer.returncode == 0, answer.stderr
    configured = json.loads(answer.stdout)
    assert configured["queues"] is None
    assert "django_rq" not in configured["apps"]
    assert configured["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert configured["sessions"] == "django.contrib.sessions.backends.db"


def test_the_rq_backend_without_redis_url_stops_the_app_with_a_message():
    answer = settings_with(TASK_BACKEND=RQ_BACKEND, REDIS_URL="")

    assert answer.returncode != 0
    assert "TASK_BACKEND=django_tasks_rq.RQBackend needs REDIS_URL." in answer.stderr
