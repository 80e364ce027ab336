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
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alsspace.models import AuditEvent
from sessions.models import Action, PulseReceipt, PulseTally
from sets.audit_actions import SetAction
from sets.models import Invitation, LearningSet, Membership
from tests.alsspace.creating_forms import FORMS, SET_DATA, SIGNUP, audit_counts, key_on
from tests.factories import InvitationFactory, UserFactory
from tests.sessions.builders import attend
from tests.sessions.factories import MeetingFactory, days_from_now

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
    """Requests to the live server in one session (a person's, or the client's own when
    nobody is signed in): one browser, many tabs."""

    def __init__(self, live_server, client, user=None):
        if user is not None:
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
    return send_at_once(browser, path, [data] * SENDERS, files)


def send_at_once(browser, path, bodies, files=None):
    """Send one request per body, all released at one instant; return every answer."""
    barrier = threading.Barrier(len(bodies))
    answers = []

    def send(data):
        barrier.wait(timeout=30)
        answers.append(browser.post(path, data, files))

    threads = [threading.Thread(target=send, args=[data]) for data in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert len(answers) == len(bodies), "a request did not finish"
    return answers


@pytest.mark.parametrize("name", FORMS)
def test_five_identical_submissions_do_one_thing(
    name, live_server, client, transactional_db, world
):
    form = FORMS[name]
    if form.prepare:
        form.prepare(world)
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
    assert AuditEvent.objects.filter(action=SetAction.INVITATION_SENT).count() == 1
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
        action=SetAction.PROGRAMME_ADMIN_ADDED, subject=newcomer.email
    )
    assert events.count() == 1


@pytest.mark.parametrize("name", ["revoke invitation", "close set", "remove member"])
def test_a_change_sent_five_times_without_a_form_key_is_recorded_once(
    name, live_server, client, transactional_db, world
):
    form = FORMS[name]
    if form.prepare:
        form.prepare(world)
    browser = Browser(live_server, client, world.role(form.role))

    answers = send_together(browser, form.path(world), form.data(world))

    # The first is saved; the others are told it already was, or that it can no longer be
    # done (a closed set cannot be closed, a revoked invitation is not found).
    assert {status for status, _ in answers} <= {302, 403, 404}
    assert form.made(world) == form.made_once
    assert audit_counts(form.audits) == form.audits


def test_an_invitation_accepted_five_times_at_once_joins_once(
    live_server, client, transactional_db, world
):
    invitation = InvitationFactory(learning_set=world.learning_set, email=world.outsider.email)
    browser = Browser(live_server, client, world.outsider)

    answers = send_together(browser, invitation.link(), {})

    assert [status for status, _ in answers] == [302] * SENDERS
    assert Membership.objects.filter(user=world.outsider).count() == 1
    assert AuditEvent.objects.filter(action=SetAction.INVITATION_ACCEPTED).count() == 1


def test_an_action_added_five_times_at_once_on_the_meeting_page_is_added_once(
    live_server, client, transactional_db, world
):
    """The meeting page's forms name the revision they were rendered at: the first saves,
    the others are answered 409 Conflict (sessions.services.running)."""
    meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(hours=1)
    )
    browser = Browser(live_server, client, world.facilitator)
    path = reverse("meetings:meeting_actions", args=[meeting.pk])
    data = {
        "op": "add",
        "revision": str(meeting.revision),
        "owner": str(world.member.pk),
        "text": "Call the CFO",
        "due": "next",
        "due_on": "",
    }

    answers = send_together(browser, path, data)

    assert sorted(status for status, _ in answers) == [302] + [409] * (SENDERS - 1)
    assert Action.objects.filter(committed_at=meeting).count() == 1


def test_a_pulse_answered_five_times_at_once_counts_once(
    live_server, client, transactional_db, world
):
    meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-1), status="held"
    )
    attend(meeting, world.member)
    browser = Browser(live_server, client, world.member)
    path = reverse("meetings:pulse", args=[meeting.pk])

    answers = send_together(browser, path, {f"item_{n}": "5" for n in range(1, 8)})

    assert sorted(status for status, _ in answers) == [302] + [400] * (SENDERS - 1)
    # Each of the seven statements counted one answer, at the point given.
    counted = PulseTally.objects.filter(meeting=meeting, count__gt=0)
    assert sorted(counted.values_list("item", "count")) == [(item, 1) for item in range(1, 8)]
    assert PulseReceipt.objects.filter(meeting=meeting).count() == 1


def test_two_sets_named_alike_but_for_case_sent_at_once_make_one(
    live_server, client, transactional_db, world
):
    browser = Browser(live_server, client, world.admin)
    path = reverse("sets:set_create", args=[world.programme.pk])
    names = ["Set Gamma", "set gamma", "SET GAMMA", "Set gamma", "set Gamma"]

    answers = send_at_once(browser, path, [{**SET_DATA, "name": name} for name in names])

    assert sorted(status for status, _ in answers) == [302] + [400] * (len(names) - 1)
    assert LearningSet.objects.filter(name__iexact="set gamma").count() == 1


def test_a_signup_sent_five_times_at_once_makes_one_account(
    live_server, client, transactional_db, world
):
    invitation = InvitationFactory(learning_set=world.learning_set, email=SIGNUP["email"])
    client.get(invitation.link())
    key = key_on(client.get(reverse("account_signup")))
    browser = Browser(live_server, client)

    answers = send_together(browser, reverse("account_signup"), {**SIGNUP, "form_key": key})

    assert [status for status, _ in answers] == [302] * SENDERS
    assert len({location for _, location in answers}) == 1
    assert get_user_model().objects.filter(email=SIGNUP["email"]).count() == 1
    assert Membership.objects.filter(user__email=SIGNUP["email"]).count() == 1
