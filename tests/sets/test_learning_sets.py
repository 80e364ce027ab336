"""The set page, removing members and closing a set."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alsspace.models import AuditEvent
from sets.audit_actions import SetAction
from sets.models import Invitation, LearningSet, Membership
from tests.factories import ContractFactory, InvitationFactory, MembershipFactory, SetFactory

STATUS_BY_ROLE = {
    "admin": 200,
    "facilitator": 200,
    "member": 200,
    "pending": 200,
    "former": 404,
    "outsider": 404,
    "other_member": 404,
}
MANAGERS_ONLY = {**STATUS_BY_ROLE, "member": 403, "pending": 403}


def set_url(world, name="sets:set", **kwargs):
    return reverse(name, kwargs={"pk": world.learning_set.pk, **kwargs})


def membership_of(world, user):
    return Membership.objects.current().get(learning_set=world.learning_set, user=user)


def remove_url(world, user):
    return set_url(world, "sets:member_remove", membership_pk=membership_of(world, user).pk)


# The set page


@pytest.mark.parametrize(("role", "status"), STATUS_BY_ROLE.items())
def test_who_sees_the_set_page(client, world, role, status):
    client.force_login(getattr(world, role))
    assert client.get(set_url(world)).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(set_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_set_page_shows_the_set_its_schedule_and_roster(client, world):
    world.learning_set.default_place = "Room 4, Northfield House"
    world.learning_set.save()
    client.force_login(world.member)
    body = client.get(set_url(world)).content.decode()
    for text in [
        "Set Alpha",
        "Northfield Leaders 2026",
        "Bring a real work problem",
        "Active",
        "Schedule",
        "Room 4, Northfield House",
        "4 hours",
        "Fay Facilitator",
        "Maya Member",
        "Pat Pending",
    ]:
        assert text in body, text
    assert "Fred Former" not in body
    assert "Olive Other" not in body
    # What only facilitators and admins see.
    assert "Invite someone" not in body
    assert "Not yet accepted" not in body
    assert "Remove" not in body


def test_a_pending_member_is_asked_to_accept_the_contract(client, world):
    client.force_login(world.pending)
    body = client.get(set_url(world)).content.decode()
    assert "Please read and accept the set’s contract" in body
    assert reverse("sets:contract", args=[world.learning_set.pk]) in body

    client.force_login(world.member)
    assert "Please read and accept" not in client.get(set_url(world)).content.decode()


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_managers_see_acceptance_invitations_and_actions(client, world, role):
    expired = InvitationFactory(
        learning_set=world.learning_set,
        email="late@example.org",
        expires_at=timezone.now() - timedelta(days=1),
    )
    pending = InvitationFactory(learning_set=world.learning_set, email="soon@example.org")
    InvitationFactory(
        learning_set=world.learning_set, email="gone@example.org", revoked_at=timezone.now()
    )
    InvitationFactory(learning_set=world.other_set, email="beta@example.org")
    client.force_login(getattr(world, role))
    body = client.get(set_url(world)).content.decode()
    assert "Invite someone" in body
    assert "1 of 2 members has not yet accepted version 1" in body
    assert "Not yet accepted" in body
    assert "late@example.org" in body and "Expired" in body
    assert "soon@example.org" in body and "Pending" in body
    assert "gone@example.org" not in body
    assert "beta@example.org" not in body
    for invitation in (expired, pending):
        assert set_url(world, "sets:invitation_resend", invitation_pk=invitation.pk) in body
        assert set_url(world, "sets:invitation_revoke", invitation_pk=invitation.pk) in body
    assert remove_url(world, world.member) in body
    assert remove_url(world, world.pending) in body


def test_a_closed_set_is_read_only(client, world):
    world.learning_set.status = LearningSet.Status.CLOSED
    world.learning_set.closed_at = timezone.now()
    world.learning_set.save()
    client.force_login(world.facilitator)
    body = client.get(set_url(world)).content.decode()
    assert "This set is closed" in body
    assert "read-only" in body
    for action in ["Invite someone", "Close set", "Remove", "Resend", "Leave set"]:
        assert action not in body, action


def set_page_queries(client, world, roster_size):
    """Queries for the set page of a new set with one facilitator and roster_size - 1 members,
    each with an open invitation beside them, seen by the facilitator and by a member."""
    learning_set = SetFactory(programme=world.programme)
    ContractFactory(learning_set=learning_set)
    facilitator = MembershipFactory(learning_set=learning_set, role="facilitator").user
    members = [MembershipFactory(learning_set=learning_set).user for _ in range(roster_size - 1)]
    InvitationFactory.create_batch(roster_size, learning_set=learning_set)
    counts = []
    for user in (facilitator, members[0]):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(learning_set.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
    return counts


def test_set_page_queries_do_not_grow_with_the_roster(client, world):
    assert set_page_queries(client, world, 2) == set_page_queries(client, world, 8)


def test_a_request_looks_up_the_persons_programmes_once(client, world):
    """The permission checks and the navigation share one lookup through request.user."""
    client.force_login(world.admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(set_url(world))
    assert response.status_code == 200
    lookup = 'FROM "sets_programme" INNER JOIN "sets_programme_admins"'
    admin_lookups = [q for q in queries if lookup in q["sql"]]
    assert len(admin_lookups) == 1


# Removing members


@pytest.mark.parametrize(("role", "status"), MANAGERS_ONLY.items())
def test_who_may_open_the_remove_page(client, world, role, status):
    client.force_login(getattr(world, role))
    response = client.get(remove_url(world, world.member))
    assert response.status_code == status
    if status == 200:
        assert "attendance history is kept" in response.content.decode().lower()


def test_a_facilitator_removes_a_member(client, world):
    membership = membership_of(world, world.member)
    client.force_login(world.facilitator)
    response = client.post(remove_url(world, world.member))
    assert response.status_code == 302
    assert response["Location"] == set_url(world)
    membership.refresh_from_db()
    assert membership.left_at is not None
    event = AuditEvent.objects.get(action=SetAction.MEMBERSHIP_ENDED)
    assert event.actor == world.facilitator
    assert event.subject == world.member.email
    assert event.programme_id == world.programme.pk

    client.force_login(world.member)
    assert client.get(set_url(world)).status_code == 404


def test_a_former_membership_cannot_be_removed_again(client, world):
    former = Membership.objects.get(learning_set=world.learning_set, user=world.former)
    client.force_login(world.facilitator)
    url = set_url(world, "sets:member_remove", membership_pk=former.pk)
    assert client.post(url).status_code == 404


def test_a_membership_of_another_set_is_not_found(client, world):
    other = Membership.objects.get(learning_set=world.other_set, user=world.other_member)
    client.force_login(world.facilitator)
    url = set_url(world, "sets:member_remove", membership_pk=other.pk)
    assert client.post(url).status_code == 404
    other.refresh_from_db()
    assert other.left_at is None


def test_the_last_facilitator_cannot_leave(client, world):
    client.force_login(world.facilitator)
    url = remove_url(world, world.facilitator)
    page = client.get(url)
    assert page.status_code == 200
    assert "only facilitator" in page.content.decode()
    assert "Leave the set" not in page.content.decode()

    response = client.post(url)
    assert response.status_code == 400
    assert "only facilitator" in response.content.decode()
    assert membership_of(world, world.facilitator).left_at is None
    assert not AuditEvent.objects.filter(action=SetAction.MEMBERSHIP_ENDED).exists()


def test_a_facilitator_may_leave_when_another_remains(client, world):
    MembershipFactory(learning_set=world.learning_set, role="facilitator")
    client.force_login(world.facilitator)
    response = client.post(remove_url(world, world.facilitator))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not Membership.objects.current().filter(user=world.facilitator).exists()


def test_only_a_programme_admin_removes_another_facilitator(client, world):
    colleague = MembershipFactory(learning_set=world.learning_set, role="facilitator")
    url = set_url(world, "sets:member_remove", membership_pk=colleague.pk)
    client.force_login(world.facilitator)
    assert client.post(url).status_code == 403
    colleague.refresh_from_db()
    assert colleague.left_at is None

    client.force_login(world.admin)
    assert client.post(url).status_code == 302
    colleague.refresh_from_db()
    assert colleague.left_at is not None


def test_members_cannot_be_removed_from_a_closed_set(client, world):
    world.learning_set.status = LearningSet.Status.CLOSED
    world.learning_set.save()
    client.force_login(world.facilitator)
    assert client.post(remove_url(world, world.member)).status_code == 403
    assert membership_of(world, world.member).left_at is None


# Closing the set


@pytest.mark.parametrize(("role", "status"), MANAGERS_ONLY.items())
def test_who_may_open_the_close_page(client, world, role, status):
    client.force_login(getattr(world, role))
    response = client.get(set_url(world, "sets:set_close"))
    assert response.status_code == status
    if status == 200:
        assert "read-only" in response.content.decode()


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_closing_a_set(client, world, role):
    invitation = InvitationFactory(learning_set=world.learning_set)
    client.force_login(getattr(world, role))
    response = client.post(set_url(world, "sets:set_close"))
    assert response.status_code == 302
    world.learning_set.refresh_from_db()
    assert world.learning_set.is_closed
    assert world.learning_set.closed_at is not None
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    event = AuditEvent.objects.get(action=SetAction.SET_CLOSED)
    assert event.actor == getattr(world, role)

    assert client.post(set_url(world, "sets:set_close")).status_code == 403
    assert AuditEvent.objects.filter(action=SetAction.SET_CLOSED).count() == 1
    assert (
        Invitation.objects.filter(revoked_at__isnull=True, learning_set=world.learning_set).count()
        == 0
    )


def test_members_cannot_close_the_set(client, world):
    client.force_login(world.member)
    assert client.post(set_url(world, "sets:set_close")).status_code == 403
    world.learning_set.refresh_from_db()
    assert not world.learning_set.is_closed
