"""The attendance reports: a programme's for its admins, a set's for its facilitators; the
rates and the certification view, the chart, filters, bad input and query counts."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions.reports.attendance import (
    CHART_MAX_SETS,
    MEMBERS_PER_PAGE,
    ReportScope,
    Tally,
    attendance_report,
    member_page,
    member_summaries,
)
from sessions.reports.chart import attendance_heatmap, band_for, bands
from tests.factories import MembershipFactory, ProgrammeFactory, SetFactory, UserFactory
from tests.sessions.attendance_data import attend, build_attendance, held, london
from tests.sessions.factories import MeetingFactory


@pytest.fixture
def data(world):
    return build_attendance(world)


def get_programme_report(client, world, **query):
    return client.get(reverse("meetings:programme_report", args=[world.programme.pk]), query)


def get_set_report(client, learning_set, **query):
    return client.get(reverse("meetings:set_report", args=[learning_set.pk]), query)


def text(response):
    """The page's visible words, tags dropped and spaces squeezed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(response, heading_id):
    html = response.content.decode()
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end]))


@pytest.fixture
def as_admin(client, world):
    client.force_login(world.admin)
    return client


# The figures


def test_tallies_round_down_so_that_the_threshold_is_never_flattered():
    assert Tally(expected=3, attended=2).rate == 66
    assert Tally(expected=4, attended=3).rate == 75
    assert Tally(expected=4, attended=3).below(75) is False
    assert Tally(expected=401, attended=300).rate == 74
    assert Tally(expected=401, attended=300).below(75) is True
    assert Tally().rate is None
    assert Tally().below(75) is False


def test_the_report_counts_held_meetings_while_a_member(data):
    world = data.world
    report = attendance_report(ReportScope(world.programme))
    by_name = {m.name: m for m in member_summaries(ReportScope(world.programme))}
    assert by_name["Maya Member"].tally == Tally(3, 2, 1, 0, 0)
    assert by_name["Pat Pending"].tally == Tally(3, 2, 0, 0, 1)
    assert by_name["Fred Former"].tally == Tally(3, 1, 0, 1, 1)
    # Lena left before July: her blank July record is not expected of her.
    assert by_name["Lena Leaver"].tally == Tally(2, 2, 0, 0, 0)
    assert by_name["Olive Other"].tally == Tally(1, 1, 0, 0, 0)
    assert by_name["Former member (erased)"].tally == Tally(1, 0, 0, 1, 0)
    assert [(s.learning_set.name, s.meetings_held, s.tally.rate) for s in report.sets] == [
        ("Set Alpha", 3, 63),
        ("Set Beta", 1, 50),
    ]
    assert report.total == Tally(13, 8, 1, 2, 2)
    assert (report.member_count, report.below_count) == (len(by_name), 4)
    assert [m.name for m in member_page(report, 1, below_only=True)] == [
        "Fred Former",
        "Maya Member",
        "Pat Pending",
        "Former member (erased)",
    ]


def test_a_member_with_nothing_expected_yet_is_counted_and_listed_with_zeros(data):
    world = data.world
    MembershipFactory(learning_set=world.other_set, user__name="Nina Newcomer")
    scope = ReportScope(world.programme)
    report = attendance_report(scope)
    listed = {m.name: m for m in member_page(report, 1)}
    assert set(listed) == {m.name for m in member_summaries(scope)}
    assert report.member_count == len(listed)
    newcomer = listed["Nina Newcomer"]
    assert (newcomer.tally, newcomer.current, newcomer.below) == (Tally(), True, False)
    assert listed["Lena Leaver"].current is False
    beta = next(s for s in report.sets if s.learning_set.pk == world.other_set.pk)
    assert beta.tally == Tally(2, 1, 0, 1, 0)


# The programme's report


def test_an_admin_sees_every_set_and_member_with_those_below_the_threshold(as_admin, data):
    response = get_programme_report(as_admin, data.world)
    assert response.status_code == 200
    sets = section(response, "sets-heading")
    assert "Set Alpha 63% 7 of 11 1 3 Fay Facilitator" in sets
    assert "Set Beta 50% 1 of 2 0 1 None yet None scheduled" in sets
    certification = section(response, "certification-heading")
    assert "4 members are below the programme’s 75% attendance threshold" in certification
    assert "Maya Member maya@example.org 66% Below 75% Set Alpha 3 2 1 0 0" in certification
    assert "Former member (erased) 0% Below 75% Set Beta 1 0 0 1 0" in certification
    # Those below the threshold come first.
    assert certification.index("Former member (erased)") < certification.index("Lena Leaver")
    assert "Lena Leaver Left the set lena@example.org 100% Set Alpha 2 2 0 0 0" in certification
    assert "Olive Other olive@example.org 100% Set Beta 1 1 0 0 0" in certification
    assert certification.count("Below 75%") == 4
    assert "Attendance rate 61% 8 of 13 expected attendances" in text(response)


