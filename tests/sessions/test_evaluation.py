"""The programme evaluation report (docs/reports.md#the-evaluation-report): its definitions,
what it holds back, and an attacker who takes every figure the page and the CSV publish, over
every period the filter allows, and tries to work out what is held back by adding and
subtracting them."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from fractions import Fraction
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from alsspace.models import AuditEvent
from sessions.audit_actions import MeetingAction
from sessions.models import Meeting, PulseItem, PulseReceipt, PulseTally
from sessions.reports.disclosure import K
from sessions.services.stories import share_story
from tests.factories import MembershipFactory, SetFactory
from tests.sessions.builders import safe_pulse
from tests.sessions.evaluation_data import (
    LONDON,
    PLANTED,
    SECRET_NAME,
    SetPlan,
    build,
    month_of,
    story,
)
from tests.sessions.linear import Span

HELD = "held back"
ATTENDANCE = {"Attendances expected": 0, "Attended": 1, "Attended or apologies with notice": 2}
OUTCOMES = {"Done": 0, "Carried forward": 1, "Dropped": 2}


def evaluation_url(built, **query):
    url = reverse("meetings:evaluation", args=[built.programme.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def export_url(built, **query):
    url = reverse("meetings:evaluation_export", args=[built.programme.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csv_figures(client, built, **query):
    response = client.get(export_url(built, **query))
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows[0] == ["Section", "Set or month", "Item", "Value"]
    return {(section, row, figure): value for section, row, figure, value in rows[1:]}


class Tables(HTMLParser):
    """Each table of a page, by the start of its caption: its rows, as the text of each
    cell."""

    def __init__(self):
        super().__init__()
        self.tables, self.table, self.row, self.cell, self.caption = {}, None, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.table = []
        elif tag == "caption":
            self.caption = ""
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self.current, self.caption = self.caption.strip(), None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join(self.cell.split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.table.append(self.row)
            self.row = None
        elif tag == "table":
            self.tables[self.current.split(",")[0]] = self.table[1:]
            self.table = None

    def handle_data(self, data):
        if self.caption is not None:
            self.caption += data
        elif self.cell is not None:
            self.cell += data


def page_figures(client, built, **query):
    """The figures the page shows, keyed as the CSV keys them."""
    response = client.get(evaluation_url(built, **query))
    assert response.status_code == 200
    parser = Tables()
    parser.feed(response.content.decode())
    figures = {}
    for name, *cells in parser.tables["Attendance and commitment by set"]:
        if cells == [HELD] * 3:
            for figure in ATTENDANCE:
                figures["Attendance", name, figure] = HELD
        elif cells != ["No meetings held"]:
            attended = re.fullmatch(r"\d+% (\d+) attended", cells[0]).group(1)
            committed = re.fullmatch(r"\d+% (\d+) attended or with notice", cells[1]).group(1)
            figures["Attendance", name, "Attendances expected"] = cells[2]
            figures["Attendance", name, "Attended"] = attended
            figures["Attendance", name, "Attended or apologies with notice"] = committed
    for name, *cells in parser.tables["Action outcomes reported by set"]:
        for figure, value in zip([*OUTCOMES, "Total"], cells, strict=True):
            figures["Action outcomes", name, figure] = value
    pulse = parser.tables.get("Mean safety score of the published pulses of every set", [])
    for label, *cells in pulse:
        if cells == [HELD] * 2:
            figures["Pulse", label, "Answers"] = figures["Pulse", label, "Mean"] = HELD
        elif cells != ["No published pulse"]:
            figures["Pulse", label, "Mean"], figures["Pulse", label, "Answers"] = cells
    return figures, response.content.decode()


def csv_as_page(figures):
    """The CSV's figures under the page's keys, leaving out what the page shows as rates."""
    found = {}
    for (section, row, figure), value in figures.items():
        if section in ("Report", "Value story") or figure.endswith("rate (%)"):
            continue
        if section == "Pulse" and figure.startswith("Mean"):
            figure = "Mean"
        found[section, row, figure] = value
    return found


# The attacker


def periods(months):
    """Every run of whole months the filter can choose, as (from, to) and its months."""
    ordered = sorted(months)
    for a in range(len(ordered)):
        for b in range(a, len(ordered)):
            yield (ordered[a], ordered[b]), ordered[a : b + 1]
    yield None, ordered


def linear_form(built, key, months):
    """A figure as a sum over the unknown parts: (kind, set, month, measure)."""
    section, row, figure = key
    if section == "Attendance":
        sets = list(built.sets) if row == "All sets" else [row]
        return {("attendance", s, m, ATTENDANCE[figure]): 1 for s in sets for m in months}
    if section == "Action outcomes":
        sets = list(built.sets) if row == "All sets" else [row]
        measures = list(OUTCOMES.values()) if figure == "Total" else [OUTCOMES[figure]]
        return {("outcome", s, m, i): 1 for s in sets for m in months for i in measures}
    # The pulse: answers and the sum of the scores, per month.
    label_months = months if row == "The period" else [m for m in months if f"{m:%B %Y}" == row]
    measure = 0 if figure == "Answers" else 1
    return {("pulse", "", m, measure): 1 for m in label_months}


def small_parts(built, plans):
    """The monthly parts that have fewer than K people behind them, or a pulse of one set."""
    small = []
    for plan in plans:
        for j, size in plan.members.items():
            month = month_of(j)
            if size < K:
                small += [("attendance", plan.name, month, i) for i in range(3)]
            owners = built.truth.outcomes[plan.name, month]
            small += [("outcome", plan.name, month, i) for i in range(3) if 0 < owners[i] < K]
    for j in {j for plan in plans for j in plan.pulse}:
        month = month_of(j)
        answering = [plan.pulse.get(j, 0) for plan in plans if plan.pulse.get(j, 0)]
        if sum(answering) < K or len(answering) < 2:
            small += [("pulse", "", month, 0), ("pulse", "", month, 1)]
    return small


def attack(client, built, plans):
    """Every figure published for every period, from the page and the CSV; what of the held
    back figures and the small parts can be worked out from them."""
    span, targets = Span(), []
    # A reader may know that a set did not meet in a month: those parts are known zeros.
    for name in built.sets:
        for month in built.truth.months:
            if (name, month) not in built.truth.attendance:
                for i in range(3):
                    span.add({("attendance", name, month, i): 1})
                    span.add({("outcome", name, month, i): 1})
    for month in built.truth.months:
        if month not in built.truth.pulse:
            span.add({("pulse", "", month, 0): 1})
            span.add({("pulse", "", month, 1): 1})
    for chosen, months in periods(built.truth.months):
        query = {"from": chosen[0].isoformat(), "to": chosen[1].isoformat()} if chosen else {}
        shown, _ = page_figures(client, built, **query)
        downloaded = csv_as_page(csv_figures(client, built, **query))
        assert shown == downloaded, chosen
        for key, value in shown.items():
            form = linear_form(built, key, months)
            if value == HELD:
                targets.append((chosen, key, form))
            elif key[2] == "Mean":
                span.add({(kind, s, m, 1): 1 for (kind, s, m, _), _ in form.items()})
            else:
                span.add(form)
    small = [(None, part, {part: 1}) for part in small_parts(built, plans)]
    return [(chosen, key) for chosen, key, form in targets + small if span.contains(form)]


SMALL_SET = [
    SetPlan("Set Large", {0: 8, 1: 8, 2: 8}, pulse={0: 5, 1: 5, 2: 2}),
    # Two members leave after February: four people behind its March figures.
    SetPlan("Set Medium", {0: 6, 1: 6, 2: 4}, pulse={0: 4, 2: 4}),
    SetPlan("Set Small", {0: 3, 1: 3, 2: 3}),
]


@pytest.fixture
def small_set(db, client):
    built = build(SMALL_SET)
    client.force_login(built.admin)
    return built


def test_nothing_held_back_can_be_worked_out_from_every_period_of_page_and_csv(client, small_set):
    shown, _ = page_figures(client, small_set)
    assert shown["Attendance", "Set Small", "Attended"] == HELD
    assert shown["Pulse", "February 2025", "Answers"] == HELD  # one set's pulse alone
    assert attack(client, small_set, SMALL_SET) == []


def test_a_small_set_is_held_back_with_a_second_and_the_total_stays(client, small_set):
    shown, _ = page_figures(client, small_set)
    held = {row for (section, row, _), v in shown.items() if section == "Attendance" and v == HELD}
    assert held == {"Set Small", "Set Medium"}  # Medium's March has four people
    truth = small_set.truth.attendance
    expected = sum(figures[0] for figures in truth.values())
    assert shown["Attendance", "All sets", "Attendances expected"] == str(expected)


LEAVERS = [
    SetPlan("Set Large", {0: 8, 1: 8, 2: 8}),
    SetPlan("Set Larger", {0: 9, 1: 9, 2: 9}),
    # Two members leave after February: four people behind its March figures.
    SetPlan("Set Medium", {0: 6, 1: 6, 2: 4}),
]


def test_a_set_small_only_in_march_is_shown_for_the_months_before(db, client):
    built = build(LEAVERS)
    client.force_login(built.admin)
    before = csv_figures(client, built, **{"from": "2025-01-01", "to": "2025-02-28"})
    medium = [built.truth.attendance["Set Medium", month_of(j)] for j in (0, 1)]
    expected = str(sum(m[0] for m in medium))
    assert before["Attendance", "Set Medium", "Attendances expected"] == expected
    whole = csv_figures(client, built)
    held = {row for (section, row, _), v in whole.items() if section == "Attendance" and v == HELD}
    assert held == {"Set Medium", "Set Large"}  # Large, the smaller of the others, covers it
    # March on its own, and every period with it: the subtraction gives nothing away.
    assert attack(client, built, LEAVERS) == []


NO_SMALL_GROUP = [
    SetPlan("North", {0: 20, 1: 20}, pulse={0: 5, 1: 6}),
    SetPlan("South", {0: 20, 1: 21}, pulse={0: 5, 1: 5}),
]


def test_with_no_small_group_every_figure_is_published_and_true(db, client):
    built = build(NO_SMALL_GROUP)
    client.force_login(built.admin)
    shown, html = page_figures(client, built)
    assert HELD not in shown.values()
    assert "marked “held back”" not in html
    truth = built.truth
    for name in ("North", "South"):
        months = [month_of(j) for j in (0, 1)]
        attendance = [sum(truth.attendance[name, m][i] for m in months) for i in (0, 1, 2)]
        outcomes = [sum(truth.outcomes[name, m][i] for m in months) for i in (0, 1, 2)]
        assert [shown["Attendance", name, f] for f in ATTENDANCE] == [str(n) for n in attendance]
        assert [shown["Action outcomes", name, f] for f in OUTCOMES] == [str(n) for n in outcomes]
        assert shown["Action outcomes", name, "Total"] == str(sum(outcomes))
    answers, points = truth.pulse[month_of(0)]
    assert shown["Pulse", "January 2025", "Answers"] == str(answers)
    assert shown["Pulse", "January 2025", "Mean"] == str(round(points / answers, 1))
    assert attack(client, built, NO_SMALL_GROUP) == []


def test_commitment_counts_apologies_sent_before_the_day_not_on_it(db, client):
    built = build([SetPlan("A", {3: 6}), SetPlan("B", {0: 6})])
    client.force_login(built.admin)
    shown = csv_figures(client, built)
    # April (month 3): members 0 and 4 send apologies three days ahead, member 1 on the day;
    # 2, 3 and 5 come.
    assert shown["Attendance", "A", "Attended"] == "3"
    assert shown["Attendance", "A", "Attended or apologies with notice"] == "5"
    assert shown["Attendance", "A", "Attendance rate (%)"] == "50"
    assert shown["Attendance", "A", "Commitment rate (%)"] == "83"
    # January (month 0): member 3 is absent, member 4 sends apologies on the day.
    assert shown["Attendance", "B", "Attended or apologies with notice"] == "4"
    assert shown["Attendance", "B", "Commitment rate (%)"] == "66"


def test_outcome_counts_follow_report_backs(db, client):
    plans = [SetPlan(name, {0: 20}) for name in ("A", "B")]
    built = build(plans)
    client.force_login(built.admin)
    shown = csv_figures(client, built)
    # i = 0..19 at month 0: outcome cycle by i % 4: five each; partly done counts nowhere.
    assert [shown["Action outcomes", "A", f] for f in (*OUTCOMES, "Total")] == [
        "5",
        "5",
        "5",
        "15",
    ]
    assert shown["Action outcomes", "All sets", "Total"] == "30"


def test_an_unpublished_pulse_and_meetings_not_held_never_count(db, client):
    built = build(NO_SMALL_GROUP)
    client.force_login(built.admin)
    before = csv_figures(client, built)
    north = built.sets["North"]
    unpublished = Meeting.objects.filter(learning_set=north).first()
    extra = Meeting.objects.create(
        learning_set=north,
        starts_at=unpublished.starts_at.replace(day=20),
        ends_at=unpublished.ends_at.replace(day=20),
        status=Meeting.Status.CANCELLED,
    )
    safe_pulse(extra, 9, 1)
    held = Meeting.objects.create(
        learning_set=north,
        starts_at=unpublished.starts_at.replace(day=21),
        ends_at=unpublished.ends_at.replace(day=21),
        status=Meeting.Status.HELD,
    )
    # Closed with fewer answers than the threshold: never published, so never counted. (One
    # closed with enough is published by the report itself: see below.)
    safe_pulse(held, built.programme.pulse_threshold - 1, 1)
    assert csv_figures(client, built) == before


def test_the_pulse_mean_is_of_the_safety_statements_never_the_challenge_ones(db, client):
    built = build(NO_SMALL_GROUP)
    client.force_login(built.admin)
    before = csv_figures(client, built)
    PulseItem.objects.create(
        programme=built.programme,
        number=8,
        position=8,
        text="The set stretched my thinking this time.",
        dimension=PulseItem.Dimension.CHALLENGE,
    )
    for meeting in Meeting.objects.filter(learning_set__programme=built.programme):
        answers = sum(t.count for t in meeting.pulse_tallies.filter(item=1))
        if answers:
            PulseTally.objects.create(meeting=meeting, item=8, point=1, count=answers)
    assert csv_figures(client, built) == before
    january = before["Pulse", "January 2025", "Mean safety (1 to 7)"]
    answers, points = built.truth.pulse[month_of(0)]
    assert january == str(round(points / answers, 1))


def test_the_period_is_whole_months(db, client):
    built = build(NO_SMALL_GROUP)
    client.force_login(built.admin)
    # The meetings are on the 14th: a period from the 20th of January still counts them.
    late = csv_figures(client, built, **{"from": "2025-01-20", "to": "2025-01-20"})
    whole = csv_figures(client, built, **{"from": "2025-01-01", "to": "2025-01-31"})
    assert late == whole
    assert whole["Report", "", "Period"] == "January 2025"
    expected = sum(built.truth.attendance[n, date(2025, 1, 1)][0] for n in ("North", "South"))
    assert whole["Attendance", "All sets", "Attendances expected"] == str(expected)


def test_nothing_said_and_no_name_reaches_the_page_or_the_csv(client, small_set):
    _, html = page_figures(client, small_set)
    text = client.get(export_url(small_set)).content.decode()
    for planted in PLANTED:
        assert planted not in html
        assert planted not in text
    for person in ("Set Large member 1", "Set Small member 2"):
        assert person not in html and person not in text


def test_a_set_name_cannot_run_as_a_formula_in_the_csv(db, client):
    built = build([SetPlan('=HYPERLINK("http://x")', {0: 6}), SetPlan("B", {0: 6})])
    client.force_login(built.admin)
    text = client.get(export_url(built)).content.decode()
    assert '\r\nAttendance,"\'=HYPERLINK(""http://x"")",' in text
    assert ",=HYPERLINK" not in text


def test_a_download_is_recorded_in_the_audit_log(client, small_set):
    client.get(export_url(small_set, **{"from": "2025-02-01", "to": "2025-03-31"}))
    event = AuditEvent.objects.get(action=MeetingAction.EVALUATION_EXPORTED)
    assert event.programme_id == small_set.programme.pk
    assert event.actor == small_set.admin
    assert event.detail == {"format": "CSV", "period": "February 2025 to March 2025"}
    response = client.get(evaluation_url(small_set))
    assert AuditEvent.objects.filter(action=MeetingAction.EVALUATION_EXPORTED).count() == 1
    assert response.status_code == 200
    log = client.get(reverse("sets:audit", args=[small_set.programme.pk])).content.decode()
    assert "Downloaded the evaluation report of" in log


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2025-03-01", "to": "2025-01-31"},
        {"from": "not-a-day"},
        {"to": "99999-01-01"},
    ],
)
def test_months_that_cannot_be_used_are_a_400_and_nothing_is_recorded(client, small_set, query):
    response = client.get(evaluation_url(small_set, **query))
    assert response.status_code == 400
    assert "These months cannot be used" in response.content.decode()
    download = client.get(export_url(small_set, **query))
    assert download.status_code == 400
    assert "This download could not be made" in download.content.decode()
    assert not AuditEvent.objects.filter(action=MeetingAction.EVALUATION_EXPORTED).exists()


NAMED = "The board now hears the night shift first, and so do I."
ANONYMISED = "I stopped measuring my worth by how fast I answer:\nnow I ask first."
KEPT = "Kept in the set: what I said about my manager."
WITHDRAWN = "Withdrawn: the story of the restructure."


def test_the_stories_authors_share_are_shown_as_each_chose(client, small_set):
    story(small_set, "Set Large", NAMED, "named", cycle="realised")
    anonymised = story(small_set, "Set Small", ANONYMISED, "anonymised", cycle="reframing")
    story(small_set, "Set Large", KEPT, "none", number=1)
    withdrawn = story(small_set, "Set Medium", WITHDRAWN, "named")
    share_story(withdrawn, actor=withdrawn.author, consent="none")
    _, html = page_figures(client, small_set)
    # Whatever the months: March holds neither story's report-back.
    downloaded = csv_figures(client, small_set, **{"from": "2025-03-01", "to": "2025-03-31"})
    text = "".join(downloaded.values())

    # Each set's first report-back is its first member's, who has the planted name.
    assert f"told by {SECRET_NAME}" in html
    assert "Reframing value" in html and "shared without the author’s name" in html
    stories = {k: v for k, v in downloaded.items() if k[0] == "Value story"}
    assert stories == {
        ("Value story", "Set Large", f"Realised value, told by {SECRET_NAME}"): NAMED,
        ("Value story", "Set Small", "Reframing value, anonymised"): ANONYMISED,
    }
    assert NAMED in html and ANONYMISED in html
    assert html.count(SECRET_NAME) == 1  # the named story's author, not the anonymised one's
    for kept in (KEPT, WITHDRAWN):
        assert kept not in html and kept not in text
    assert anonymised.author.email not in html and anonymised.author.email not in text


def test_a_story_cannot_run_as_a_formula_in_the_csv(client, small_set):
    story(small_set, "Set Large", "=cmd|' /C calc'!A0 helped me", "anonymised")
    text = client.get(export_url(small_set)).content.decode()
    assert "\"Applied value, anonymised\",'=cmd|' /C calc'!A0 helped me\r\n" in text


def _queries(client, built):
    with CaptureQueriesContext(connection) as page:
        assert client.get(evaluation_url(built)).status_code == 200
    with CaptureQueriesContext(connection) as download:
        assert client.get(export_url(built)).status_code == 200
    return len(page), len(download)


def test_the_number_of_queries_does_not_grow_with_the_data(db, client):
    small = build([SetPlan("A", {0: 6}), SetPlan("B", {0: 3}, pulse={0: 3})], name="Small")
    client.force_login(small.admin)
    few = _queries(client, small)
    plans = [
        SetPlan(f"Set {n}", {0: 7, 1: 6, 2: 4 + n % 3}, pulse={0: 3, 1: 4, 2: 5}) for n in range(6)
    ]
    large = build(plans, admin=small.admin, name="Large")
    for number in range(4):
        story(
            large,
            "Set 1",
            f"Story {number}",
            "named" if number % 2 else "anonymised",
            number=number,
        )
    many = _queries(client, large)
    assert few == many


def _third_set_meeting(built, day, answers=3):
    """A third set, East, whose meeting in January 2025 was answered by `answers` members and
    whose results nobody has looked at yet."""
    east = SetFactory(programme=built.programme, name="East")
    people = [MembershipFactory(learning_set=east).user for _ in range(answers)]
    starts = datetime(2025, 1, day, 10, tzinfo=LONDON)
    meeting = Meeting.objects.create(
        learning_set=east,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    safe_pulse(meeting, answers, 2)
    PulseReceipt.objects.bulk_create(PulseReceipt(meeting=meeting, user=p) for p in people)
    return meeting, people


JANUARY = {"from": "2025-01-01", "to": "2025-01-31"}


def test_a_months_pulse_does_not_change_when_the_set_looks_at_its_results(db, client):
    # A set's results are published when someone first looks at them. If the programme's
    # figure for the month took them in only then, the admin could subtract the look before
    # from the look after, and read that one meeting's mean, which they never see
    # (docs/reports.md#disclosure-control).
    built = build(NO_SMALL_GROUP)
    meeting, _ = _third_set_meeting(built, day=20)
    client.force_login(built.admin)
    before = csv_figures(client, built, **JANUARY)
    facilitator = MembershipFactory(learning_set=meeting.learning_set, role="facilitator").user
    member = Client()
    member.force_login(facilitator)
    assert member.get(reverse("meetings:pulse_results", args=[meeting.pk])).status_code == 200
    meeting.refresh_from_db()
    assert meeting.pulse_published_at is not None
    assert csv_figures(client, built, **JANUARY) == before
    answers, points = built.truth.pulse[month_of(0)]
    mean = Fraction(points + 3 * 2, answers + 3)
    assert before["Pulse", "January 2025", "Mean safety (1 to 7)"] == str(round(float(mean), 1))


def test_a_months_pulse_is_held_back_until_no_pulse_of_it_can_still_be_published(db, client):
    # While a pulse of the month may still close and be published (its window is open, or a
    # meeting of the month could still be recorded with one), the month's figure would
    # change with it: it is held back, and shown once it can no longer change.
    built = build(NO_SMALL_GROUP)
    _third_set_meeting(built, day=31)
    client.force_login(built.admin)
    with freeze_time("2025-02-05"):  # East's pulse is still open
        early = csv_figures(client, built, **JANUARY)
    assert early["Pulse", "January 2025", "Answers"] == HELD
    assert early["Pulse", "The period", "Answers"] == HELD
    with freeze_time("2025-03-15"):  # closed, but a meeting of January could still be added
        later = csv_figures(client, built, **JANUARY)
    assert later["Pulse", "January 2025", "Answers"] == HELD
    with freeze_time("2025-04-05"):
        settled = csv_figures(client, built, **JANUARY)
    answers, _ = built.truth.pulse[month_of(0)]
    assert settled["Pulse", "January 2025", "Answers"] == str(answers + 3)
    assert csv_figures(client, built, **JANUARY) == settled
