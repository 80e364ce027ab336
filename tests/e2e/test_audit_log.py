"""The audit log in the browser: a facilitator removes a member and another member leaves by
themselves; the programme admin opens the log from the programme page, reads who acted on
whom, and filters it by what happened, a person and days, with a bad filter refused in
words. Every page visited is scanned with axe."""

from playwright.sync_api import expect

from alsspace.audit import record
from sets.audit_actions import SetAction


def test_an_admin_reads_and_filters_the_audit_log(
    page, live_server, world, sign_in, axe_check, shot
):
    alpha = world.learning_set
    record(
        SetAction.MEMBERSHIP_ENDED,
        actor=world.facilitator,
        programme=world.programme,
        subject=world.member.email,
        set=alpha.name,
        role="member",
    )
    record(
        SetAction.MEMBERSHIP_ENDED,
        actor=world.pending,
        programme=world.programme,
        subject=world.pending.email,
        set=alpha.name,
        role="member",
    )
    record(
        SetAction.INVITATION_SENT,
        actor=world.admin,
        programme=world.programme,
        subject="newcomer@example.org",
        set=alpha.name,
        role="member",
    )

    sign_in(page, live_server, world.admin)
    page.goto(f"{live_server.url}{world.programme.get_absolute_url()}")
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("h1")).to_have_text("Audit log")
    log = page.get_by_role("table", name="Audit events")
    removal = log.get_by_role("row").filter(has_text="Removed from a set")
    expect(removal).to_contain_text(world.facilitator.name)
    expect(removal).to_contain_text(f"Person: {world.member.name} ({world.member.email})")
    leaving = log.get_by_role("row").filter(has_text="Left a set")
    expect(leaving).to_contain_text("(themselves)")
    axe_check(page)
    shot(page, "audit-log")

    page.get_by_label("What happened").select_option(label="Left or removed from a set")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main")).to_contain_text("Events 1–2 of 2 that match the filters")
    expect(log).not_to_contain_text("newcomer@example.org")

    page.get_by_label("Person").fill(world.pending.name.split()[0])
    page.get_by_role("button", name="Show").click()
    expect(log.get_by_role("row")).to_have_count(2)  # the header and Pat's leaving
    expect(log).to_contain_text("Left a set")
    axe_check(page)
    shot(page, "audit-log-filtered")

    page.get_by_label("From").fill("2026-03-05")
    page.get_by_label("To").fill("2026-03-01")
    page.get_by_role("button", name="Show").click()
    main = page.locator("main")
    expect(main).to_contain_text("These filters cannot be used")
    expect(main).to_contain_text("The last day comes before the first.")
    axe_check(page)

    page.get_by_role("link", name="Clear", exact=True).click()
    page.set_viewport_size({"width": 390, "height": 844})
    expect(log.get_by_role("row")).to_have_count(4)
    axe_check(page)
    shot(page, "audit-log-phone")
