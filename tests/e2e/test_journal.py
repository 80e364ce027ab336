"""The journal in the browser: write against a prompt, share, take back, keep drafts, and
download my data. Every page visited is scanned with axe."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from reflections.models import JournalEntry
from tests.factories import ContractAcceptanceFactory, MembershipFactory
from tests.reflections.factories import JournalEntryFactory, ensure_library

REFLECTION = "I keep postponing the conversation with my CFO because I fear the answer."


@pytest.fixture
def library(transactional_db):
    # Browser tests empty the database after each test, data migrations included.
    return ensure_library()


@pytest.fixture
def reader(world):
    """Another member of Set Alpha under its contract, who reads what is shared with it."""
    membership = MembershipFactory(learning_set=world.learning_set, user__name="Rita Reader")
    ContractAcceptanceFactory(contract=world.contract, user=membership.user)
    return membership.user


def second_browser(browser, browser_context_args):
    return browser.new_context(**browser_context_args).new_page()


def test_a_member_writes_against_a_prompt_shares_it_and_takes_it_back(
    page,
    browser,
    browser_context_args,
    live_server,
    world,
    library,
    reader,
    sign_in,
    axe_check,
    shot,
):
    sign_in(page, live_server, world.member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My journal").click()
    expect(page.locator("h1")).to_have_text("My journal")
    expect(page.locator("main")).to_contain_text("Your journal is empty")
    axe_check(page)
    shot(page, "journal-empty")

    page.get_by_role("link", name="Choose a prompt").click()
    expect(page.locator("h1")).to_have_text("Prompts to write against")
    axe_check(page)
    shot(page, "journal-prompts")

    avoiding = page.locator("li.card", has_text="What are you avoiding?")
    avoiding.get_by_role("link", name="Write against this prompt").click()
    expect(page.locator("main")).to_contain_text("A prompt from the library")
    page.get_by_label("Title").fill("Avoiding the CFO")
    page.get_by_label("Reflection").fill(f"{REFLECTION}\n\n**Next:** book it for Thursday.")
    axe_check(page)
    shot(page, "journal-write")
    page.get_by_role("button", name="Save entry").click()

    expect(page.locator("h1")).to_have_text("Avoiding the CFO")
    expect(page.locator("main")).to_contain_text("Only you can read this entry")
    expect(page.locator(".journal-body strong")).to_have_text("Next:")
    axe_check(page)
    shot(page, "journal-entry-private")

    page.get_by_label("Share with").select_option(label="Set Alpha")
    page.get_by_role("button", name="Share with this set").click()
    expect(page.locator("main")).to_contain_text("Shared with Set Alpha")
    axe_check(page)
    shot(page, "journal-entry-shared")

    other = second_browser(browser, browser_context_args)
    sign_in(other, live_server, reader)
    other.goto(f"{live_server.url}/sets/{world.learning_set.pk}/reflections/")
    expect(other.locator("h1")).to_have_text("Shared reflections")
    expect(other.locator("main")).to_contain_text(REFLECTION)
    expect(other.locator("main")).to_contain_text(f"By {world.member.name}")
    axe_check(other)
    shot(other, "shared-reflections")

    page.get_by_role("button", name="Take it back").click()
    expect(page.locator("main")).to_contain_text("Set Alpha can no longer read this entry")

    other.reload()
    expect(other.locator("main")).not_to_contain_text(REFLECTION)
    expect(other.locator("main")).to_contain_text("Nothing has been shared with Set Alpha yet")
    axe_check(other)
    shot(other, "shared-reflections-empty")

    page.get_by_role("link", name="Back to my journal").click()
    expect(page.locator("main")).to_contain_text("Avoiding the CFO")
    page.get_by_role("textbox", name="Search").fill("cfo thursday")
    page.get_by_role("button", name="Show entries").click()
    expect(page.locator("main")).to_contain_text("1 entry matches “cfo thursday”")
    axe_check(page)
    shot(page, "journal-search")


def test_a_draft_survives_the_browser_closing(
    page, browser, browser_context_args, live_server, world, sign_in, axe_check, shot
):
    sign_in(page, live_server, world.member)
    page.goto(f"{live_server.url}/journal/new/")
    page.get_by_label("Title").fill("Half a thought")
    page.get_by_label("Reflection").fill("Written on the train, then the battery died.")
    expect(page.locator("[data-draft-status]")).to_contain_text(re.compile(r"Draft saved at"))
    page.context.close()

    later = second_browser(browser, browser_context_args)
    sign_in(later, live_server, world.member)
    later.goto(f"{live_server.url}/journal/new/")
    expect(later.locator("main")).to_contain_text("the draft you were writing")
    expect(later.get_by_label("Reflection")).to_have_value(
        "Written on the train, then the battery died."
    )
    axe_check(later)
    shot(later, "journal-draft-restored")

    later.get_by_role("button", name="Save entry").click()
    expect(later.locator("h1")).to_have_text("Half a thought")
    later.goto(f"{live_server.url}/journal/new/")
    expect(later.get_by_label("Reflection")).to_have_value("")


def test_text_the_server_never_received_is_offered_back(
    page, live_server, world, sign_in, axe_check, shot
):
    sign_in(page, live_server, world.member)
    page.route("**/journal/draft/", lambda route: route.abort())  # the network is down
    page.goto(f"{live_server.url}/journal/new/")
    page.get_by_label("Title").fill("Offline")
    page.get_by_label("Reflection").fill("Typed while the connection was down.")
    expect(page.locator("[data-draft-status]")).to_contain_text("this browser is keeping")

    page.reload()  # as after a crash: the form comes back empty
    expect(page.locator("[data-draft-restore]")).to_be_visible()
    axe_check(page)
    shot(page, "journal-local-restore")
    page.get_by_role("button", name="Restore that text").click()
    expect(page.get_by_label("Reflection")).to_have_value("Typed while the connection was down.")
    expect(page.get_by_label("Title")).to_have_value("Offline")


def test_a_member_downloads_everything_they_wrote(
    page, live_server, world, sign_in, axe_check, shot
):
    JournalEntryFactory(author=world.member, title="First", body="The first reflection.")
    JournalEntryFactory(author=world.member, title="Second", body="The *second* one.")
    JournalEntryFactory(author=world.facilitator, title="Not hers", body="Fay's own note.")
    sign_in(page, live_server, world.member)

    page.goto(f"{live_server.url}/account/data/")
    expect(page.locator("h1")).to_have_text("My data")
    expect(page.locator("main")).to_contain_text("your 2 journal entries")
    axe_check(page)
    shot(page, "my-data")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"alsspace-my-data-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)

    with open(download.path(), "rb") as file:
        archive = zipfile.ZipFile(io.BytesIO(file.read()))
    markdown = sorted(name for name in archive.namelist() if name.endswith(".md"))
    assert len(markdown) == 2 and all(name.startswith("journal/") for name in markdown)
    assert "The *second* one." in archive.read(next(n for n in markdown if "second" in n)).decode()
    data = json.loads(archive.read("my-data.json"))
    assert {entry["title"] for entry in data["journal_entries"]} == {"First", "Second"}
    assert "Fay's own note." not in json.dumps(data)

    page.get_by_role("link", name="Erase my account…").click()
    expect(page.locator("h1")).to_have_text("Erase your account")
    axe_check(page)
    shot(page, "erase-account")
    assert JournalEntry.objects.filter(author=world.member).count() == 2


def test_a_facilitator_poses_a_prompt_a_member_writes_edits_and_deletes(
    page, browser, browser_context_args, live_server, world, sign_in, axe_check, shot
):
    sign_in(page, live_server, world.facilitator)
    page.goto(f"{live_server.url}/journal/prompts/")
    page.get_by_role("link", name="Pose a prompt to Set Alpha").click()
    expect(page.locator("h1")).to_have_text("Pose a prompt to Set Alpha")
    axe_check(page)
    shot(page, "prompt-pose")
    page.get_by_label("Question").fill("Where did you hold back today?")
    page.get_by_role("button", name="Pose the prompt").click()
    expect(page.locator("main")).to_contain_text("Nobody, you included, will see who writes")

    member = second_browser(browser, browser_context_args)
    sign_in(member, live_server, world.member)
    member.goto(f"{live_server.url}/journal/prompts/")
    card = member.locator("li.card", has_text="Where did you hold back today?")
    card.get_by_role("link", name="Write against this prompt").click()
    expect(member.get_by_label("Set")).to_have_value(str(world.learning_set.pk))
    member.get_by_label("Title").fill("Holding back")
    member.get_by_label("Reflection").fill("I did not ask the question about the board.")
    member.get_by_role("button", name="Save entry").click()

    member.get_by_role("link", name="Edit").click()
    expect(member.locator("h1")).to_have_text("Edit your entry")
    axe_check(member)
    shot(member, "journal-edit")
    member.get_by_label("Title").fill("Holding back, again")
    member.get_by_role("button", name="Save changes").click()
    expect(member.locator("h1")).to_have_text("Holding back, again")

    member.get_by_role("link", name="Delete").click()
    expect(member.locator("h1")).to_have_text("Delete “Holding back, again”?")
    axe_check(member)
    shot(member, "journal-delete")
    member.get_by_role("button", name="Delete the entry").click()
    expect(member.locator("main")).to_contain_text("The entry is deleted.")
    assert not JournalEntry.objects.filter(author=world.member).exists()
