"""A programme admin invites their own address to a set, in the browser: the invitation waits,
the set's facilitator approves it on its page, the admin joins, and the set's members see who
joined and who let them in. Every page visited is scanned with axe."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from alsspace.models import AuditEvent
from sets.audit_actions import SetAction
from sets.models import Membership

LINK = re.compile(r"https?://\S+/invitations/\S+/")


def path_in(message):
    """The path of the one link in an email; the live server has its own address."""
    (link,) = LINK.findall(message.body)
    return urlsplit(link).path


def sign_out(page):
    page.get_by_role("button", name=re.compile("Account menu for")).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_an_admin_who_invites_themselves_waits_for_the_facilitator(
    page, live_server, world, mailoutbox, sign_in, axe_check, shot
):
    learning_set = world.learning_set
    set_url = f"{live_server.url}/sets/{learning_set.pk}/"
    admin = world.admin

    sign_in(page, live_server, admin)
    page.goto(set_url)
    page.get_by_role("link", name="Invite someone").first.click()
    page.get_by_label("Name").fill(admin.name)
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Role").select_option("facilitator")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.locator(".messages")).to_contain_text("another programme admin or the set's")
    invitations = page.get_by_role("region", name="Open invitations")
    expect(invitations).to_contain_text("Awaiting approval")
    expect(invitations.get_by_role("link", name=re.compile("Approve or decline"))).to_have_count(0)
    expect(invitations.get_by_role("button", name=re.compile("Resend"))).to_have_count(0)
    axe_check(page)
    shot(page, "own-access-awaiting")
    # Only the facilitator is asked; nothing reaches the admin's own address yet.
    assert [message.to for message in mailoutbox] == [[world.facilitator.email]]
    approval = path_in(mailoutbox[0])
    sign_out(page)

    sign_in(page, live_server, world.facilitator)
    page.goto(set_url)
    page.get_by_role("link", name=re.compile("Approve or decline")).click()
    expect(page).to_have_url(f"{live_server.url}{approval}")
    expect(page.locator("h1")).to_have_text("Approve an invitation")
    expect(page.locator("main")).to_contain_text(f"{admin.name} has invited their own address")
    axe_check(page)
    shot(page, "own-access-approval")
    page.get_by_role("button", name="Approve and send the invitation").click()
    expect(page).to_have_url(set_url)
    expect(page.locator(".messages")).to_contain_text(f"on its way to {admin.email}")
    sign_out(page)

    assert mailoutbox[-1].to == [admin.email]
    link = path_in(mailoutbox[-1])
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}{link}")
    page.get_by_role("button", name=f"Join {learning_set.name}").click()
    expect(page).to_have_url(set_url)
    sign_out(page)

    membership = Membership.objects.current().get(learning_set=learning_set, user=admin)
    assert membership.granted_by == world.facilitator
    told = {address for message in mailoutbox[-3:] for address in message.to}
    assert told == {world.facilitator.email, world.member.email, world.pending.email}
    assert AuditEvent.objects.filter(
        action=SetAction.ACCESS_APPROVED, actor=world.facilitator
    ).exists()

    sign_in(page, live_server, world.member)
    page.goto(set_url)
    notice = page.get_by_role("note").filter(has_text="New in this set")
    expect(notice).to_contain_text(f"{admin.name} joined as facilitator")
    expect(notice).to_contain_text(f"let in by {world.facilitator.name}")
    axe_check(page)
    shot(page, "own-access-announced")