def test_the_next_meeting_is_shown_in_the_programmes_time_zone(as_admin, data):
    data.world.programme.time_zone = "Asia/Tokyo"
    data.world.programme.save()
    local = data.upcoming.starts_at.astimezone(ZoneInfo("Asia/Tokyo"))
    sets = section(get_programme_report(as_admin, data.world), "sets-heading")
    assert f"{local:%a} {local.day} {local:%b %Y, %H:%M}" in sets


def test_the_page_says_how_the_rate_is_worked_out(as_admin, data):
    definition = section(get_programme_report(as_admin, data.world), "definition-heading")
    assert "Present, late or left early at a held meeting." in definition
    assert "Every meeting marked as held in the period while the person was a member" in definition
    assert "Apologies, absences and records left blank count as expected but not attended" in (
        definition
    )
    assert "rounded down" in definition


def test_the_threshold_is_the_programmes(as_admin, data):
    data.world.programme.attendance_threshold = 60
    data.world.programme.save()
    certification = section(get_programme_report(as_admin, data.world), "certification-heading")
    assert "2 members are below the programme’s 60% attendance threshold" in certification
    assert "Maya Member maya@example.org 66% Set Alpha 3 2 1 0 0 Pat Pending" in certification


def test_everyone_at_the_threshold_is_said_so(as_admin, world):
    attend(held(world.learning_set, london(2025, 1, 14)), world.member, "present")
    certification = section(get_programme_report(as_admin, world), "certification-heading")
    assert "Every member is at or above the programme’s 75% attendance threshold." in (
        certification
    )
    assert "No held meetings yet" in certification


def test_a_programme_with_nothing_held_says_what_happens_next(client, db):
    admin = UserFactory()
    programme = ProgrammeFactory(admins=[admin])
    client.force_login(admin)
    response = client.get(reverse("meetings:programme_report", args=[programme.pk]))
    assert response.status_code == 200
    body = text(response)
    assert "No sets yet." in body
    assert "No meeting has been held yet." in body
    assert "<svg" not in response.content.decode().split('id="chart-heading"')[1]


# Filters


def test_filtering_by_set(as_admin, data):
    response = get_programme_report(as_admin, data.world, set=data.world.other_set.pk)
    assert response.status_code == 200
    assert "Showing Set Beta, all dates." in text(response)
    members = section(response, "certification-heading")
    assert "Olive Other" in members and "Maya Member" not in members


def test_filtering_by_dates(as_admin, data):
    response = get_programme_report(as_admin, data.world, **{"from": "2025-07-01"})
    assert "Showing all 2 sets, from 1 July 2025." in text(response)
    sets = section(response, "sets-heading")
    assert "66% 2 of 3 0 1" in sets  # Alpha: one meeting, Fred and Maya of three
    assert "Set Beta — 0 0 None yet None scheduled" in sets


def test_the_export_buttons_carry_the_filters(as_admin, data):
    response = get_programme_report(
        as_admin, data.world, set=data.world.learning_set.pk, **{"from": "2025-01-01"}
    )
    html = response.content.decode()
    export = html[html.index('id="export-heading"') :]
    assert f'name="set" value="{data.world.learning_set.pk}"' in export
    assert 'name="from" value="2025-01-01"' in export
    assert 'name="to"' not in export
    assert 'name="format" value="csv"' in export and 'name="format" value="xlsx"' in export


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "next week"}, "Enter a date as year-month-day, such as 2026-03-31."),
        ({"to": "2025-02-30"}, "Enter a date as year-month-day, such as 2026-03-31."),
        (
            {"from": "0001-01-01"},
            "Choose a date between 1 January 2000 and 31 December 2100, not 0001-01-01.",
        ),
        (
            {"from": "2025-06-01", "to": "2025-05-01"},
            "The last day, 1 May 2025, is before the first, 1 June 2025.",
        ),
        ({"set": "999999"}, "That set is not in this programme."),
    ],
)  # fmt: skip
def test_bad_filters_answer_400_with_a_message(as_admin, data, query, message):
    response = get_programme_report(as_admin, data.world, **query)
    assert response.status_code == 400
    body = text(response)
    assert message in body
    assert "These filters cannot be used" in body
    assert "Maya Member" not in body


