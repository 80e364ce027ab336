"""My data: download everything I wrote; erase my account."""

import io
import json
import time
import zipfile
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from alsspace.models import AuditEvent
from reflections.audit_actions import ReflectionAction
from reflections.models import JournalDraft, JournalEntry, Prompt
from sessions.models import (
    Action,
    AirtimeSlot,
    Attendance,
    Bid,
    CalendarFeed,
    Meeting,
    ReportBack,
    ReviewContribution,
    ValueStory,
)
from sets.models import ClosingReview, ClosingReviewEntry, Membership, ProgrammeEntrant
from tests.factories import PASSWORD, ProgrammeFactory, UserFactory
from tests.reflections.factories import JournalEntryFactory, PromptFactory

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def meetings(world):
    start = timezone.now() - timedelta(days=30)
    first = Meeting.objects.create(
        learning_set=world.learning_set,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        status=Meeting.Status.HELD,
    )
    second = Meeting.objects.create(
        learning_set=world.learning_set,
        starts_at=start + timedelta(days=28),
        ends_at=start + timedelta(days=28, hours=4),
        status=Meeting.Status.HELD,
    )
    return first, second


@pytest.fixture
def member_history(world, meetings, private_entry, shared_entry):
    """Everything Maya has left in the app: entries, a draft, attendance, an action."""
    first, second = meetings
    JournalDraft.objects.create(author=world.member, title="Half", body="An unsaved thought")
    for meeting in meetings:
        Attendance.objects.create(meeting=meeting, user=world.member, status="present")
        Attendance.objects.create(meeting=meeting, user=world.facilitator, status="present")
    slot = AirtimeSlot.objects.create(meeting=first, presenter=world.member, topic="The CFO")
    action = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=first,
        slot=slot,
        text="Book the conversation with the CFO",
        due_meeting=second,
    )
    ReportBack.objects.create(
        action=action,
        meeting=second,
        outcome="done",
        note="It went better than feared.",
        written_by=world.member,
    )
    CalendarFeed.objects.create(user=world.member, token="feed-token-for-maya")
    return action


# Download


def download(client, user):
    client.force_login(user)
    return client.post(reverse("reflections:my_data_download"))


def test_the_download_holds_every_entry_as_markdown_and_one_json_file(
    client, world, member_history, private_entry, shared_entry
):
    JournalEntryFactory(author=world.facilitator, title="Not Maya's", body="Fay's private note")

    response = download(client, world.member)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    markdown_files = [name for name in names if name.startswith("journal/")]
    assert len(markdown_files) == 2
    assert {"README.txt", "my-data.json"} <= set(names)
    avoiding = next(name for name in markdown_files if f"-{private_entry.pk}.md" in name)
    text = archive.read(avoiding).decode()
    assert text.startswith("---\n")
    assert 'title: "Avoiding the CFO"' in text
    assert "# Avoiding the CFO" in text
    assert "Private: I am avoiding the conversation with my CFO." in text
    assert 'set: "Set Alpha"' in text

    data = json.loads(archive.read("my-data.json"))
    assert data["account"]["email"] == world.member.email
    assert {e["title"] for e in data["journal_entries"]} == {"Avoiding the CFO", shared_entry.title}
    assert data["drafts"][0]["body"] == "An unsaved thought"
    (action,) = data["actions"]
    assert action["text"] == "Book the conversation with the CFO"
    assert action["report_backs"][0]["outcome"] == "done"
    assert action["report_backs"][0]["note"] == "It went better than feared."
    assert "Fay's private note" not in json.dumps(data)


def test_the_download_is_audited_without_its_content(client, world, private_entry):
    download(client, world.member)

    event = AuditEvent.objects.get(action=ReflectionAction.DATA_EXPORTED)
    assert event.actor == world.member
    assert event.subject == world.member.email
    assert "CFO" not in json.dumps(event.detail)


def test_the_download_is_a_post_never_a_link(client, world):
    client.force_login(world.member)

    assert client.get(reverse("reflections:my_data_download")).status_code == 405


def test_the_my_data_page_counts_only_my_own_things(client, world, private_entry):
    client.force_login(world.member)

    body = client.get(reverse("reflections:my_data")).content.decode()

    assert "your 1 journal entry" in body
    assert "Download my data" in body


# Erasure


def erase(client, user, **data):
    client.force_login(user)
    form = {"password": PASSWORD, "confirmation": "erase my account", **data}
    return client.post(reverse("reflections:erase_account"), form)


def test_erasure_deletes_the_journal_and_anonymises_the_record(
    client, world, meetings, member_history
):
    member_pk = world.member.pk
    attendance_rows = Attendance.objects.count()

    response = erase(client, world.member)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not get_user_model().objects.filter(pk=member_pk).exists()
    assert not JournalEntry.objects.exists()
    assert not JournalDraft.objects.exists()
    assert not EmailAddress.objects.filter(user_id=member_pk).exists()
    assert not Membership.objects.filter(user_id=member_pk).exists()
    assert not CalendarFeed.objects.filter(user_id=member_pk).exists()
    # Programme reports still add up: the same rows, one of them per meeting with no name.
    assert Attendance.objects.count() == attendance_rows
    assert Attendance.objects.filter(user=None, status="present").count() == 2
    action = Action.objects.get()
    assert action.owner is None and action.report_backs.count() == 1
    assert AirtimeSlot.objects.get().presenter is None
    # Signed out.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("reflections:journal")).status_code == 302


def test_erasure_is_audited_for_each_programme_without_a_name(client, world, member_history):
    member_pk = world.member.pk

    erase(client, world.member)

    event = AuditEvent.objects.get(action=ReflectionAction.ACCOUNT_ERASED)
    assert event.programme_id == world.programme.pk
    assert event.subject == f"Account {member_pk}"
    assert event.detail == {"sets": ["Set Alpha"]}
    assert world.member.name not in str(event.detail)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "wrong"}, "That is not your password"),
        ({"password": ""}, "This field is required"),
        ({"confirmation": "yes"}, "exactly"),
    ],
)
def test_erasure_needs_the_password_and_the_words(client, world, private_entry, data, message):
    response = erase(client, world.member, **data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert JournalEntry.objects.filter(pk=private_entry.pk).exists()
    assert get_user_model().objects.filter(pk=world.member.pk).exists()


def current_code():
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def test_erasure_needs_a_two_factor_code_once_it_is_set_up(client, world, private_entry, rf):
    TOTP.activate(world.member, TOTP_SECRET)

    missing = erase(client, world.member)
    wrong = erase(client, world.member, code="000000" if current_code() != "000000" else "111111")

    for response in (missing, wrong):
        assert response.status_code == 400
        assert get_user_model().objects.filter(pk=world.member.pk).exists()
    assert erase(client, world.member, code=current_code()).status_code == 302
    assert not get_user_model().objects.filter(email=world.member.email).exists()
    assert not Authenticator.objects.exists()


def test_guessing_the_password_is_slowed_down(client, world):
    for _ in range(10):
        erase(client, world.member, password="guess")

    response = erase(client, world.member)

    assert response.status_code == 400
    assert "Too many attempts" in response.content.decode()
    assert get_user_model().objects.filter(pk=world.member.pk).exists()


def test_the_only_admin_of_a_programme_cannot_leave_it_stranded(client, world):
    response = erase(client, world.admin)

    assert response.status_code == 400
    assert "only admin of Northfield Leaders 2026" in response.content.decode()
    assert get_user_model().objects.filter(pk=world.admin.pk).exists()
    world.programme.admins.add(UserFactory())
    assert erase(client, world.admin).status_code == 302


def test_a_facilitators_prompts_outlive_them_without_a_name(client, world):
    prompt = PromptFactory(learning_set=world.learning_set, posed_by=world.facilitator)

    erase(client, world.facilitator)

    prompt.refresh_from_db()
    assert prompt.posed_by is None
    assert Prompt.objects.filter(pk=prompt.pk).exists()


# A person's own actions are their personal data (README, "Who sees what"): the download has
# them, with every report-back on them, wherever the person now stands in the set.


@pytest.mark.parametrize("standing", ["pending", "former"])
def test_own_actions_are_in_the_download_of_a_pending_or_former_member(
    client, world, meetings, standing
):
    person = getattr(world, standing)
    first, second = meetings
    own = Action.objects.create(
        learning_set=world.learning_set,
        owner=person,
        committed_at=first,
        text=f"The {standing} member's own action",
    )
    ReportBack.objects.create(
        action=own,
        meeting=second,
        outcome="carried",
        note="Recorded by the facilitator: carried to next time.",
        author=person,
        written_by=world.facilitator,
    )
    Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=first,
        text="Maya's action, not theirs",
    )

    client.force_login(person)
    page = client.get(reverse("reflections:my_data")).content.decode()
    assert "your 1 action with their report-backs" in page
    assert "also sets you have left, and sets whose current contract" in page
    # The page that lists actions sends them to the download for these.
    my_actions = client.get(reverse("meetings:my_actions")).content.decode()
    assert f"The {standing} member's own action" not in my_actions
    assert "your data download" in my_actions

    archive = zipfile.ZipFile(io.BytesIO(download(client, person).content))
    data = json.loads(archive.read("my-data.json"))
    (action,) = data["actions"]
    assert action["text"] == f"The {standing} member's own action"
    assert action["set"] == "Set Alpha"
    assert action["report_backs"][0]["note"] == "Recorded by the facilitator: carried to next time."
    # Who wrote it and who changed it last, as the meeting record keeps them.
    assert action["report_backs"][0]["written_by"] == person.name
    assert action["report_backs"][0]["last_changed_by"] == "Fay Facilitator"
    assert "Maya's action" not in json.dumps(data)
    assert "in every set you have been in" in archive.read("README.txt").decode()


def test_the_download_holds_the_bids_i_brought_and_no_one_elses(client, world, meetings):
    coming = Meeting.objects.create(
        learning_set=world.learning_set,
        starts_at=timezone.now() + timedelta(days=7),
        ends_at=timezone.now() + timedelta(days=7, hours=3),
    )
    Bid.objects.create(
        meeting=coming, member=world.member, problem="My rota problem", want="questions", minutes=25
    )
    Bid.objects.create(
        meeting=coming,
        member=world.facilitator,
        problem="Not Maya's bid",
        want="sounding_board",
        minutes=10,
    )
    archive = zipfile.ZipFile(io.BytesIO(download(client, world.member).content))
    data = json.loads(archive.read("my-data.json"))
    (bid,) = data["bids"]
    assert (bid["set"], bid["problem"], bid["wanted"], bid["minutes_asked"]) == (
        "Set Alpha",
        "My rota problem",
        "Questions to think with",
        25,
    )
    assert "Not Maya's bid" not in json.dumps(data)


# A person's own words in the set's reviews: in their download, also once they have left or
# the set has closed, and gone with their account.


def review_words(world):
    start = timezone.now() - timedelta(days=3)
    meeting = Meeting.objects.create(
        learning_set=world.learning_set,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    ReviewContribution.objects.create(
        meeting=meeting, author=world.member, how_we_worked="We listened.", do_differently="Pace"
    )
    review = ClosingReview.objects.create(learning_set=world.learning_set)
    ClosingReviewEntry.objects.create(
        review=review, author=world.member, learned="L", keep_doing="K", story="My story"
    )


def test_review_words_are_in_the_download_after_leaving_a_closed_set(client, world):
    review_words(world)
    world.learning_set.memberships.filter(user=world.member).update(left_at=timezone.now())
    world.learning_set.status = "closed"
    world.learning_set.save()
    client.force_login(world.member)

    response = client.post(reverse("reflections:my_data_download"))

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("my-data.json"))
    assert data["process_review_contributions"][0]["how_we_worked"] == "We listened."
    assert data["closing_reviews"][0]["story"] == "My story"
    assert "closing reviews" in archive.read("README.txt").decode()


def test_erasure_deletes_review_words(client, world):
    review_words(world)

    assert erase(client, world.member).status_code == 302

    assert not ReviewContribution.objects.exists()
    assert not ClosingReviewEntry.objects.exists()
    assert ClosingReview.objects.exists()


