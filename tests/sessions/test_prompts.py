"""A facilitator marks a prompt raised at a meeting, or dismisses it with a note
(docs/signals.md#how-detection-runs); nobody else may, and the note stays with the set's
facilitators (docs/confidentiality.md#who-sees-what)."""

import lxml.html
import pytest
from django.urls import reverse

from alsspace.models import AuditEvent
from sessions.inaction.reconcile import detect_inaction
from sessions.models import InactionPrompt
from sets.models import LearningSet
from tests.factories import MembershipFactory
from tests.sessions.builders import action, held_meetings, report
from tests.sessions.factories import MeetingFactory

Status = InactionPrompt.Status


@pytest.fixture
def carried(world):
    """An open carried-action prompt about Maya, after three held meetings of Set Alpha."""
    world.meetings = held_meetings(world.learning_set, 3)
    m1, m2, m3 = world.meetings
    world.action = action(m1, world.member, "Raise the merger with the CFO")
    report(world.action, m2, "carried")
    report(world.action, m3, "carried")
    detect_inaction(world.learning_set)
    world.prompt = InactionPrompt.objects.get(signal="carried_action")
    return world


def url(name, prompt):
    return reverse(f"meetings:{name}", args=[prompt.pk])


def raise_data(prompt, meeting, note=""):
    prefix = f"prompt-{prompt.pk}"
    return {f"{prefix}-meeting": str(meeting.pk), f"{prefix}-note": note}


def dismiss_data(prompt, note):
    return {f"prompt-{prompt.pk}-note": note}


def test_the_facilitator_marks_a_prompt_raised_at_a_meeting(client, carried):
    client.force_login(carried.facilitator)
    meeting = carried.meetings[2]

    response = client.post(
        url("prompt_raise", carried.prompt), raise_data(carried.prompt, meeting, "Maya agreed.")
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:dashboard", args=[carried.learning_set.pk])
    prompt = InactionPrompt.objects.get(pk=carried.prompt.pk)
    assert prompt.status == Status.RAISED
    assert prompt.raised_at_meeting == meeting
    assert prompt.facilitator_note == "Maya agreed."
    assert prompt.closed_by == carried.facilitator
    assert prompt.closed_at is not None
    # The audit log is the programme admins' to read: prompts stay out of it.
    assert not AuditEvent.objects.filter(actor=carried.facilitator).exists()


def test_the_facilitator_dismisses_a_prompt_with_a_note(client, carried):
    client.force_login(carried.facilitator)

    response = client.post(
        url("prompt_dismiss", carried.prompt),
        dismiss_data(carried.prompt, "  Agreed with Maya to leave it until the restructure.  "),
    )

    assert response.status_code == 302
    prompt = InactionPrompt.objects.get(pk=carried.prompt.pk)
    assert prompt.status == Status.DISMISSED
    assert prompt.facilitator_note == "Agreed with Maya to leave it until the restructure."


@pytest.mark.parametrize("note", ["", "   ", "x" * 2001])
def test_a_dismissal_needs_a_note_of_sensible_length(client, carried, note):
    client.force_login(carried.facilitator)

    data = dismiss_data(carried.prompt, note)

    response = client.post(url("prompt_dismiss", carried.prompt), data)

    assert response.status_code == 400
    assert InactionPrompt.objects.get(pk=carried.prompt.pk).status == Status.OPEN


def test_a_prompt_is_raised_only_at_one_of_its_sets_meetings(client, carried):
    elsewhere = MeetingFactory(learning_set=carried.other_set)
    cancelled = MeetingFactory(learning_set=carried.learning_set, status="cancelled")
    client.force_login(carried.facilitator)

    for meeting in (elsewhere, cancelled):
        response = client.post(
            url("prompt_raise", carried.prompt), raise_data(carried.prompt, meeting)
        )
        assert response.status_code == 400
        assert "Choose one of this set" in response.content.decode()
    missing = client.post(url("prompt_raise", carried.prompt), {})
    assert missing.status_code == 400
    assert InactionPrompt.objects.get(pk=carried.prompt.pk).status == Status.OPEN


def test_a_prompt_already_dealt_with_stays_as_it_is(client, carried):
    client.force_login(carried.facilitator)
    client.post(url("prompt_dismiss", carried.prompt), dismiss_data(carried.prompt, "Not now."))

    response = client.post(
        url("prompt_raise", carried.prompt), raise_data(carried.prompt, carried.meetings[2])
    )

    assert response.status_code == 400
    assert "already dismissed" in response.content.decode()
    prompt = InactionPrompt.objects.get(pk=carried.prompt.pk)
    assert (prompt.status, prompt.facilitator_note) == (Status.DISMISSED, "Not now.")


def test_the_page_shows_the_prompt_and_its_form(client, carried):
    client.force_login(carried.facilitator)

    body = client.get(url("prompt_raise", carried.prompt)).content.decode()

    assert "Raise the merger with the CFO" in body
    assert "Raised at the meeting on" in body
    assert f'href="/meetings/{carried.meetings[1].pk}/"' in body


@pytest.mark.parametrize(
    ("role", "status"),
    [("member", 403), ("pending", 403), ("admin", 403), ("former", 404), ("outsider", 404)],
)
@pytest.mark.parametrize("name", ["prompt_raise", "prompt_dismiss"])
def test_only_the_sets_facilitators_act_on_prompts(client, carried, role, status, name):
    client.force_login(carried.role(role))
    data = {
        **raise_data(carried.prompt, carried.meetings[2]),
        **dismiss_data(carried.prompt, "x"),
    }

    response = client.post(url(name, carried.prompt), data)

    assert response.status_code == status
    assert "Raise the merger" not in response.content.decode()
    assert InactionPrompt.objects.get(pk=carried.prompt.pk).status == Status.OPEN


def test_another_sets_facilitator_is_an_outsider(client, carried):
    other = MembershipFactory(learning_set=carried.other_set, role="facilitator").user
    client.force_login(other)

    assert client.get(url("prompt_raise", carried.prompt)).status_code == 404


def test_a_closed_sets_prompts_stay_as_they_are(client, carried):
    LearningSet.objects.filter(pk=carried.learning_set.pk).update(status="closed")
    client.force_login(carried.facilitator)

    response = client.post(url("prompt_dismiss", carried.prompt), dismiss_data(carried.prompt, "x"))

    assert response.status_code == 403
    assert InactionPrompt.objects.get(pk=carried.prompt.pk).status == Status.OPEN


def test_each_prompt_form_on_the_dashboard_labels_its_own_fields(client, carried):
    client.force_login(carried.facilitator)

    body = client.get(reverse("meetings:dashboard", args=[carried.learning_set.pk])).content
    page = lxml.html.fromstring(body)

    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))
    notes = page.xpath(f'//textarea[@name="prompt-{carried.prompt.pk}-note"]')
    assert len(notes) == 2  # one in the raise form, one in the dismiss form
    for note in notes:
        (label,) = page.xpath(f'//label[@for="{note.get("id")}"]')
        assert note.xpath("ancestor::form")[0] is label.xpath("ancestor::form")[0]
