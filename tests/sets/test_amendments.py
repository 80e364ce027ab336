"""The contract the set negotiates: members propose changes, the facilitator adopts them as
minor or material versions or declines them with a reason, and everyone reads the history and
what changed (docs/product.md#contracts)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from alsspace.crypto import raw_tokens
from alsspace.models import AuditEvent
from sets import amendments
from sets.audit_actions import SetAction as Action
from sets.models import Amendment, Contract, ContractAcceptance, LearningSet
from sets.services import accept_contract, new_contract_version

ORIGINAL = "What is said in the set stays in the set."
PROPOSED = "What is said in the set stays in the set, and in the room."
REASON = "Zoom calls from home: our families can overhear."


def may_see_content(user, learning_set):
    fresh = get_user_model().objects.get(pk=user.pk)
    return fresh.has_perm("sets.view_content_learningset", learning_set)


def create_url(world):
    return reverse("sets:amendment_create", args=[world.learning_set.pk])


def amendment_url(world, amendment):
    return reverse("sets:amendment", args=[world.learning_set.pk, amendment.pk])


def history_url(world, query=""):
    return reverse("sets:contract_history", args=[world.learning_set.pk]) + query


@pytest.fixture
def proposal(world):
    return amendments.propose_amendment(
        world.learning_set, text=PROPOSED, reason=REASON, actor=world.member
    )


# Proposing


def test_a_member_under_the_contract_proposes_a_change(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.member)
    form = client.get(create_url(world)).context["form"]
    assert form["text"].value() == ORIGINAL
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(world), {"text": PROPOSED, "reason": REASON})
    amendment = Amendment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == amendment_url(world, amendment)
    assert (amendment.text, amendment.reason, amendment.proposed_by) == (
        PROPOSED,
        REASON,
        world.member,
    )
    assert (amendment.based_on, amendment.status) == (world.contract, "open")
    event = AuditEvent.objects.get(action=Action.AMENDMENT_PROPOSED)
    assert (event.actor, event.subject) == (world.member, world.learning_set.name)
    assert REASON not in str(event.detail)
    # The facilitator is told, without the words.
    assert [m.to for m in mailoutbox] == [[world.facilitator.email]]
    assert "Maya Member proposes a change" in mailoutbox[0].subject
    assert REASON not in mailoutbox[0].body and PROPOSED not in mailoutbox[0].body
    assert amendment_url(world, amendment) in mailoutbox[0].body


def test_what_a_proposal_says_is_encrypted_at_rest(world, proposal):
    stored = dict(raw_tokens(Amendment, ["text", "reason"]).get(pk=proposal.pk))
    assert PROPOSED not in str(stored) and REASON not in str(stored)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": PROPOSED, "reason": ""}, "Say why you propose this change."),
        ({"text": "", "reason": REASON}, "Write the contract as you propose it."),
        ({"text": ORIGINAL, "reason": REASON}, "This is the same as version 1"),
        ({"text": "x" * 20_001, "reason": REASON}, "at most 20000 characters"),
    ],
)
def test_a_bad_proposal_is_refused_with_nothing_written(client, world, data, message):
    client.force_login(world.member)
    response = client.post(create_url(world), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Amendment.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("pending", 403), ("facilitator", 403), ("admin", 403), ("former", 404), ("outsider", 404)],
)
def test_only_members_under_the_contract_propose(client, world, role, status):
    client.force_login(getattr(world, role))
    assert client.get(create_url(world)).status_code == status
    assert client.post(create_url(world), {"text": PROPOSED, "reason": REASON}).status_code == (
        status
    )
    assert not Amendment.objects.exists()


def test_a_closed_set_takes_no_proposals(client, world):
    LearningSet.objects.filter(pk=world.learning_set.pk).update(status="closed")
    client.force_login(world.member)
    assert client.get(create_url(world)).status_code == 403


# Reading proposals


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("member", 200),
        ("facilitator", 200),
        ("pending", 403),
        ("admin", 403),
        ("former", 404),
        ("outsider", 404),
        ("other_member", 404),
    ],
)
def test_the_set_under_its_contract_reads_proposals(client, world, proposal, role, status):
    client.force_login(getattr(world, role))
    response = client.get(amendment_url(world, proposal))
    assert response.status_code == status
    assert (REASON in response.content.decode()) == (status == 200)
    contract_page = client.get(reverse("sets:contract", args=[world.learning_set.pk]))
    listed = "Proposed by Maya Member" in contract_page.content.decode()
    assert listed == (role in ("member", "facilitator"))


def test_a_proposal_shows_what_it_changes_word_by_word(client, world, proposal):
    client.force_login(world.facilitator)
    body = client.get(amendment_url(world, proposal)).content.decode()
    assert '<del><span class="diff-label">removed</span>set.</del>' in body
    assert '<ins><span class="diff-label">added</span>set, and in the room.</ins>' in body


# Adopting and declining


def adopt(
    client, world, amendment, change, text=PROPOSED, note="Agreed at the May meeting.", version=1
):
    return client.post(
        amendment_url(world, amendment),
        {
            "op": "adopt",
            "adopt-text": text,
            "adopt-change": change,
            "adopt-note": note,
            "adopt-version": version,
        },
    )


def test_adopted_as_minor_nobody_is_locked_out(
    client, world, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = adopt(client, world, proposal, "minor")
    assert response.status_code == 302
    assert response["Location"] == reverse("sets:contract", args=[world.learning_set.pk])
    contract = Contract.objects.filter(learning_set=world.learning_set).latest()
    assert (contract.version, contract.text, contract.change) == (2, PROPOSED, "minor")
    assert contract.note == "Agreed at the May meeting."
    proposal.refresh_from_db()
    assert (proposal.status, proposal.adopted_as, proposal.decided_by) == (
        "adopted",
        contract,
        world.facilitator,
    )
    # The member who had accepted stays in; the pending member still has to accept.
    assert may_see_content(world.member, world.learning_set)
    assert not may_see_content(world.pending, world.learning_set)
    carried = ContractAcceptance.objects.get(contract=contract)
    assert (carried.user, carried.carried_over) == (world.member, True)
    assert AuditEvent.objects.filter(action=Action.CONTRACT_MINOR_VERSION).count() == 1
    adopted = AuditEvent.objects.get(action=Action.AMENDMENT_ADOPTED)
    assert adopted.detail["change"] == "minor" and adopted.detail["version"] == 2
    # Everyone in the set but the facilitator is told; nobody is asked to accept again.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.member.email, world.pending.email])
    body = mailoutbox[0].body
    assert "minor change" in body and PROPOSED not in body


def test_adopted_as_material_everyone_accepts_again(
    client, world, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        assert adopt(client, world, proposal, "material").status_code == 302
    assert not may_see_content(world.member, world.learning_set)
    assert AuditEvent.objects.filter(action=Action.CONTRACT_VERSION).count() == 1
    assert "material change" in mailoutbox[-1].body
    client.force_login(world.member)
    body = client.get(reverse("sets:contract", args=[world.learning_set.pk])).content.decode()
    assert "I accept this contract" in body
    assert "See what changed since version 1, which you accepted" in body


def test_the_facilitator_may_reword_a_proposal_as_they_adopt_it(client, world, proposal):
    client.force_login(world.facilitator)
    adopt(client, world, proposal, "minor", text="What is said here stays here, in the room.")
    assert Contract.objects.filter(learning_set=world.learning_set).latest().text == (
        "What is said here stays here, in the room."
    )


@pytest.mark.parametrize(
    ("change", "text", "message"),
    [
        ("", PROPOSED, "Choose whether the change is minor or material."),
        ("typo", PROPOSED, "Choose whether the change is minor or material."),
        ("minor", ORIGINAL, "This is the same as version 1"),
        ("minor", "", "Write the ground rules the set has agreed."),
    ],
)
def test_a_bad_adoption_is_refused_with_nothing_written(
    client, world, proposal, change, text, message
):
    client.force_login(world.facilitator)
    response = adopt(client, world, proposal, change, text=text)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Contract.objects.filter(learning_set=world.learning_set).count() == 1
    proposal.refresh_from_db()
    assert proposal.is_open


def test_declining_needs_a_reason_the_set_reads(
    client, world, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.facilitator)
    url = amendment_url(world, proposal)
    response = client.post(url, {"op": "decline", "decline-reason": "  "})
    assert response.status_code == 400
    assert "Say why the proposal is declined" in response.content.decode()
    assert Amendment.objects.get().is_open
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"op": "decline", "decline-reason": "Rule 1 covers it already."}
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_reason) == ("declined", "Rule 1 covers it already.")
    assert Contract.objects.filter(learning_set=world.learning_set).count() == 1
    assert AuditEvent.objects.filter(action=Action.AMENDMENT_DECLINED).count() == 1
    assert world.member.email in [m.to[0] for m in mailoutbox]
    assert "declined" in mailoutbox[0].subject
    client.force_login(world.member)
    assert "Rule 1 covers it already." in client.get(url).content.decode()


def test_a_proposal_is_decided_once(client, world, proposal):
    client.force_login(world.facilitator)
    url = amendment_url(world, proposal)
    assert client.post(url, {"op": "decline", "decline-reason": "No."}).status_code == 302
    response = adopt(client, world, proposal, "minor")
    assert response.status_code == 409
    assert "already been declined" in response.content.decode()
    assert Contract.objects.filter(learning_set=world.learning_set).count() == 1


def test_members_neither_adopt_nor_decline(client, world, proposal):
    client.force_login(world.member)
    assert adopt(client, world, proposal, "minor").status_code == 403
    url = amendment_url(world, proposal)
    assert client.post(url, {"op": "decline", "decline-reason": "No"}).status_code == 403
    assert Amendment.objects.get().is_open


def test_the_proposer_may_withdraw_an_open_proposal(client, world, proposal):
    client.force_login(world.facilitator)
    url = amendment_url(world, proposal)
    assert client.post(url, {"op": "withdraw"}).status_code == 403
    client.force_login(world.member)
    assert client.post(url, {"op": "withdraw"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    assert AuditEvent.objects.filter(action=Action.AMENDMENT_WITHDRAWN).count() == 1


def test_a_proposal_on_an_older_version_shows_what_adopting_it_now_would_do(
    client, world, proposal
):
    new_contract_version(
        world.learning_set, "Confidentiality first.", change="material", actor=world.facilitator
    )
    client.force_login(world.facilitator)
    body = client.get(amendment_url(world, proposal)).content.decode()
    assert "Against the contract as it is now (version 2)" in body


# The facilitator's own edits


def test_a_minor_edit_keeps_everyone_in(client, world):
    client.force_login(world.facilitator)
    response = client.post(
        reverse("sets:contract_edit", args=[world.learning_set.pk]),
        {"text": "What is said in the set stays within the set.", "change": "minor"},
    )
    assert response.status_code == 302
    assert "saved as a minor change" in client.get(response["Location"]).content.decode()
    assert may_see_content(world.member, world.learning_set)
    event = AuditEvent.objects.get(action=Action.CONTRACT_MINOR_VERSION)
    assert event.detail == {"version": 2, "change": "minor"}


def test_an_edit_must_say_minor_or_material(client, world):
    client.force_login(world.facilitator)
    url = reverse("sets:contract_edit", args=[world.learning_set.pk])
    response = client.post(url, {"text": "Something else."})
    assert response.status_code == 400
    assert "Choose whether the change is minor or material." in response.content.decode()
    assert Contract.objects.filter(learning_set=world.learning_set).count() == 1


def test_the_first_version_is_always_accepted_afresh(world):
    learning_set = LearningSet.objects.create(programme=world.programme, name="Set Gamma")
    contract = new_contract_version(
        learning_set, "Our rules.", change="minor", actor=world.facilitator
    )
    assert contract.change == "material"


def test_accepting_a_version_a_minor_edit_has_since_reworded_accepts_that_too(client, world):
    client.force_login(world.pending)
    page = client.get(reverse("sets:contract", args=[world.learning_set.pk]))
    assert page.status_code == 200
    new_contract_version(
        world.learning_set, "Reworded rules.", change="minor", actor=world.facilitator
    )
    # Read at version 1, accepted as the reworded version 2 was saved: both are accepted.
    accept_contract(world.contract, actor=world.pending)
    assert may_see_content(world.pending, world.learning_set)


# History and differences


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("member", 200),
        ("pending", 200),
        ("facilitator", 200),
        ("admin", 403),
        ("former", 404),
        ("outsider", 404),
    ],
)
def test_everyone_who_reads_the_contract_reads_its_history(client, world, role, status):
    new_contract_version(
        world.learning_set,
        "What is said in the set stays in this set.",
        change="minor",
        note="A typo.",
        actor=world.facilitator,
    )
    client.force_login(getattr(world, role))
    response = client.get(history_url(world))
    assert response.status_code == status
    body = response.content.decode()
    assert ("What changed from version 1 to version 2" in body) == (status == 200)
    assert ("A typo." in body) == (status == 200)


def test_any_two_versions_are_compared_in_either_order(client, world):
    for text in ["Rule one.\n\nRule two.", "Rule one.\n\nRule two.\n\nRule three."]:
        new_contract_version(world.learning_set, text, change="material", actor=world.facilitator)
    client.force_login(world.member)
    body = client.get(history_url(world, "?from=4&to=1")).content.decode()
    assert "What changed from version 1 to version 4" not in body  # no version 4
    response = client.get(history_url(world, "?from=3&to=1"))
    assert response.context["before"].version == 1
    assert response.context["after"].version == 3
    assert "Paragraph added: " in response.content.decode()
    assert "Rule three." in response.content.decode()


@pytest.mark.parametrize("query", ["?from=abc&to=x", "?from=-1", "?to=99999999999999999999"])
def test_odd_version_numbers_fall_back_to_the_latest_change(client, world, query):
    new_contract_version(world.learning_set, "New.", change="minor", actor=world.facilitator)
    client.force_login(world.member)
    response = client.get(history_url(world, query))
    assert response.status_code == 200
    assert response.context["after"].version == 2


def test_the_set_page_tells_the_facilitator_a_proposal_waits(client, world, proposal):
    client.force_login(world.facilitator)
    body = client.get(world.learning_set.get_absolute_url()).content.decode()
    assert "1 proposed change to the contract waits for your decision." in body
    client.force_login(world.member)
    body = client.get(world.learning_set.get_absolute_url()).content.decode()
    assert "waits for your decision" not in body
    amendments.decline_amendment(proposal, reason="No.", actor=world.facilitator)
    client.force_login(world.facilitator)
    body = client.get(world.learning_set.get_absolute_url()).content.decode()
    assert "waits for your decision" not in body


def test_programme_admins_see_that_the_contract_changed_never_how(client, world, proposal):
    amendments.adopt_amendment(
        proposal, text=PROPOSED, change="minor", note="Tidier wording.", actor=world.facilitator
    )
    client.force_login(world.admin)
    body = client.get(reverse("sets:audit", args=[world.programme.pk])).content.decode()
    assert "Proposed a change to the contract of" in body
    assert "Adopted a proposed change to the contract of" in body
    assert "Reworded the contract (a minor change) of" in body
    for text in (PROPOSED, REASON, "Tidier wording."):
        assert text not in body


def test_a_proposal_read_against_an_older_version_is_not_adopted_over_a_newer_one(
    client, world, proposal
):
    client.force_login(world.facilitator)
    assert client.get(amendment_url(world, proposal)).context["adopt_form"]["version"].value() == 1
    new_contract_version(
        world.learning_set, "Confidentiality first.", change="material", actor=world.facilitator
    )
    response = adopt(client, world, proposal, "minor", version=1)
    assert response.status_code == 409
    body = response.content.decode()
    assert "The contract changed to version 2 while you were reading." in body
    assert "Against the contract as it is now (version 2)" in body
    assert Contract.objects.filter(learning_set=world.learning_set).latest().version == 2
    assert Amendment.objects.get().is_open
    assert response.context["adopt_form"]["version"].value() == 2
    assert adopt(client, world, proposal, "minor", version=2).status_code == 302