def test_a_set_of_another_programme_is_refused(as_admin, data):
    stranger = SetFactory(name="Set Elsewhere")
    response = get_programme_report(as_admin, data.world, set=stranger.pk)
    assert response.status_code == 400
    assert "That set is not in this programme." in text(response)


# The chart


def test_the_chart_has_a_title_a_description_and_a_table(as_admin, data):
    response = get_programme_report(as_admin, data.world)
    html = response.content.decode()
    chart = html[html.index('id="chart-heading"') : html.index('id="export-heading"')]
    assert 'role="img"' in chart
    assert (
        '<title id="attendance-chart-title">Attendance per month: Northfield Leaders 2026</title>'
        in chart
    )
    assert '<desc id="attendance-chart-desc">' in chart
    assert "January 2025 to July 2025 (Europe/London)" in chart
    assert "The lowest is Set Alpha in February 2025, at 50%." in chart
    # Seven months, January to July, gaps included; a column for each in the table.
    assert chart.count('<th scope="col" class="text-nowrap">') == 7
    assert "Set Alpha, February 2025: 2 of 4 attended (50%)" in chart
    assert "Set Alpha, March 2025: no held meeting" in chart
    assert '<td class="text-nowrap">75% (3 of 4 attended)</td>' in chart


def test_the_chart_colours_follow_the_threshold():
    assert [b.key for b in bands(75)] == ["full", "at", "below", "far"]
    assert band_for(100, 75).key == "full"
    assert band_for(75, 75).key == "at"
    assert band_for(74, 75).key == "below"
    assert band_for(50, 75).key == "below"
    assert band_for(49, 75).key == "far"
    assert band_for(None, 75).key == "none"
    assert [b.key for b in bands(100)] == ["full", "below", "far"]
    assert [b.key for b in bands(0)] == ["full", "at"]
    assert band_for(0, 0).key == "at"
    assert [b.key for b in bands(20)] == ["full", "at", "below"]
    assert band_for(0, 20).key == "below"


def test_no_chart_without_a_held_meeting(world):
    report = attendance_report(ReportScope(world.programme))
    assert attendance_heatmap(report, "title") is None


# The set's report


def test_a_facilitator_sees_their_own_sets_report(client, data):
    client.force_login(data.world.facilitator)
    response = get_set_report(client, data.world.learning_set)
    assert response.status_code == 200
    body = text(response)
    assert "Set Alpha: attendance" in body
    assert "Olive Other" not in body
    certification = section(response, "certification-heading")
    assert "3 members are below the programme’s 75% attendance threshold" in certification
    assert "Maya Member maya@example.org 66% Below 75% 3 2 1 0 0" in certification
    assert reverse("meetings:set_attendance_export", args=[data.world.learning_set.pk]) in (
        response.content.decode()
    )


def test_a_programme_admin_sees_a_sets_report(as_admin, data):
    response = get_set_report(as_admin, data.world.other_set)
    assert response.status_code == 200
    assert "Olive Other" in section(response, "certification-heading")


@pytest.mark.parametrize(
    ("who", "which", "status"),
    [
        ("member", "learning_set", 403),
        ("pending", "learning_set", 403),
        ("facilitator", "other_set", 404),
        ("former", "learning_set", 404),
        ("outsider", "learning_set", 404),
        ("other_member", "learning_set", 404),
    ],
)
def test_who_may_not_see_a_sets_report(client, data, who, which, status):
    client.force_login(getattr(data.world, who))
    assert get_set_report(client, getattr(data.world, which)).status_code == status


@pytest.mark.parametrize("who", ["facilitator", "member", "outsider", "other_member"])
def test_only_admins_see_the_programmes_report(client, data, who):
    client.force_login(getattr(data.world, who))
    assert get_programme_report(client, data.world).status_code == 404


# Links to the reports


def test_the_programme_page_links_to_its_report(as_admin, world):
    response = as_admin.get(world.programme.get_absolute_url())
    assert reverse("meetings:programme_report", args=[world.programme.pk]) in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("who", "linked"),
    [("facilitator", True), ("admin", True), ("member", False), ("pending", False)],
)
def test_the_set_page_links_to_its_report_for_those_who_may_see_it(client, world, who, linked):
    client.force_login(getattr(world, who))
    response = client.get(world.learning_set.get_absolute_url())
    assert response.status_code == 200
    url = reverse("meetings:set_report", args=[world.learning_set.pk])
    assert (url in response.content.decode()) is linked


# Query counts


