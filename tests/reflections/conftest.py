import pytest
from django.utils import timezone

from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.reflections.factories import JournalEntryFactory, ensure_library


@pytest.fixture
def library(db):
    return ensure_library()


@pytest.fixture
def private_entry(world):
    return JournalEntryFactory(
        author=world.member,
        title="Avoiding the CFO",
        body="Private: I am avoiding the conversation with my CFO.",
        learning_set=world.learning_set,
    )


@pytest.fixture
def shared_entry(world):
    return JournalEntryFactory(
        author=world.member,
        title="What the set taught me",
        body="Shared: asking instead of advising changed the meeting.",
        shared_with=world.learning_set,
        shared_at=timezone.now(),
    )


@pytest.fixture
def second_member(world):
    """Another member of Set Alpha who has accepted the contract: a reader of shares."""
    membership = MembershipFactory(learning_set=world.learning_set, user__name="Sam Second")
    ContractAcceptanceFactory(contract=world.contract, user=membership.user)
    return membership.user
