"""A slot closed as "learning noted, no action" (docs/product.md#learning-noted-no-action):
who may close it and open it again, what the meeting page shows, and how "talk without
action" reads it (docs/signals.md#talk-without-action)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.inaction.reconcile import detect_inaction
from sessions.models import AirtimeSlot, InactionPrompt
from sessions.services import running
from sessions.views.mixins import CONFLICT
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.sessions.builders import action, held_meetings, slot
from tests.sessions.factories import MeetingFactory

Signal = InactionPrompt.Signal
Status = InactionPrompt.Status


def noted(history_slot, by=None):
    history_slot.learning_noted_at = timezone.now()
    history_slot.learning_noted_by = by
    history_slot.save(update_fields=["learning_noted_at", "learning_noted_by"])
    return history_slot


def talk_prompts(world, **filters):
    return InactionPrompt.objects.filter(
        learning_set=world.learning_set, signal=Signal.TALK_WITHOUT_ACTION, **filters
    )


# Talk without action, on built histories


def test_a_slot_closed_as_learning_noted_is_skipped_not_a_break(world):
    m1, m2, m3 = held_meetings(world.learning_set, 3)
    slot(m1, world.member)
    noted(slot(m2, world.member))
    slot(m3, world.member)

    detect_inaction(world.learning_set)

    (prompt,) = talk_prompts(world, status=Status.OPEN)
    assert prompt.member == world.member
    assert prompt.evidence_key == f"since-meeting:{m1.pk}"
    assert list(prompt.evidence_meetings.all()) == [m1, m3]


def test_learning_noted_does_not_count_towards_the_run(world):
    m1, m2, m3 = held_meetings(world.learning_set, 3)
    slot(m1, world.member)
    action(m1, world.member)
    slot(m2, world.member)
    noted(slot(m3, world.member))

    detect_inaction(world.learning_set)

    assert not talk_prompts(world).exists()


def test_only_learning_noted_slots_never_prompt(world):
    for meeting in held_meetings(world.learning_set, 4):
        noted(slot(meeting, world.member))

    detect_inaction(world.learning_set)

    assert not talk_prompts(world).exists()


def test_one_ordinary_slot_beside_a_noted_one_at_a_meeting_still_counts(world):
    m1, m2 = held_meetings(world.learning_set, 2)
    slot(m1, world.member)
    noted(slot(m2, world.member))
    slot(m2, world.member)

    detect_inaction(world.learning_set)

    (prompt,) = talk_prompts(world, status=Status.OPEN)
    assert list(prompt.evidence_meetings.all()) == [m1, m2]


def test_noting_the_latest_slot_resolves_the_prompt_and_opening_it_again_brings_it_back(world):
    m1, m2 = held_meetings(world.learning_set, 2)
    slot(m1, world.member)
    latest = slot(m2, world.member)
    detect_inaction(world.learning_set)
    (prompt,) = talk_prompts(world, status=Status.OPEN)

    noted(latest)
    detect_inaction(world.learning_set)
    prompt.refresh_from_db()
    assert prompt.status == Status.RESOLVED

    latest.learning_noted_at = None
    latest.save(update_fields=["learning_noted_at"])
    detect_inaction(world.learning_set)
    assert talk_prompts(world, status=Status.OPEN).count() == 1


# Who closes a slot, on the meeting page


@pytest.fixture
def maya_slot(world, live_meeting):
    return AirtimeSlot.objects.create(
        meeting=live_meeting, presenter=world.member, order=0, actual_seconds=600
    )


def post_noted(client, meeting, *, htmx=True, **data):
    meeting.refresh_from_db()
    data.setdefault("revision", meeting.revision)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("meetings:meeting_slot_noted", args=[meeting.pk]), data, **headers)


def test_the_presenter_closes_their_slot_and_the_panel_says_so(client, world, maya_slot):
    client.force_login(world.member)
    response = post_noted(client, maya_slot.meeting, op="note", slot=maya_slot.pk)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="airtime-panel"' in body
    assert "Learning noted, no action" in body and "Closed by you" in body
    assert "Open again" in body
    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_at is not None
    assert maya_slot.learning_noted_by == world.member
    assert "meetingSaved" in response["HX-Trigger"]


def test_the_presenter_opens_it_again(client, world, maya_slot):
    noted(maya_slot, world.member)
    client.force_login(world.member)

    response = post_noted(client, maya_slot.meeting, op="reopen", slot=maya_slot.pk)

    assert response.status_code == 200
    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_at is None and maya_slot.learning_noted_by is None
    assert "Close: learning noted, no action" in response.content.decode()


def test_a_facilitator_closes_it_for_the_presenter(client, world, maya_slot):
    client.force_login(world.facilitator)
    response = post_noted(client, maya_slot.meeting, htmx=False, op="note", slot=maya_slot.pk)

    assert response.status_code == 302
    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_by == world.facilitator


def test_a_running_timer_stops_where_the_slot_is_closed(client, world, maya_slot):
    maya_slot.timer_started_at = timezone.now() - timedelta(minutes=5)
    maya_slot.save()
    client.force_login(world.member)

    post_noted(client, maya_slot.meeting, op="note", slot=maya_slot.pk)

    maya_slot.refresh_from_db()
    assert maya_slot.timer_started_at is None
    assert 600 + 299 <= maya_slot.actual_seconds <= 600 + 302


@pytest.mark.parametrize("who", ["other", "pending", "admin"])
def test_nobody_else_closes_a_presenters_slot(client, world, maya_slot, who):
    other = MembershipFactory(learning_set=world.learning_set, user__name="Tom Third").user
    ContractAcceptanceFactory(contract=world.contract, user=other)
    person = {"other": other, "pending": world.pending, "admin": world.admin}[who]
    client.force_login(person)

    response = post_noted(client, maya_slot.meeting, op="note", slot=maya_slot.pk)

    assert response.status_code == 403
    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_at is None


def test_a_pending_presenter_cannot_close_their_own_slot(client, world, live_meeting):
    pats = AirtimeSlot.objects.create(meeting=live_meeting, presenter=world.pending, order=0)
    client.force_login(world.pending)

    response = post_noted(client, live_meeting, op="note", slot=pats.pk)

    assert response.status_code == 403
    pats.refresh_from_db()
    assert pats.learning_noted_at is None


def test_an_out_of_date_form_changes_nothing(client, world, maya_slot):
    client.force_login(world.member)
    meeting = maya_slot.meeting
    meeting.refresh_from_db()
    stale = meeting.revision
    running.stop_timer(meeting, maya_slot, revision=stale)  # someone else saved since

    response = post_noted(client, meeting, op="note", slot=maya_slot.pk, revision=stale)

    assert response.status_code == 409
    assert CONFLICT.split(" — ")[0] in response.content.decode()
    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_at is None


def test_the_presenters_page_says_when_closing_failed(client, world, maya_slot):
    """The presenter's page posts without htmx (meeting.js, which shows a refusal in place,
    is the facilitator's): the answer is the whole page, with the reason at the airtime
    panel's top."""
    client.force_login(world.member)
    meeting = maya_slot.meeting
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert f'action="{reverse("meetings:meeting_slot_noted", args=[meeting.pk])}"' in body
    assert "hx-post" not in body
    meeting.refresh_from_db()
    stale = meeting.revision
    running.stop_timer(meeting, maya_slot, revision=stale)

    response = post_noted(client, meeting, htmx=False, op="note", slot=maya_slot.pk, revision=stale)

    assert response.status_code == 409
    body = response.content.decode()
    assert "<h1" in body and CONFLICT.split(" — ")[0] in body
    assert "Close: learning noted, no action" in body


