"""The demo's notices (docs/product.md#nudges): its members have on their home page what the
sweep would give them as the next meeting nears; running the seed again adds none."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from sessions.demo.nudges import seed_demo_nudges
from sets.models import Nudge

pytestmark = pytest.mark.django_db

DOMAIN = "demo.alsspace.test"


def kinds(local_part):
    return set(
        Nudge.objects.filter(person__email=f"{local_part}@{DOMAIN}").values_list("kind", flat=True)
    )


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, stdout=StringIO())


def test_demo_members_have_notices_and_seeding_again_adds_none(demo, client):
    count = Nudge.objects.count()
    seed_demo_nudges()
    assert Nudge.objects.count() == count
    assert kinds("tom.gallagher") == {"bring_issue", "actions_due"}
    assert kinds("pending.aurora") == {"contract_waiting"}
    # Priya has sent apologies for the next meeting and has no action due there.
    assert kinds("member.aurora") == set()
    for local_part in ("facilitator.aurora", "admin", "former.aurora", "outsider"):
        assert kinds(local_part) == set()
    assert not Nudge.objects.exclude(emailed_at=None).exists()

    client.force_login(Nudge.objects.filter(kind="bring_issue").first().person)
    body = client.get(reverse("home")).content.decode()
    assert "For you now" in body
    assert "You can bring an issue to it" in body
