"""Prompts: the built-in library, and questions a facilitator poses to their set."""

import pytest
from django.urls import reverse

from reflections.models import Prompt
from tests.reflections.factories import JournalEntryFactory, PromptFactory


def test_the_library_holds_the_built_in_prompts(library):
    questions = {prompt.question for prompt in library.values()}

    assert questions == {
        "What are you avoiding?",
        "What would it cost you to act?",
        "SAGA: situation, assumptions, gut feelings, actions",
        "What difference are we making, and for whom?",
        "Where did I choose to be different this month, or not, and what did it cost?",
        "What did I risk saying in the set?",
        "What would I say if I felt safer?",
        "Where was I uncomfortable in the set, and did I stay with it?",
    }


def test_everyone_sees_the_library(client, world, library):
    client.force_login(world.outsider)

    body = client.get(reverse("reflections:prompts")).content.decode()

    assert "What are you avoiding?" in body
    assert "What difference are we making, and for whom?" in body


def test_a_facilitator_poses_a_prompt_the_sets_members_see(client, world):
    client.force_login(world.facilitator)

    response = client.post(
        reverse("reflections:set_prompt_create", args=[world.learning_set.pk]),
        {"question": "Where did you hold back today?", "guidance": "Ten minutes."},
    )

    assert response.status_code == 302
    prompt = Prompt.objects.get(learning_set=world.learning_set)
    assert prompt.posed_by == world.facilitator
    client.force_login(world.member)
    assert (
        "Where did you hold back today?"
        in client.get(reverse("reflections:prompts")).content.decode()
    )


def test_a_question_typed_over_two_lines_is_kept_as_one(client, world):
    """The question box is two lines high, so that a long question is read whole; what is
    posed is one line, as it is shown as a heading."""
    client.force_login(world.facilitator)
    url = reverse("reflections:set_prompt_create", args=[world.learning_set.pk])
    form = client.get(url).content.decode()
    assert '<textarea name="question" cols="40" rows="2"' in form

    response = client.post(url, {"question": "  Where did you hold back\r\n today?  "})

    assert response.status_code == 302
    prompt = Prompt.objects.get(learning_set=world.learning_set)
    assert prompt.question == "Where did you hold back today?"


@pytest.mark.parametrize("someone", ["pending", "former", "admin", "other_member", "outsider"])
def test_a_sets_prompts_stay_in_the_set(client, world, someone):
    PromptFactory(learning_set=world.learning_set, question="Alpha-only question?")
    client.force_login(getattr(world, someone))

    assert "Alpha-only question?" not in client.get(reverse("reflections:prompts")).content.decode()


@pytest.mark.parametrize(
    ("someone", "status"),
    [("member", 403), ("pending", 403), ("admin", 403), ("former", 404), ("outsider", 404)],
)
def test_only_the_sets_facilitator_poses_prompts(client, world, someone, status):
    client.force_login(getattr(world, someone))

    url = reverse("reflections:set_prompt_create", args=[world.learning_set.pk])

    assert client.get(url).status_code == status
    assert client.post(url, {"question": "Sneaky?"}).status_code == status
    assert not Prompt.objects.filter(learning_set__isnull=False).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"question": ""}, "This field is required"),
        ({"question": "x" * 301}, "at most 300 characters"),
        ({"question": "Fine?", "guidance": "x" * 1001}, "at most 1000 characters"),
        ({"question": "Fine?", "meeting": "12345"}, "Choose a meeting of this set"),
    ],
)
def test_a_bad_prompt_is_refused_with_a_message(client, world, data, message):
    client.force_login(world.facilitator)

    response = client.post(
        reverse("reflections:set_prompt_create", args=[world.learning_set.pk]), data
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Prompt.objects.filter(learning_set__isnull=False).exists()


def test_a_facilitator_never_learns_who_wrote_against_their_prompt(client, world):
    prompt = PromptFactory(
        learning_set=world.learning_set, question="What is hard to say?", posed_by=world.facilitator
    )
    JournalEntryFactory(author=world.member, title="Hard to say", prompt=prompt)
    client.force_login(world.facilitator)

    for url in (
        reverse("reflections:prompts"),
        reverse("reflections:shared", args=[world.learning_set.pk]),
    ):
        body = client.get(url).content.decode()
        assert world.member.name not in body
        assert "Hard to say" not in body
        assert "1 entry" not in body
    # Not even the code can ask: a prompt has no way back to its entries.
    assert not hasattr(prompt, "journalentry_set")


def test_a_closed_set_takes_no_new_prompts(client, world):
    world.learning_set.status = "closed"
    world.learning_set.save()
    client.force_login(world.facilitator)

    url = reverse("reflections:set_prompt_create", args=[world.learning_set.pk])

    assert client.get(url).status_code == 403
