"""Prompts tagged by the idea they speak to (docs/product.md#prompts): the library tagged and
filtered by idea, prompts from the safe-enough idea, and a facilitator posing one of the
library's prompts to their set, or tagging their own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reflections.models import IDEA_IN_PLAIN_WORDS, Idea, Prompt
from tests.reflections.factories import PromptFactory

SAFE = [
    "Where did I choose to be different this month, or not, and what did it cost?",
    "What did I risk saying in the set?",
    "What would I say if I felt safer?",
    "Where was I uncomfortable in the set, and did I stay with it?",
]


def prompts_page(client, **params):
    return client.get(reverse("reflections:prompts"), params)


def pose_url(world):
    return reverse("reflections:set_prompt_create", args=[world.learning_set.pk])


def test_every_library_prompt_speaks_to_an_idea(library):
    ideas = {prompt.slug: prompt.idea for prompt in library.values()}

    assert all(ideas.values())
    assert ideas["vince-avoiding"] == Idea.INACTION
    assert ideas["wenger-trayner-difference"] == Idea.VALUE
    assert {p.question for p in library.values() if p.idea == Idea.SAFE_ENOUGH} == set(SAFE)
    assert all(p.guidance for p in library.values() if p.idea == Idea.SAFE_ENOUGH)


def test_the_library_filters_by_idea_and_says_what_it_means(client, world, library):
    client.force_login(world.member)

    response = prompts_page(client, idea="safe_enough")

    assert response.status_code == 200
    body = response.content.decode()
    for question in SAFE:
        assert question in body
    assert "What are you avoiding?" not in body
    assert "What difference are we making, and for whom?" not in body
    assert IDEA_IN_PLAIN_WORDS[Idea.SAFE_ENOUGH] in body
    assert IDEA_IN_PLAIN_WORDS[Idea.VALUE] not in body
    assert 'aria-current="page">Safe-enough spaces</a>' in body


def test_unfiltered_the_library_is_whole_and_every_idea_explained(client, world, library):
    client.force_login(world.member)

    for params in ({}, {"idea": ""}):
        body = prompts_page(client, **params).content.decode()
        assert "What are you avoiding?" in body and SAFE[0] in body
        for words in IDEA_IN_PLAIN_WORDS.values():
            assert words in body


@pytest.mark.parametrize("idea", ["danger", "SAFE_ENOUGH", "safe_enough ", "①"])
def test_an_idea_not_in_the_list_is_a_400_with_the_whole_library(client, world, library, idea):
    client.force_login(world.member)

    response = prompts_page(client, idea=idea)

    assert response.status_code == 400
    body = response.content.decode()
    assert "That idea is not one of the library’s" in body
    assert "What are you avoiding?" in body and SAFE[0] in body


def test_the_filter_leaves_the_sets_prompts_as_they_are(client, world, library):
    PromptFactory(learning_set=world.learning_set, question="What did Alpha notice?")
    client.force_login(world.member)

    body = prompts_page(client, idea="value").content.decode()

    assert "What did Alpha notice?" in body


def test_the_prompts_page_makes_the_same_queries_for_few_prompts_or_many(client, world, library):
    client.force_login(world.facilitator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert prompts_page(client, idea="safe_enough").status_code == 200
        return len(queries)

    PromptFactory(learning_set=world.learning_set, idea=Idea.SAFE_ENOUGH)
    few = count()
    for _ in range(5):
        PromptFactory(learning_set=world.learning_set, idea=Idea.VALUE)
    Prompt.objects.create(question="One more for the library?", idea=Idea.SAFE_ENOUGH)
    assert count() == few


def test_only_a_facilitator_is_offered_to_pose_a_library_prompt(client, world, library):
    link = f"{pose_url(world)}?from={library['safe-enough-risked'].pk}"

    client.force_login(world.facilitator)
    assert link in prompts_page(client).content.decode()
    for someone in (world.member, world.admin, world.other_member):
        client.force_login(someone)
        assert "?from=" not in prompts_page(client).content.decode()


def test_posing_from_the_library_starts_from_its_words(client, world, library):
    risked = library["safe-enough-risked"]
    client.force_login(world.facilitator)

    response = client.get(pose_url(world), {"from": risked.pk})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["question"] == risked.question
    assert form.initial["guidance"] == risked.guidance
    assert form.initial["idea"] == Idea.SAFE_ENOUGH
    assert "This starts from a prompt in the library" in response.content.decode()


@pytest.mark.parametrize("given", ["abc", "-1", "0", "99999999999999999999999", "٣", ""])
def test_a_from_that_names_no_library_prompt_is_ignored(client, world, library, given):
    client.force_login(world.facilitator)

    response = client.get(pose_url(world), {"from": given})

    assert response.status_code == 200
    assert "question" not in response.context["form"].initial


def test_another_sets_prompt_never_fills_the_form(client, world):
    beta = PromptFactory(learning_set=world.other_set, question="What is Beta hiding?")
    client.force_login(world.facilitator)

    response = client.get(pose_url(world), {"from": beta.pk})

    assert response.status_code == 200
    assert "What is Beta hiding?" not in response.content.decode()


def test_the_posed_prompt_keeps_its_idea_and_the_librarys_starter(client, world, library):
    saga = library["saga"]
    client.force_login(world.facilitator)

    response = client.post(
        pose_url(world),
        {"question": "Walk one situation through SAGA", "idea": "inaction", "library": saga.pk},
    )

    assert response.status_code == 302
    posed = Prompt.objects.get(learning_set=world.learning_set)
    assert (posed.idea, posed.starter, posed.posed_by) == (
        "inaction",
        saga.starter,
        world.facilitator,
    )
    assert posed.slug is None
    saga.refresh_from_db()
    assert saga.learning_set is None  # the library's own prompt is left as it was


def test_a_facilitator_tags_their_own_question(client, world):
    client.force_login(world.facilitator)

    client.post(pose_url(world), {"question": "What did you hold back?", "idea": "safe_enough"})

    posed = Prompt.objects.get(learning_set=world.learning_set)
    assert (posed.idea, posed.starter) == (Idea.SAFE_ENOUGH, "")
    client.force_login(world.member)
    body = prompts_page(client).content.decode()
    assert "What did you hold back?" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"idea": "danger"}, "Choose one of the ideas in the list, or none."),
        ({"library": "987654"}, "That is not one of the library’s prompts."),
    ],
)
def test_a_bad_idea_or_library_prompt_is_refused(client, world, data, message):
    client.force_login(world.facilitator)

    response = client.post(pose_url(world), {"question": "Fine?", **data})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Prompt.objects.filter(learning_set__isnull=False).exists()


def test_a_set_prompt_cannot_pass_for_a_library_prompt(client, world):
    beta = PromptFactory(learning_set=world.other_set, starter="Beta's starter")
    client.force_login(world.facilitator)

    response = client.post(pose_url(world), {"question": "Fine?", "library": beta.pk})

    assert response.status_code == 400
    assert not Prompt.objects.filter(learning_set=world.learning_set).exists()
