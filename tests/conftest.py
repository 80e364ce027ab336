"""The named people every test reuses: one of each role docs/confidentiality.md#who-sees-what
has."""

from dataclasses import dataclass

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.factories import (
    ContractAcceptanceFactory,
    ContractFactory,
    MembershipFactory,
    ProgrammeFactory,
    SetFactory,
    UserFactory,
)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    # Tests create many accounts; a real password hash for each would dominate the run.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def run_tasks_immediately(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


# One key for every run, whatever the environment holds: migrations encrypt the built-in
# prompts with it, and a test database kept between runs (--reuse-db) must still read them.
TEST_JOURNAL_KEY = "w0fGDOQUKVU7Ml3_pBMGrW2ffwPY4oZ3HnfzyVPivpI="


@pytest.fixture(autouse=True, scope="session")
def migrations_encrypt_with_the_test_key():
    with override_settings(JOURNAL_KEYS=[TEST_JOURNAL_KEY]):
        yield


@pytest.fixture(autouse=True)
def journal_keys(settings):
    """Pages that touch journals need a key; production refuses to start without one."""
    settings.JOURNAL_KEYS = [TEST_JOURNAL_KEY]


@dataclass
class World:
    programme: object
    learning_set: object
    other_set: object
    contract: object
    admin: object
    facilitator: object
    member: object
    pending: object
    former: object
    outsider: object
    other_member: object

    def role(self, name):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(db):
    """A programme with two sets, and a person in each role of the first set.

    `other_member` belongs only to the second set: an outsider to the first with a set of
    their own, the likeliest source of a leak between sets.
    """
    admin = UserFactory(name="Ada Admin")
    programme = ProgrammeFactory(name="Northfield Leaders 2026", admins=[admin])
    learning_set = SetFactory(programme=programme, name="Set Alpha")
    other_set = SetFactory(programme=programme, name="Set Beta")
    contract = ContractFactory(learning_set=learning_set)
    ContractFactory(learning_set=other_set)
    facilitator = MembershipFactory(
        learning_set=learning_set, role="facilitator", user__name="Fay Facilitator"
    ).user
    member = MembershipFactory(learning_set=learning_set, user__name="Maya Member").user
    ContractAcceptanceFactory(contract=contract, user=member)
    pending = MembershipFactory(learning_set=learning_set, user__name="Pat Pending").user
    former = MembershipFactory(
        learning_set=learning_set, user__name="Fred Former", left_at=timezone.now()
    ).user
    other_member = MembershipFactory(learning_set=other_set, user__name="Olive Other").user
    outsider = UserFactory(name="Oscar Outsider")
    return World(
        programme=programme,
        learning_set=learning_set,
        other_set=other_set,
        contract=contract,
        admin=admin,
        facilitator=facilitator,
        member=member,
        pending=pending,
        former=former,
        outsider=outsider,
        other_member=other_member,
    )
