"""Accounts through allauth's real views: sign-in, verification, closed signup, MFA, resets."""

import re
import time

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from alsspace.audit_actions import AccountAction
from alsspace.models import AuditEvent
from sets.accounts import SESSION_KEY as INVITATION_SESSION_KEY
from tests.factories import PASSWORD, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
LOGIN = reverse("account_login")


def sign_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def confirm_password(client):
    """allauth asks for the password again before two-factor settings change."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def start_totp_setup(client, user):
    sign_in(client, user.email)
    confirm_password(client)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    return response, client.session[SECRET_SESSION_KEY]


def is_signed_in(client):
    return "_auth_user_id" in client.session


def current_totp_code(secret):
    # A code is valid for its own 30-second period only; skip the last moment of a period so
    # the server checks the code in the period it was made for.
    period = mfa_settings.TOTP_PERIOD
    if time.time() % period > period - 1:
        time.sleep(1)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_verified_address_signs_in(client):
    user = UserFactory()
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_address_is_matched_whatever_its_case(client):
    user = UserFactory(email="maya.member@example.org")
    sign_in(client, "Maya.Member@Example.org")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_unverified_address_must_be_confirmed_before_sign_in(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not is_signed_in(client)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_wrong_password_is_refused_and_audited_without_the_password(client):
    user = UserFactory()
    response = sign_in(client, user.email, password="not-the-password-4321")
    assert response.status_code == 200
    assert not is_signed_in(client)
    assert "not correct" in response.content.decode()
    event = AuditEvent.objects.get(action=AccountAction.SIGN_IN_FAILED)
    assert event.subject == user.email
    assert event.ip_address == "127.0.0.1"
    stored = f"{event.subject} {event.detail}"
    assert "not-the-password-4321" not in stored
    assert "password" not in event.detail


def test_repeated_failures_are_rate_limited_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(5):
        sign_in(client, user.email, password="guess-again")
    response = sign_in(client, user.email)
    assert not is_signed_in(client)
    assert "Too many failed login attempts" in response.content.decode()


def test_rate_limits_live_in_a_real_cache():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend != "django.core.cache.backends.dummy.DummyCache"
    cache.set("alsspace-test-key", "kept", 30)
    assert cache.get("alsspace-test-key") == "kept"


def test_signup_is_closed_without_an_invitation(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "invitation" in body
    assert "programme admin" in body
    users_before = User.objects.count()
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Gate Crasher",
            "email": "gate.crasher@example.org",
            "password1": "a long enough passphrase 77",
            "password2": "a long enough passphrase 77",
        },
    )
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="gate.crasher@example.org").exists()


def test_login_page_explains_the_product_and_offers_no_signup(client):
    body = client.get(LOGIN).content.decode()
    assert body.count("<h1") == 1
    assert "ALS Space" in body
    assert "invitation only" in body
    assert reverse("account_signup") not in body
    assert re.search(r'<label[^>]*for="id_login"', body)
    assert re.search(r'<label[^>]*for="id_password"', body)


def test_password_reset_sends_an_email_once_the_request_has_committed(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as after_commit:
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    # Not while the request's transaction, and so a database lock, is open.
    assert mail.outbox == []
    for callback in after_commit:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert mail.outbox[0].subject == "[ALS Space] Reset your password"


def test_password_reset_for_an_unknown_address_points_to_invitations(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "stranger@example.org"})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "invitation only" in body
    assert "/accounts/signup/" not in body
    assert not User.objects.filter(email="stranger@example.org").exists()


def test_enabling_totp_is_audited_and_then_sign_in_asks_for_the_code(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    sign_in(client, user.email)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    page = client.get(response.url).content.decode()
    assert page.count("<h1") == 1
    assert re.search(r'<label[^>]*for="id_password"', page)

    response, secret = start_totp_setup(client, user)
    body = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    assert secret in body
    assert body.count("<h1") == 1

    # allauth announces the new authenticator once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    changes = AuditEvent.objects.filter(action=AccountAction.MFA_CHANGED, actor=user)
    assert {(e.detail["change"], e.detail["kind"]) for e in changes} >= {("added", "totp")}

    client.post(reverse("account_logout"))
    assert not is_signed_in(client)

    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert page.count("<h1") == 1
    assert re.search(r'<label[^>]*for="id_code"', page)

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert not is_signed_in(client)
    failed = AuditEvent.objects.filter(action=AccountAction.SIGN_IN_FAILED, actor=user)
    assert failed.get().detail == {"step": "mfa"}

    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_code_does_not_turn_on_totp(client):
    user = UserFactory()
    _, secret = start_totp_setup(client, user)
    wrong = str((int(current_totp_code(secret)) + 1) % 1_000_000).zfill(6)
    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action=AccountAction.MFA_CHANGED).exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_entrance_pages_render_in_our_layout(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    body = response.content.decode()
    assert "base.html" in [t.name for t in response.templates]
    assert body.count("<h1") == 1
    assert "Skip to main content" in body


@pytest.mark.parametrize(
    "url_name",
    [
        "account_email",
        "account_change_password",
        "account_logout",
        "mfa_index",
        "mfa_activate_totp",
    ],
)
def test_account_pages_render_in_our_layout(client, url_name):
    user = UserFactory()
    sign_in(client, user.email)
    confirm_password(client)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    body = response.content.decode()
    assert "base.html" in [t.name for t in response.templates]
    assert body.count("<h1") == 1
    assert 'aria-label="Account settings"' in body
    for field_id in re.findall(r'<input[^>]*type="(?:text|email|password)"[^>]*id="([^"]+)"', body):
        assert f'for="{field_id}"' in body, field_id


def test_recovery_codes_pages_render_after_totp_is_on(client):
    user = UserFactory()
    _, secret = start_totp_setup(client, user)
    client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})

    for url_name in ["mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_index"]:
        response = client.get(reverse(url_name))
        assert response.status_code == 200, url_name
        assert response.content.decode().count("<h1") == 1, url_name
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    deactivate = client.get(reverse("mfa_deactivate_totp"))
    assert deactivate.status_code == 200
    assert deactivate.content.decode().count("<h1") == 1


def test_password_reset_link_leads_to_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert "Choose a new password" in body
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "a brand new passphrase 31", "password2": "a brand new passphrase 31"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase 31")

    expired = client.get(link.group(1), follow=True).content.decode()
    assert expired.count("<h1") == 1
    assert "This link has expired" in expired


def test_email_confirmation_page_confirms_the_address(client):
    user = UserFactory()
    address = EmailAddress.objects.get(user=user)
    address.verified = False
    address.save()
    url = reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])
    body = client.get(url).content.decode()
    assert body.count("<h1") == 1
    assert user.email in body
    client.post(url)
    address.refresh_from_db()
    assert address.verified

    bad = client.get(reverse("account_confirm_email", args=["not-a-key"])).content.decode()
    assert "expired or was already used" in bad


def test_signup_with_an_invitation_shows_a_labelled_form(client, world):
    invitation = InvitationFactory(learning_set=world.learning_set, name="Ivy Invitee")
    session = client.session
    session[INVITATION_SESSION_KEY] = invitation.token
    session.save()
    response = client.get(reverse("account_signup"))
    assert "account/signup.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert body.count("<h1") == 1
    for field in ("name", "email", "password1", "password2"):
        assert re.search(rf'<label[^>]*for="id_{field}"', body), field
    assert 'value="Ivy Invitee"' in body
