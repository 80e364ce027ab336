"""Passkeys and security keys through allauth's WebAuthn pages
(docs/confidentiality.md#signing-in): adding one, signing in with it alone or after a
password, removing it, each change audited. A software authenticator answers the server's
options; fido2 checks every signature, challenge and origin as it would a phone's."""

import json
import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from alsspace.audit_actions import AccountAction
from alsspace.models import AuditEvent
from tests.alsspace.software_authenticator import HOST, SoftwareAuthenticator, stored_key
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
PASSKEY_LOGIN = reverse("mfa_login_webauthn")
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = HOST
    return client


def sign_in(client, user):
    return client.post(LOGIN, {"login": user.email, "password": PASSWORD})


def is_signed_in(client, user=None):
    signed_in = client.session.get("_auth_user_id")
    return signed_in is not None and (user is None or signed_in == str(user.pk))


def add_key(client, user, authenticator, passwordless=True, capture=None):
    sign_in(client, user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200
    credential = authenticator.create(page.context["js_data"]["creation_options"])
    data = {"name": "Work laptop", "credential": json.dumps(credential)}
    if passwordless:
        data["passwordless"] = "on"
    with capture(execute=True):
        return client.post(reverse("mfa_add_webauthn"), data)


def changes(user):
    events = AuditEvent.objects.filter(action=AccountAction.MFA_CHANGED, actor=user)
    return [(e.detail["change"], e.detail["kind"]) for e in events.order_by("pk")]


def test_a_passkey_is_added_audited_and_then_signs_in_on_its_own(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    phone = SoftwareAuthenticator()
    response = add_key(client, user, phone, capture=django_capture_on_commit_callbacks)
    # The first key comes with recovery codes, shown next.
    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    key = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Work laptop"
    assert key.wrap().is_passwordless is True
    assert ("added", "webauthn") in changes(user)
    listing = client.get(reverse("mfa_list_webauthn")).content.decode()
    assert "Work laptop" in listing and "Passkey" in listing

    client.post(reverse("account_logout"))
    assert not is_signed_in(client)
    login_page = client.get(LOGIN).content.decode()
    assert "Sign in with a passkey" in login_page
    options = client.get(PASSKEY_LOGIN, **JSON).json()["request_options"]
    # Signing in with a passkey names nobody in advance: the key says whose it is.
    assert options["publicKey"].get("allowCredentials", []) == []
    response = client.post(PASSKEY_LOGIN, {"credential": json.dumps(phone.get(options))})
    assert response.status_code == 302
    assert is_signed_in(client, user)


def test_a_passkey_from_another_site_signs_nobody_in(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    phone = SoftwareAuthenticator()
    add_key(client, user, phone, capture=django_capture_on_commit_callbacks)
    client.post(reverse("account_logout"))
    options = client.get(PASSKEY_LOGIN, **JSON).json()["request_options"]
    forged = phone.get(options, origin="https://als-space.example.net")
    response = client.post(PASSKEY_LOGIN, {"credential": json.dumps(forged)}, follow=True)
    assert not is_signed_in(client)
    assert response.redirect_chain[-1][0] == LOGIN


def test_an_unknown_key_signs_nobody_in(client):
    UserFactory()
    options = client.get(PASSKEY_LOGIN, **JSON).json()["request_options"]
    stranger = SoftwareAuthenticator(user_handle=b"1")
    client.post(PASSKEY_LOGIN, {"credential": json.dumps(stranger.get(options))})
    assert not is_signed_in(client)


def test_a_security_key_is_asked_for_after_the_password(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    key = SoftwareAuthenticator()
    add_key(client, user, key, passwordless=False, capture=django_capture_on_commit_callbacks)
    client.post(reverse("account_logout"))

    response = sign_in(client, user)
    assert response.url == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    page = client.get(reverse("mfa_authenticate"))
    body = page.content.decode()
    # The key is offered first; a code (a recovery code) is still taken.
    assert body.index("Use a passkey") < body.index('name="code"')
    options = page.context["js_data"]["request_options"]
    # After a password, the server names the keys it will take: this person's own.
    assert len(options["publicKey"]["allowCredentials"]) == 1
    response = client.post(
        reverse("mfa_authenticate"), {"credential": json.dumps(key.get(options))}
    )
    assert response.status_code == 302
    assert is_signed_in(client, user)


def test_removing_a_key_is_audited_and_another_persons_key_is_not_found(
    client, django_capture_on_commit_callbacks
):
    owner, other = UserFactory(), UserFactory()
    others_key = stored_key(other)
    add_key(client, owner, SoftwareAuthenticator(), capture=django_capture_on_commit_callbacks)
    key = Authenticator.objects.get(user=owner, type=Authenticator.Type.WEBAUTHN)

    assert client.get(reverse("mfa_remove_webauthn", args=[others_key.pk])).status_code == 404
    assert client.post(reverse("mfa_remove_webauthn", args=[others_key.pk])).status_code == 404
    assert Authenticator.objects.filter(pk=others_key.pk).exists()
    assert client.get(reverse("mfa_edit_webauthn", args=[others_key.pk])).status_code == 404

    confirm = client.get(reverse("mfa_remove_webauthn", args=[key.pk]))
    assert "Remove “Work laptop”?" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_remove_webauthn", args=[key.pk]))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=key.pk).exists()
    # Its last key gone, the account's recovery codes go too.
    assert set(changes(owner)[-2:]) == {("removed", "webauthn"), ("removed", "recovery_codes")}
    assert changes(other) == []


def test_renaming_a_key(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    add_key(client, user, SoftwareAuthenticator(), capture=django_capture_on_commit_callbacks)
    key = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    url = reverse("mfa_edit_webauthn", args=[key.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Phone"}).status_code == 302
    key.refresh_from_db()
    assert key.wrap().name == "Phone"


def test_a_credential_that_is_not_one_adds_nothing(client):
    user = UserFactory()
    sign_in(client, user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_add_webauthn"))
    for junk in ["", "{}", '{"id": "x"}', "not json", "\x00"]:
        response = client.post(reverse("mfa_add_webauthn"), {"name": "x", "credential": junk})
        assert response.status_code in (200, 400), junk
    assert not Authenticator.objects.filter(user=user).exists()
    assert changes(user) == []


@pytest.mark.parametrize("junk", ["", "{}", '{"id": "x"}', "not json", '{"rawId": 1}', "[]"])
def test_signing_in_with_a_credential_that_is_not_one_signs_nobody_in(client, junk):
    stored_key(UserFactory())
    client.get(PASSKEY_LOGIN, **JSON)
    response = client.post(PASSKEY_LOGIN, {"credential": junk})
    assert response.status_code in (302, 400), response.status_code
    assert not is_signed_in(client)


SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def scripts_are_files_or_data(body):
    """Every script is a static file or a JSON data block, which browsers never run: the
    Content Security Policy, with no 'unsafe-inline', would refuse anything else."""
    for attrs in SCRIPT.findall(body):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    return True


def test_passkey_pages_load_their_scripts_from_static_files_under_the_policy(client):
    user = UserFactory()
    stored_key(user)
    login = client.get(LOGIN)
    assert scripts_are_files_or_data(login.content.decode())
    assert "/static/mfa/js/webauthn.js" in login.content.decode()
    policy = login["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy

    sign_in(client, user)  # the key is asked for next
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert scripts_are_files_or_data(page) and "/static/mfa/js/webauthn.js" in page
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    for name in ["mfa_add_webauthn", "mfa_reauthenticate_webauthn", "mfa_index"]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert body.count("<h1") == 1, name
        assert 'aria-label="Account settings"' in body or name == "mfa_reauthenticate_webauthn"
        assert scripts_are_files_or_data(body)


def test_the_two_factor_page_offers_a_passkey(client):
    user = UserFactory()
    client.force_login(user)
    body = client.get(reverse("mfa_index")).content.decode()
    assert "Passkeys and security keys" in body
    assert reverse("mfa_add_webauthn") in body
    stored_key(user, "Phone")
    body = client.get(reverse("mfa_index")).content.decode()
    assert "You have 1 key." in body
    assert reverse("mfa_list_webauthn") in body


def test_signing_up_with_a_passkey_is_not_offered(client):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("mfa_signup_webauthn")
    assert "passkey" not in client.get(reverse("account_signup")).content.decode().lower()


@pytest.mark.parametrize("junk", ['{"id": "x"}', "[]", '{"rawId": 1}'])
def test_a_second_factor_or_confirmation_that_is_not_a_key_is_refused(client, junk):
    user = UserFactory()
    stored_key(user)
    sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"credential": junk})
    assert response.status_code < 500
    assert not is_signed_in(client)
    client.force_login(user)
    client.get(reverse("mfa_reauthenticate_webauthn"))
    response = client.post(reverse("mfa_reauthenticate_webauthn"), {"credential": junk})
    assert response.status_code < 500
    # Not confirmed: changing a key still asks first.
    assert client.get(reverse("mfa_add_webauthn")).status_code == 302
