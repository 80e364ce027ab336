"""A programme admin's housekeeping: an import previewed before anyone is invited, a
facilitator assigned from the programme's own people, and a new set that opens on its page."""

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alsspace.models import AuditEvent
from sets import imports
from sets.audit_actions import SetAction as Action
from sets.models import Invitation, LearningSet, Membership
from tests.alsspace.creating_forms import SET_DATA
from tests.factories import InvitationFactory, MembershipFactory, SetFactory, UserFactory

FILE = (
    "name,email,set,role\n"
    "Nia Newcomer,nia@example.org,Set Alpha,member\n"
    "Ravi Rao,ravi@example.org,Set Beta,facilitator\n"
)


def preview(client, world, text=FILE):
    client.force_login(world.admin)
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("sets:import_members", args=[world.programme.pk]), {"file": upload})


def confirm(client, world, payload):
    url = reverse("sets:import_confirm", args=[world.programme.pk])
    return client.post(url, {"preview": payload})


def payload_of(response):
    return response.context["confirm_form"].initial["preview"]


def test_a_preview_shows_who_goes_where_and_sends_nothing(client, world):
    response = preview(client, world)
    assert response.status_code == 200
    body = " ".join(response.content.decode().split())
    assert "Nothing has been sent yet." in body
    assert "<td>Nia Newcomer</td> <td>nia@example.org</td> <td>Set Alpha</td> <td>Member</td>" in (
        body
    )
    assert "<td>Set Beta</td> <td>Facilitator</td>" in body
    assert "Invite 2 people" in body
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action=Action.MEMBERS_IMPORTED).exists()


