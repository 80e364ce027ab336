"""The signals that read the set and not only the person (docs/signals.md#the-collective-signals),
and the gentler one for apologies sent with notice (docs/signals.md#apologies-with-notice): each
fires at its threshold and not one below, stays quiet in the cases it is not about, and asks
the set first (docs/signals.md#the-questions)."""

from datetime import timedelta

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.inaction import detection, history
from sessions.inaction.detection import same_topic, topic_words
from sessions.inaction.thresholds import Thresholds
from sessions.models import InactionPrompt, ReportBack, SignalThresholds
from sets.models import LearningSet
from tests.factories import SetFactory
from tests.sessions.builders import (
    action,
    add_members,
    attend,
    attend_all,
    held_meetings,
    report,
    safe_pulse,
    slot,
)
from tests.sessions.signals_support import detect, only_open, prompts

Signal = InactionPrompt.Signal
Status = InactionPrompt.Status


def assert_idempotent(world, signal):
    before = list(prompts(world, signal).values_list("pk", "status", "summary"))
    assert detect(world).opened == 0
    assert list(prompts(world, signal).values_list("pk", "status", "summary")) == before


def with_notice(meeting, days=3):
    return meeting.starts_at - timedelta(days=days)


# Apologies with notice


def test_apologies_with_notice_for_two_of_the_last_three_meetings_prompt_gently(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    attend_all([m1, m2, m3], alpha.members)
    attend(m2, alpha.member, "apologies", apologies_sent_at=with_notice(m2))

    detect(alpha)
    assert not prompts(alpha, Signal.APOLOGIES_PATTERN).exists()

    attend(m3, alpha.member, "apologies", apologies_sent_at=with_notice(m3, days=1))
    detect(alpha)
    prompt = only_open(alpha, Signal.APOLOGIES_PATTERN)
    assert prompt.member == alpha.member
    assert list(prompt.evidence_meetings.all()) == [m2, m3]
    assert "sent apologies ahead of time for 2 of the last 3 meetings" in prompt.summary
    assert "Life happens" in prompt.summary
    assert prompt.suggested_question.startswith("Are our meeting times still right for all")
    assert prompt.person_question.startswith("Is the timing of the set still right for you")
    # Sent with notice, they are not missed meetings.
    assert not prompts(alpha, Signal.ATTENDANCE_DRIFT).exists()
    assert_idempotent(alpha, Signal.APOLOGIES_PATTERN)

    # Sent on the day, the second is no longer with notice: attendance drift instead.
    attend(m3, alpha.member, "apologies", apologies_sent_at=m3.starts_at - timedelta(hours=2))
    detect(alpha)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED
    assert list(only_open(alpha, Signal.ATTENDANCE_DRIFT).evidence_meetings.all()) == [m3]


def test_apologies_recorded_without_a_time_are_missed_meetings_not_a_pattern(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    attend_all([m1, m2, m3], alpha.members)
    attend(m2, alpha.member, "apologies")
    attend(m3, alpha.member, "apologies")

    detect(alpha)

    assert not prompts(alpha, Signal.APOLOGIES_PATTERN).exists()
    drift = only_open(alpha, Signal.ATTENDANCE_DRIFT)
    assert list(drift.evidence_meetings.all()) == [m2, m3]


def test_apologies_before_the_window_do_not_count(alpha):
    m1, m2, m3, m4 = held_meetings(alpha.learning_set, 4)
    attend_all([m1, m2, m3, m4], alpha.members)
    attend(m1, alpha.member, "apologies", apologies_sent_at=with_notice(m1))
    attend(m4, alpha.member, "apologies", apologies_sent_at=with_notice(m4))

    detect(alpha)
    assert not prompts(alpha, Signal.APOLOGIES_PATTERN).exists()

    SignalThresholds.objects.create(programme=alpha.programme, apologies_pattern_window=4)
    detect(alpha)
    assert list(only_open(alpha, Signal.APOLOGIES_PATTERN).evidence_meetings.all()) == [m1, m4]


# Playing safe


@pytest.fixture
def all_done(alpha):
    """Four held meetings; at each of the last three an action of the one before is reported
    done, and the pulse is 6.0 with three answers."""
    alpha.meetings = held_meetings(alpha.learning_set, 4)
    owners = [alpha.member, *alpha.others]
    alpha.reports = []
    for index, meeting in enumerate(alpha.meetings[1:]):
        committed = action(alpha.meetings[index], owners[index], f"Action {index}")
        report(committed, meeting, "done")
        alpha.reports.append(ReportBack.objects.get(action=committed))
        safe_pulse(meeting, 3, 6)
    return alpha


def test_every_report_back_done_and_a_flat_high_pulse_ask_if_the_set_is_playing_safe(all_done):
    m1, m2, m3, m4 = all_done.meetings
    first = all_done.reports[0]
    ReportBack.objects.filter(pk=first.pk).update(outcome="carried")

    detect(all_done)
    assert not prompts(all_done, Signal.PLAYING_SAFE).exists()  # done at two meetings only

    ReportBack.objects.filter(pk=first.pk).update(outcome="done")
    detect(all_done)
    prompt = only_open(all_done, Signal.PLAYING_SAFE)
    assert prompt.member is None
    assert prompt.evidence_key == f"since-meeting:{m2.pk}"
    assert list(prompt.evidence_meetings.all()) == [m2, m3, m4]
    assert "every one of 3 report-backs was done" in prompt.summary
    assert "the pulse stayed at 6.0 out of 7" in prompt.summary
    assert prompt.suggested_question.startswith("Is the set playing safe?")
    assert "What might we be avoiding together" in prompt.suggested_question
    assert prompt.person_question == ""
    assert_idempotent(all_done, Signal.PLAYING_SAFE)

    # An action carried at the latest meeting ends it.
    report(action(m3, all_done.member, "Another"), m4, "carried")
    detect(all_done)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


@pytest.mark.parametrize("outcome", ["carried", "partly", "not_done", "dropped"])
def test_one_report_back_not_done_in_the_window_is_not_playing_safe(all_done, outcome):
    ReportBack.objects.filter(pk=all_done.reports[1].pk).update(outcome=outcome)

    detect(all_done)

    assert not prompts(all_done, Signal.PLAYING_SAFE).exists()


def test_a_meeting_without_report_backs_is_not_playing_safe(all_done):
    ReportBack.objects.filter(pk=all_done.reports[1].pk).delete()

    detect(all_done)

    assert not prompts(all_done, Signal.PLAYING_SAFE).exists()


def test_a_pulse_that_moved_by_half_a_point_is_not_flat(all_done):
    m4 = all_done.meetings[3]
    safe_pulse(m4, 3, 7)  # 6.5, where the others are 6.0

    detect(all_done)
    assert not prompts(all_done, Signal.PLAYING_SAFE).exists()

    SignalThresholds.objects.create(programme=all_done.programme, playing_safe_pulse_spread="0.6")
    detect(all_done)
    assert "between 6.0 and 6.5" in only_open(all_done, Signal.PLAYING_SAFE).summary


def test_a_flat_pulse_below_the_high_mark_is_not_playing_safe(all_done):
    SignalThresholds.objects.create(programme=all_done.programme, playing_safe_pulse_high="6.1")

    detect(all_done)

    assert not prompts(all_done, Signal.PLAYING_SAFE).exists()


@pytest.mark.parametrize("published", [0, 1])
def test_playing_safe_needs_two_published_pulses(all_done, published):
    for meeting in all_done.meetings[1 + published :]:
        meeting.pulse_tallies.all().delete()

    detect(all_done)

    assert not prompts(all_done, Signal.PLAYING_SAFE).exists()


def test_the_programme_sets_how_many_meetings_make_playing_safe(all_done):
    SignalThresholds.objects.create(programme=all_done.programme, playing_safe_meetings=4)

    detect(all_done)

    assert not prompts(all_done, Signal.PLAYING_SAFE).exists()


# Recurring topic


def topic_slot(meeting, presenter, topic):
    brought = slot(meeting, presenter)
    brought.topic = topic
    brought.save()
    return brought


def test_topics_are_the_same_in_any_case_or_punctuation_or_with_most_words_shared():
    finance = topic_words("Restructuring the finance team")
    assert same_topic(finance, topic_words("  restructuring THE finance-team!"))
    assert same_topic(finance, topic_words("The finance team: restructuring it"))  # 4 of 5
    assert not same_topic(finance, topic_words("The finance director"))  # 2 of 5
    assert not same_topic(finance, topic_words("?!"))


def test_the_same_topic_at_three_meetings_without_an_action_prompts(alpha):
    m1, m2, m3, m4 = held_meetings(alpha.learning_set, 4)
    first = topic_slot(m1, alpha.member, "Restructuring the finance team")
    topic_slot(m2, alpha.member, "restructuring the Finance team!")
    topic_slot(m2, alpha.pending, "Restructuring the finance team")  # someone else's
    topic_slot(m3, alpha.member, "My deputy")

    detect(alpha)
    assert not prompts(alpha, Signal.RECURRING_TOPIC).exists()

    topic_slot(m4, alpha.member, "The finance team restructuring")
    detect(alpha)
    prompt = only_open(alpha, Signal.RECURRING_TOPIC)
    assert prompt.member is None  # a set-wide prompt, which names the presenter
    assert prompt.summary.startswith("Maya Member brought the same topic")
    assert prompt.evidence_key == f"since-slot:{first.pk}"
    assert list(prompt.evidence_meetings.all()) == [m1, m2, m4]
    assert "latest: “The finance team restructuring”" in prompt.summary
    assert "to 3 meetings" in prompt.summary
    assert prompt.suggested_question.startswith("What keeps bringing us back to this")
    assert prompt.person_question
    assert not prompt.person_question.startswith("Maya")
    assert_idempotent(alpha, Signal.RECURRING_TOPIC)

    action(m4, alpha.member, "Put the structure to the team")
    detect(alpha)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


def test_an_action_at_one_of_the_meetings_breaks_the_topic_s_run(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    for meeting in (m1, m2, m3):
        topic_slot(meeting, alpha.member, "Restructuring the finance team")
    action(m2, alpha.member, "Draft the new structure")

    detect(alpha)

    assert not prompts(alpha, Signal.RECURRING_TOPIC).exists()


def test_a_topic_closed_each_time_as_learning_noted_still_recurs(alpha):
    """docs/signals.md#recurring-topic: learning noted is an outcome once, not every time."""
    meetings = held_meetings(alpha.learning_set, 3)
    for meeting in meetings:
        brought = topic_slot(meeting, alpha.member, "Restructuring the finance team")
        brought.learning_noted_at = meeting.ends_at
        brought.learning_noted_by = alpha.member
        brought.save()

    detect(alpha)

    assert only_open(alpha, Signal.RECURRING_TOPIC).evidence_meetings.count() == 3
    assert not prompts(alpha, Signal.TALK_WITHOUT_ACTION).exists()


def test_two_slots_on_one_topic_at_one_meeting_count_once(alpha):
    m1, m2 = held_meetings(alpha.learning_set, 2)
    for meeting in (m1, m1, m2):
        topic_slot(meeting, alpha.member, "Restructuring the finance team")

    detect(alpha)

    assert not prompts(alpha, Signal.RECURRING_TOPIC).exists()


# Same airtime order


def in_order(meeting, presenters):
    for presenter in presenters:
        slot(meeting, presenter)


def test_the_same_airtime_order_at_three_meetings_in_a_row_prompts(alpha):
    maya, pat, (x, y) = alpha.member, alpha.pending, alpha.others
    m1, m2, m3 = held_meetings(alpha.learning_set, 3, last_days_ago=60)
    in_order(m1, [pat, maya, x])
    for meeting in (m2, m3):
        in_order(meeting, [maya, pat, x])

    detect(alpha)
    assert not prompts(alpha, Signal.SAME_AIRTIME_ORDER).exists()

    (m4,) = held_meetings(alpha.learning_set, 1, last_days_ago=30)
    in_order(m4, [maya, pat, maya, x])  # a second slot of Maya's does not change the order
    detect(alpha)
    prompt = only_open(alpha, Signal.SAME_AIRTIME_ORDER)
    assert prompt.member is None
    assert list(prompt.evidence_meetings.all()) == [m2, m3, m4]
    assert "The same 3 members took airtime in the same order" in prompt.summary
    assert prompt.suggested_question.startswith("What does our usual order protect us from")
    assert_idempotent(alpha, Signal.SAME_AIRTIME_ORDER)

    (m5,) = held_meetings(alpha.learning_set, 1, last_days_ago=5)
    in_order(m5, [x, maya, pat, y])
    detect(alpha)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


def test_two_presenters_in_the_same_order_are_no_pattern(alpha):
    meetings = held_meetings(alpha.learning_set, 4)
    for meeting in meetings:
        in_order(meeting, [alpha.member, alpha.pending])

    detect(alpha)

    assert not prompts(alpha, Signal.SAME_AIRTIME_ORDER).exists()


# No value notes


@pytest.fixture
def reported(alpha):
    """Four held meetings; at each of the last three, report-backs with no note."""
    alpha.meetings = held_meetings(alpha.learning_set, 4)
    m1, m2, m3, m4 = alpha.meetings
    for meeting, owner in ((m2, alpha.member), (m3, alpha.pending), (m4, alpha.others[0])):
        report(action(m1, owner, "An action"), meeting, "done")
    return alpha


def test_four_report_backs_over_three_meetings_without_a_note_prompt(reported):
    m1, m2, m3, m4 = reported.meetings

    detect(reported)
    assert not prompts(reported, Signal.NO_VALUE_NOTES).exists()  # three report-backs only

    report(action(m1, reported.others[1], "Another action"), m4, "carried")
    detect(reported)
    prompt = only_open(reported, Signal.NO_VALUE_NOTES)
    assert prompt.member is None
    assert prompt.evidence_key == f"since-meeting:{m1.pk}"
    assert list(prompt.evidence_meetings.all()) == [m2, m3, m4]
    assert "None of the 4 report-backs at the last 4 meetings" in prompt.summary
    assert prompt.suggested_question == "What difference are our actions making, and for whom?"
    assert_idempotent(reported, Signal.NO_VALUE_NOTES)

    ReportBack.objects.filter(meeting=m4).update(note="The board now asks for this every month.")
    detect(reported)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED


def test_a_note_inside_the_window_is_value_noted(reported):
    m1, m2, m3, m4 = reported.meetings
    report(action(m1, reported.others[1], "Another action"), m4, "done")
    ReportBack.objects.filter(meeting=m2).update(note="It changed how I chair.")
    SignalThresholds.objects.create(
        programme=reported.programme, no_value_notes_meetings=2, no_value_notes_reports=3
    )

    detect(reported)
    prompt = only_open(reported, Signal.NO_VALUE_NOTES)
    assert prompt.evidence_key == f"since-meeting:{m3.pk}"
    assert list(prompt.evidence_meetings.all()) == [m3, m4]

    SignalThresholds.objects.filter(programme=reported.programme).update(no_value_notes_meetings=3)
    detect(reported)
    assert not prompts(reported, Signal.NO_VALUE_NOTES, status=Status.OPEN).exists()


def test_a_note_of_spaces_is_no_note(reported):
    m1, m2, m3, m4 = reported.meetings
    report(action(m1, reported.others[1], "Another action"), m4, "done")
    ReportBack.objects.filter(meeting=m3).update(note="   ")

    detect(reported)

    assert only_open(reported, Signal.NO_VALUE_NOTES)


# On the dashboard, and in a fixed number of queries


def test_the_dashboard_shows_a_set_wide_prompt_with_its_evidence(client, all_done):
    m1, m2, m3, m4 = all_done.meetings
    detect(all_done)
    prompt = only_open(all_done, Signal.PLAYING_SAFE)
    client.force_login(all_done.facilitator)

    body = client.get(reverse("meetings:dashboard", args=[all_done.learning_set.pk])).content
    page = lxml.html.fromstring(body)

    (card,) = page.xpath(f'//article[@id="prompt-{prompt.pk}"]')
    # The set, no member, and the heading says so.
    assert card.xpath("string(.//h3)").strip() == "Playing safe: the whole set"
    links = [a.get("href") for a in card.xpath('.//a[starts-with(@href, "/meetings/")]')]
    assert links == [f"/meetings/{m.pk}/" for m in (m2, m3, m4)]
    text = " ".join(card.text_content().split())
    assert "every one of 3 report-backs was done" in text
    assert "Is the set playing safe?" in text
    assert "Or, to one person" not in text  # a set-wide prompt has no question to one person


def set_of(programme, members, meetings):
    """A set whose members bring topics, commit and report with and without notes."""
    learning_set = SetFactory(programme=programme)
    people = add_members(learning_set, members)
    held = held_meetings(learning_set, meetings, every_days=14)
    earlier = []
    for index, meeting in enumerate(held):
        attend_all([meeting], people)
        for number, person in enumerate(people):
            brought = slot(meeting, person)
            brought.topic = f"Topic {number % 2} of {person.name}"
            brought.save()
        for committed in earlier:
            report(committed, meeting, "done")
            ReportBack.objects.filter(action=committed, meeting=meeting).update(
                note="What changed" if index % 2 else ""
            )
        earlier = [action(meeting, person, f"Action {index}") for person in people[:2]]
        safe_pulse(meeting, 3, 6)
    return learning_set


def test_reading_and_judging_a_set_takes_the_same_queries_at_any_size(world):
    small = set_of(world.programme, members=3, meetings=3)
    large = set_of(world.programme, members=7, meetings=12)
    counts = []
    for learning_set in (small, large):
        learning_set = LearningSet.objects.select_related("programme").get(pk=learning_set.pk)
        thresholds = Thresholds.for_set(learning_set)
        with CaptureQueriesContext(connection) as queries:
            findings = detection.detect(history.load(learning_set), thresholds)
        counts.append(len(queries))
        assert findings
    assert counts[0] == counts[1]


def test_an_open_prompt_worded_to_one_person_is_worded_to_the_set_on_the_next_run(alpha):
    m1, m2, m3 = held_meetings(alpha.learning_set, 3)
    carried = action(m1, alpha.member)
    report(carried, m2, "carried")
    report(carried, m3, "carried")
    detect(alpha)
    prompt = only_open(alpha, Signal.CARRIED_ACTION)
    # As prompts opened before the questions were put to the set read.
    prompt.suggested_question = "Maya, what are you avoiding by keeping this action open?"
    prompt.person_question = ""
    prompt.save()

    assert detect(alpha).updated == 1

    prompt.refresh_from_db()
    assert prompt.suggested_question.startswith("What might we be avoiding together")
    assert prompt.person_question.startswith("What are you avoiding")
    assert detect(alpha).updated == 0
