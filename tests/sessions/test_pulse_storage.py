"""How pulse answers are stored (docs/confidentiality.md#the-pulse), on PostgreSQL as in
production.

Answers that arrive at the same moment are all counted; and a dump of the database, system
columns and all, holds nothing that lines a receipt (who answered) up with an answer (what
they chose): apart from the sums themselves, everything about the tallies is the same
whatever the members answered.
"""

import os
import random
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sessions import pulse
from sessions.models import PulseReceipt, PulseTally
from sessions.services.pulse import answer_pulse
from tests.sessions.builders import add_members, attend_all, held_meetings

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL): transaction ids and row versions are its own",
)

CSRF_SECRET = "a" * 32  # any 32 letters: Django accepts the unmasked secret as the token
MEMBERS = 8


def random_answers(rng):
    return {item.field: rng.randint(1, 7) for item in pulse.ITEMS}


def expected_tallies(answer_sets):
    return sorted(
        (row.item, row.point, row.count) for row in pulse.tallies(None, answer_sets) if row.count
    )


def counted(meeting):
    return sorted(
        PulseTally.objects.filter(meeting=meeting, count__gt=0).values_list(
            "item", "point", "count"
        )
    )


@pytest.fixture
def open_pulse(transactional_db, world):
    """A meeting held two days ago, its pulse open, with eight members who were there."""
    (meeting,) = held_meetings(world.learning_set, 1, last_days_ago=2)
    members = add_members(world.learning_set, MEMBERS, world.contract)
    attend_all([meeting], members)
    return meeting, members


# Answers at the same moment


