"""A form sent five times at once does one thing: one object, one set of emails, one audit
event, and every sender gets an answer, never a 500.

The app runs in pytest-django's live server, each request in its own thread with its own
PostgreSQL connection, as gunicorn's workers do. Five threads wait at a barrier and then send
the same form, with the same session cookie and the same form key, as a double-tapped button
or a browser that resends does.
"""

import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alsspace.models import AuditEvent
from reflections.models import JournalEntry, Prompt
from sessions.models import Meeting, MeetingSeries
from sets.models import Contract, Invitation, LearningSet, Programme
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL): SQLite runs one write at a time",
)

CSRF_SECRET = "b" * 32  # any 32 letters: Django accepts the unmasked secret as the token
SENDERS = 5


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def encode(data, files):
    """A urlencoded body, or a multipart one when there are files, with its content type."""
    if not files:
        return urllib.parse.urlencode(data).encode(), "application/x-www-form-urlencoded"
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in data.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


class Browser:
    """Requests to the live server as one signed-in person: one session, many tabs."""

    def __init__(self, live_server, client, user):
        client.force_login(user)
        self.base = live_server.url
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF_SECRET}"

    def post(self, path, data, files=None):
        body, content_type = encode(data, files)
        request = urllib.request.Request(  # noqa: S310 - always the live server's http URL
            self.base + path,
            data=body,
            headers={
                "Cookie": self.cookie,
                "X-CSRFToken": CSRF_SECRET,
                "Content-Type": content_type,
            },
        )
        opener = urllib.request.build_opener(NoRedirects)
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, response.headers.get("Location")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location")


