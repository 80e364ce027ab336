"""The bounds of alsspace.inputs, and the 400 for a NUL byte before anything reads it."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from alsspace.inputs import MAX_ID, BoundedDateField, moment_in_range, positive_id
from sessions.forms.schedule import DateInput

# Numbers only str.isdigit() believes, and numbers no bigint holds.
NOT_IDS = ["", "²", "①", "٣", "１２", "12\x00", " 12", "12 ", "-1", "0", "+5", "1e3", "0x10"]
TOO_BIG = [str(MAX_ID + 1), "9" * 20, "9" * 5000]


@pytest.mark.parametrize("value", [*NOT_IDS, *TOO_BIG, None, 12])
def test_positive_id_ignores_what_is_not_a_plain_positive_bigint(value):
    assert positive_id(value) is None


@pytest.mark.parametrize(("value", "number"), [("1", 1), ("0042", 42), (str(MAX_ID), MAX_ID)])
def test_positive_id_reads_ascii_digits(value, number):
    assert positive_id(value) == number


@given(st.text(max_size=25))
def test_positive_id_never_raises_and_returns_only_ids_a_bigint_holds(value):
    number = positive_id(value)
    assert number is None or (0 < number <= MAX_ID and str(number) == value.lstrip("0"))


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2000-01-01", True),
        ("2100-12-31", True),
        ("1999-12-31", False),
        ("2101-01-01", False),
        ("9999-12-31", False),
        ("0001-01-01", False),
    ],
)
def test_a_bounded_date_field_keeps_to_2000_to_2100(value, valid):
    field = BoundedDateField()
    if valid:
        assert field.clean(value) == date.fromisoformat(value)
    else:
        with pytest.raises(Exception, match="between 1 January 2000 and 31 December 2100"):
            field.clean(value)


def test_the_date_picker_offers_only_the_range():
    class DayForm(forms.Form):
        day = BoundedDateField(widget=DateInput())

    html = str(DayForm()["day"])
    assert 'type="date"' in html
    assert 'min="2000-01-01"' in html
    assert 'max="2100-12-31"' in html


@pytest.mark.parametrize(
    ("moment", "zones", "inside"),
    [
        (datetime(2100, 12, 31, 12, tzinfo=UTC), ["Europe/London", "Pacific/Kiritimati"], False),
        (datetime(2100, 12, 31, 9, tzinfo=UTC), ["Europe/London", "Pacific/Kiritimati"], True),
        (datetime(2000, 1, 1, 4, tzinfo=UTC), ["America/New_York"], False),
        (datetime(2000, 1, 1, 5, tzinfo=UTC), ["America/New_York"], True),
        (datetime(9999, 12, 31, 23, tzinfo=UTC), ["Asia/Tokyo"], False),
        (datetime(1, 1, 1, 1, tzinfo=UTC), ["America/Los_Angeles"], False),
    ],
)
def test_a_moment_is_inside_only_where_every_zone_sees_a_day_in_range(moment, zones, inside):
    assert moment_in_range(moment, *map(ZoneInfo, zones)) is inside


# A NUL byte before any form reads it


@pytest.mark.parametrize(
    "cookie",
    ["sessionid=abcdefgh\x00", "sessionid=\x00" * 3, "csrftoken=\x00", "messages=a\x00b"],
)
@pytest.mark.parametrize("path", ["/healthz", "/", "/accounts/login/"])
def test_a_nul_in_a_cookie_is_a_400_on_every_page(client, db, cookie, path):
    """On PostgreSQL the session lookup failed on the NUL: every page, /healthz too, a 500."""
    response = client.get(path, HTTP_COOKIE=cookie)
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


def test_a_signed_in_person_with_a_nul_in_the_query_gets_a_400(client, world):
    client.force_login(world.member)
    assert client.get(reverse("reflections:journal"), {"q": "a\x00b"}).status_code == 400
    assert client.get(reverse("reflections:journal"), {"q\x00": "a"}).status_code == 400
    assert client.get(reverse("reflections:journal"), {"q": "a"}).status_code == 200


@pytest.mark.parametrize(
    "header", ["HTTP_REFERER", "HTTP_USER_AGENT", "HTTP_HX_CURRENT_URL", "HTTP_ACCEPT_LANGUAGE"]
)
def test_a_nul_in_a_header_is_a_400(client, world, header):
    client.force_login(world.member)
    assert client.get("/", **{header: "x\x00"}).status_code == 400


def test_a_nul_in_the_path_is_a_400(client, world):
    client.force_login(world.member)
    assert client.get("/calendar/abc\x00def.ics").status_code == 400
