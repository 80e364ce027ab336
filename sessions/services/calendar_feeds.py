"""A person's private calendar feed: a secret URL that a new token replaces."""

import secrets

from alsspace.models import User
from sessions.models import CalendarFeed


def regenerate_feed(user: User) -> CalendarFeed:
    """Give the person a new feed URL. The old one stops working at once."""
    feed, _ = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed
