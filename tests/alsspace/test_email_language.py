"""Each email in its recipient's language (docs/languages.md#which-language-a-person-gets):
the language their account chose, otherwise British English; for someone with no account
yet, the language of whoever invited them. Dates in it follow that language, and so does the
calendar file it carries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from sessions.services.scheduling import schedule_meeting
from sets.services import invite
from sets.tasks import announce_newcomer
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

JOINED = "%(person)s has joined %(name)s"


def _to(address):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def _welsh(message, **values):
    with translation.override("cy"):
        return gettext(message) % values


def test_a_newcomer_is_announced_to_each_person_in_their_own_language(world):
    world.member.language = "cy"
    world.member.save()
    newcomer = MembershipFactory(learning_set=world.learning_set, user__name="Nia Newydd")
    mail.outbox.clear()
    announce_newcomer.enqueue(newcomer.pk)
    names = {"person": "Nia Newydd", "name": "Set Alpha"}
    welsh = _welsh(JOINED, **names)
    assert welsh != JOINED % names
    assert _to(world.member.email).subject.endswith(welsh)
    assert _to(world.facilitator.email).subject.endswith(JOINED % names)


def test_a_meeting_email_gives_its_date_and_calendar_in_welsh(
    world, django_capture_on_commit_callbacks
):
    world.member.language = "cy"
    world.member.save()
    starts = (timezone.now() + timedelta(days=40)).replace(hour=10, minute=0, microsecond=0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        schedule_meeting(
            world.learning_set,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            place="Tŷ Hywel",
            actor=world.facilitator,
        )
    welsh, english = _to(world.member.email), _to(world.facilitator.email)
    with translation.override("cy"):
        month = date_format(timezone.localtime(starts), "F")
    with translation.override("en-gb"):
        english_month = date_format(timezone.localtime(starts), "F")
    assert month != english_month
    assert month in welsh.body and english_month not in welsh.body
    assert english_month in english.body
    (name, calendar, _type) = welsh.attachments[0]
    (_name, english_calendar, _type) = english.attachments[0]
    assert name.endswith(".ics")
    assert calendar != english_calendar  # its summary and description are in Welsh


def test_someone_without_an_account_is_invited_in_the_inviters_language(
    world, django_capture_on_commit_callbacks
):
    world.facilitator.language = "cy"
    world.facilitator.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invite(
            world.learning_set,
            name="Nia Newydd",
            email="newydd@example.org",
            role="member",
            actor=world.facilitator,
        )
    subject = _to("newydd@example.org").subject
    english = "You're invited to join Set Alpha (Northfield Leaders 2026)"
    assert not subject.endswith(english)
    assert subject.endswith(
        _welsh(
            "You're invited to join %(name)s (%(programme)s)",
            name="Set Alpha",
            programme="Northfield Leaders 2026",
        )
    )


def test_a_password_reset_goes_in_the_accounts_language_whatever_the_page(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="rhian@example.org", language="cy")
    english = UserFactory(email="emma@example.org")
    for who in (person, english):
        with django_capture_on_commit_callbacks(execute=True):
            # The page is in English: the email still follows the account.
            client.post(
                reverse("account_reset_password"),
                {"email": who.email},
                HTTP_ACCEPT_LANGUAGE="en-GB",
            )
    welsh_subject, english_subject = _to(person.email).subject, _to(english.email).subject
    assert welsh_subject != english_subject
    with translation.override("cy"):
        assert welsh_subject.endswith(gettext("Reset your password"))
