"""Meetings shared by the sessions tests, on top of the `world` fixture (tests/conftest.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.sessions.builders import add_members
from tests.sessions.factories import MeetingFactory, days_from_now


@pytest.fixture
def meeting(world):
    """A scheduled meeting of Set Alpha two weeks ahead."""
    return MeetingFactory(learning_set=world.learning_set)


@pytest.fixture
def past_meeting(world):
    """A held meeting of Set Alpha a week ago."""
    return MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-7), status="held"
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The `world` fixture makes seven accounts; a slow hasher makes every test wait."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def live_meeting(world):
    """A meeting of Set Alpha that started an hour ago and is not yet marked as held."""
    return MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(hours=1)
    )


@pytest.fixture
def post_panel(client):
    """Post to one of the meeting page's endpoints at the meeting's current revision, as the
    page would; `htmx=True` sends it the way htmx does."""

    def post(name, meeting, *, htmx=False, **data):
        meeting.refresh_from_db()
        data.setdefault("revision", meeting.revision)
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        return client.post(reverse(f"meetings:{name}", args=[meeting.pk]), data, **headers)

    return post


@pytest.fixture
def alpha(world):
    """Set Alpha with four current members: Maya, Pat (pending the contract) and two more."""
    world.others = add_members(world.learning_set, 2, world.contract)
    world.members = [world.member, world.pending, *world.others]
    return world
