"""Value stories on report-backs and closing review words, and the programme's reading of the
ones their authors share (docs/product.md#value-stories)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alsspace.models import AuditEvent
from reflections.services import erase_account
from sessions.models import Action, ReportBack, ValueStory
from sessions.queries import consented_stories
from sessions.services.stories import (
    delete_story,
    share_story,
    tell_closing_story,
    tell_report_back_story,
)
from sets.models import ClosingReview, ClosingReviewEntry
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.sessions.factories import MeetingFactory, days_from_now

STORY = "The board finally heard the night shift: PLANTED-STORY-7Q"


@pytest.fixture
def report_back(world):
    earlier = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    coming = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(7))
    action = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=earlier,
        due_meeting=coming,
        text="Ask the CFO for the real numbers",
    )
    return ReportBack.objects.create(
        action=action, meeting=coming, outcome="done", author=world.member
    )


@pytest.fixture
def closing_entry(world):
    review = ClosingReview.objects.create(learning_set=world.learning_set)
    return ClosingReviewEntry.objects.create(
        review=review, author=world.member, learned="Listening", keep_doing="Asking"
    )


def tell(report_back, author, consent="none", text=STORY, cycle="applied"):
    return tell_report_back_story(
        report_back, actor=author, text=text, cycle=cycle, consent=consent
    )


def add_member_story(world, number, consent):
    """Another member of Set Alpha with a story of their own on a closing review entry."""
    member = MembershipFactory(learning_set=world.learning_set, user__name=f"Member {number}").user
    ContractAcceptanceFactory(contract=world.contract, user=member)
    review, _ = ClosingReview.objects.get_or_create(learning_set=world.learning_set)
    entry = ClosingReviewEntry.objects.create(
        review=review, author=member, learned="L", keep_doing="K"
    )
    return tell_closing_story(
        entry, actor=member, text=f"Story {number}", cycle="realised", consent=consent
    )


# Telling a story


def test_the_owner_tells_a_story_on_their_report_back_kept_in_the_set(world, report_back):
    story = tell(report_back, world.member)
    assert (story.report_back, story.author, story.learning_set) == (
        report_back,
        world.member,
        world.learning_set,
    )
    assert (story.text, story.cycle, story.consent, story.consented_at) == (
        STORY,
        "applied",
        "none",
        None,
    )
    assert consented_stories(world.programme) == []
    assert not AuditEvent.objects.filter(action__startswith="value_story.").exists()


def test_telling_it_again_rewrites_the_one_story(world, report_back):
    tell(report_back, world.member)
    tell(report_back, world.member, text="Rewritten", cycle="realised")
    story = ValueStory.objects.get()
    assert (story.text, story.cycle) == ("Rewritten", "realised")


@pytest.mark.parametrize("who", ["facilitator", "admin", "pending", "former", "outsider"])
def test_nobody_but_the_owner_tells_the_story_of_a_report_back(world, report_back, who):
    with pytest.raises(ValidationError):
        tell(report_back, world.role(who))
    assert not ValueStory.objects.exists()


@pytest.mark.parametrize(
    ("text", "cycle", "consent"),
    [("  ", "applied", "none"), (STORY, "heroic", "none"), (STORY, "applied", "everyone")],
)
def test_a_story_without_text_or_with_an_unknown_cycle_or_consent_is_refused(
    world, report_back, text, cycle, consent
):
    with pytest.raises(ValidationError):
        tell(report_back, world.member, consent=consent, text=text, cycle=cycle)
    assert not ValueStory.objects.exists()


def test_the_author_tells_a_story_on_their_closing_review_words(world, closing_entry):
    story = tell_closing_story(
        closing_entry, actor=world.member, text=STORY, cycle="reframing", consent="none"
    )
    assert (story.closing_entry, story.learning_set, story.cycle) == (
        closing_entry,
        world.learning_set,
        "reframing",
    )
    with pytest.raises(ValidationError):
        tell_closing_story(
            closing_entry, actor=world.facilitator, text="Not mine", cycle="applied", consent="none"
        )
    assert ValueStory.objects.get().text == STORY


def test_a_closed_set_takes_no_new_story_but_its_stories_can_still_be_withdrawn(
    world, closing_entry
):
    story = tell_closing_story(
        closing_entry, actor=world.member, text=STORY, cycle="realised", consent="named"
    )
    world.learning_set.status = "closed"
    world.learning_set.save()
    with pytest.raises(ValidationError):
        tell_closing_story(
            closing_entry, actor=world.member, text="Later", cycle="realised", consent="named"
        )
    share_story(story, actor=world.member, consent="none")
    assert consented_stories(world.programme) == []


# Consent, and the programme's reading


def test_named_consent_gives_the_programme_the_story_with_its_author(world, report_back):
    tell(report_back, world.member, consent="named")
    [shared] = consented_stories(world.programme)
    assert (shared.text, shared.cycle, shared.set_name, shared.author_name) == (
        STORY,
        "applied",
        "Set Alpha",
        "Maya Member",
    )
    assert shared.cycle_meaning == "I did something differently."
    assert shared.consented_at is not None


def test_anonymised_consent_gives_the_story_and_nothing_that_names_or_leads_to_its_author(
    world, report_back
):
    tell(report_back, world.member, consent="anonymised")
    [shared] = consented_stories(world.programme)
    assert shared.author_name is None
    said = repr(shared)
    for clue in ("Maya", world.member.email, f"={world.member.pk},", "Ask the CFO"):
        assert clue not in said


def test_revoking_takes_the_story_off_at_once(world, report_back):
    story = tell(report_back, world.member, consent="anonymised")
    assert len(consented_stories(world.programme)) == 1
    share_story(story, actor=world.member, consent="none")
    assert consented_stories(world.programme) == []
    assert ValueStory.objects.get().consented_at is None


def test_another_programmes_stories_are_not_among_them(world, report_back):
    tell(report_back, world.member, consent="named")
    from tests.factories import ProgrammeFactory

    assert consented_stories(ProgrammeFactory()) == []
    assert len(consented_stories(world.programme.pk)) == 1


def test_only_the_author_shares_or_withdraws_a_story(world, report_back):
    story = tell(report_back, world.member)
    for who in ("facilitator", "admin", "outsider"):
        with pytest.raises(ValidationError):
            share_story(story, actor=world.role(who), consent="named")
    assert consented_stories(world.programme) == []


def test_every_consent_given_changed_or_taken_back_is_audited_without_the_text(world, report_back):
    story = tell(report_back, world.member, consent="named")
    share_story(story, actor=world.member, consent="anonymised")
    share_story(story, actor=world.member, consent="anonymised")  # no change, no event
    share_story(story, actor=world.member, consent="none")
    events = list(AuditEvent.objects.order_by("pk"))
    assert [e.action for e in events] == [
        "value_story.shared",
        "value_story.sharing_changed",
        "value_story.withdrawn",
    ]
    assert [e.detail["consent"] for e in events] == ["named", "anonymised", "none"]
    for event in events:
        # Not in the programme's audit log, which would name an anonymised story's author.
        assert (event.actor, event.programme_id, event.subject) == (
            world.member,
            None,
            "Set Alpha",
        )
        assert event.detail["story"] == story.pk
        assert "PLANTED-STORY" not in repr(event.detail) + event.subject


# Deleting a story


def test_deleting_a_shared_story_takes_it_off_the_programmes_report_at_once(world, report_back):
    story = tell(report_back, world.member, consent="named")
    kept = add_member_story(world, 1, "anonymised")
    assert len(consented_stories(world.programme)) == 2
    assert delete_story(story, actor=world.member) == "Set Alpha"
    assert [s.text for s in consented_stories(world.programme)] == ["Story 1"]
    assert list(ValueStory.objects.all()) == [kept]
    # The report-back it was told on stays as it was.
    assert ReportBack.objects.get(pk=report_back.pk).outcome == "done"


def test_deleting_is_audited_like_consent_without_the_text_or_the_programme(world, report_back):
    story = tell(report_back, world.member, consent="anonymised")
    number = story.pk
    delete_story(story, actor=world.member, ip="192.0.2.7")
    event = AuditEvent.objects.get(action="value_story.deleted")
    assert (event.actor, event.programme_id, event.subject, event.ip_address) == (
        world.member,
        None,
        "Set Alpha",
        "192.0.2.7",
    )
    assert event.detail == {"story": number, "consent": "anonymised"}
    assert "PLANTED-STORY" not in repr(event.detail) + event.subject


@pytest.mark.parametrize("who", ["facilitator", "admin", "outsider", "other_member"])
def test_nobody_but_its_author_deletes_a_story(world, report_back, who):
    story = tell(report_back, world.member, consent="named")
    with pytest.raises(ValidationError):
        delete_story(story, actor=world.role(who))
    assert ValueStory.objects.get().pk == story.pk
    assert not AuditEvent.objects.filter(action="value_story.deleted").exists()


def test_an_author_who_left_a_closed_set_still_deletes_their_story(world, closing_entry):
    story = tell_closing_story(
        closing_entry, actor=world.member, text=STORY, cycle="realised", consent="named"
    )
    world.learning_set.memberships.filter(user=world.member).update(left_at=story.created_at)
    world.learning_set.status = "closed"
    world.learning_set.save()
    delete_story(story, actor=world.member)
    assert consented_stories(world.programme) == []
    assert ClosingReviewEntry.objects.filter(pk=closing_entry.pk).exists()


def test_deleting_a_story_already_deleted_changes_nothing_more(world, report_back):
    story = tell(report_back, world.member)
    delete_story(story, actor=world.member)
    with pytest.raises(ValidationError, match="already deleted"):
        delete_story(story, actor=world.member)
    assert AuditEvent.objects.filter(action="value_story.deleted").count() == 1


def test_the_programmes_reading_takes_one_query_whatever_the_number_of_stories(world, report_back):
    tell(report_back, world.member, consent="named")
    with CaptureQueriesContext(connection) as few:
        assert len(consented_stories(world.programme)) == 1
    for number in range(4):
        add_member_story(world, number, "anonymised" if number % 2 else "named")
    with CaptureQueriesContext(connection) as many:
        assert len(consented_stories(world.programme)) == 5
    assert len(few) == len(many) == 1


def test_an_erased_author_takes_their_stories_with_them(world, report_back, closing_entry):
    tell(report_back, world.member, consent="named")
    tell_closing_story(
        closing_entry, actor=world.member, text=STORY, cycle="realised", consent="anonymised"
    )
    erase_account(actor=world.member)
    assert not ValueStory.objects.exists()
    assert consented_stories(world.programme) == []
