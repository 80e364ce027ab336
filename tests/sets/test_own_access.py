"""Letting oneself in: a programme admin invites their own address to a set, as an attacker
would, and gets nowhere on their own say-so. A second person must approve; whoever joins is
announced to the set and audited with who let them in."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alsspace.models import AuditEvent
from sets import services
from sets.audit_actions import SetAction
from sets.models import Invitation, Membership
from tests.factories import MembershipFactory, UserFactory

# Emails go when each transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

SECRET_CONTRACT = "Only the set reads this: what Priya said about the merger."


def invite_url(world):
    return reverse("sets:invite", args=[world.learning_set.pk])


def approval_url(invitation):
    return reverse("sets:invitation_approval", args=[invitation.learning_set_id, invitation.pk])


def content_urls(world):
    return [
        reverse("sets:contract", args=[world.learning_set.pk]),
        reverse("reflections:shared", args=[world.learning_set.pk]),
        reverse("meetings:dashboard", args=[world.learning_set.pk]),
    ]


def invite_self(client, world, role="facilitator", email=None):
    client.force_login(world.admin)
    client.post(
        invite_url(world),
        {"name": "Ada Admin", "email": email or world.admin.email, "role": role},
    )
    return Invitation.objects.get(email=world.admin.email)


@pytest.fixture
def secret_world(world):
    world.contract.text = SECRET_CONTRACT
    world.contract.save()
    return world


def assert_reads_nothing(client, world):
    for url in content_urls(world):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert SECRET_CONTRACT not in response.content.decode(), url


@pytest.mark.parametrize("role", ["facilitator", "member"])
def test_an_admin_who_invites_themselves_is_not_let_in(client, secret_world, role):
    world = secret_world
    mail.outbox.clear()
    invitation = invite_self(client, world, role=role)

    assert invitation.needs_approval and invitation.awaits_approval
    assert invitation.sent_at is None
    # No link reaches them; the set's facilitator is asked to approve.
    assert [m.to for m in mail.outbox] == [[world.facilitator.email]]
    assert invitation.token not in mail.outbox[0].body
    assert approval_url(invitation) in mail.outbox[0].body
    # The link they could not have had does not work either, nor accepting directly.
    link = invitation.link()
    assert client.get(link).status_code == 410
    assert client.post(link).status_code == 410
    with pytest.raises(ValidationError):
        services.accept_invitation(invitation, actor=world.admin)
    # They cannot approve it themselves.
    assert client.post(approval_url(invitation), {"decision": "approve"}).status_code == 403
    invitation.refresh_from_db()
    assert invitation.approved_at is None
    assert not Membership.objects.filter(user=world.admin).exists()
    assert_reads_nothing(client, world)
    event = AuditEvent.objects.get(action=SetAction.ACCESS_REQUESTED)
    assert (event.actor, event.subject) == (world.admin, world.admin.email)
    assert not AuditEvent.objects.filter(action=SetAction.INVITATION_SENT).exists()


def test_the_same_address_in_other_capitals_is_still_their_own(client, secret_world):
    invitation = invite_self(client, secret_world, email=secret_world.admin.email.upper())
    assert invitation.awaits_approval


def test_an_import_row_with_their_own_address_waits_for_approval(secret_world):
    world = secret_world
    row = type("Row", (), {})()
    row.learning_set, row.name, row.email, row.role = (
        world.learning_set,
        "Ada",
        world.admin.email,
        "member",
    )
    (invitation,) = services.import_members(world.programme, [row], actor=world.admin)
    assert invitation.awaits_approval
    assert invitation.sent_at is None


def test_approved_by_the_facilitator_they_join_announced_and_audited(client, secret_world):
    world = secret_world
    invitation = invite_self(client, world)
    mail.outbox.clear()

    client.force_login(world.facilitator)
    page = client.get(approval_url(invitation))
    assert page.status_code == 200
    assert "Approve and send the invitation" in page.content.decode()
    response = client.post(approval_url(invitation), {"decision": "approve"})
    assert response.status_code == 302
    # A second click does one thing: the invitation is sent once.
    again = client.post(approval_url(invitation), {"decision": "approve"})
    assert again.status_code == 409
    assert "already been approved by Fay Facilitator" in again.content.decode()
    assert [m.to for m in mail.outbox] == [[world.admin.email]]
    approved = AuditEvent.objects.get(action=SetAction.ACCESS_APPROVED)
    assert approved.actor == world.facilitator
    assert approved.detail["requested_by"] == world.admin.email

    invitation.refresh_from_db()
    mail.outbox.clear()
    client.force_login(world.admin)
    assert client.post(invitation.link()).status_code == 302
    membership = Membership.objects.get(user=world.admin, left_at__isnull=True)
    assert (membership.role, membership.granted_by) == ("facilitator", world.facilitator)
    # Everyone in the set now, and only they, is told who joined and who let them in.
    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == sorted([world.facilitator.email, world.member.email, world.pending.email])
    announcement = mail.outbox[0]
    assert "Ada Admin" in announcement.subject
    assert "Fay Facilitator let them in" in announcement.body
    added = AuditEvent.objects.get(action=SetAction.MEMBERSHIP_ADDED)
    assert added.detail["approved_by"] == world.facilitator.email
    assert added.detail["invited_by"] == world.admin.email
    # The set page says so too, to the people in it.
    client.force_login(world.member)
    set_page = client.get(reverse("sets:set", args=[world.learning_set.pk])).content.decode()
    assert "New in this set" in set_page
    assert "Ada Admin joined as facilitator" in set_page
    assert "let in by Fay Facilitator" in set_page


def test_another_programme_admin_may_approve(client, secret_world):
    world = secret_world
    colleague = UserFactory(name="Cal Colleague")
    world.programme.admins.add(colleague)
    invitation = invite_self(client, world)
    assert sorted(m.to[0] for m in mail.outbox if "approval" in m.subject) == sorted(
        [colleague.email, world.facilitator.email]
    )
    client.force_login(colleague)
    assert client.post(approval_url(invitation), {"decision": "approve"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.approved_by == colleague


def test_declined_the_link_never_works(client, secret_world):
    world = secret_world
    invitation = invite_self(client, world)
    mail.outbox.clear()
    client.force_login(world.facilitator)
    assert client.post(approval_url(invitation), {"decision": "decline"}).status_code == 302
    assert mail.outbox == []
    declined = AuditEvent.objects.get(action=SetAction.ACCESS_DECLINED)
    assert declined.actor == world.facilitator
    client.force_login(world.admin)
    assert client.get(invitation.link()).status_code == 410
    assert_reads_nothing(client, world)


@pytest.mark.parametrize(
    ("person", "status"),
    [("member", 403), ("pending", 403), ("former", 404), ("outsider", 404), ("other_member", 404)],
)
def test_nobody_else_decides(client, secret_world, person, status):
    invitation = invite_self(client, secret_world)
    client.force_login(getattr(secret_world, person))
    response = client.post(approval_url(invitation), {"decision": "approve"})
    assert response.status_code == status
    invitation.refresh_from_db()
    assert invitation.approved_at is None


def test_a_decision_must_be_approve_or_decline(client, secret_world):
    invitation = invite_self(client, secret_world)
    client.force_login(secret_world.facilitator)
    assert client.post(approval_url(invitation), {"decision": "maybe"}).status_code == 400
    invitation.refresh_from_db()
    assert invitation.awaits_approval


def test_an_invitation_awaiting_approval_cannot_be_resent(client, secret_world):
    invitation = invite_self(client, secret_world)
    mail.outbox.clear()
    url = reverse("sets:invitation_resend", args=[secret_world.learning_set.pk, invitation.pk])
    assert client.post(url).status_code == 403
    client.force_login(secret_world.facilitator)
    assert client.post(url).status_code == 403
    assert mail.outbox == []
    with pytest.raises(ValidationError):
        services.resend_invitation(invitation, actor=secret_world.admin)


def test_closing_the_set_withdraws_a_request(client, secret_world):
    invitation = invite_self(client, secret_world)
    services.close_set(secret_world.learning_set, actor=secret_world.facilitator)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_an_invitation_to_someone_else_is_sent_and_their_joining_announced(client, world):
    client.force_login(world.facilitator)
    client.post(invite_url(world), {"name": "Nia", "email": "nia@example.org", "role": "member"})
    invitation = Invitation.objects.get(email="nia@example.org")
    assert not invitation.needs_approval
    assert [m.to for m in mail.outbox] == [["nia@example.org"]]
    mail.outbox.clear()
    nia = UserFactory(email="nia@example.org", name="Nia Newcomer")
    client.force_login(nia)
    client.post(invitation.link())
    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == sorted([world.facilitator.email, world.member.email, world.pending.email])
    assert "Fay Facilitator let them in" in mail.outbox[0].body
    membership = Membership.objects.get(user=nia)
    assert membership.granted_by == world.facilitator


def test_nobody_makes_themselves_facilitator(secret_world):
    world = secret_world
    membership = MembershipFactory(learning_set=world.learning_set, user=world.admin)
    with pytest.raises(ValidationError):
        services.change_role(membership, "facilitator", actor=world.admin)
    membership.refresh_from_db()
    assert membership.role == "member"


def test_being_made_facilitator_is_announced_with_who_did_it(secret_world):
    world = secret_world
    membership = Membership.objects.get(user=world.pending, left_at__isnull=True)
    mail.outbox.clear()
    services.change_role(membership, "facilitator", actor=world.admin)
    membership.refresh_from_db()
    assert membership.granted_by == world.admin
    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == sorted([world.facilitator.email, world.member.email])
    event = AuditEvent.objects.get(action=SetAction.ROLE_CHANGED)
    assert (event.actor, event.detail["new"]) == (world.admin, "facilitator")


def test_the_admin_is_told_when_nobody_can_approve_yet(client, world):
    world.learning_set.memberships.filter(role="facilitator").delete()
    client.force_login(world.admin)
    response = client.post(
        invite_url(world),
        {"name": "Ada Admin", "email": world.admin.email, "role": "facilitator"},
        follow=True,
    )
    assert "Nobody can yet: add another programme admin" in response.content.decode()
    assert mail.outbox == []


def test_the_set_page_costs_the_same_however_many_wait_or_join(client, secret_world):
    world = secret_world
    set_url = reverse("sets:set", args=[world.learning_set.pk])

    def queries_on_the_set_page():
        client.force_login(world.facilitator)
        with CaptureQueriesContext(connection) as context:
            assert client.get(set_url).status_code == 200
        return len(context)

    invite_self(client, world)
    before = queries_on_the_set_page()
    for number in range(3):
        colleague = UserFactory(name=f"Colleague {number}")
        world.programme.admins.add(colleague)
        client.force_login(colleague)
        client.post(
            invite_url(world),
            {"name": colleague.name, "email": colleague.email, "role": "member"},
        )
        MembershipFactory(learning_set=world.learning_set, granted_by=world.admin)
    assert queries_on_the_set_page() == before
    client.force_login(world.facilitator)
    page = client.get(set_url).content.decode()
    assert page.count("Awaiting approval") == 4
    assert page.count("let in by Ada Admin") == 3


def test_the_service_itself_refuses_the_requester(secret_world):
    world = secret_world
    invitation = Invitation.objects.create(
        learning_set=world.learning_set,
        name="Ada",
        email=world.admin.email,
        invited_by=world.admin,
        needs_approval=True,
    )
    for decide in (services.approve_invitation, services.decline_invitation):
        with pytest.raises(PermissionDenied):
            decide(invitation, actor=world.admin)
    invitation.refresh_from_db()
    assert invitation.awaits_approval


def path_in(body, prefix):
    """The path of the first link in an email's body that starts with `prefix`."""
    url = re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S+/)", body)
    return url.group(1)


