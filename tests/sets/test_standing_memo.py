"""A person's standing in a set is memoised on their user object for the request
(sets.rules.standing), and every way a membership changes drops the memo: the same user object
sees the new standing at once, whoever made the change and through whichever path."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from sets import services
from sets.models import Membership
from sets.rules import administered_programme_ids, standing
from tests.factories import InvitationFactory, UserFactory

User = get_user_model()


def fresh(user):
    """Another object for the same person, as a request's own request.user would be."""
    return User.objects.get(pk=user.pk)


def membership_of(world, user):
    return Membership.objects.get(learning_set=world.learning_set, user=user, left_at=None)


@pytest.fixture
def seen(world):
    """Each person's standing in the set, memoised on one user object per person."""
    people = {}

    def seen(user):
        if user.pk not in people:
            people[user.pk] = fresh(user)
        return standing(people[user.pk], world.learning_set)

    return seen


def test_the_memo_spares_the_database_until_something_changes(
    world, seen, django_assert_num_queries
):
    assert seen(world.member).accepted_contract
    with django_assert_num_queries(0):
        assert seen(world.member).accepted_contract


def test_accepting_an_invitation(world, seen):
    newcomer = UserFactory()
    invitation = InvitationFactory(learning_set=world.learning_set, email=newcomer.email)
    assert not seen(newcomer).participant

    services.accept_invitation(invitation, actor=fresh(newcomer))

    assert seen(newcomer).member


def test_leaving(world, seen):
    assert seen(world.member).member

    services.end_membership(membership_of(world, world.member), actor=fresh(world.member))

    assert not seen(world.member).participant
    assert seen(world.member).former


def test_being_removed(world, seen):
    assert seen(world.pending).member

    services.end_membership(membership_of(world, world.pending), actor=world.facilitator)

    assert not seen(world.pending).participant


def test_a_role_change(world, seen):
    assert not seen(world.pending).facilitator

    services.change_role(membership_of(world, world.pending), "facilitator", actor=world.admin)

    assert seen(world.pending).facilitator


def test_a_new_contract_version(world, seen):
    assert seen(world.member).accepted_contract

    services.new_contract_version(world.learning_set, "Phones away.", actor=world.facilitator)

    assert not seen(world.member).accepted_contract
    assert seen(world.member).pending


def test_accepting_the_contract(world, seen):
    assert seen(world.pending).pending

    services.accept_contract(world.contract, actor=fresh(world.pending))

    assert seen(world.pending).accepted_contract


def test_being_made_programme_admin(world, seen):
    person = fresh(world.outsider)
    assert not seen(world.outsider).programme_admin
    assert administered_programme_ids(person) == frozenset()

    services.add_programme_admin(world.programme, world.outsider, actor=world.admin)

    assert seen(world.outsider).programme_admin
    assert administered_programme_ids(person) == {world.programme.pk}


def test_no_longer_programme_admin(world, seen):
    colleague = UserFactory()
    world.programme.admins.add(colleague)
    assert seen(colleague).programme_admin

    services.remove_programme_admin(world.programme, colleague, actor=world.admin)

    assert not seen(colleague).programme_admin


def test_a_change_made_outside_any_service(world, seen):
    """The operator admin and the shell save rows directly."""
    assert seen(world.member).member

    Membership.objects.filter(pk=membership_of(world, world.member).pk).first().delete()

    assert not seen(world.member).participant
    former = Membership.objects.get(learning_set=world.learning_set, user=world.former)
    former.left_at = None
    former.save()
    assert seen(world.former).member


def test_a_closed_membership_saved_with_a_date_is_seen_as_left(world, seen):
    assert seen(world.member).member
    membership = membership_of(world, world.member)
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])

    assert seen(world.member).former
