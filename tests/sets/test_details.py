"""A person's own details page: name, time zone and language, and the language every page
and email follows from it."""

import pytest
from django.conf import settings
from django.urls import reverse

from alsspace.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DETAILS = reverse("sets:details")


def _post(client, **changes):
    person = User.objects.get(pk=client.session["_auth_user_id"])
    data = {"name": person.name, "time_zone": person.time_zone, "language": person.language}
    return client.post(DETAILS, {**data, **changes})


@pytest.fixture
def person(client):
    user = UserFactory(name="Rhian Evans", time_zone="Europe/London")
    client.force_login(user)
    return user


def test_the_page_names_each_language_in_itself(client, person):
    response = client.get(DETAILS)
    assert response.status_code == 200
    body = response.content.decode()
    assert ">Cymraeg</option>" in body
    assert ">English</option>" in body
    assert "The language my browser asks for" in body


def test_choosing_welsh_saves_it_and_the_next_page_is_in_welsh(client, person):
    response = _post(client, language="cy")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "cy"
    # Kept for the sign-in page after signing out.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    page = client.get(DETAILS, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert page["Content-Language"] == "cy"


def test_the_chosen_language_wins_over_the_browser_and_blank_follows_it(client, person):
    person.language = "cy"
    person.save()
    assert client.get(DETAILS, HTTP_ACCEPT_LANGUAGE="en-GB")["Content-Language"] == "cy"
    response = _post(client, language="")
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    person.refresh_from_db()
    assert person.language == ""
    assert client.get(DETAILS, HTTP_ACCEPT_LANGUAGE="en-GB")["Content-Language"] == "en-gb"
    assert client.get(DETAILS, HTTP_ACCEPT_LANGUAGE="cy,en;q=0.5")["Content-Language"] == "cy"


def test_someone_signed_out_gets_the_language_their_browser_asks_for(client):
    login = reverse("account_login")
    assert client.get(login, HTTP_ACCEPT_LANGUAGE="cy")["Content-Language"] == "cy"
    assert client.get(login, HTTP_ACCEPT_LANGUAGE="fr,en-US;q=0.8")["Content-Language"] == "en-gb"


def test_the_language_switch_before_signing_in_sets_the_cookie(client):
    response = client.post(reverse("set_language"), {"language": "cy", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    assert client.get(reverse("account_login"))["Content-Language"] == "cy"


@pytest.mark.parametrize(
    "changes",
    [
        {"language": "fr"},
        {"language": "cy", "time_zone": "Mars/Olympus_Mons"},
        {"language": "cy", "name": "   "},
        {"language": "cy", "name": "x" * 151},
    ],
    ids=["unknown language", "unknown time zone", "blank name", "name too long"],
)
def test_bad_input_is_a_400_and_changes_nothing(client, person, changes):
    response = _post(client, **changes)
    assert response.status_code == 400
    assert b'class="invalid-feedback' in response.content or b"is-invalid" in response.content
    person.refresh_from_db()
    assert (person.name, person.time_zone, person.language) == ("Rhian Evans", "Europe/London", "")


def test_a_new_name_and_time_zone_are_saved_tidied(client, person):
    response = _post(client, name="  Rhian   Evans-Jones ", time_zone="America/Toronto")
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.time_zone) == ("Rhian Evans-Jones", "America/Toronto")
    assert "Your details are saved." in client.get(DETAILS).content.decode()


@pytest.mark.parametrize("stored", ["xx", "fr", "de-at"])
def test_a_stored_language_we_do_not_speak_is_ignored(client, person, stored):
    User.objects.filter(pk=person.pk).update(language=stored)
    response = client.get(DETAILS, HTTP_ACCEPT_LANGUAGE="en-GB")
    assert response.status_code == 200
    assert response["Content-Language"] == "en-gb"
