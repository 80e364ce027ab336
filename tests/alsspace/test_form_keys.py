"""Each creating form carries a key; sent again with it, after it was saved, it does nothing
new and goes where the first sending went (alsspace.submissions). Runs on any database; the
same forms sent at the same moment are tested against PostgreSQL in test_submit_once."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alsspace.models import SubmittedForm
from alsspace.submissions import KEPT_FOR
from sessions.models import Meeting
from tests.alsspace.creating_forms import FORMS, SIGNUP, audit_counts, key_on, meeting_data
from tests.factories import InvitationFactory


def send(client, form, world, key):
    data = {**form.data(world), "form_key": key}
    for name, (filename, content) in (form.files or {}).items():
        data[name] = SimpleUploadedFile(filename, content.encode(), content_type="text/csv")
    return client.post(form.path(world), data)


def state(form, world):
    return form.made(world), audit_counts(form.audits), len(mail.outbox)


@pytest.mark.parametrize("name", FORMS)
def test_a_form_sent_again_after_it_was_saved_does_nothing_new(
    name, client, world, django_capture_on_commit_callbacks
):
    form = FORMS[name]
    if form.prepare:
        form.prepare(world)
    client.force_login(world.role(form.role))
    page = form.load_page(client, world)
    assert page.status_code == 200
    key = key_on(page)
    with django_capture_on_commit_callbacks(execute=True):
        first = send(client, form, world, key)
    assert first.status_code == 302
    assert form.made(world) == form.made_once
    saved = state(form, world)

    with django_capture_on_commit_callbacks(execute=True):
        again = send(client, form, world, key)

    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert state(form, world) == saved
    page = client.get(again["Location"])
    assert "That form had already been sent, and it was saved once." in page.content.decode()


def meeting_form(world):
    return reverse("meetings:meeting_create", args=[world.learning_set.pk])


def meetings(world):
    return Meeting.objects.filter(learning_set=world.learning_set).count()


def test_a_form_with_errors_gives_its_key_back_for_the_corrected_one(client, world):
    client.force_login(world.facilitator)
    key = key_on(client.get(meeting_form(world)))

    refused = client.post(meeting_form(world), {**meeting_data(), "date": "", "form_key": key})
    assert refused.status_code == 400
    assert not SubmittedForm.objects.exists()
    key_on(refused)  # the form comes back with a key, and can be sent again

    saved = client.post(meeting_form(world), {**meeting_data(), "form_key": key})
    assert saved.status_code == 302
    assert meetings(world) == 1


def test_each_page_load_gets_a_key_of_its_own(client, world):
    client.force_login(world.facilitator)
    assert key_on(client.get(meeting_form(world))) != key_on(client.get(meeting_form(world)))


def test_without_a_key_a_form_is_a_new_submission(client, world):
    """Pages loaded before keys existed, and scripts, keep working; see alsspace.submissions."""
    client.force_login(world.facilitator)
    assert client.post(meeting_form(world), meeting_data()).status_code == 302
    assert client.post(meeting_form(world), meeting_data()).status_code == 302
    assert meetings(world) == 2
    assert not SubmittedForm.objects.exists()


@pytest.mark.parametrize(
    "key", ["short", "x" * 65, "has spaces in it, sixteen+", "nul\x00byte-0123456789", "ü" * 20]
)
def test_a_key_we_could_not_have_made_is_refused(client, world, key):
    client.force_login(world.facilitator)
    response = client.post(meeting_form(world), {**meeting_data(), "form_key": key})
    assert response.status_code == 400
    assert meetings(world) == 0


def test_the_same_page_sent_again_with_other_values_is_a_new_submission(client, world):
    """Back, change the date, send: a second meeting, itself saved once."""
    client.force_login(world.facilitator)
    key = key_on(client.get(meeting_form(world)))
    first = {**meeting_data(), "form_key": key}
    other = {**first, "date": (date.fromisoformat(first["date"]) + timedelta(days=7)).isoformat()}

    assert client.post(meeting_form(world), first).status_code == 302
    assert client.post(meeting_form(world), other).status_code == 302
    assert client.post(meeting_form(world), other).status_code == 302
    assert client.post(meeting_form(world), first).status_code == 302

    assert meetings(world) == 2


def test_someone_elses_submission_is_refused(client, world):
    client.force_login(world.facilitator)
    key = key_on(client.get(meeting_form(world)))
    data = {**meeting_data(), "form_key": key}
    assert client.post(meeting_form(world), data).status_code == 302

    client.force_login(world.admin)
    response = client.post(meeting_form(world), data)

    assert response.status_code == 400
    assert meetings(world) == 1


def test_a_refused_permission_claims_no_key(client, world):
    client.force_login(world.member)
    key = key_on(client.get(reverse("reflections:entry_create")))
    response = client.post(meeting_form(world), {**meeting_data(), "form_key": key})
    assert response.status_code == 403
    assert not SubmittedForm.objects.exists()


def test_keys_are_forgotten_after_a_while(client, world):
    old = SubmittedForm.objects.create(key="o" * 32, created_at=timezone.now() - KEPT_FOR)
    recent = SubmittedForm.objects.create(
        key="r" * 32, created_at=timezone.now() - KEPT_FOR + timedelta(hours=1)
    )
    client.force_login(world.facilitator)
    key = key_on(client.get(meeting_form(world)))

    assert client.post(meeting_form(world), {**meeting_data(), "form_key": key}).status_code == 302

    assert not SubmittedForm.objects.filter(pk=old.pk).exists()
    assert SubmittedForm.objects.filter(pk=recent.pk).exists()
    assert SubmittedForm.objects.count() == 2


def test_a_signup_sent_again_makes_no_second_account(client, world):
    invitation = InvitationFactory(learning_set=world.learning_set, email=SIGNUP["email"])
    client.get(invitation.link())
    before_signup = client.cookies["sessionid"].value
    key = key_on(client.get(reverse("account_signup")))
    first = client.post(reverse("account_signup"), {**SIGNUP, "form_key": key})
    assert first.status_code == 302

    # The browser sends it again from the page it had, with the session it had.
    client.logout()
    client.cookies["sessionid"] = before_signup
    again = client.post(reverse("account_signup"), {**SIGNUP, "form_key": key})

    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert get_user_model().objects.filter(email=SIGNUP["email"]).count() == 1
