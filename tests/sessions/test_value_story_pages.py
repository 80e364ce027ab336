"""The pages of value stories: telling one on a report-back or on closing review words,
"My value stories" and its sharing controls, and where the set reads them
(docs/product.md#value-stories, docs/confidentiality.md#value-stories)."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alsspace.models import AuditEvent
from sessions.models import Action, ReportBack, ValueStory
from sessions.queries import consented_stories
from sets.models import ClosingReview, ClosingReviewEntry
from tests.alsspace.creating_forms import key_on
from tests.factories import ContractAcceptanceFactory, MembershipFactory, SetFactory
from tests.sessions.factories import MeetingFactory, days_from_now

STORY = "The night shift now plans its own rota: PLANTED-VALUE-STORY-3K"
MY_STORIES = reverse("meetings:my_value_stories")


@pytest.fixture
def meetings(world):
    earlier = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    coming = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(7))
    return earlier, coming


def make_report_back(world, meetings, owner=None, text="Ask the CFO for the real numbers"):
    earlier, coming = meetings
    action = Action.objects.create(
        learning_set=world.learning_set,
        owner=owner or world.member,
        committed_at=earlier,
        due_meeting=coming,
        text=text,
    )
    return ReportBack.objects.create(
        action=action, meeting=coming, outcome="partly", author=owner or world.member
    )


@pytest.fixture
def report_back(world, meetings):
    return make_report_back(world, meetings)


def story_url(report_back):
    return reverse("meetings:report_back_story", args=[report_back.pk])


def sharing_url(story):
    return reverse("meetings:value_story_sharing", args=[story.pk])


def tell(client, report_back, consent="none", text=STORY, cycle="applied"):
    return client.post(story_url(report_back), {"text": text, "cycle": cycle, "consent": consent})


def story_of(author, text=STORY, consent="none", report_back=None, **fields):
    return ValueStory.objects.create(
        learning_set=report_back.action.learning_set,
        author=author,
        report_back=report_back,
        text=text,
        cycle=fields.pop("cycle", "applied"),
        consent=consent,
        consented_at=None if consent == "none" else report_back.created_at,
    )


# Telling a story on a report-back


def test_the_form_explains_each_cycle_in_plain_words(client, world, report_back):
    client.force_login(world.member)
    page = client.get(story_url(report_back)).content.decode()
    for words in (
        "I did something differently.",
        "It made a difference I can see.",
        "It changed what I think success is.",
        "Immediate value",
        "Potential value",
    ):
        assert words in page
    assert "Ask the CFO for the real numbers" in page


def test_the_owner_tells_a_story_and_reads_it_with_the_report_back(client, world, report_back):
    client.force_login(world.member)
    response = tell(client, report_back)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:my_actions")
    story = ValueStory.objects.get()
    assert (story.report_back, story.author, story.text, story.cycle, story.consent) == (
        report_back,
        world.member,
        STORY,
        "applied",
        "none",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Your value story is saved. Only the set reads it." in page
    assert STORY in page
    assert "Change the value story" in page
    assert not AuditEvent.objects.exists()
    assert mail.outbox == []


def test_a_story_without_words_is_refused_and_nothing_is_written(client, world, report_back):
    client.force_login(world.member)
    response = tell(client, report_back, text="   ", consent="named")
    assert response.status_code == 400
    assert "Write the story: what difference did the set make?" in response.content.decode()
    assert not ValueStory.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("cycle", "consent"), [("heroic", "none"), ("applied", "world")])
def test_an_unknown_cycle_or_consent_is_refused(client, world, report_back, cycle, consent):
    client.force_login(world.member)
    assert tell(client, report_back, cycle=cycle, consent=consent).status_code == 400
    assert not ValueStory.objects.exists()


def test_the_facilitator_reads_the_story_on_the_meeting_page_but_cannot_tell_it(
    client, world, report_back
):
    story_of(world.member, report_back=report_back)
    client.force_login(world.facilitator)
    assert tell(client, report_back, text="Not mine").status_code == 403
    page = client.get(report_back.meeting.get_absolute_url()).content.decode()
    assert STORY in page
    assert 'Value story · Applied value</span> <span class="text-body-secondary">— I did' in page
    assert ValueStory.objects.get().text == STORY


def test_telling_it_with_consent_shares_it_and_audits_that(client, world, report_back):
    client.force_login(world.member)
    response = tell(client, report_back, consent="anonymised")
    assert response.status_code == 302
    [shared] = consented_stories(world.programme)
    assert (shared.text, shared.author_name) == (STORY, None)
    event = AuditEvent.objects.get()
    assert (event.action, event.detail["consent"]) == ("value_story.shared", "anonymised")


def test_the_story_form_sent_twice_keeps_one_story(client, world, report_back):
    client.force_login(world.member)
    tell(client, report_back)
    tell(client, report_back, text="Told again")
    assert ValueStory.objects.get().text == "Told again"


# My value stories


def test_my_value_stories_lists_mine_with_who_may_read_each(client, world, meetings):
    named = story_of(world.member, "Named story", "named", make_report_back(world, meetings))
    kept = story_of(world.member, "Kept story", "none", make_report_back(world, meetings))
    other_set = SetFactory(programme=world.programme)
    MembershipFactory(learning_set=other_set, user=world.other_member)
    theirs = make_report_back(world, meetings, owner=world.facilitator)
    story_of(world.facilitator, "Fay's story", "named", theirs)
    client.force_login(world.member)
    page = client.get(MY_STORIES).content.decode()
    assert "Named story" in page and "Kept story" in page
    assert "Fay's story" not in page
    assert "Shared with the programme, with your name" in page
    assert "Kept in the set" in page
    assert sharing_url(named) in page and sharing_url(kept) in page


def test_sharing_named_anonymised_then_taking_it_back(client, world, report_back):
    story = story_of(world.member, report_back=report_back)
    client.force_login(world.member)
    field = f"s{story.pk}-consent"

    response = client.post(sharing_url(story), {field: "named"})
    assert response.status_code == 302
    assert [s.author_name for s in consented_stories(world.programme)] == ["Maya Member"]

    client.post(sharing_url(story), {field: "anonymised"})
    assert [s.author_name for s in consented_stories(world.programme)] == [None]

    response = client.post(sharing_url(story), {field: "none"})
    assert consented_stories(world.programme) == []
    page = client.get(response["Location"]).content.decode()
    assert "Saved: Only the set reads it." in page
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == [
        "value_story.shared",
        "value_story.sharing_changed",
        "value_story.withdrawn",
    ]


def test_a_bad_sharing_choice_is_a_400_that_says_so_and_changes_nothing(client, world, report_back):
    story = story_of(world.member, consent="named", report_back=report_back)
    client.force_login(world.member)
    response = client.post(sharing_url(story), {f"s{story.pk}-consent": "everyone"})
    assert response.status_code == 400
    assert "Choose who may read the story from the list." in response.content.decode()
    assert ValueStory.objects.get().consent == "named"
    assert not AuditEvent.objects.exists()


def test_nobody_else_shares_or_withdraws_my_story(client, world, report_back):
    story = story_of(world.member, consent="named", report_back=report_back)
    for who in ("facilitator", "admin", "other_member"):
        client.force_login(getattr(world, who))
        response = client.post(sharing_url(story), {f"s{story.pk}-consent": "none"})
        assert response.status_code == 404
    assert ValueStory.objects.get().consent == "named"


def test_a_member_who_left_still_withdraws_their_story(client, world, report_back):
    story = story_of(world.member, consent="anonymised", report_back=report_back)
    world.learning_set.memberships.filter(user=world.member).update(left_at=report_back.created_at)
    client.force_login(world.member)
    page = client.get(MY_STORIES).content.decode()
    assert STORY in page
    assert story_url(report_back) not in page  # the words can no longer change
    response = client.post(sharing_url(story), {f"s{story.pk}-consent": "none"})
    assert response.status_code == 302
    assert consented_stories(world.programme) == []
    assert tell(client, report_back, text="Later").status_code == 404


# Deleting a story


def delete_url(story):
    return reverse("meetings:value_story_delete", args=[story.pk])


def test_the_author_confirms_then_deletes_a_shared_story(client, world, report_back):
    story = story_of(world.member, consent="named", report_back=report_back)
    client.force_login(world.member)
    assert f'href="{delete_url(story)}"' in client.get(MY_STORIES).content.decode()
    confirm = client.get(delete_url(story)).content.decode()
    assert STORY in confirm
    assert "leaves the programme's evaluation report at once" in confirm
    assert ValueStory.objects.filter(pk=story.pk).exists()  # asking deletes nothing

    response = client.post(delete_url(story), {"form_key": key_on(client.get(delete_url(story)))})
    assert response.status_code == 302 and response["Location"] == MY_STORIES
    assert not ValueStory.objects.exists()
    assert consented_stories(world.programme) == []
    page = client.get(MY_STORIES).content.decode()
    assert "Your value story is deleted. It is no longer on the programme" in page
    assert STORY not in page
    assert ReportBack.objects.filter(pk=report_back.pk).exists()
    [event] = AuditEvent.objects.all()
    assert (event.action, event.detail) == (
        "value_story.deleted",
        {"story": story.pk, "consent": "named"},
    )


def test_the_delete_form_sent_twice_deletes_once_and_says_so(client, world, report_back):
    story = story_of(world.member, report_back=report_back)
    client.force_login(world.member)
    key = key_on(client.get(delete_url(story)))
    first = client.post(delete_url(story), {"form_key": key})
    again = client.post(delete_url(story), {"form_key": key})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert "it was saved once" in client.get(again["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="value_story.deleted").count() == 1


def test_nobody_else_sees_the_confirm_step_or_deletes_my_story(client, world, report_back):
    story = story_of(world.member, consent="anonymised", report_back=report_back)
    for who in ("facilitator", "admin", "other_member", "outsider"):
        client.force_login(getattr(world, who))
        assert client.get(delete_url(story)).status_code == 404
        assert client.post(delete_url(story)).status_code == 404
        assert STORY not in client.get(MY_STORIES).content.decode()
    assert ValueStory.objects.get().consent == "anonymised"
    assert not AuditEvent.objects.exists()


def test_the_change_page_of_a_story_links_to_deleting_it(client, world, report_back, closing_entry):
    client.force_login(world.member)
    closing_page = reverse("meetings:closing_story", args=[closing_entry.pk])
    for page in (story_url(report_back), closing_page):  # no story yet: nothing to delete
        assert "Delete the story" not in client.get(page).content.decode()
    on_report = story_of(world.member, report_back=report_back)
    on_closing = ValueStory.objects.create(
        learning_set=world.learning_set,
        author=world.member,
        closing_entry=closing_entry,
        text="Closing words",
        cycle="reframing",
    )
    for page, story in ((story_url(report_back), on_report), (closing_page, on_closing)):
        body = client.get(page).content.decode()
        assert f'href="{delete_url(story)}">Delete the story</a>' in body
        assert "Delete your value story?" in client.get(delete_url(story)).content.decode()
    assert ValueStory.objects.count() == 2  # following the link deletes nothing


def test_a_member_who_left_still_deletes_their_story(client, world, report_back):
    story = story_of(world.member, consent="named", report_back=report_back)
    world.learning_set.memberships.filter(user=world.member).update(left_at=report_back.created_at)
    client.force_login(world.member)
    assert client.post(delete_url(story)).status_code == 302
    assert consented_stories(world.programme) == []


def test_my_value_stories_takes_the_same_queries_for_two_stories_or_eight(client, world, meetings):
    client.force_login(world.member)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(MY_STORIES).status_code == 200
        return len(queries)

    for _ in range(2):
        story_of(world.member, consent="named", report_back=make_report_back(world, meetings))
    few = count()
    for number in range(6):
        other_set = SetFactory(programme=world.programme, name=f"Set {number}")
        MembershipFactory(learning_set=other_set, user=world.member)
        action = Action.objects.create(
            learning_set=other_set,
            owner=world.member,
            committed_at=MeetingFactory(learning_set=other_set),
            text="Another",
        )
        report_back = ReportBack.objects.create(
            action=action, meeting=action.committed_at, outcome="done"
        )
        story_of(world.member, consent="anonymised", report_back=report_back)
    assert count() == few


# The closing review


@pytest.fixture
def closing_entry(world):
    review = ClosingReview.objects.create(learning_set=world.learning_set)
    return ClosingReviewEntry.objects.create(
        review=review, author=world.member, learned="Listening", keep_doing="Asking"
    )


def test_a_story_on_closing_words_is_read_on_the_closing_review_by_the_set(
    client, world, closing_entry
):
    client.force_login(world.member)
    review_page = reverse("sets:closing_review", args=[world.learning_set.pk])
    page = client.get(review_page).content.decode()
    story_page = reverse("meetings:closing_story", args=[closing_entry.pk])
    assert f'href="{story_page}"' in page and "Add a value story" in page
    response = client.post(story_page, {"text": STORY, "cycle": "reframing", "consent": "none"})
    assert response.status_code == 302
    assert response["Location"] == review_page
    client.force_login(world.facilitator)
    page = client.get(review_page).content.decode()
    assert STORY in page
    assert "Reframing value" in page
    assert story_page not in page  # only its author tells it
    assert client.get(story_page).status_code == 403


def test_the_closing_review_reads_its_stories_in_the_same_queries_for_one_or_five(
    client, world, closing_entry
):
    review_page = reverse("sets:closing_review", args=[world.learning_set.pk])
    ValueStory.objects.create(
        learning_set=world.learning_set,
        author=world.member,
        closing_entry=closing_entry,
        text="One",
        cycle="realised",
    )
    client.force_login(world.facilitator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(review_page).status_code == 200
        return len(queries)

    few = count()
    for number in range(4):
        member = MembershipFactory(
            learning_set=world.learning_set, user__name=f"Member {number}"
        ).user
        ContractAcceptanceFactory(contract=world.contract, user=member)
        entry = ClosingReviewEntry.objects.create(
            review=closing_entry.review, author=member, learned="L", keep_doing="K"
        )
        ValueStory.objects.create(
            learning_set=world.learning_set,
            author=member,
            closing_entry=entry,
            text=f"Story {number}",
            cycle="applied",
        )
    assert count() == few


# As an attacker: a story shared anonymised reaches no page outside the set


def test_a_shared_story_reaches_no_page_of_the_programme_admin_nor_the_operator(
    client, world, report_back
):
    story_of(world.member, consent="anonymised", report_back=report_back)
    story_of(
        world.facilitator,
        "Fay's named story PLANTED-NAMED-9Z",
        "named",
        make_report_back(world, (report_back.action.committed_at, report_back.meeting)),
    )
    pages = [
        reverse("sets:programme", args=[world.programme.pk]),
        reverse("sets:set", args=[world.learning_set.pk]),
        reverse("sets:audit", args=[world.programme.pk]),
        reverse("meetings:programme_report", args=[world.programme.pk]),
        reverse("meetings:attendance_export", args=[world.programme.pk]),
        reverse("meetings:set_report", args=[world.learning_set.pk]),
        reverse("meetings:my_value_stories"),
        reverse("home"),
    ]
    client.force_login(world.admin)
    for path in pages:
        response = client.get(path)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert "PLANTED-" not in body, path
        assert "Shared with the programme a value story" not in body, path
    assert client.get(story_url(report_back)).status_code == 403


def test_the_operator_admin_names_a_story_by_number_and_set_only(world, report_back):
    story = story_of(world.member, consent="anonymised", report_back=report_back)
    assert str(story) == f"Value story #{story.pk} in Set Alpha"
    from django.contrib import admin

    assert ValueStory not in admin.site._registry


def test_the_audit_log_of_consent_holds_neither_the_text_nor_a_trace_in_the_programme_log(
    client, world, report_back
):
    story = story_of(world.member, report_back=report_back)
    client.force_login(world.member)
    client.post(sharing_url(story), {f"s{story.pk}-consent": "anonymised"})
    event = AuditEvent.objects.get()
    assert "PLANTED" not in repr(event.detail) + event.subject
    client.force_login(world.admin)
    page = client.get(reverse("sets:audit", args=[world.programme.pk])).content.decode()
    assert "Shared with the programme a value story from" not in page
    assert not re.search(r"Maya Member.{0,400}value story", page, re.DOTALL)
