"""Sharing an entry with a set: visible exactly to the set while shared, and audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from alsspace.models import AuditEvent
from reflections.audit_actions import ReflectionAction
from reflections.models import JournalEntry
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.reflections.factories import JournalEntryFactory

SHARED_TEXT = "Shared: asking instead of advising changed the meeting."


def share(client, entry, learning_set):
    return client.post(
        reverse("reflections:entry_share", args=[entry.pk]), {"learning_set": learning_set.pk}
    )


def shared_page(client, user, learning_set):
    client.force_login(user)
    return client.get(reverse("reflections:shared", args=[learning_set.pk]))


def test_sharing_shows_the_entry_to_the_set_with_the_authors_name(
    client, world, private_entry, second_member
):
    client.force_login(world.member)

    response = share(client, private_entry, world.learning_set)

    assert response.status_code == 302
    private_entry.refresh_from_db()
    assert private_entry.shared_with == world.learning_set
    for reader in (second_member, world.facilitator, world.member):
        page = shared_page(client, reader, world.learning_set)
        assert page.status_code == 200
        body = page.content.decode()
        assert "avoiding the conversation with my CFO" in body
        assert world.member.name in body


@pytest.mark.parametrize(
    ("someone", "status"),
    [("pending", 403), ("admin", 403), ("former", 404), ("outsider", 404), ("other_member", 404)],
)
def test_nobody_outside_the_set_reads_what_it_shares(client, world, shared_entry, someone, status):
    page = shared_page(client, getattr(world, someone), world.learning_set)

    assert page.status_code == status
    assert SHARED_TEXT not in page.content.decode()


def test_another_sets_page_never_shows_the_entry(client, world, shared_entry):
    page = shared_page(client, world.other_member, world.other_set)

    assert page.status_code == 403  # Olive has not accepted Set Beta's contract
    ContractAcceptanceFactory(contract=world.other_set.contracts.get(), user=world.other_member)
    page = shared_page(client, world.other_member, world.other_set)
    assert page.status_code == 200
    assert SHARED_TEXT not in page.content.decode()


def test_taking_it_back_removes_it_at_once(client, world, shared_entry, second_member):
    client.force_login(world.member)

    response = client.post(reverse("reflections:entry_unshare", args=[shared_entry.pk]))

    assert response.status_code == 302
    shared_entry.refresh_from_db()
    assert shared_entry.shared_with is None and shared_entry.shared_at is None
    for reader in (second_member, world.facilitator):
        assert SHARED_TEXT not in shared_page(client, reader, world.learning_set).content.decode()


def test_sharing_and_taking_back_are_audited_without_the_text(client, world, private_entry):
    client.force_login(world.member)

    share(client, private_entry, world.learning_set)
    client.post(reverse("reflections:entry_unshare", args=[private_entry.pk]))

    events = list(AuditEvent.objects.order_by("created_at", "pk"))
    assert [e.action for e in events] == [
        ReflectionAction.REFLECTION_SHARED,
        ReflectionAction.REFLECTION_UNSHARED,
    ]
    for event in events:
        assert event.actor == world.member
        assert event.programme_id == world.programme.pk
        assert event.subject == "Set Alpha"
        assert event.detail == {"entry": private_entry.pk}
        assert "CFO" not in f"{event.subject} {event.detail}"


@pytest.mark.parametrize("author", ["pending", "former", "other_member"])
def test_an_entry_is_shared_only_with_a_set_whose_contract_the_author_accepted(
    client, world, author
):
    person = getattr(world, author)
    entry = JournalEntryFactory(author=person)
    client.force_login(person)

    response = share(client, entry, world.learning_set)

    assert response.status_code == 400
    assert "whose contract you have accepted" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.is_shared
    assert not AuditEvent.objects.exists()


def test_a_closed_set_takes_no_new_shares(client, world, private_entry):
    world.learning_set.status = "closed"
    world.learning_set.save()
    client.force_login(world.member)

    assert share(client, private_entry, world.learning_set).status_code == 400


def test_nobody_shares_or_unshares_someone_elses_entry(client, world, private_entry, shared_entry):
    client.force_login(world.facilitator)

    assert share(client, private_entry, world.learning_set).status_code == 404
    unshare = client.post(reverse("reflections:entry_unshare", args=[shared_entry.pk]))
    assert unshare.status_code == 404
    assert JournalEntry.objects.get(pk=shared_entry.pk).is_shared
    assert not JournalEntry.objects.get(pk=private_entry.pk).is_shared


def test_leaving_the_set_takes_the_shared_entry_with_the_author(
    client, world, shared_entry, second_member
):
    world.learning_set.memberships.filter(user=world.member).update(left_at=timezone.now())

    body = shared_page(client, second_member, world.learning_set).content.decode()

    assert SHARED_TEXT not in body


def test_a_facilitator_can_share_with_the_set_they_facilitate(client, world):
    entry = JournalEntryFactory(author=world.facilitator, body="What I noticed as facilitator.")
    client.force_login(world.facilitator)

    assert share(client, entry, world.learning_set).status_code == 302
    body = shared_page(client, world.member, world.learning_set).content.decode()
    assert "What I noticed as facilitator." in body


def test_an_empty_shared_page_says_how_sharing_works(client, world):
    body = shared_page(client, world.member, world.learning_set).content.decode()

    assert "Nothing has been shared with Set Alpha yet" in body


def test_the_shared_page_makes_the_same_queries_for_one_entry_or_many(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def shared_by(user):
        JournalEntryFactory(author=user, shared_with=world.learning_set, shared_at=timezone.now())

    def count():
        client.force_login(world.facilitator)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("reflections:shared", args=[world.learning_set.pk]))
        return len(queries)

    shared_by(world.member)
    one = count()
    for _ in range(3):
        membership = MembershipFactory(learning_set=world.learning_set)
        ContractAcceptanceFactory(contract=world.contract, user=membership.user)
        shared_by(membership.user)
    assert count() == one
