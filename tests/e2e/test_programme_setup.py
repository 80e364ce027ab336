"""Setting up a programme in the browser: a programme admin creates a programme and a set,
lands on the set's page, then imports the set's people from CSV; a bad file is refused whole,
with every row's reason, and a good one is previewed before anyone is invited. Every page
visited is scanned with axe."""

from playwright.sync_api import expect

from alsspace.models import AuditEvent
from sets.audit_actions import SetAction
from sets.models import Invitation, LearningSet, Programme

PROGRAMME = "Riverside NHS Leadership 2027"
SET_NAME = "Set Kestrel"

BAD_CSV = f"""name,email,set,role
Amina Okafor,amina.okafor@,{SET_NAME},member
Ben Hughes,ben.hughes@example.org,Set Nowhere,member
Carys Jones,carys.jones@example.org,{SET_NAME},member
Carys Jones,carys.jones@example.org,{SET_NAME},member
Dev Patel,dev.patel@example.org,{SET_NAME},observer
"""

GOOD_CSV = f"""name,email,set,role
Amina Okafor,amina.okafor@example.org,{SET_NAME},facilitator
Ben Hughes,ben.hughes@example.org,{SET_NAME},member
Carys Jones,carys.jones@example.org,{SET_NAME.upper()},
"""


def csv_file(text):
    return {"name": "members.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_an_admin_creates_a_programme_and_a_set_and_imports_its_people(
    page, live_server, world, mailoutbox, sign_in, axe_check, shot
):
    sign_in(page, live_server, world.admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").click()
    expect(page.locator("h1")).to_have_text("Programmes")
    expect(page.locator("main")).to_contain_text(world.programme.name)
    axe_check(page)
    shot(page, "programme-list")

    page.get_by_role("link", name="New programme").first.click()
    page.get_by_label("Name").fill(PROGRAMME)
    page.get_by_label("Organisation").fill("Riverside University Hospitals NHS Trust")
    page.get_by_label("Starts on").fill("2027-01-11")
    page.get_by_label("Ends on").fill("2027-12-10")
    axe_check(page)
    shot(page, "programme-new")
    page.get_by_role("button", name="Create programme").click()

    expect(page.locator("h1")).to_have_text(PROGRAMME)
    expect(page.locator(".messages")).to_contain_text(f"Programme “{PROGRAMME}” created")
    expect(page.locator("main")).to_contain_text("No sets yet")
    axe_check(page)
    shot(page, "programme-empty")
    programme = Programme.objects.get(name=PROGRAMME)
    assert list(programme.admins.all()) == [world.admin]

    page.get_by_role("link", name="New set").click()
    page.get_by_label("Name").fill(SET_NAME)
    page.get_by_label("Purpose").fill("Ward and service leads working on patient flow.")
    page.get_by_label("Usual place").fill("Education Centre, Room 4")
    axe_check(page)
    shot(page, "programme-new-set")
    page.get_by_role("button", name="Create set").click()

    # The new set opens on its own page, where its next step, inviting, is.
    expect(page.locator("h1")).to_contain_text(SET_NAME)
    expect(page.locator(".messages")).to_contain_text(f"Set “{SET_NAME}” created")
    expect(page.get_by_role("link", name="Invite someone").first).to_be_visible()
    axe_check(page)
    shot(page, "programme-set-created")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=PROGRAMME).click()
    sets_table = page.get_by_role("table", name=f"Sets in {PROGRAMME}")
    expect(sets_table).to_contain_text(SET_NAME)
    axe_check(page)
    shot(page, "programme-with-set")
    # On a phone the sets table scrolls in its own box; the page itself never scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 720})
    learning_set = LearningSet.objects.get(programme=programme, name=SET_NAME)

    page.get_by_role("link", name="Import members from CSV").click()
    expect(page.locator("h1")).to_have_text("Import members from CSV")
    axe_check(page)
    shot(page, "import-form")

    page.get_by_label("CSV file").set_input_files(csv_file(BAD_CSV))
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported: 4 rows need fixing")
    problems = page.get_by_role("table", name="Rows with problems")
    expected = {
        "2": "“amina.okafor@” is not a valid email address.",
        "3": "There is no set called “Set Nowhere” in this programme.",
        "5": "Duplicate of row 4: same email and set.",
        "6": "“observer” is not a role; use facilitator or member.",
    }
    rows = problems.locator("tbody tr")
    expect(rows).to_have_count(len(expected))
    for number, reason in expected.items():
        row = rows.filter(has=page.get_by_role("rowheader", name=number, exact=True))
        expect(row).to_contain_text(reason)
    # Row 4 is right; its duplicate, row 5, is the one to fix.
    expect(problems.get_by_role("rowheader", name="4", exact=True)).to_have_count(0)
    axe_check(page)
    shot(page, "import-bad-file")
    assert not Invitation.objects.filter(learning_set__programme=programme).exists()
    assert not AuditEvent.objects.filter(action=SetAction.MEMBERS_IMPORTED).exists()
    assert mailoutbox == []

    page.get_by_label("CSV file").set_input_files(csv_file(GOOD_CSV))
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("table", name="Who will be invited")).to_contain_text("Amina Okafor")
    assert not Invitation.objects.filter(learning_set__programme=programme).exists()
    page.get_by_role("button", name="Invite 3 people").click()

    expect(page.locator("h1")).to_have_text(PROGRAMME)
    expect(page.locator(".messages")).to_contain_text("Invited 3 people.")
    axe_check(page)
    shot(page, "import-done")
    invited = {
        (invitation.email, invitation.role)
        for invitation in Invitation.objects.filter(learning_set=learning_set)
    }
    assert invited == {
        ("amina.okafor@example.org", "facilitator"),
        ("ben.hughes@example.org", "member"),
        ("carys.jones@example.org", "member"),
    }
    assert sorted(address for message in mailoutbox for address in message.to) == [
        "amina.okafor@example.org",
        "ben.hughes@example.org",
        "carys.jones@example.org",
    ]
    assert AuditEvent.objects.filter(
        action=SetAction.MEMBERS_IMPORTED, programme_id=programme.pk
    ).exists()

    sets_table.get_by_role("link", name=SET_NAME, exact=True).click()
    expect(page.locator("h1")).to_contain_text(SET_NAME)
    invitations = page.get_by_role("region", name="Open invitations")
    for name in ("Amina Okafor", "Ben Hughes", "Carys Jones"):
        expect(invitations).to_contain_text(name)
    expect(invitations.locator("li")).to_have_count(3)
    axe_check(page)
    shot(page, "import-set-invitations")
