"""Reading, accepting and versioning a set's contract."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from alsspace.models import AuditEvent
from sets.audit_actions import SetAction
from sets.models import Contract, ContractAcceptance, LearningSet

CONTRACT_STATUS = {
    "admin": 403,  # may see the set, never the contract text
    "facilitator": 200,
    "member": 200,
    "pending": 200,
    "former": 404,
    "outsider": 404,
    "other_member": 404,
}
EDIT_STATUS = {**CONTRACT_STATUS, "member": 403, "pending": 403}


def contract_url(world):
    return reverse("sets:contract", args=[world.learning_set.pk])


def edit_url(world):
    return reverse("sets:contract_edit", args=[world.learning_set.pk])


def may_see_content(user, learning_set):
    fresh = get_user_model().objects.get(pk=user.pk)  # no standing cached from earlier requests
    return fresh.has_perm("sets.view_content_learningset", learning_set)


def close(learning_set):
    learning_set.status = LearningSet.Status.CLOSED
    learning_set.save()


# Reading


@pytest.mark.parametrize(("role", "status"), CONTRACT_STATUS.items())
def test_who_reads_the_contract(client, world, role, status):
    client.force_login(getattr(world, role))
    response = client.get(contract_url(world))
    assert response.status_code == status
    assert (world.contract.text in response.content.decode()) == (status == 200)


def test_the_text_is_escaped_and_keeps_its_paragraphs(client, world):
    world.contract.text = "<script>alert('x')</script>\n\nSecond rule & more"
    world.contract.save()
    client.force_login(world.member)
    body = client.get(contract_url(world)).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    assert "<p>Second rule &amp; more</p>" in body
    assert "Version 1" in body


def test_an_accepted_member_sees_that_they_accepted(client, world):
    client.force_login(world.member)
    body = client.get(contract_url(world)).content.decode()
    assert "You have accepted version 1" in body
    assert "I accept this contract" not in body
    assert "Edit contract" not in body
    assert "Who has accepted" not in body


def test_a_facilitator_sees_who_has_accepted(client, world):
    client.force_login(world.facilitator)
    response = client.get(contract_url(world))
    body = response.content.decode()
    assert [m.user for m in response.context["accepted_members"]] == [world.member]
    assert [m.user for m in response.context["waiting_members"]] == [world.pending]
    assert "Who has accepted version 1" in body
    assert "Edit contract" in body
    assert "I accept this contract" not in body


def test_with_no_contract_members_are_told_it_comes_at_the_first_meeting(client, world):
    Contract.objects.filter(learning_set=world.learning_set).delete()
    client.force_login(world.pending)
    body = client.get(contract_url(world)).content.decode()
    assert "will draft the contract with the set at the first meeting" in body
    assert "I accept this contract" not in body
    response = client.post(contract_url(world), {"version": "1"})
    assert response.status_code == 400
    assert not ContractAcceptance.objects.filter(user=world.pending).exists()


# Accepting


def test_a_pending_member_accepts(client, world):
    assert not may_see_content(world.pending, world.learning_set)
    client.force_login(world.pending)
    body = client.get(contract_url(world)).content.decode()
    assert "You have not accepted this version yet" in body
    assert "I accept this contract" in body

    response = client.post(contract_url(world), {"version": "1"})
    assert response.status_code == 302
    assert response["Location"] == world.learning_set.get_absolute_url()
    assert ContractAcceptance.objects.filter(contract=world.contract, user=world.pending).exists()
    event = AuditEvent.objects.get(action=SetAction.CONTRACT_ACCEPTED)
    assert event.actor == world.pending
    assert event.detail == {"version": 1}
    assert may_see_content(world.pending, world.learning_set)
    assert "Please read and accept" not in client.get(response["Location"]).content.decode()


def test_accepting_a_version_that_has_since_changed_is_refused(client, world):
    Contract.objects.create(learning_set=world.learning_set, version=2, text="New rules")
    client.force_login(world.pending)
    response = client.post(contract_url(world), {"version": "1"})
    assert response.status_code == 400
    assert "The contract has changed since you opened it" in response.content.decode()
    assert not ContractAcceptance.objects.filter(user=world.pending).exists()


@pytest.mark.parametrize("version", ["", "two", "-1"])
def test_a_hand_made_acceptance_is_refused(client, world, version):
    client.force_login(world.pending)
    assert client.post(contract_url(world), {"version": version}).status_code == 400
    assert not ContractAcceptance.objects.filter(user=world.pending).exists()


@pytest.mark.parametrize(
    ("role", "status"), [("facilitator", 403), ("admin", 403), ("former", 404)]
)
def test_only_members_accept(client, world, role, status):
    client.force_login(getattr(world, role))
    assert client.post(contract_url(world), {"version": "1"}).status_code == status
    assert not AuditEvent.objects.exists()


def test_a_closed_set_takes_no_acceptances(client, world):
    close(world.learning_set)
    client.force_login(world.pending)
    body = client.get(contract_url(world)).content.decode()
    assert "I accept this contract" not in body
    assert client.post(contract_url(world), {"version": "1"}).status_code == 403
    assert not ContractAcceptance.objects.filter(user=world.pending).exists()


# Editing


@pytest.mark.parametrize(("role", "status"), EDIT_STATUS.items())
def test_who_edits_the_contract(client, world, role, status):
    client.force_login(getattr(world, role))
    assert client.get(edit_url(world)).status_code == status


def test_the_editor_starts_from_the_current_text(client, world):
    client.force_login(world.facilitator)
    response = client.get(edit_url(world))
    assert response.context["form"]["text"].value() == world.contract.text
    assert "Save as version 2" in response.content.decode()


def test_with_no_contract_the_editor_offers_a_starting_point(client, world):
    Contract.objects.filter(learning_set=world.learning_set).delete()
    world.learning_set.quorum = 4
    world.learning_set.save()
    client.force_login(world.facilitator)
    text = client.get(edit_url(world)).context["form"]["text"].value()
    for ground_rule in ["Confidentiality", "limits", "apologies", "Punctuality", "Airtime"]:
        assert ground_rule in text
    assert "at least 4 members" in text


def test_a_new_version_asks_everyone_to_accept_again(client, world):
    assert may_see_content(world.member, world.learning_set)
    client.force_login(world.facilitator)
    response = client.post(edit_url(world), {"text": "  Version two of our rules.\r\n\r\nMore.  "})
    assert response.status_code == 302
    assert response["Location"] == contract_url(world)
    latest = Contract.objects.filter(learning_set=world.learning_set).latest()
    assert latest.version == 2
    assert latest.text == "Version two of our rules.\n\nMore."
    assert latest.created_by == world.facilitator
    event = AuditEvent.objects.get(action=SetAction.CONTRACT_VERSION)
    assert event.actor == world.facilitator
    assert event.detail == {"version": 2}
    assert "must now accept it again" in client.get(response["Location"]).content.decode()

    assert not may_see_content(world.member, world.learning_set)
    assert may_see_content(world.facilitator, world.learning_set)
    client.force_login(world.member)
    body = client.get(contract_url(world)).content.decode()
    assert "Version two of our rules." in body
    assert "I accept this contract" in body


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the ground rules the set has agreed."),
        ("   \r\n  ", "Write the ground rules the set has agreed."),
        ("What is said in the set stays in the set.", "This is the same as version 1."),
        ("x" * 20_001, "at most 20000 characters"),
    ],
)
def test_empty_unchanged_or_oversized_text_is_refused(client, world, text, message):
    client.force_login(world.facilitator)
    response = client.post(edit_url(world), {"text": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Contract.objects.filter(learning_set=world.learning_set).count() == 1
    assert not AuditEvent.objects.exists()


def test_a_closed_set_keeps_its_contract(client, world):
    close(world.learning_set)
    client.force_login(world.facilitator)
    assert client.get(edit_url(world)).status_code == 403
    assert client.post(edit_url(world), {"text": "Changed after closing"}).status_code == 403
    assert Contract.objects.filter(learning_set=world.learning_set).count() == 1
    body = client.get(contract_url(world)).content.decode()
    assert "This set is closed" in body
    assert "Edit contract" not in body
