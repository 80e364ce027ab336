"""The demo shows the set's own reviews: Set Aurora's held meetings have contributions with a
theme that comes back, and Set Birch has an open closing review with three members' words.
Running the seed again changes nothing."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from alsspace.models import AuditEvent
from sessions.models import ReviewContribution, ValueStory
from sessions.queries import consented_stories
from sets.models import ClosingReviewEntry, LearningSet


def seed():
    call_command("seed_demo", force=True, stdout=StringIO())


def test_the_demo_shows_reviews_and_a_closing_review(client, db):
    seed()
    aurora = LearningSet.objects.get(name="Set Aurora")
    birch = LearningSet.objects.get(name="Set Birch")
    contributions = ReviewContribution.objects.filter(meeting__learning_set=aurora)
    assert contributions.count() == 9
    assert contributions.values("meeting").distinct().count() == 3
    entries = ClosingReviewEntry.objects.filter(review__learning_set=birch)
    assert entries.count() == 3
    assert not birch.is_closed

    seed()
    assert ReviewContribution.objects.count() == 9
    assert ClosingReviewEntry.objects.count() == 3

    facilitator = aurora.memberships.get(role="facilitator").user
    client.force_login(facilitator)
    body = client.get(reverse("meetings:dashboard", args=[aurora.pk])).content.decode()
    assert body.count("Let the presenter finish") == 3
    james = birch.memberships.get(role="facilitator").user
    client.force_login(james)
    body = client.get(reverse("sets:closing_review", args=[birch.pk])).content.decode()
    assert "risks first" in body


def test_the_demo_shares_two_value_stories_one_named_one_anonymised(client, db):
    seed()
    aurora = LearningSet.objects.get(name="Set Aurora")
    stories = consented_stories(aurora.programme)
    assert [(s.set_name, s.cycle, s.author_name) for s in stories] == [
        ("Set Aurora", "applied", "Priya Shah"),
        ("Set Birch", "reframing", None),
    ]
    seed()
    assert ValueStory.objects.count() == 2
    assert AuditEvent.objects.filter(action="value_story.shared").count() == 2

    priya = aurora.memberships.get(user__email__startswith="member.aurora").user
    client.force_login(priya)
    body = client.get(reverse("meetings:my_value_stories")).content.decode()
    assert "four team leads" in body
    assert "Shared with the programme, with your name" in body
