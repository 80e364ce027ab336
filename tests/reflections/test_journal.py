"""My journal: writing, reading, editing, deleting, drafts, filters and search."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reflections.models import JournalDraft, JournalEntry
from sessions.models import Meeting
from tests.factories import (
    ContractAcceptanceFactory,
    ContractFactory,
    MembershipFactory,
    ProgrammeFactory,
    SetFactory,
)
from tests.reflections.factories import JournalEntryFactory, PromptFactory


@pytest.fixture
def author(client, world):
    client.force_login(world.member)
    return world.member


# Writing


def test_writing_an_entry_saves_it_for_the_author_only(client, world, author):
    response = client.post(
        reverse("reflections:entry_create"),
        {"title": "After the meeting", "body": "I noticed I *interrupt*.", "learning_set": ""},
    )

    entry = JournalEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert entry.author == author
    assert entry.title == "After the meeting"
    assert not entry.is_shared


def test_writing_against_a_prompt_starts_from_it(client, world, author, library):
    saga = library["saga"]

    response = client.get(reverse("reflections:entry_create") + f"?prompt={saga.pk}")

    body = response.content.decode()
    assert response.status_code == 200
    assert saga.question in body
    assert "## Situation" in body  # the prompt's starter is in the body field
    assert response.context["form"].initial["prompt"] == saga


def test_a_prompt_of_someone_elses_set_is_not_offered(client, world, author):
    beta_prompt = PromptFactory(learning_set=world.other_set, question="Beta only question?")

    response = client.get(reverse("reflections:entry_create") + f"?prompt={beta_prompt.pk}")
    assert "Beta only question?" not in response.content.decode()

    response = client.post(
        reverse("reflections:entry_create"),
        {"title": "t", "body": "b", "prompt": beta_prompt.pk},
    )
    assert response.status_code == 400
    assert not JournalEntry.objects.exists()


def test_a_meeting_links_its_set(client, world, author):
    start = timezone.now() - timedelta(days=1)
    meeting = Meeting.objects.create(
        learning_set=world.learning_set, starts_at=start, ends_at=start + timedelta(hours=3)
    )

    client.post(
        reverse("reflections:entry_create"), {"title": "t", "body": "b", "meeting": meeting.pk}
    )

    entry = JournalEntry.objects.get()
    assert entry.meeting == meeting and entry.learning_set == world.learning_set


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "text"}, "This field is required"),
        ({"title": "t", "body": "   "}, "Write something before saving"),
        ({"title": "x" * 201, "body": "text"}, "at most 200 characters"),
        ({"title": "t", "body": "x" * 50_001}, "at most 50000 characters"),
        ({"title": "t", "body": "b", "learning_set": "999999"}, "Choose one of the options"),
        ({"title": "t", "body": "b", "learning_set": "<script>"}, "Choose one of the options"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, author, data, message):
    response = client.post(reverse("reflections:entry_create"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_a_set_the_author_is_not_in_cannot_be_linked(client, world, author):
    response = client.post(
        reverse("reflections:entry_create"),
        {"title": "t", "body": "b", "learning_set": world.other_set.pk},
    )

    assert response.status_code == 400
    assert not JournalEntry.objects.exists()


# Reading, editing, deleting


def test_the_author_reads_edits_and_deletes_their_entry(client, world, author, private_entry):
    url = reverse("reflections:entry", args=[private_entry.pk])
    assert "avoiding the conversation" in client.get(url).content.decode()

    response = client.post(
        reverse("reflections:entry_edit", args=[private_entry.pk]),
        {"title": "Avoiding the CFO, again", "body": "Booked the meeting."},
    )
    assert response.status_code == 302
    private_entry.refresh_from_db()
    assert (private_entry.title, private_entry.body) == (
        "Avoiding the CFO, again",
        "Booked the meeting.",
    )

    assert (
        client.get(reverse("reflections:entry_delete", args=[private_entry.pk])).status_code == 200
    )
    response = client.post(reverse("reflections:entry_delete", args=[private_entry.pk]))
    assert response.status_code == 302
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize("someone", ["facilitator", "admin", "pending", "former", "outsider"])
@pytest.mark.parametrize("page", ["entry", "entry_edit", "entry_delete"])
def test_nobody_else_finds_a_private_entry(client, world, private_entry, someone, page):
    client.force_login(getattr(world, someone))

    url = reverse(f"reflections:{page}", args=[private_entry.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "x", "body": "y"}).status_code == 404
    private_entry.refresh_from_db()
    assert private_entry.title == "Avoiding the CFO"


def test_journal_pages_are_never_cached(client, author, private_entry):
    response = client.get(reverse("reflections:entry", args=[private_entry.pk]))

    assert "no-store" in response["Cache-Control"]


# Drafts


def test_a_draft_is_saved_as_the_author_types_and_comes_back(client, author):
    response = client.post(
        reverse("reflections:draft"),
        {"title": "Half", "body": "a thought"},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 200
    assert response.json()["saved"] is True
    draft = JournalDraft.objects.get(author=author, entry=None)
    assert draft.body == "a thought"

    page = client.get(reverse("reflections:entry_create"))
    assert page.context["form"].initial["body"] == "a thought"
    assert "the draft you were writing" in page.content.decode()


def test_saving_the_entry_clears_its_draft(client, author):
    client.post(reverse("reflections:draft"), {"title": "Half", "body": "a thought"})

    client.post(reverse("reflections:entry_create"), {"title": "Whole", "body": "a thought"})

    assert not JournalDraft.objects.exists()


def test_a_draft_can_be_discarded(client, author):
    client.post(reverse("reflections:draft"), {"title": "Half", "body": "a thought"})

    response = client.post(reverse("reflections:draft"), {"discard": "1"})

    assert response.status_code == 302
    assert not JournalDraft.objects.exists()


def test_an_edit_draft_goes_over_the_entry_until_saved(client, author, private_entry):
    draft_url = reverse("reflections:entry_draft", args=[private_entry.pk])
    client.post(draft_url, {"title": private_entry.title, "body": "Changed my mind."})

    page = client.get(reverse("reflections:entry_edit", args=[private_entry.pk]))
    assert page.context["form"].initial["body"] == "Changed my mind."

    client.post(
        reverse("reflections:entry_edit", args=[private_entry.pk]),
        {"title": private_entry.title, "body": "Changed my mind."},
    )
    assert not JournalDraft.objects.exists()


def test_an_oversized_draft_is_refused(client, author):
    response = client.post(
        reverse("reflections:draft"),
        {"title": "t", "body": "x" * 50_001},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert "50000" in response.json()["error"]
    assert not JournalDraft.objects.exists()


def test_nobody_saves_a_draft_over_someone_elses_entry(client, world, private_entry):
    client.force_login(world.facilitator)

    response = client.post(
        reverse("reflections:entry_draft", args=[private_entry.pk]), {"title": "x", "body": "y"}
    )

    assert response.status_code == 404
    assert not JournalDraft.objects.exists()


# The list


def test_the_journal_lists_only_my_entries_newest_first(client, world, author):
    JournalEntryFactory(author=author, title="Older")
    JournalEntryFactory(author=author, title="Newer")
    JournalEntryFactory(author=world.facilitator, title="Not mine")

    response = client.get(reverse("reflections:journal"))

    titles = [entry.title for entry in response.context["page"]]
    assert titles == ["Newer", "Older"]
    assert "Not mine" not in response.content.decode()


def test_the_journal_filters_by_set_and_prompt(client, world, author, library):
    avoiding = library["vince-avoiding"]
    JournalEntryFactory(author=author, title="In Alpha", learning_set=world.learning_set)
    JournalEntryFactory(author=author, title="Avoiding", prompt=avoiding)
    JournalEntryFactory(author=author, title="Neither")

    by_set = client.get(reverse("reflections:journal"), {"learning_set": world.learning_set.pk})
    by_prompt = client.get(reverse("reflections:journal"), {"prompt": avoiding.pk})

    assert [e.title for e in by_set.context["page"]] == ["In Alpha"]
    assert [e.title for e in by_prompt.context["page"]] == ["Avoiding"]


def test_the_journal_filters_offer_my_sets_and_the_prompts_i_may_read(
    client, world, author, library
):
    alpha_prompt = PromptFactory(learning_set=world.learning_set, question="Alpha question?")
    PromptFactory(learning_set=world.other_set, question="Beta question?")
    JournalEntryFactory(author=author)

    body = client.get(reverse("reflections:journal")).content.decode()

    assert f'<option value="{world.learning_set.pk}">Set Alpha</option>' in body
    assert "Set Beta</option>" not in body
    assert f'<option value="{alpha_prompt.pk}">Alpha question?</option>' in body
    assert f'<option value="{library["saga"].pk}">{library["saga"].question}</option>' in body
    assert "Beta question?" not in body


def test_the_journal_filters_keep_the_set_and_prompt_of_an_entry_after_leaving(client, world):
    alpha_prompt = PromptFactory(learning_set=world.learning_set, question="Alpha question?")
    JournalEntryFactory(author=world.former, learning_set=world.learning_set, prompt=alpha_prompt)
    client.force_login(world.former)

    response = client.get(reverse("reflections:journal"), {"prompt": alpha_prompt.pk})

    body = response.content.decode()
    assert f'<option value="{world.learning_set.pk}">Set Alpha</option>' in body
    assert f'<option value="{alpha_prompt.pk}" selected>Alpha question?</option>' in body
    assert len(response.context["page"]) == 1


def test_the_side_panel_links_the_sets_i_may_read_by_name(client, world, author):
    aardvark = SetFactory(programme=ProgrammeFactory(name="Zeta"), name="Set Aardvark")
    MembershipFactory(learning_set=aardvark, user=author, role="facilitator")

    body = client.get(reverse("reflections:journal")).content.decode()

    links = [reverse("reflections:shared", args=[s.pk]) for s in (aardvark, world.learning_set)]
    assert body.index(links[0]) < body.index(links[1])
    assert reverse("reflections:shared", args=[world.other_set.pk]) not in body


def test_the_side_panel_leaves_out_a_set_until_its_new_contract_is_accepted(client, world, author):
    shared_page = reverse("reflections:shared", args=[world.learning_set.pk])
    new_contract = ContractFactory(learning_set=world.learning_set, version=2)

    before = client.get(reverse("reflections:journal")).content.decode()
    ContractAcceptanceFactory(contract=new_contract, user=author)
    after = client.get(reverse("reflections:journal")).content.decode()

    assert shared_page not in before
    assert shared_page in after


def test_a_bad_filter_is_refused_with_a_message(client, world, author):
    JournalEntryFactory(author=author)

    response = client.get(reverse("reflections:journal"), {"learning_set": world.other_set.pk})

    assert response.status_code == 400
    assert "Choose one from the list" in response.content.decode()


def test_search_finds_words_in_title_or_body_in_any_case(client, author):
    JournalEntryFactory(author=author, title="Budget round", body="The CFO said no.")
    JournalEntryFactory(author=author, title="Team", body="My deputy and the budget.")
    JournalEntryFactory(author=author, title="Unrelated", body="Nothing here.")

    one_word = client.get(reverse("reflections:journal"), {"q": "BUDGET"})
    two_words = client.get(reverse("reflections:journal"), {"q": "budget cfo"})

    assert {e.title for e in one_word.context["page"]} == {"Budget round", "Team"}
    assert [e.title for e in two_words.context["page"]] == ["Budget round"]
    assert "2 entries match" in one_word.content.decode()


def test_search_never_finds_someone_elses_entries(client, world, author):
    JournalEntryFactory(author=author, title="Mine", body="about something else")
    JournalEntryFactory(author=world.facilitator, title="Budget", body="budget")

    response = client.get(reverse("reflections:journal"), {"q": "budget"})

    assert list(response.context["page"]) == []
    assert "No entries match" in response.content.decode()


def test_the_journal_pages_in_twenties(client, author):
    for n in range(25):
        JournalEntryFactory(author=author, title=f"Entry {n}")

    first = client.get(reverse("reflections:journal"))
    second = client.get(reverse("reflections:journal"), {"page": 2})

    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 5


def test_an_empty_journal_says_what_to_do(client, author):
    body = client.get(reverse("reflections:journal")).content.decode()

    assert "Your journal is empty" in body
    assert reverse("reflections:entry_create") in body


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_journal_makes_the_same_queries_for_one_entry_or_many(client, world, author, library):
    def entry(n):
        JournalEntryFactory(
            author=author,
            learning_set=world.learning_set,
            prompt=library["saga"],
            shared_with=world.learning_set if n % 2 else None,
            shared_at=author.date_joined if n % 2 else None,
        )

    entry(0)
    url = reverse("reflections:journal")
    few = _queries(client, url)
    for n in range(1, 12):
        entry(n)
    assert _queries(client, url) == few


def test_an_entry_about_a_set_the_author_left_can_still_be_edited(client, world):
    start = timezone.now() - timedelta(days=60)
    meeting = Meeting.objects.create(
        learning_set=world.learning_set, starts_at=start, ends_at=start + timedelta(hours=3)
    )
    entry = JournalEntryFactory(
        author=world.former, learning_set=world.learning_set, meeting=meeting
    )
    client.force_login(world.former)

    response = client.post(
        reverse("reflections:entry_edit", args=[entry.pk]),
        {
            "title": "Looking back",
            "body": "Still thinking about it.",
            "learning_set": world.learning_set.pk,
            "meeting": meeting.pk,
        },
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Looking back" and entry.meeting == meeting


# What the journal promises


@pytest.mark.parametrize("with_entries", [False, True])
def test_the_journal_says_its_encryption_is_at_rest_as_the_readme_does(
    client, author, with_entries
):
    if with_entries:
        JournalEntryFactory(author=author)
    pages = [
        client.get(reverse("reflections:journal")).content.decode(),
        client.get(reverse("reflections:entry_create")).content.decode(),
    ]
    journal = " ".join(pages[0].split())
    assert "This is encryption at rest, not end to end" in journal
    assert "the people who run the server, holding both the database and its keys, could" in (
        journal
    )
    for page in pages:
        assert "not the people who run ALS Space" not in page
        assert "Only you can read this." not in page