def test_value_stories_are_in_their_authors_download_with_who_may_read_each(client, world):
    review_words(world)
    entry = ClosingReviewEntry.objects.get(author=world.member)
    ValueStory.objects.create(
        learning_set=world.learning_set,
        author=world.member,
        closing_entry=entry,
        text="My value story",
        cycle="realised",
        consent="anonymised",
        consented_at=timezone.now(),
    )
    client.force_login(world.member)

    response = client.post(reverse("reflections:my_data_download"))

    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("my-data.json"))
    [story] = data["value_stories"]
    assert (story["story"], story["cycle"], story["told_on"], story["who_may_read_it"]) == (
        "My value story",
        "Realised value",
        "closing review",
        "Shared with the programme, without my name",
    )
    client.force_login(world.facilitator)
    response = client.post(reverse("reflections:my_data_download"))
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("my-data.json"))
    assert data["value_stories"] == []


# Single sign-on: where a person signed up without a set, and the accounts linked to theirs
# (docs/confidentiality.md#personal-data, docs/sso.md#signing-up-without-an-invitation).


def sign_ups(world):
    """Maya signed up through Acme to a programme with no set of hers, and to Set Alpha's
    programme before she was invited; her account is linked to an Acme identity whose
    provider's claims hold what must never leave."""
    waiting = ProgrammeFactory(name="Southfield Leaders")
    ProgrammeEntrant.objects.create(programme=waiting, user=world.member, provider_id="acme")
    ProgrammeEntrant.objects.create(
        programme=world.programme, user=world.member, provider_id="acme"
    )
    SocialAccount.objects.create(
        user=world.member,
        provider="acme",
        uid="maya-7",
        extra_data={"email": "maya@acme.example", "access_token": "PLANTED-IDP-TOKEN"},
    )
    SocialAccount.objects.create(user=world.facilitator, provider="acme", uid="fay-3")
    ProgrammeEntrant.objects.create(programme=waiting, user=world.facilitator, provider_id="acme")
    return waiting


def my_data_json(client, user):
    response = download(client, user)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return archive, json.loads(archive.read("my-data.json"))


def test_programme_sign_ups_and_linked_accounts_are_in_the_download(client, world):
    sign_ups(world)

    archive, data = my_data_json(client, world.member)

    assert data["programme_entries"] == [
        {
            "programme": "Southfield Leaders",
            "signed_up_through": "acme",
            "signed_up_at": data["programme_entries"][0]["signed_up_at"],
            "waiting_for_a_set": True,
        },
        {
            "programme": world.programme.name,
            "signed_up_through": "acme",
            "signed_up_at": data["programme_entries"][1]["signed_up_at"],
            "waiting_for_a_set": False,
        },
    ]
    assert data["identity_provider_accounts"] == [{"provider": "acme", "uid": "maya-7"}]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"PLANTED-IDP-TOKEN" not in everything
    assert b"fay-3" not in everything
    assert b"identity-provider" in archive.read("README.txt")


def test_without_sign_ups_the_download_says_so_with_empty_lists(client, world):
    _, data = my_data_json(client, world.member)
    assert (data["programme_entries"], data["identity_provider_accounts"]) == ([], [])


def test_erasure_deletes_sign_ups_and_linked_accounts_and_tells_each_programme(client, world):
    waiting = sign_ups(world)
    member_pk = world.member.pk

    assert erase(client, world.member).status_code == 302

    assert not ProgrammeEntrant.objects.filter(user_id=member_pk).exists()
    assert not SocialAccount.objects.filter(user_id=member_pk).exists()
    # Nobody else's go with them.
    assert ProgrammeEntrant.objects.filter(user=world.facilitator).count() == 1
    assert SocialAccount.objects.filter(user=world.facilitator).count() == 1
    events = AuditEvent.objects.filter(action=ReflectionAction.ACCOUNT_ERASED)
    assert sorted((e.programme_id, tuple(e.detail["sets"])) for e in events) == sorted(
        [(world.programme.pk, ("Set Alpha",)), (waiting.pk, ())]
    )