def _grow(programme, sets, members, meetings):
    """Sets with a facilitator, members and held meetings, every member present at each."""
    for _ in range(sets):
        learning_set = SetFactory(programme=programme)
        MembershipFactory(learning_set=learning_set, role="facilitator")
        people = [MembershipFactory(learning_set=learning_set).user for _ in range(members)]
        for m in range(meetings):
            meeting = held(learning_set, london(2025, 1 + m, 7))
            for person in people:
                attend(meeting, person, "present")
        MeetingFactory(learning_set=learning_set, starts_at=timezone.now() + timedelta(days=9))


def _count_queries(client, url):
    client.get(url)  # the first request of a session records when it was last seen
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["programme_report", "set_report"])
def test_the_reports_query_count_does_not_grow_with_sets_and_members(as_admin, world, name):
    url = reverse(
        f"meetings:{name}",
        args=[world.programme.pk if name == "programme_report" else world.learning_set.pk],
    )
    _grow(world.programme, sets=1, members=1, meetings=1)
    attend(held(world.learning_set, london(2025, 1, 7)), world.member, "present")
    small = _count_queries(as_admin, url)
    _grow(world.programme, sets=4, members=5, meetings=3)
    for person in [MembershipFactory(learning_set=world.learning_set).user for _ in range(4)]:
        attend(held(world.learning_set, london(2025, 2, 7)), person, "absent")
    assert _count_queries(as_admin, url) == small


def test_the_programme_reports_query_count_is_the_same_for_one_set_and_five(as_admin, world):
    programme = ProgrammeFactory(admins=[world.admin])
    url = reverse("meetings:programme_report", args=[programme.pk])
    _grow(programme, sets=1, members=3, meetings=2)
    one = _count_queries(as_admin, url)
    _grow(programme, sets=4, members=3, meetings=2)
    assert _count_queries(as_admin, url) == one


# Pages of members


def test_a_member_below_the_threshold_on_page_two_is_listed_there_not_on_page_one(client, db):
    admin = UserFactory()
    client.force_login(admin)
    programme = ProgrammeFactory(admins=[admin])
    _grow(programme, sets=2, members=MEMBERS_PER_PAGE // 2 + 1, meetings=2)
    learning_sets = list(programme.sets.order_by("name"))
    # More than a page below the threshold, then one more in the last set, sorted after them.
    for learning_set in learning_sets:
        for attendance in learning_set.meetings.get(starts_at__month=1).attendance.all():
            attendance.status = "absent"
            attendance.save()
    url = reverse("meetings:programme_report", args=[programme.pk])
    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert first.status_code == second.status_code == 200
    last = sorted(
        learning_sets[-1].memberships.filter(role="member").select_related("user"),
        key=lambda m: m.user.name.casefold(),
    )[-1].user
    assert last.email not in section(first, "certification-heading")
    page_two = section(second, "certification-heading")
    assert f"{last.name} {last.email} 50% Below 75% {learning_sets[-1].name} 2 1 0 1 0" in page_two
    html = second.content.decode()
    assert '<nav aria-label="Pages of members">' in html
    current = '<li class="page-item active" aria-current="page"><span class="page-link">'
    assert f'{current}<span class="visually-hidden">Page </span>2</span>' in html


def test_below_threshold_only_keeps_the_filters_across_pages(as_admin, data):
    world = data.world
    response = get_programme_report(as_admin, world, set=world.learning_set.pk, members="below")
    assert response.status_code == 200
    certification = section(response, "certification-heading")
    assert "Maya Member" in certification and "Lena Leaver" not in certification
    html = response.content.decode()
    assert f'href="?set={world.learning_set.pk}&amp;members=all#certification-heading"' in html
    assert 'aria-current="page">Below threshold only</a>' in html


def test_an_unknown_choice_of_members_is_refused(as_admin, data):
    response = get_programme_report(as_admin, data.world, members="everyone")
    assert response.status_code == 400
    assert "is not a choice of members" in text(response)


def test_with_many_sets_the_chart_shows_them_all_together(db):
    programme = ProgrammeFactory()
    _grow(programme, sets=CHART_MAX_SETS + 1, members=1, meetings=2)
    chart = attendance_heatmap(attendance_report(ReportScope(programme)), "title")
    assert [row.name for row in chart.rows] == [f"All {CHART_MAX_SETS + 1} sets"]
    assert [cell.table_text for cell in chart.rows[0].cells] == [
        f"100% ({CHART_MAX_SETS + 1} of {CHART_MAX_SETS + 1} attended)"
    ] * 2
    assert "Attendance rate of all sets together in each month" in chart.description