def post_as(live_server, user, path, data):
    client = Client()
    client.force_login(user)
    request = urllib.request.Request(  # noqa: S310 - always the live server's http URL
        live_server.url + path,
        data=urllib.parse.urlencode(data).encode(),
        headers={
            "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF_SECRET}",
            "X-CSRFToken": CSRF_SECRET,
        },
    )
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_answers_sent_at_the_same_moment_are_all_counted(live_server, open_pulse):
    meeting, members = open_pulse
    rng = random.Random(3)
    answer_sets = [random_answers(rng) for _ in members]
    path = reverse("meetings:pulse", args=[meeting.pk])
    start = threading.Barrier(len(members))
    statuses = []

    def answer(member, answers):
        form = {field: str(point) for field, point in answers.items()}
        start.wait()
        statuses.append(post_as(live_server, member, path, form))

    threads = [
        threading.Thread(target=answer, args=pair)
        for pair in zip(members, answer_sets, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses == [302] * len(members)
    assert PulseReceipt.objects.filter(meeting=meeting).count() == len(members)
    assert counted(meeting) == expected_tallies(answer_sets)
    assert PulseTally.objects.filter(meeting=meeting).count() == 49


def test_the_same_member_twice_at_the_same_moment_is_counted_once(live_server, open_pulse):
    meeting, members = open_pulse
    path = reverse("meetings:pulse", args=[meeting.pk])
    form = {item.field: "5" for item in pulse.ITEMS}
    start = threading.Barrier(4)
    statuses = []

    def answer():
        start.wait()
        statuses.append(post_as(live_server, members[0], path, form))

    threads = [threading.Thread(target=answer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(statuses) == [302, 400, 400, 400]
    assert counted(meeting) == [(item.number, 5, 1) for item in pulse.ITEMS]


# What a dump holds


def system_columns(meeting):
    """Each tally row as the database keeps it, in its physical order (the order pg_dump
    writes rows in): where it lies, which transaction wrote it, its id, statement, point."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ctid::text AS place, xmin::text AS writer, id, item, point "
            "FROM meetings_pulsetally "
            "WHERE meeting_id = %s ORDER BY ctid",
            [meeting.pk],
        )
        return cursor.fetchall()


def receipts_in_order(meeting):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id FROM meetings_pulsereceipt WHERE meeting_id = %s ORDER BY ctid",
            [meeting.pk],
        )
        return [user for (user,) in cursor.fetchall()]


def pg_dump_tallies():
    """The tally table's rows as pg_dump writes them, without the counts."""
    database = connection.settings_dict
    environment = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    command = [
        shutil.which("pg_dump"),
        "--data-only",
        "--table=meetings_pulsetally",
        f"--host={database['HOST']}",
        f"--port={database.get('PORT') or 5432}",
        f"--username={database['USER']}",
        database["NAME"],
    ]
    dump = subprocess.run(  # noqa: S603 - pg_dump of the test database, from our settings
        command, env=environment, capture_output=True, text=True, check=True
    )
    lines = dump.stdout.split("COPY public.meetings_pulsetally", 1)[1].split("\n\\.", 1)[0]
    rows = [line.split("\t") for line in lines.splitlines()[1:]]
    columns = lines.splitlines()[0].split("(", 1)[1].split(")", 1)[0].split(", ")
    first_id = min(int(row[columns.index("id")]) for row in rows)
    return [
        {
            name: int(value) - first_id if name == "id" else value
            for name, value in zip(columns, row, strict=True)
            if name != "count"
        }
        for row in rows
    ]


def answer_in_turn(meeting, members, answer_sets):
    """Each member answers in a transaction of their own, as requests do; what the tally
    rows show after each answer is kept, with each transaction id replaced by the turn of
    the answer that wrote it (an id means nothing from one run to the next; whose answer's
    transaction it is, is what a dump would let someone follow)."""
    seen, turn_of = [], {}
    for turn, (member, answers) in enumerate(zip(members, answer_sets, strict=True)):
        answer_pulse(meeting, member, answers)
        rows = system_columns(meeting)
        first_id = min(pk for _, _, pk, _, _ in rows)
        for _, xmin, _, _, _ in rows:
            turn_of.setdefault(xmin, turn)
        seen.append(
            [
                (ctid, turn_of[xmin], pk - first_id, item, point)
                for ctid, xmin, pk, item, point in rows
            ]
        )
    return seen


@pytest.fixture
def still_table(transactional_db):
    """Vacuum stays away from the tally table while a test lays it out, so that where a row
    lands depends only on what the test does."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE meetings_pulsetally SET (autovacuum_enabled = false)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE meetings_pulsetally RESET (autovacuum_enabled)")


def start_again():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE meetings_pulsetally, meetings_pulsereceipt RESTART IDENTITY")


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs pg_dump")
def test_nothing_in_a_dump_lines_a_receipt_up_with_an_answer(open_pulse, still_table):
    meeting, members = open_pulse
    rng = random.Random(7)
    first_answers = [random_answers(rng) for _ in members]
    # The same people in the same order, every one of them answering differently.
    second_answers = [
        {field: 8 - point for field, point in answers.items()} for answers in first_answers
    ]

    first = answer_in_turn(meeting, members, first_answers)
    first_dump = pg_dump_tallies()
    assert counted(meeting) == expected_tallies(first_answers)
    start_again()
    second = answer_in_turn(meeting, members, second_answers)
    second_dump = pg_dump_tallies()
    assert counted(meeting) == expected_tallies(second_answers)

    # After each answer, every one of the 49 rows carries that answer's transaction id, as
    # its receipt does, and none an earlier one's: the id points at the whole scale, not at
    # the seven points chosen.
    for turn, rows in enumerate(first):
        assert len(rows) == 49
        assert {writer for _, writer, _, _, _ in rows} == {turn}
    # Where each row lies, which receipt's transaction last wrote it, its id and what it
    # counts are the same after every answer whatever was answered, and so is the order
    # pg_dump writes the rows in: only the sums differ.
    assert first == second
    assert first_dump == second_dump
    # The ids were given in the order of the scale, not of any answer.
    assert [
        (int(row["item"]), int(row["point"]))
        for row in sorted(first_dump, key=lambda row: int(row["id"]))
    ] == [(item, point) for item in range(1, 8) for point in range(1, 8)]
    # Receipts hold who answered and in what order, and nothing about what.
    assert receipts_in_order(meeting) == [member.pk for member in members]