def test_closed_without_htmx_the_presenter_is_sent_back_to_the_airtime(client, world, maya_slot):
    client.force_login(world.member)

    response = post_noted(client, maya_slot.meeting, htmx=False, op="note", slot=maya_slot.pk)

    assert response.status_code == 302
    assert response["Location"].endswith("#airtime-panel")
    page = client.get(response["Location"]).content.decode()
    assert "The slot is closed: learning noted, no action." in page


def test_sent_twice_it_closes_the_slot_once(client, world, maya_slot):
    client.force_login(world.member)
    meeting = maya_slot.meeting
    meeting.refresh_from_db()
    revision = meeting.revision

    first = post_noted(client, meeting, op="note", slot=maya_slot.pk, revision=revision)
    maya_slot.refresh_from_db()
    closed_at = maya_slot.learning_noted_at
    second = post_noted(client, meeting, op="note", slot=maya_slot.pk, revision=revision)

    assert (first.status_code, second.status_code) == (200, 409)
    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_at == closed_at


def test_a_slot_with_an_action_is_not_closed_with_none(client, world, maya_slot):
    action(maya_slot.meeting, world.member, slot=maya_slot)
    client.force_login(world.member)

    response = post_noted(client, maya_slot.meeting, op="note", slot=maya_slot.pk)

    assert response.status_code == 400
    assert "An action was agreed in this slot" in response.content.decode()
    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_at is None


