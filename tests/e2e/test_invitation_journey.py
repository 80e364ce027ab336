"""The invitation journey in the browser: a facilitator invites someone new, who opens the
emailed link, creates an account, accepts the set's contract and sees the set. Every page
visited is scanned with axe."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from alsspace.models import AuditEvent
from sets.audit_actions import SetAction
from sets.forms.learning_sets import CONTRACT_STARTER
from sets.models import ContractAcceptance, Invitation, Membership

INVITEE_NAME = "Nadia Newcomer"
INVITEE_EMAIL = "nadia.newcomer@example.org"
INVITEE_PASSWORD = "a long and private passphrase"
MUST_ACCEPT = "Please read and accept the set’s contract"
LINK = re.compile(r"https?://\S+/invitations/\S+/")


def invitation_path(message):
    """The path of the invitation link in an email; the live server has its own address."""
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    return urlsplit(links[0]).path


def sign_out(page):
    page.get_by_role("button", name=re.compile("Account menu for")).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def test_an_invited_person_signs_up_accepts_the_contract_and_sees_the_set(
    page, live_server, world, mailoutbox, sign_in, axe_check, shot
):
    learning_set = world.learning_set
    # The ground rules as a facilitator would write them up, so the contract page reads true.
    world.contract.text = CONTRACT_STARTER.format(quorum=learning_set.quorum)
    world.contract.save(update_fields=["text"])
    sign_in(page, live_server, world.facilitator)
    page.get_by_role("link", name=f"Open {learning_set.name}").click()
    expect(page.locator("h1")).to_contain_text(learning_set.name)
    axe_check(page)
    shot(page, "invitation-set-facilitator")

    page.get_by_role("link", name="Invite someone").first.click()
    expect(page.locator("h1")).to_have_text(f"Invite someone to {learning_set.name}")
    page.get_by_label("Name").fill(INVITEE_NAME)
    page.get_by_label("Email").fill(INVITEE_EMAIL)
    axe_check(page)
    shot(page, "invitation-invite-form")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.locator(".messages")).to_contain_text(f"Invitation sent to {INVITEE_NAME}")
    invitations = page.get_by_role("region", name="Open invitations")
    expect(invitations).to_contain_text(INVITEE_EMAIL)
    axe_check(page)
    shot(page, "invitation-sent")

    # The email is sent after the invitation's transaction commits, which the live server's
    # real transactions do.
    assert [message.to for message in mailoutbox] == [[INVITEE_EMAIL]]
    email = mailoutbox[0]
    assert learning_set.name in email.subject
    assert INVITEE_NAME in email.body
    link = invitation_path(email)

    sign_out(page)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.goto(f"{live_server.url}{link}")
    expect(page).to_have_url(f"{live_server.url}/accounts/signup/")
    expect(page.locator("h1")).to_have_text("Create your account")
    expect(page.get_by_label("Your name")).to_have_value(INVITEE_NAME)
    expect(page.get_by_label("Email")).to_have_value(INVITEE_EMAIL)
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(INVITEE_PASSWORD)
    page.get_by_label("Password (again)").fill(INVITEE_PASSWORD)
    axe_check(page)
    shot(page, "invitation-signup")
    page.get_by_role("button", name="Create account").click()

    # A new account's first page is the set's contract: nothing else opens before it.
    expect(page).to_have_url(f"{live_server.url}/sets/{learning_set.pk}/contract/")
    expect(page.locator("h1")).to_have_text(f"The contract of {learning_set.name}")
    expect(page.locator("article")).to_contain_text("What is said in the set stays in the set.")
    expect(page.locator("main")).to_contain_text("You have not accepted this version yet")
    axe_check(page)
    shot(page, "invitation-contract")
    page.get_by_role("button", name="I accept this contract").click()

    expect(page).to_have_url(f"{live_server.url}/sets/{learning_set.pk}/")
    expect(page.locator(".messages")).to_contain_text("you have accepted version 1")
    roster = page.get_by_role("region", name="People")
    for name in (world.facilitator.name, world.member.name, world.pending.name, INVITEE_NAME):
        expect(roster).to_contain_text(name)
    expect(roster).not_to_contain_text(world.former.name)
    expect(page.get_by_role("region", name=MUST_ACCEPT)).to_have_count(0)
    expect(page.get_by_role("region", name="Open invitations")).to_have_count(0)
    axe_check(page)
    shot(page, "invitation-set-joined")

    membership = Membership.objects.current().get(
        learning_set=learning_set, user__email=INVITEE_EMAIL
    )
    newcomer = membership.user
    assert (newcomer.name, membership.role) == (INVITEE_NAME, Membership.Role.MEMBER)
    assert newcomer.emailaddress_set.get(primary=True).verified
    assert ContractAcceptance.objects.filter(contract=world.contract, user=newcomer).exists()
    invitation = Invitation.objects.get(email=INVITEE_EMAIL)
    assert invitation.accepted_by == newcomer
    audited = set(AuditEvent.objects.filter(subject=INVITEE_EMAIL).values_list("action", flat=True))
    assert {
        SetAction.INVITATION_SENT,
        SetAction.MEMBERSHIP_ADDED,
        SetAction.INVITATION_ACCEPTED,
    } <= audited

    # The link worked once; opened again, by anyone, it says so.
    sign_out(page)
    response = page.goto(f"{live_server.url}{link}")
    assert response.status == 410
    expect(page.locator("h1")).to_have_text("This invitation has already been used")
    axe_check(page)
    shot(page, "invitation-already-used")