def test_an_admin_who_moves_their_account_to_the_invited_address_is_not_let_in(
    client, secret_world
):
    """Invite a second address the admin reads, then make it the account's own through the
    account's email page, and open the link: the invitation is still the admin's own."""
    world = secret_world
    password = "a-long-Password-9"
    world.admin.set_password(password)
    world.admin.save()
    client.force_login(world.admin)
    client.post(
        invite_url(world),
        {"name": "Ada Too", "email": "ada.too@example.org", "role": "facilitator"},
    )
    invitation = Invitation.objects.get(email="ada.too@example.org")
    assert not invitation.needs_approval  # not their address when it was sent
    link = path_in(mail.outbox[-1].body, "/invitations/")
    client.post(reverse("account_reauthenticate"), {"password": password})
    client.post(reverse("account_email"), {"action_add": "", "email": "ada.too@example.org"})
    client.post(path_in(mail.outbox[-1].body, "/accounts/confirm-email/"))
    client.post(reverse("account_email"), {"action_primary": "", "email": "ada.too@example.org"})
    world.admin.refresh_from_db()
    assert world.admin.email == "ada.too@example.org"

    response = client.post(link)

    assert response.status_code == 400
    assert "You sent this invitation yourself" in response.content.decode()
    assert not Membership.objects.filter(user=world.admin).exists()
    assert_reads_nothing(client, world)
