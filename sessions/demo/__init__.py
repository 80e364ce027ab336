"""The meetings part of the demo: called by `manage.py seed_demo` once people and sets exist."""

from sessions.demo.insights import seed_demo_insights
from sessions.demo.meetings import seed_demo_meetings
from sessions.demo.nudges import seed_demo_nudges
from sessions.demo.reviews import seed_demo_reviews
from sessions.demo.stories import seed_demo_stories


def seed():
    seed_demo_meetings()
    # The insights need held meetings to read.
    seed_demo_insights()
    seed_demo_reviews()
    # Two value stories shared with the programme: one named, one anonymised.
    seed_demo_stories()
    # The notices on the demo members' home pages, once the meetings exist.
    seed_demo_nudges()
