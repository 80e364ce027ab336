"""Sign-in sessions end when left idle, when the account is disabled and when it is erased;
changing an email address, the password or two-factor sign-in asks who you are."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from alsspace.middleware import LAST_SEEN_KEY
from tests.factories import PASSWORD, UserFactory

HOME = reverse("home")


def signed_in(response):
    return response.status_code == 200 and response.wsgi_request.user.is_authenticated


def stamp(client, seconds_ago):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds_ago
    session.save()


def last_seen(client):
    return client.session.get(LAST_SEEN_KEY)


@pytest.fixture
def person(db):
    return UserFactory(name="Ida Idle")


# Idle timeout


def test_a_session_idle_longer_than_the_limit_is_signed_out(client, person, settings):
    settings.SESSION_IDLE_MINUTES = 60
    client.force_login(person)
    assert signed_in(client.get(HOME))
    stamp(client, 61 * 60)

    response = client.get(HOME, follow=True)

    assert not response.wsgi_request.user.is_authenticated
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "signed out after 60 minutes without activity" in response.content.decode()
    assert not client.get(HOME).wsgi_request.user.is_authenticated


def test_a_session_in_use_stays_signed_in(client, person, settings):
    settings.SESSION_IDLE_MINUTES = 60
    client.force_login(person)
    stamp(client, 59 * 60)

    assert signed_in(client.get(HOME))
    assert time.time() - last_seen(client) < 5


def test_the_limit_comes_from_the_setting(client, person, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(person)
    stamp(client, 6 * 60)

    assert client.get(HOME).status_code == 302
    assert not client.get(HOME).wsgi_request.user.is_authenticated


def test_the_session_is_touched_at_most_once_a_minute(client, person):
    client.force_login(person)
    client.get(HOME)
    stamp(client, 30)
    recent = last_seen(client)

    client.get(HOME)

    assert last_seen(client) == recent


def test_signing_in_starts_the_clock(client, person):
    client.force_login(person)

    assert time.time() - last_seen(client) < 5


def test_a_session_from_before_the_clock_gets_one_on_its_next_request(client, person):
    client.force_login(person)
    session = client.session
    del session[LAST_SEEN_KEY]
    session.save()

    assert signed_in(client.get(HOME))
    assert time.time() - last_seen(client) < 5


# Re-authentication


def test_adding_an_email_address_asks_for_the_password_first(client, person):
    client.force_login(person)
    add = {"action_add": "", "email": "ida.new@example.org"}

    response = client.post(reverse("account_email"), add)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="ida.new@example.org").exists()

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.post(reverse("account_email"), add)
    assert EmailAddress.objects.filter(user=person, email="ida.new@example.org").exists()


def test_changing_the_password_needs_the_current_one(client, person):
    client.force_login(person)
    change = {"password1": "a-new-long-passphrase-7", "password2": "a-new-long-passphrase-7"}

    response = client.post(reverse("account_change_password"), {"oldpassword": "a guess", **change})

    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    person.refresh_from_db()
    assert person.check_password(PASSWORD)

    client.post(reverse("account_change_password"), {"oldpassword": PASSWORD, **change})
    person.refresh_from_db()
    assert person.check_password("a-new-long-passphrase-7")


@pytest.mark.parametrize("name", ["mfa_activate_totp", "mfa_generate_recovery_codes"])
def test_setting_up_two_factor_sign_in_asks_for_the_password_first(client, person, name):
    client.force_login(person)

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


# Disabled and erased accounts


def sign_in_through_the_form(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(client.get(HOME))


@pytest.fixture
def two_sessions(client, person):
    """The same person signed in twice: through the sign-in form, and directly."""
    sign_in_through_the_form(client, person)
    other = Client()
    other.force_login(person)
    assert signed_in(other.get(HOME))
    return client, other


def test_disabling_an_account_ends_all_its_sessions(two_sessions, person):
    get_user_model().objects.filter(pk=person.pk).update(is_active=False)

    for browser in two_sessions:
        response = browser.get(HOME)
        assert response.status_code == 302
        assert not response.wsgi_request.user.is_authenticated


def test_erasing_an_account_ends_its_other_sessions(two_sessions, person):
    first, second = two_sessions

    response = first.post(
        reverse("reflections:erase_account"),
        {"password": PASSWORD, "confirmation": "erase my account"},
    )

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    for browser in two_sessions:
        response = browser.get(HOME)
        assert response.status_code == 302
        assert not response.wsgi_request.user.is_authenticated