def send_together(browser, path, data, files=None):
    """Send the same form SENDERS times, released at one instant; return every answer."""
    barrier = threading.Barrier(SENDERS)
    answers = []

    def send():
        barrier.wait(timeout=30)
        answers.append(browser.post(path, data, files))

    threads = [threading.Thread(target=send) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert len(answers) == SENDERS, "a request did not finish"
    return answers


def in_days(days):
    return (timezone.now().astimezone(ZoneInfo("Europe/London")) + timedelta(days=days)).date()


def meeting_data():
    return {
        "date": in_days(30).isoformat(),
        "starts": "18:00",
        "ends": "21:30",
        "time_zone": "Europe/London",
        "place": "Room 4",
        "video_link": "",
    }


PROGRAMME_DATA = {
    "name": "Leaders 2027",
    "organisation": "Northfield Business School",
    "starts_on": "",
    "ends_on": "",
    "time_zone": "Europe/London",
    "pulse_threshold": "3",
    "attendance_threshold": "75",
    "carried_action_meetings": "2",
    "silent_member_meetings": "3",
    "airtime_share_percent": "40",
    "airtime_window_meetings": "3",
    "attendance_missed": "2",
    "attendance_window": "3",
    "talk_without_action_slots": "2",
    "pulse_dip": "0.5",
}

SET_DATA = {
    "name": "Set Gamma",
    "purpose": "Leading change.",
    "status": "forming",
    "quorum": "3",
    "airtime_mode": "equal",
    "default_place": "Room 4",
    "default_video_link": "",
    "default_length_minutes": "180",
    "reminder_hours": "24",
    "pulse_window_days": "7",
}

IMPORT_FILE = (
    "name,email,set,role\n"
    "Nia Newcomer,nia@example.org,Set Alpha,member\n"
    "Ravi Rao,ravi@example.org,Set Beta,member\n"
)


@dataclass
class Form:
    """One creating form: who sends it, where, with what, and what one sending makes."""

    role: str
    path: object  # world → path
    data: object  # world → fields
    made: object  # world → the number of objects it made
    made_once: int  # what one sending makes
    audits: dict = field(default_factory=dict)  # action → events one sending writes
    emails: bool = False  # whether it emails anyone
    files: dict = None


FORMS = {
    "meeting": Form(
        "facilitator",
        lambda w: reverse("meetings:meeting_create", args=[w.learning_set.pk]),
        lambda w: meeting_data(),
        lambda w: Meeting.objects.filter(learning_set=w.learning_set).count(),
        1,
        emails=True,
    ),
    "series": Form(
        "facilitator",
        lambda w: reverse("meetings:series_create", args=[w.learning_set.pk]),
        lambda w: {
            **meeting_data(),
            "frequency": "monthly_weekday",
            "interval": "1",
            "ordinal": "1",
            "weekday": "1",
            "count": "3",
            "until": "",
        },
        lambda w: (
            MeetingSeries.objects.filter(learning_set=w.learning_set).count(),
            Meeting.objects.filter(learning_set=w.learning_set).count(),
        ),
        (1, 3),
        emails=True,
    ),
    "programme": Form(
        "admin",
        lambda w: reverse("sets:programme_create"),
        lambda w: PROGRAMME_DATA,
        lambda w: Programme.objects.filter(name="Leaders 2027").count(),
        1,
        audits={AuditEvent.Action.PROGRAMME_ADMIN_ADDED: 1},
    ),
    "set": Form(
        "admin",
        lambda w: reverse("sets:set_create", args=[w.programme.pk]),
        lambda w: SET_DATA,
        lambda w: LearningSet.objects.filter(name="Set Gamma").count(),
        1,
    ),
    "invite": Form(
        "facilitator",
        lambda w: reverse("sets:invite", args=[w.learning_set.pk]),
        lambda w: {"name": "Nia Newcomer", "email": "nia@example.org", "role": "member"},
        lambda w: Invitation.objects.filter(email="nia@example.org").count(),
        1,
        audits={AuditEvent.Action.INVITATION_SENT: 1},
        emails=True,
    ),
    "import": Form(
        "admin",
        lambda w: reverse("sets:import_members", args=[w.programme.pk]),
        lambda w: {},
        lambda w: Invitation.objects.count(),
        2,
        audits={AuditEvent.Action.INVITATION_SENT: 2, AuditEvent.Action.MEMBERS_IMPORTED: 1},
        emails=True,
        files={"file": ("people.csv", IMPORT_FILE)},
    ),
    "programme admin": Form(
        "admin",
        lambda w: reverse("sets:programme_admins", args=[w.programme.pk]),
        lambda w: {"email": w.outsider.email},
        lambda w: w.programme.admins.count(),
        2,
        audits={AuditEvent.Action.PROGRAMME_ADMIN_ADDED: 1},
    ),
    "contract": Form(
        "facilitator",
        lambda w: reverse("sets:contract_edit", args=[w.learning_set.pk]),
        lambda w: {"text": "We keep confidence, and we turn up."},
        lambda w: Contract.objects.filter(learning_set=w.learning_set).count(),
        2,
        audits={AuditEvent.Action.CONTRACT_VERSION: 1},
    ),
    "journal entry": Form(
        "member",
        lambda w: reverse("reflections:entry_create"),
        lambda w: {
            "title": "After the meeting",
            "body": "What I noticed.",
            "prompt": "",
            "learning_set": "",
            "meeting": "",
        },
        lambda w: JournalEntry.objects.filter(author=w.member).count(),
        1,
    ),
    "set prompt": Form(
        "facilitator",
        lambda w: reverse("reflections:set_prompt_create", args=[w.learning_set.pk]),
        lambda w: {"question": "What did you notice?", "guidance": "", "meeting": ""},
        lambda w: Prompt.objects.filter(learning_set=w.learning_set).count(),
        1,
    ),
}


def audit_counts(actions):
    return {action: AuditEvent.objects.filter(action=action).count() for action in actions}


@pytest.mark.parametrize("name", FORMS)
def test_five_identical_submissions_do_one_thing(
    name, live_server, client, transactional_db, world
):
    form = FORMS[name]
    browser = Browser(live_server, client, world.role(form.role))
    audits_before = audit_counts(form.audits)
    data = {**form.data(world), "form_key": secrets.token_urlsafe(24)}

    answers = send_together(browser, form.path(world), data, form.files)

    assert [status for status, _ in answers] == [302] * SENDERS
    assert len({location for _, location in answers}) == 1
    assert form.made(world) == form.made_once
    audits_after = audit_counts(form.audits)
    assert {action: audits_after[action] - audits_before[action] for action in form.audits} == (
        form.audits
    )
    recipients = [tuple(message.to) for message in mail.outbox]
    assert bool(recipients) == form.emails
    assert len(recipients) == len(set(recipients))


def test_five_invitations_without_a_form_key_make_one_and_no_500(
    live_server, client, transactional_db, world
):
    """A form sent without its key (a page from before keys, a script) still does one
    thing where the data says what one is: one open invitation per address and set."""
    browser = Browser(live_server, client, world.facilitator)
    path = reverse("sets:invite", args=[world.learning_set.pk])
    data = {"name": "Nia Newcomer", "email": "nia@example.org", "role": "member"}

    answers = send_together(browser, path, data)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [302] + [400] * (SENDERS - 1)
    assert Invitation.objects.filter(email="nia@example.org").count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_SENT).count() == 1
    assert [message.to for message in mail.outbox] == [["nia@example.org"]]


def test_five_sets_of_one_name_without_a_form_key_make_one_and_no_500(
    live_server, client, transactional_db, world
):
    browser = Browser(live_server, client, world.admin)
    path = reverse("sets:set_create", args=[world.programme.pk])

    answers = send_together(browser, path, SET_DATA)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [302] + [400] * (SENDERS - 1)
    assert LearningSet.objects.filter(name="Set Gamma").count() == 1


def test_five_programme_admins_added_without_a_form_key_write_one_audit_event(
    live_server, client, transactional_db, world
):
    newcomer = UserFactory(email="newcomer@example.org")
    browser = Browser(live_server, client, world.admin)
    path = reverse("sets:programme_admins", args=[world.programme.pk])

    answers = send_together(browser, path, {"email": newcomer.email})

    statuses = sorted(status for status, _ in answers)
    assert statuses == [302] + [400] * (SENDERS - 1)
    assert world.programme.admins.filter(pk=newcomer.pk).exists()
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.PROGRAMME_ADMIN_ADDED, subject=newcomer.email
    )
    assert events.count() == 1