def test_confirming_invites_what_the_preview_showed(
    client, world, django_capture_on_commit_callbacks
):
    shown = preview(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, world, payload_of(shown))
    assert response.status_code == 302
    assert response["Location"] == world.programme.get_absolute_url()
    assert sorted(Invitation.objects.values_list("email", "role")) == [
        ("nia@example.org", "member"),
        ("ravi@example.org", "facilitator"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["nia@example.org", "ravi@example.org"]


def test_warnings_name_sets_past_eight_or_below_four(client, world):
    # Set Alpha has two members now (Maya and Pat); with one invited and six in the file it
    # would have nine. Set Beta has one, and the file brings no member to it.
    InvitationFactory(learning_set=world.learning_set)
    rows = "".join(f"P{n},p{n}@example.org,Set Alpha,member\n" for n in range(6))
    response = preview(
        client, world, FILE.replace("Nia Newcomer,nia@example.org,Set Alpha,member\n", rows)
    )
    assert response.status_code == 200
    warnings = response.context["warnings"]
    assert warnings == [
        "Set Alpha: The set has 2 members, with 1 more invited and 6 more in this file: more "
        "than 8. Sets work best with 4 to 8 members, so that each has airtime at every meeting.",
        "Set Beta: The set has 1 member: fewer than 4. Sets work best with 4 to 8 members, "
        "enough for both challenge and support.",
    ]
    assert "Worth a second look" in response.content.decode()
    # Warnings, never refusals: the import goes ahead.
    assert confirm(client, world, payload_of(response)).status_code == 302
    assert Invitation.objects.filter(learning_set=world.learning_set).count() == 7


def test_a_set_within_four_to_eight_raises_no_warning(client, world):
    MembershipFactory.create_batch(2, learning_set=world.learning_set)
    text = "name,email,set,role\nNia Newcomer,nia@example.org,Set Alpha,member\n"
    assert preview(client, world, text).context["warnings"] == []


@pytest.mark.parametrize("case", ["forged", "other programme", "stale", "missing"])
def test_a_preview_that_is_not_ours_invites_nobody(client, world, case):
    other = SetFactory(name="Set Alpha").programme
    payload = {
        "forged": "not-a-signed-preview",
        "other programme": imports.sign(other, FILE),
        "stale": signing.dumps(
            {"programme": world.programme.pk, "csv": FILE},
            salt=imports.PREVIEW_SALT,
            compress=True,
        ),
        "missing": "",
    }[case]
    client.force_login(world.admin)
    if case == "stale":
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(imports, "PREVIEW_MAX_AGE", -1)
            response = confirm(client, world, payload)
    else:
        response = confirm(client, world, payload)
    assert response.status_code == 400
    said = {
        "forged": "This is not a preview of an import.",
        "other programme": "This preview is of another programme",
        "stale": "This preview is more than an hour old.",
        "missing": "there is no preview to confirm",
    }[case]
    assert said in response.content.decode().replace("&#x27;", "'")
    assert not Invitation.objects.exists()


def test_what_changed_since_the_preview_is_shown_and_nothing_is_invited(client, world):
    shown = preview(client, world)
    InvitationFactory(learning_set=world.learning_set, email="nia@example.org")
    response = confirm(client, world, payload_of(shown))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Since the preview, the programme has changed. Nothing was imported." in body
    assert "nia@example.org already has an open invitation to Set Alpha." in body
    assert Invitation.objects.count() == 1


# Assigning a facilitator


def assign(client, world, person, learning_set=None):
    client.force_login(world.admin)
    url = reverse("sets:assign_facilitator", args=[(learning_set or world.other_set).pk])
    return client.post(url, {"person": person.pk})


def test_someone_in_the_programme_is_made_facilitator_at_once_and_everyone_is_told(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = assign(client, world, world.facilitator)
    assert response.status_code == 302
    assert response["Location"] == world.other_set.get_absolute_url()
    membership = Membership.objects.current().get(
        learning_set=world.other_set, user=world.facilitator
    )
    assert membership.role == "facilitator"
    assert membership.granted_by == world.admin
    assert not Invitation.objects.exists()
    told = {m.to[0]: m.subject for m in mail.outbox}
    assert told[world.facilitator.email] == "[ALS Space] You are now the facilitator of Set Beta"
    assert told[world.other_member.email] == "[ALS Space] Fay Facilitator has joined Set Beta"
    event = AuditEvent.objects.get(action=Action.MEMBERSHIP_ADDED, subject=world.facilitator.email)
    assert event.actor == world.admin
    assert event.detail["assigned"] is True
    # The set's page says who joined and who let them in, to those already in it.
    client.force_login(world.other_member)
    page = " ".join(client.get(world.other_set.get_absolute_url()).content.decode().split())
    assert "Fay Facilitator joined as facilitator" in page
    assert "let in by Ada Admin" in page


def test_a_member_of_the_set_becomes_its_facilitator(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = assign(client, world, world.member, world.learning_set)
    assert response.status_code == 302
    membership = Membership.objects.current().get(
        learning_set=world.learning_set, user=world.member
    )
    assert membership.role == "facilitator"
    assert AuditEvent.objects.filter(
        action=Action.ROLE_CHANGED, subject=world.member.email
    ).exists()
    assert world.member.email in {m.to[0] for m in mail.outbox}


def test_the_choice_is_the_programmes_people_but_the_admin_and_the_facilitators(client, world):
    stranger = UserFactory(name="Sid Stranger")
    client.force_login(world.admin)
    page = client.get(reverse("sets:assign_facilitator", args=[world.learning_set.pk]))
    assert page.status_code == 200
    people = set(page.context["form"].fields["person"].queryset)
    assert people == {world.member, world.pending, world.other_member}
    assert stranger not in people
    # Someone outside the programme cannot be posted in either.
    assert assign(client, world, stranger).status_code == 400
    assert not Membership.objects.filter(user=stranger).exists()


def test_nobody_makes_themselves_facilitator(client, world):
    response = assign(client, world, world.admin)
    assert response.status_code == 400
    assert not Membership.objects.filter(user=world.admin).exists()


def test_a_closed_set_gets_no_facilitator(client, world):
    world.other_set.status = LearningSet.Status.CLOSED
    world.other_set.save()
    assert assign(client, world, world.facilitator).status_code == 403


def test_the_set_page_offers_assigning_to_its_programme_admin_only(client, world):
    url = world.learning_set.get_absolute_url()
    assign_url = reverse("sets:assign_facilitator", args=[world.learning_set.pk])
    client.force_login(world.admin)
    assert assign_url in client.get(url).content.decode()
    client.force_login(world.facilitator)
    assert assign_url not in client.get(url).content.decode()


# Creating a set


def test_a_new_set_opens_on_its_page_where_inviting_is(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("sets:set_create", args=[world.programme.pk]),
        SET_DATA,
    )
    created = LearningSet.objects.get(name="Set Gamma")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "Set “Set Gamma” created. Next, give it a facilitator and members" in page
    assert reverse("sets:invite", args=[created.pk]) in page
    assert reverse("sets:assign_facilitator", args=[created.pk]) in page


def test_the_programme_page_offers_to_assign_a_set_without_a_facilitator(client, world):
    client.force_login(world.admin)
    page = client.get(world.programme.get_absolute_url()).content.decode()
    assert reverse("sets:assign_facilitator", args=[world.other_set.pk]) in page
    assert reverse("sets:assign_facilitator", args=[world.learning_set.pk]) not in page
