"""A person's nudges on their home page (shown once, dismissed for good) and their choice of
kinds on the notifications page (docs/product.md#nudges)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sets import nudges
from sets.models import Nudge, NudgeOptOut

Kind = Nudge.Kind


def make(world, kind=Kind.BRING_ISSUE, person=None, **fields):
    start = timezone.now() + timedelta(days=3)
    defaults = {"occasion_at": start, "ends_at": start, "link": "/meetings/1/"}
    return Nudge.objects.create(
        person=person or world.member,
        learning_set=world.learning_set,
        kind=kind,
        occasion=fields.pop("occasion", 1),
        **{**defaults, **fields},
    )


def home(client, person):
    client.force_login(person)
    return " ".join(client.get(reverse("home")).content.decode().split())


def test_a_notice_is_shown_with_its_link_until_dismissed(client, world):
    nudge = make(world)
    body = home(client, world.member)
    assert "For you now" in body
    assert "You can bring an issue to it" in body
    assert 'href="/meetings/1/"' in body
    assert "For you now" not in home(client, world.pending)

    client.force_login(world.member)
    response = client.post(reverse("sets:nudge_dismiss", args=[nudge.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    nudge.refresh_from_db()
    assert nudge.dismissed_at is not None
    assert "For you now" not in home(client, world.member)


def test_someone_elses_notice_is_not_found(client, world):
    nudge = make(world)
    client.force_login(world.pending)
    assert client.post(reverse("sets:nudge_dismiss", args=[nudge.pk])).status_code == 404
    nudge.refresh_from_db()
    assert nudge.dismissed_at is None


@pytest.mark.parametrize("case", ["passed", "left", "closed", "turned off"])
def test_a_notice_goes_when_it_no_longer_applies(client, world, case):
    if case == "passed":
        make(world, ends_at=timezone.now() - timedelta(minutes=1))
    else:
        make(world)
    if case == "left":
        world.learning_set.memberships.filter(user=world.member).update(left_at=timezone.now())
    elif case == "closed":
        world.learning_set.status = "closed"
        world.learning_set.save()
    elif case == "turned off":
        nudges.choose_kinds(world.member, [Kind.PULSE_OPEN])
    assert "You can bring an issue" not in home(client, world.member)


def test_each_kind_reads_as_what_to_do(client, world):
    make(world, Kind.PULSE_OPEN, occasion=2)
    make(world, Kind.ACTIONS_DUE, occasion=3)
    make(world, Kind.CONTRACT_WAITING, person=world.pending, occasion=world.contract.pk)
    body = home(client, world.member)
    assert "The pulse for the meeting you attended is open" in body
    assert "Your actions are due at Set Alpha" in body
    assert "Set Alpha’s contract waits for you." in home(client, world.pending)


def test_the_notifications_page_turns_kinds_off_and_on(client, world):
    client.force_login(world.member)
    url = reverse("sets:notifications")
    page = client.get(url).content.decode()
    for kind in nudges.OPTIONAL_KINDS:
        assert f'value="{kind.value}"' in page
    # The contract is not one to turn off: it is listed as always sent.
    assert 'value="contract_waiting"' not in page
    assert "The contract waits for your acceptance: until you accept it" in page

    response = client.post(url, {"kinds": [Kind.PULSE_OPEN, Kind.ACTIONS_DUE]})
    assert response.status_code == 302
    assert set(NudgeOptOut.objects.filter(person=world.member).values_list("kind", flat=True)) == {
        Kind.BRING_ISSUE
    }
    page = client.get(url).content.decode()
    assert 'value="bring_issue"' in page and "Your choices are saved." in page

    client.post(url, {"kinds": [Kind.BRING_ISSUE, Kind.PULSE_OPEN, Kind.ACTIONS_DUE]})
    assert not NudgeOptOut.objects.filter(person=world.member).exists()


@pytest.mark.parametrize("kinds", [["contract_waiting"], ["everything"], ["pulse_open", "x"]])
def test_a_kind_not_offered_is_refused_and_nothing_changes(client, world, kinds):
    client.force_login(world.member)
    response = client.post(reverse("sets:notifications"), {"kinds": kinds})
    assert response.status_code == 400
    assert "Choose from the kinds listed." in response.content.decode()
    assert not NudgeOptOut.objects.exists()
