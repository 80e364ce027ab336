"""Inviting people to a set, resending and revoking invitations, and the emailed link."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from alsspace.models import AuditEvent
from sets.accounts import SESSION_KEY
from sets.audit_actions import SetAction
from sets.models import INVITATION_SALT, Invitation, LearningSet, Membership
from tests.factories import PASSWORD, InvitationFactory, UserFactory

MANAGERS_ONLY = {
    "admin": 200,
    "facilitator": 200,
    "member": 403,
    "pending": 403,
    "former": 404,
    "outsider": 404,
    "other_member": 404,
}


def invite_url(world):
    return reverse("sets:invite", args=[world.learning_set.pk])


def action_url(world, name, invitation):
    return reverse(name, args=[world.learning_set.pk, invitation.pk])


def invite(client, world, **data):
    return client.post(
        invite_url(world),
        {"name": "Nia Newcomer", "email": "nia@example.org", "role": "member", **data},
    )


def assert_nothing_written():
    assert not Invitation.objects.filter(email="nia@example.org").exists()
    assert not AuditEvent.objects.filter(action=SetAction.INVITATION_SENT).exists()
    assert mail.outbox == []


# Inviting


@pytest.mark.parametrize(("role", "status"), MANAGERS_ONLY.items())
def test_who_may_open_the_invite_page(client, world, role, status):
    client.force_login(getattr(world, role))
    assert client.get(invite_url(world)).status_code == status


def test_a_facilitator_invites_a_member(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, world, email="  Nia@Example.org ")
    assert response.status_code == 302
    assert response["Location"] == world.learning_set.get_absolute_url()
    invitation = Invitation.objects.get(email="nia@example.org")
    assert invitation.learning_set == world.learning_set
    assert invitation.role == "member"
    assert invitation.invited_by == world.facilitator
    assert invitation.sent_at is not None
    event = AuditEvent.objects.get(action=SetAction.INVITATION_SENT)
    assert event.actor == world.facilitator
    assert event.programme_id == world.programme.pk
    assert event.subject == "nia@example.org"

    [email] = mail.outbox
    assert email.to == ["nia@example.org"]
    assert email.subject == "[ALS Space] You're invited to join Set Alpha (Northfield Leaders 2026)"
    assert "Fay Facilitator has invited you" in email.body
    assert "as a member" in email.body
    assert f"{settings.SITE_URL}{invitation.link()}" in email.body
    expiry = invitation.expires_at.astimezone(ZoneInfo(world.programme.time_zone))
    assert f"until {expiry:%A} {expiry.day} {expiry:%B %Y}" in email.body
    assert "stays in the set" in email.body

    page = client.get(response["Location"]).content.decode()
    assert "Invitation sent to Nia Newcomer" in page
    assert "nia@example.org" in page


def test_a_programme_admin_invites_a_facilitator(client, world):
    client.force_login(world.admin)
    page = client.get(invite_url(world)).content.decode()
    assert 'value="facilitator"' in page
    assert invite(client, world, role="facilitator").status_code == 302
    assert Invitation.objects.get(email="nia@example.org").role == "facilitator"


def test_a_facilitator_cannot_invite_a_facilitator(client, world):
    client.force_login(world.facilitator)
    assert 'value="facilitator"' not in client.get(invite_url(world)).content.decode()
    response = invite(client, world, role="facilitator")
    assert response.status_code == 400
    assert "Only a programme admin can invite a facilitator." in response.content.decode()
    assert_nothing_written()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "owner"}, "Choose facilitator or member."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
        ({"name": ""}, "This field is required."),
        ({"name": "N" * 151}, "at most 150 characters"),
        ({"email": "a" * 250 + "@example.org"}, "at most 254 characters"),
    ],
)
def test_bad_invitations_are_refused(client, world, data, message):
    client.force_login(world.admin)
    response = invite(client, world, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_written()


def test_duplicate_invitations_are_refused(client, world):
    InvitationFactory(learning_set=world.learning_set, email="nia@example.org")
    client.force_login(world.facilitator)
    response = invite(client, world, email="NIA@example.org")
    assert response.status_code == 400
    assert "already has an open invitation" in response.content.decode()
    assert Invitation.objects.filter(email="nia@example.org").count() == 1
    assert not AuditEvent.objects.exists()


def test_current_members_cannot_be_invited_again(client, world):
    client.force_login(world.facilitator)
    response = invite(client, world, email=world.member.email)
    assert response.status_code == 400
    assert "is already in Set Alpha" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_closed_set_refuses_invitations(client, world):
    world.learning_set.status = LearningSet.Status.CLOSED
    world.learning_set.save()
    for role in ("facilitator", "admin"):
        client.force_login(getattr(world, role))
        assert client.get(invite_url(world)).status_code == 403
        assert invite(client, world).status_code == 403
    assert_nothing_written()


# Resending and revoking


@pytest.mark.parametrize("name", ["sets:invitation_resend", "sets:invitation_revoke"])
@pytest.mark.parametrize(
    ("role", "status"), {**MANAGERS_ONLY, "admin": 302, "facilitator": 302}.items()
)
def test_who_may_resend_and_revoke(client, world, name, role, status):
    invitation = InvitationFactory(learning_set=world.learning_set)
    client.force_login(getattr(world, role))
    assert client.post(action_url(world, name, invitation)).status_code == status


@pytest.mark.parametrize("name", ["sets:invitation_resend", "sets:invitation_revoke"])
def test_resend_and_revoke_are_post_only(client, world, name):
    invitation = InvitationFactory(learning_set=world.learning_set)
    client.force_login(world.facilitator)
    assert client.get(action_url(world, name, invitation)).status_code == 405
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and invitation.sent_at is None


@pytest.mark.parametrize("name", ["sets:invitation_resend", "sets:invitation_revoke"])
def test_an_invitation_of_another_set_is_not_found(client, world, name):
    invitation = InvitationFactory(learning_set=world.other_set)
    client.force_login(world.facilitator)
    assert client.post(action_url(world, name, invitation)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and invitation.sent_at is None


def test_resending_renews_an_expired_invitation(client, world, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(
        learning_set=world.learning_set, expires_at=timezone.now() - timedelta(days=2)
    )
    old_token_url = invitation.link()
    assert client.get(old_token_url).status_code == 410
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(world, "sets:invitation_resend", invitation))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert invitation.state == "pending"
    [email] = mail.outbox
    assert email.to == [invitation.email]
    assert invitation.link() in email.body
    assert AuditEvent.objects.get(action=SetAction.INVITATION_RESENT).subject == invitation.email
    client.logout()
    assert client.get(invitation.link()).status_code == 302  # on to signup


def test_revoking_kills_the_link(client, world):
    invitation = InvitationFactory(learning_set=world.learning_set)
    client.force_login(world.admin)
    response = client.post(action_url(world, "sets:invitation_revoke", invitation))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    assert AuditEvent.objects.get(action=SetAction.INVITATION_REVOKED).actor == world.admin
    # A revoked invitation is no longer open: it can be neither resent nor revoked again.
    assert client.post(action_url(world, "sets:invitation_resend", invitation)).status_code == 404
    client.logout()
    page = client.get(invitation.link())
    assert page.status_code == 410
    assert "This invitation has been withdrawn" in page.content.decode()


# The emailed link


def test_a_forged_link_is_not_found(client, world):
    invitation = InvitationFactory(learning_set=world.learning_set)
    for token in [invitation.key, invitation.token + "x", "nonsense"]:
        response = client.get(reverse("sets:invitation", args=[token]))
        assert response.status_code == 404
        assert "We don’t recognise this invitation link" in response.content.decode()
    unknown = signing.Signer(salt=INVITATION_SALT).sign("no-such-key")
    assert client.get(reverse("sets:invitation", args=[unknown])).status_code == 404
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("fields", "heading"),
    [
        ({"accepted_at": timezone.now()}, "This invitation has already been used"),
        ({"revoked_at": timezone.now()}, "This invitation has been withdrawn"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "This invitation has expired"),
    ],
)
def test_a_spent_link_says_so_and_what_to_do(client, world, fields, heading):
    invitation = InvitationFactory(learning_set=world.learning_set, **fields)
    response = client.get(invitation.link())
    assert response.status_code == 410
    body = response.content.decode()
    assert heading in body
    assert "ask your facilitator or programme admin to send you a new invitation" in body
    assert "Set Alpha" not in body
    assert SESSION_KEY not in client.session


def test_a_used_link_takes_its_user_to_the_set(client, world):
    invitation = InvitationFactory(
        learning_set=world.learning_set,
        email=world.member.email,
        accepted_at=timezone.now(),
        accepted_by=world.member,
    )
    client.force_login(world.member)
    response = client.get(invitation.link())
    assert response.status_code == 302
    assert response["Location"] == world.learning_set.get_absolute_url()


def test_joining_when_signed_in_with_the_invited_address(client, world):
    user = UserFactory(email="nia@example.org")
    invitation = InvitationFactory(
        learning_set=world.learning_set, email="Nia@example.org", invited_by=world.facilitator
    )
    client.force_login(user)
    page = client.get(invitation.link())
    assert page.status_code == 200
    body = page.content.decode()
    assert "Join Set Alpha" in body
    assert "Northfield Leaders 2026" in body
    assert "as a member" in body

    response = client.post(invitation.link())
    assert response.status_code == 302
    assert response["Location"] == reverse("sets:contract", args=[world.learning_set.pk])
    membership = Membership.objects.current().get(learning_set=world.learning_set, user=user)
    assert membership.role == "member"
    invitation.refresh_from_db()
    assert invitation.state == "accepted"
    assert invitation.accepted_by == user
    assert {e.action for e in AuditEvent.objects.all()} == {
        SetAction.MEMBERSHIP_ADDED,
        SetAction.INVITATION_ACCEPTED,
    }
    # Used up: the same link now says so.
    client.logout()
    assert client.get(invitation.link()).status_code == 410


def test_a_facilitator_joins_and_lands_on_the_set(client, world):
    user = UserFactory()
    invitation = InvitationFactory(
        learning_set=world.learning_set, email=user.email, role="facilitator"
    )
    client.force_login(user)
    response = client.post(invitation.link())
    assert response["Location"] == world.learning_set.get_absolute_url()
    assert Membership.objects.current().get(user=user).role == "facilitator"


def test_signed_in_with_another_address(client, world):
    invitation = InvitationFactory(learning_set=world.learning_set, email="nia@example.org")
    client.force_login(world.outsider)
    page = client.get(invitation.link())
    assert page.status_code == 200
    body = page.content.decode()
    assert "This invitation is for another address" in body
    assert reverse("account_logout") in body
    assert "Join Set Alpha" not in body

    response = client.post(invitation.link())
    assert response.status_code == 400
    assert not Membership.objects.filter(user=world.outsider).exists()
    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_anonymous_with_an_account_signs_in_then_joins(client, world):
    user = UserFactory(email="nia@example.org")
    invitation = InvitationFactory(learning_set=world.learning_set, email="NIA@example.org")
    page = client.get(invitation.link())
    assert page.status_code == 200
    assert client.session[SESSION_KEY] == invitation.token
    login_url = page.context["login_url"]
    assert login_url.startswith(reverse("account_login"))
    assert "Sign in to accept" in page.content.decode()

    response = client.post(login_url, {"login": "nia@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == invitation.link()
    assert "Join Set Alpha" in client.get(response["Location"]).content.decode()
    client.post(invitation.link())
    assert Membership.objects.current().filter(learning_set=world.learning_set, user=user).exists()


def test_anonymous_without_an_account_signs_up_and_joins(client, world):
    invitation = InvitationFactory(
        learning_set=world.learning_set, email="nia@example.org", name="Nia Newcomer"
    )
    response = client.get(invitation.link())
    assert response.status_code == 302
    assert response["Location"] == reverse("account_signup")
    assert client.session[SESSION_KEY] == invitation.token

    form = client.get(response["Location"])
    assert form.status_code == 200
    assert form.context["form"]["email"].initial == "nia@example.org"
    assert form.context["form"]["name"].initial == "Nia Newcomer"

    response = client.post(
        reverse("account_signup"),
        {
            "name": "Nia Newcomer",
            "email": "nia@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sets:contract", args=[world.learning_set.pk])
    user = get_user_model().objects.get(email="nia@example.org")
    assert user.name == "Nia Newcomer"
    assert EmailAddress.objects.get(user=user).verified
    assert Membership.objects.current().get(learning_set=world.learning_set, user=user).role == (
        "member"
    )
    invitation.refresh_from_db()
    assert invitation.state == "accepted"
    assert invitation.accepted_by == user
    assert int(client.session["_auth_user_id"]) == user.pk
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "I accept this contract" in page.content.decode()


def test_signup_is_closed_without_an_invitation(client, world):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Ivy Intruder",
            "email": "ivy@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert "account/signup_closed.html" in [template.name for template in response.templates]
    assert not get_user_model().objects.filter(email="ivy@example.org").exists()


def test_signup_refuses_any_address_but_the_invited_one(client, world):
    invitation = InvitationFactory(learning_set=world.learning_set, email="nia@example.org")
    client.get(invitation.link())

    response = client.post(
        reverse("account_signup"),
        {
            "name": "Someone Else",
            "email": "someone.else@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )

    assert "Sign up with the address your invitation was sent to" in response.content.decode()
    assert not get_user_model().objects.filter(email="someone.else@example.org").exists()
    assert not Membership.objects.filter(learning_set=world.learning_set, left_at=None).filter(
        user__email="someone.else@example.org"
    )


def test_password_reset_works_for_anyone_while_an_invitation_is_open(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(learning_set=world.learning_set, email="nia@example.org")
    client.get(invitation.link())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": world.member.email})

    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[world.member.email]]
