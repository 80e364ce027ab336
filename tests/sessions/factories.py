"""factory_boy factories for meetings."""

from datetime import timedelta

import factory
from django.utils import timezone

from sessions.models import Meeting
from tests.factories import SetFactory


def days_from_now(days, hour=9):
    """An aware moment `days` from today at `hour`:00 UTC."""
    today = timezone.now().replace(hour=hour, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A scheduled meeting two weeks ahead, four hours long."""

    class Meta:
        model = Meeting

    learning_set = factory.SubFactory(SetFactory)
    starts_at = factory.LazyFunction(lambda: days_from_now(14))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=4))
    place = "Room 4, Northfield House"
    video_link = "https://video.example.org/alpha"
