"""The home page: what each person has, by the role they hold."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sets.models import Contract
from tests.factories import (
    ContractAcceptanceFactory,
    ContractFactory,
    MembershipFactory,
    ProgrammeFactory,
    SetFactory,
    UserFactory,
)

EMPTY_STATE = (
    "You are not in a set yet. Sets are joined by invitation from a programme admin or facilitator."
)
SECTIONS = ["Sets you facilitate", "Sets you belong to", "Programmes you run"]


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_someone_in_nothing_is_told_how_sets_are_joined(client, world):
    body = home(client, world.outsider)
    assert EMPTY_STATE in body
    for section in SECTIONS:
        assert section not in body
    assert "Set Alpha" not in body


def test_a_former_member_is_told_which_set_they_left(client, world):
    membership = world.former.memberships.get()
    membership.left_at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 2 March in Tokyo
    membership.save()
    world.former.time_zone = "Asia/Tokyo"
    world.former.save()
    body = " ".join(home(client, world.former).split())
    assert (
        "You have left <strong>Set Alpha</strong> (Northfield Leaders 2026) on 2 March 2026, "
        "so you are not in a set now."
    ) in body
    assert "ask its facilitator or programme admin to invite you" in body
    assert "invitation link" not in body
    assert EMPTY_STATE not in body
    for section in SECTIONS:
        assert section not in body
    assert reverse("sets:set", args=[world.learning_set.pk]) not in body


def test_someone_who_left_two_sets_and_rejoined_one_is_told_only_of_the_other(client, world):
    MembershipFactory(
        learning_set=world.other_set, user=world.former, left_at=datetime(2026, 4, 1, tzinfo=UTC)
    )
    body = " ".join(home(client, world.former).split())
    # Most recently left first: Set Alpha today, Set Beta in April.
    assert " and <strong>Set Beta</strong> (Northfield Leaders 2026) on 1 April 2026, " in body
    assert "You have left <strong>Set Alpha</strong> (Northfield Leaders 2026) on " in body
    MembershipFactory(learning_set=world.learning_set, user=world.former)
    body = " ".join(home(client, world.former).split())
    assert "You have left" not in body
    assert "Sets you belong to" in body


def former_home_queries(client, count):
    user = UserFactory()
    for _ in range(count):
        MembershipFactory(learning_set=SetFactory(), user=user, left_at=datetime.now(UTC))
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert "You have left" in client.get(reverse("home")).content.decode()
    return len(queries)


def test_a_former_members_home_queries_do_not_grow_with_the_sets_left(client, db):
    assert former_home_queries(client, 1) == former_home_queries(client, 4)


@pytest.mark.parametrize(
    ("role", "section", "shown"),
    [
        ("member", "Sets you belong to", "Set Alpha"),
        ("pending", "Sets you belong to", "Set Alpha"),
        ("facilitator", "Sets you facilitate", "Set Alpha"),
        ("admin", "Programmes you run", "Northfield Leaders 2026"),
    ],
)
def test_each_role_sees_only_its_own_section(client, world, role, section, shown):
    body = home(client, getattr(world, role))
    assert section in body
    assert shown in body
    for other in SECTIONS:
        if other != section:
            assert other not in body
    assert "Set Beta" not in body
    assert EMPTY_STATE not in body


@pytest.mark.parametrize(
    ("role", "dashboard", "programmes"),
    [
        ("member", False, False),
        ("outsider", False, False),
        ("facilitator", True, False),
        ("admin", False, True),
    ],
)
def test_the_navigation_links_each_role_to_its_pages(client, world, role, dashboard, programmes):
    body = home(client, getattr(world, role))
    assert (f'href="{reverse("meetings:dashboards")}"' in body) is dashboard
    assert (f'href="{reverse("sets:programmes")}"' in body) is programmes


def test_a_pending_member_is_asked_to_accept_the_contract(client, world):
    contract_url = reverse("sets:contract", args=[world.learning_set.pk])
    body = home(client, world.pending)
    assert "Accept the contract" in body
    assert contract_url in body

    body = home(client, world.member)
    assert "Accept the contract" not in body


def test_no_contract_yet_means_nothing_to_accept(client, world):
    Contract.objects.filter(learning_set=world.learning_set).delete()
    body = home(client, world.pending)
    assert "Accept the contract" not in body
    assert "will draft the set’s contract with you at the first meeting" in body


def test_one_person_in_every_role_sees_every_section(client, world):
    MembershipFactory(learning_set=world.other_set, user=world.facilitator)
    world.programme.admins.add(world.facilitator)
    MembershipFactory(learning_set=SetFactory(), user=world.facilitator, role="facilitator")
    body = home(client, world.facilitator)
    for section in SECTIONS:
        assert section in body
    assert "Set Beta" in body


def home_queries(client, count):
    """Queries for the home page of someone facilitating, belonging to and running `count`."""
    user = UserFactory()
    for _ in range(count):
        facilitated = SetFactory()
        MembershipFactory(learning_set=facilitated, user=user, role="facilitator")
        belonged = SetFactory()
        contract = ContractFactory(learning_set=belonged)
        ContractAcceptanceFactory(contract=contract, user=user)
        MembershipFactory(learning_set=belonged, user=user)
        MembershipFactory(learning_set=SetFactory(), user=user)  # no contract yet
        ProgrammeFactory(admins=[user])
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


def test_home_queries_do_not_grow_with_the_number_of_sets(client, db):
    assert home_queries(client, 1) == home_queries(client, 5)


def test_someone_in_two_sets_in_two_roles_sees_each_under_its_role(client, world):
    MembershipFactory(learning_set=world.other_set, user=world.member, role="facilitator")
    body = home(client, world.member)
    facilitated = body.index("Sets you facilitate")
    belonged = body.index("Sets you belong to")
    assert facilitated < body.index("Set Beta") < belonged < body.index("Set Alpha")