def test_the_page_offers_no_close_to_a_slot_with_an_action(client, world, maya_slot):
    """The close is offered beside the slot that has none, and not beside the one whose
    presenter agreed an action in it, where it could only fail."""
    other = MembershipFactory(learning_set=world.learning_set, user__name="Tom Third").user
    ContractAcceptanceFactory(contract=world.contract, user=other)
    toms = AirtimeSlot.objects.create(meeting=maya_slot.meeting, presenter=other, order=1)
    action(maya_slot.meeting, other, slot=toms)
    client.force_login(world.facilitator)

    body = client.get(maya_slot.meeting.get_absolute_url()).content.decode()

    assert "(Maya Member’s slot)" in body
    assert "(Tom Third’s slot)" not in body


def test_no_slot_is_closed_before_the_meeting_starts(client, world, meeting):
    ahead = AirtimeSlot.objects.create(meeting=meeting, presenter=world.member, order=0)
    client.force_login(world.member)

    response = post_noted(client, meeting, op="note", slot=ahead.pk)

    assert response.status_code == 400
    assert "has not started yet" in response.content.decode()
    ahead.refresh_from_db()
    assert ahead.learning_noted_at is None


def test_a_slot_of_another_meeting_is_refused(client, world, maya_slot):
    elsewhere = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(days=30)
    )
    client.force_login(world.member)

    response = post_noted(client, elsewhere, op="note", slot=maya_slot.pk)

    assert response.status_code == 400
    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_at is None


def test_a_closed_set_keeps_its_slots_as_they_were(client, world, maya_slot):
    world.learning_set.status = "closed"
    world.learning_set.save()
    client.force_login(world.member)

    response = post_noted(client, maya_slot.meeting, op="note", slot=maya_slot.pk)

    assert response.status_code == 403
    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_at is None


def test_an_action_agreed_afterwards_opens_the_slot_again(world, maya_slot):
    noted(maya_slot, world.member)
    meeting = maya_slot.meeting
    meeting.refresh_from_db()

    running.commit_action(
        meeting,
        owner=world.member,
        text="Talk to the board",
        due_on=None,
        by=world.facilitator,
        revision=meeting.revision,
    )

    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_at is None
    assert maya_slot.actions.count() == 1


def test_the_page_shows_the_close_only_to_whoever_may_close_it(client, world, maya_slot):
    other = MembershipFactory(learning_set=world.learning_set, user__name="Tom Third").user
    ContractAcceptanceFactory(contract=world.contract, user=other)
    url = maya_slot.meeting.get_absolute_url()

    for person, offered in [(world.member, True), (world.facilitator, True), (other, False)]:
        client.force_login(person)
        body = client.get(url).content.decode()
        assert ("Close: learning noted, no action" in body) is offered, person

    noted(maya_slot, world.member)
    client.force_login(other)
    body = client.get(url).content.decode()
    assert "Learning noted, no action" in body and "Closed by Maya Member" in body
    assert "Open again" not in body


def test_the_airtime_panel_is_redrawn_when_an_action_opens_a_noted_slot(client, world, maya_slot):
    client.force_login(world.facilitator)
    meeting = maya_slot.meeting

    def agree(text):
        meeting.refresh_from_db()
        return client.post(
            reverse("meetings:meeting_actions", args=[meeting.pk]),
            {
                "op": "add",
                "revision": meeting.revision,
                "owner": world.member.pk,
                "text": text,
                "due": "next",
            },
            HTTP_HX_REQUEST="true",
        )

    first = agree("Talk to the board")
    assert first.status_code == 200
    assert 'id="airtime-panel"' not in first.content.decode()

    maya_slot.actions.all().delete()
    noted(maya_slot, world.member)
    second = agree("Talk to the board after all")

    body = second.content.decode()
    assert second.status_code == 200
    assert 'id="airtime-panel"' in body and 'hx-swap-oob="true"' in body
    assert "Learning noted, no action" not in body
    maya_slot.refresh_from_db()
    assert maya_slot.learning_noted_at is None
