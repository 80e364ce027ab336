"""Demo journals: each demo member has a few entries, one of them shared; safe to re-run."""

from io import StringIO

import pytest
from django.core.management import call_command

from reflections.demo import seed
from reflections.models import JournalEntry, Prompt
from sets.management.commands.seed_demo import DEMO_DOMAIN
from sets.models import Membership


@pytest.fixture
def demo(settings, library):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def test_each_demo_member_has_a_few_entries_one_of_them_shared(demo):
    seed()

    members = Membership.objects.current().filter(
        role="member", user__email__endswith=f"@{DEMO_DOMAIN}"
    )
    assert members.exists()
    for membership in members.select_related("user", "learning_set"):
        entries = JournalEntry.objects.filter(author=membership.user)
        assert entries.count() >= 2
        shared = entries.filter(shared_with__isnull=False)
        if membership.user.email.startswith("pending."):
            assert not shared.exists()  # not yet under the set's contract
        else:
            assert list(shared.values_list("shared_with", flat=True)) == [
                membership.learning_set_id
            ]
    assert Prompt.objects.filter(learning_set__isnull=False).count() == 3


def test_running_twice_changes_nothing(demo):
    seed()
    counts = (JournalEntry.objects.count(), Prompt.objects.count())

    assert seed() == 0
    assert (JournalEntry.objects.count(), Prompt.objects.count()) == counts
