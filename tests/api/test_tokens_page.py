"""The programme admins' API tokens page (docs/api.md#tokens): a token is made, shown once,
audited and revoked; bad input writes nothing; nobody else finds the page."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alsspace.models import AuditEvent
from api import services, tokens
from api.audit_actions import ApiAction
from api.models import ApiToken
from tests.factories import ProgrammeFactory


def page(world):
    return reverse("api:tokens", args=[world.programme.pk])


def test_the_programme_page_links_to_it(client, world):
    client.force_login(world.admin)
    body = client.get(world.programme.get_absolute_url()).content.decode()
    assert page(world) in body


def test_a_new_token_is_shown_once(client, world):
    client.force_login(world.admin)
    response = client.post(page(world), {"name": "HR nightly import", "last_day": ""})
    assert response.status_code == 302
    token = ApiToken.objects.get()
    assert token.name == "HR nightly import" and token.expires_at is None
    assert token.created_by == world.admin

    shown = client.get(page(world)).content.decode()
    assert "Copy your new token now" in shown
    raw = next(word.split('"')[0] for word in shown.split('value="')[1:] if word.startswith("als_"))
    prefix, secret = tokens.split(raw)
    assert prefix == token.prefix and tokens.matches(secret, token.secret_hash)
    again = client.get(page(world)).content.decode()
    assert secret not in again and "Copy your new token now" not in again
    assert f"als_{token.prefix}" in again  # the list names it by its start

    event = AuditEvent.objects.get(action=ApiAction.TOKEN_CREATED)
    assert event.actor == world.admin and event.programme_id == world.programme.pk
    assert secret not in str(event.detail)


def test_a_last_day_ends_the_token_at_midnight_in_the_programmes_zone(client, world):
    world.programme.time_zone = "Europe/London"
    world.programme.save()
    client.force_login(world.admin)
    day = timezone.localdate() + timedelta(days=30)
    client.post(page(world), {"name": "LMS", "last_day": day.isoformat()})
    expires = timezone.localtime(
        ApiToken.objects.get().expires_at, ZoneInfo(world.programme.time_zone)
    )
    assert (expires.date(), expires.hour, expires.minute) == (day + timedelta(days=1), 0, 0)


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "last_day": ""},
        {"name": "   ", "last_day": ""},
        {"name": "x" * 101, "last_day": ""},
        {"name": "LMS", "last_day": "2020-01-01"},
        {"name": "LMS", "last_day": "2026-02-30"},
        {"name": "LMS", "last_day": "3000-01-01"},
    ],
)
def test_bad_input_is_400_and_writes_nothing(client, world, data):
    client.force_login(world.admin)
    response = client.post(page(world), data)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action=ApiAction.TOKEN_CREATED).exists()


def test_revoking_stops_a_token_and_is_audited(client, world):
    token, _ = services.create_token(
        world.programme, name="HR", last_day=None, actor=world.admin, ip=None
    )
    client.force_login(world.admin)
    response = client.post(page(world), {"revoke": token.pk})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == world.admin
    assert AuditEvent.objects.filter(action=ApiAction.TOKEN_REVOKED).count() == 1
    body = client.get(page(world)).content.decode()
    assert "Revoked" in body
    # A revoked token cannot be revoked again: nothing more is written.
    again = client.post(page(world), {"revoke": token.pk})
    assert again.status_code == 400
    assert AuditEvent.objects.filter(action=ApiAction.TOKEN_REVOKED).count() == 1


def test_the_programmes_audit_log_says_who_made_and_revoked_a_token(client, world):
    client.force_login(world.admin)
    client.post(page(world), {"name": "HR nightly import", "last_day": ""})
    token = ApiToken.objects.get()
    client.post(page(world), {"revoke": token.pk})
    log = client.get(reverse("sets:audit", args=[world.programme.pk])).content.decode()
    assert "Created an API token for" in log and "Revoked an API token of" in log
    assert f"HR nightly import ({token.prefix})" in log


def test_another_programmes_token_cannot_be_revoked_here(client, world):
    elsewhere = ProgrammeFactory(admins=[world.admin])
    token, _ = services.create_token(
        elsewhere, name="HR", last_day=None, actor=world.admin, ip=None
    )
    client.force_login(world.admin)
    response = client.post(page(world), {"revoke": token.pk})
    assert response.status_code == 400
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action=ApiAction.TOKEN_REVOKED).exists()


def test_the_list_shows_expired_and_last_used(client, world):
    old, _ = services.create_token(
        world.programme, name="Old LMS", last_day=None, actor=world.admin, ip=None
    )
    ApiToken.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(days=1), last_used_at=timezone.now()
    )
    client.force_login(world.admin)
    body = client.get(page(world)).content.decode()
    assert "Expired" in body and "Never" not in body


@pytest.mark.parametrize("role", ["facilitator", "member", "other_member", "outsider"])
def test_nobody_but_its_admins_finds_it(client, world, role):
    services.create_token(world.programme, name="HR", last_day=None, actor=world.admin, ip=None)
    client.force_login(getattr(world, role))
    assert client.get(page(world)).status_code == 404
    assert client.post(page(world), {"name": "Mine"}).status_code == 404
    assert ApiToken.objects.count() == 1


def test_the_page_lists_tokens_in_a_fixed_number_of_queries(client, world):
    client.force_login(world.admin)
    for n in range(2):
        services.create_token(
            world.programme, name=f"T{n}", last_day=None, actor=world.admin, ip=None
        )
    client.get(page(world))
    with CaptureQueriesContext(connection) as small:
        client.get(page(world))
    for n in range(10):
        services.create_token(
            world.programme, name=f"U{n}", last_day=None, actor=world.admin, ip=None
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(page(world)).status_code == 200
    assert len(large) == len(small)


@pytest.mark.parametrize("name", ["", "   "])
def test_a_token_with_no_name_is_refused_saying_what_to_write(client, world, name):
    client.force_login(world.admin)
    response = client.post(page(world), {"name": name, "last_day": ""})
    assert response.status_code == 400
    assert "Name the token: say which system it is for." in response.content.decode()
    assert not ApiToken.objects.exists()
