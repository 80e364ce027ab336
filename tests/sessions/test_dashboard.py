"""The facilitator's dashboard and the overview of their sets (docs/signals.md#the-dashboard):
who may see them, what they show, and the same number of queries whatever the size of the
set."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.inaction.reconcile import detect_inaction
from sessions.inaction.thresholds import Thresholds
from sessions.models import InactionPrompt, SignalThresholds
from sessions.services import prompts as prompt_services
from tests.factories import ContractFactory, MembershipFactory, SetFactory, UserFactory
from tests.sessions.builders import (
    action,
    add_members,
    attend,
    held_meetings,
    next_meeting,
    report,
    safe_pulse,
    slot,
)


def dashboard_url(learning_set):
    return reverse("meetings:dashboard", args=[learning_set.pk])


def busy_set(programme, *, members, meetings, facilitator=None):
    """A set with its facilitator, `members` members and `meetings` held meetings, each with
    attendance, airtime, actions, report-backs and a pulse, then detection run over it."""
    learning_set = SetFactory(programme=programme)
    contract = ContractFactory(learning_set=learning_set)
    facilitator = facilitator or UserFactory()
    MembershipFactory(learning_set=learning_set, user=facilitator, role="facilitator")
    people = add_members(learning_set, members, contract)
    held = held_meetings(learning_set, meetings, every_days=14)
    carried = None
    for index, meeting in enumerate(held):
        for number, person in enumerate(people):
            attend(meeting, person, "absent" if (number + index) % 4 == 0 else "present")
        for number, person in enumerate(people[:3]):
            slot(meeting, person, minutes=20 + 10 * number)
        if carried is not None:
            report(carried, meeting, "carried")
        carried = carried or action(meeting, people[0], "Settle the budget with finance")
        action(meeting, people[index % members], f"Action {index}")
        safe_pulse(meeting, 3, 4 + index % 3)
    next_meeting(learning_set)
    detect_inaction(learning_set)
    return learning_set, facilitator


def count_queries(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Who may see it


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("facilitator", 200),
        ("member", 403),
        ("pending", 403),
        ("admin", 403),
        ("former", 404),
        ("outsider", 404),
        ("other_member", 404),
    ],
)
def test_only_the_sets_facilitators_see_its_dashboard(client, world, role, status):
    client.force_login(world.role(role))

    assert client.get(dashboard_url(world.learning_set)).status_code == status


# What it shows


@pytest.fixture
def record(world):
    """Set Alpha after three held meetings: a carried action, airtime, pulses, a note."""
    m1, m2, m3 = world.meetings = held_meetings(world.learning_set, 3)
    for meeting in (m1, m2, m3):
        attend(meeting, world.member)
        attend(meeting, world.pending, "absent" if meeting != m1 else "present")
        slot(meeting, world.member, minutes=40)
    slot(m3, world.pending, minutes=20)
    world.carried = action(m1, world.member, "Raise the merger with the CFO")
    report(world.carried, m2, "carried")
    report(world.carried, m3, "carried")
    safe_pulse(m1, 3, 6)
    safe_pulse(m2, 2, 1)  # too few answers to show
    safe_pulse(m3, 4, 5)
    detect_inaction(world.learning_set)
    dismissed = InactionPrompt.objects.get(signal="airtime_imbalance")
    prompt_services.dismiss_prompt(
        dismissed, note="Facilitator note: Sam keeps deflecting.", by=world.facilitator
    )
    return world


def test_open_prompts_come_first_with_evidence_question_and_forms(client, record):
    client.force_login(record.facilitator)

    body = client.get(dashboard_url(record.learning_set)).content.decode()

    prompts_at = body.index("Prompts to consider")
    assert prompts_at < body.index("Attendance") < body.index("Airtime")
    assert body.index("Airtime") < body.index("Action flow") < body.index('id="pulse-heading"')
    assert "Carried action: Maya Member" in body
    assert "Carried action: Maya Member<span" not in body  # about her, not the whole set
    assert "Raise the merger with the CFO" in body
    # The set's question first; the one to Maya offered after it, without her name first.
    set_question = body.index("What might we be avoiding together when an action stays open")
    to_one = body.index("Or, to one person:")
    assert set_question < to_one < body.index("What are you avoiding by keeping this action open")
    assert "Maya, what" not in body
    assert f'href="/meetings/{record.meetings[1].pk}/"' in body
    carried = InactionPrompt.objects.get(signal="carried_action")
    assert f'action="/prompts/{carried.pk}/raise/"' in body
    assert "Dismiss with a note" in body
    assert "Recently raised or dismissed (1)" in body
    assert "Facilitator note: Sam keeps deflecting." in body


def test_the_figures_come_with_tables_and_words(client, record):
    client.force_login(record.facilitator)

    body = client.get(dashboard_url(record.learning_set)).content.decode()

    assert body.count('role="img"') == 3
    assert body.count("<desc") == 3
    assert "Share of airtime over the last 3 meetings: Maya Member 86%, Pat Pending 14%" in body
    assert '<td class="text-end">120</td>' in body  # Maya's minutes
    # The pulse chart plots only meetings that met the threshold; the table says why not.
    assert "at each meeting with enough responses: " in body
    assert "not enough" in body
    pulse_desc = body[body.index('id="pulse-chart-desc"') :]
    assert pulse_desc.index("6.0") < pulse_desc.index("5.0") < pulse_desc.index("</desc>")
    assert "1.0" not in pulse_desc[: pulse_desc.index("</desc>")]


def test_the_figures_escape_names_and_link_each_meeting(client, record):
    record.member.name = '<b>Maya</b> & "Co"'
    record.member.save()
    client.force_login(record.facilitator)

    body = client.get(dashboard_url(record.learning_set)).content.decode()

    assert "<b>Maya</b>" not in body
    escaped = "&lt;b&gt;Maya&lt;/b&gt; &amp; &quot;Co&quot;"
    assert f">{escaped}</th>" in body  # the grid and the airtime table
    assert f'text-anchor="end" fill="#1c2b33" font-size="13">{escaped}</text>' in body
    assert f"<title>{escaped}: 86%</title>" in body
    present = (
        '<td class="text-center" title="Present"><span aria-hidden="true">✓</span>'
        '<span class="visually-hidden">Present</span></td>'
    )
    assert present in body
    for meeting in record.meetings:
        assert f'href="/meetings/{meeting.pk}/"' in body
        assert f'href="/meetings/{meeting.pk}/pulse/results/"' in body


def test_a_new_set_says_what_will_appear(client, world):
    client.force_login(world.facilitator)

    body = client.get(dashboard_url(world.learning_set)).content.decode()

    assert "No open prompts." in body
    assert "No meetings held yet." in body
    assert "no meeting scheduled" in body
    assert "<svg" not in body


def test_a_closed_sets_dashboard_is_read_only(client, record):
    record.learning_set.status = "closed"
    record.learning_set.save()
    client.force_login(record.facilitator)

    body = client.get(dashboard_url(record.learning_set)).content.decode()

    assert "is closed" in body
    assert "Carried action: Maya Member" in body
    assert "Mark raised" not in body


def test_the_same_queries_for_four_members_and_eight_with_3_meetings_and_20(client, world):
    small, small_facilitator = busy_set(world.programme, members=4, meetings=3)
    large, large_facilitator = busy_set(world.programme, members=8, meetings=20)
    assert InactionPrompt.objects.filter(learning_set=large, status="open").count() > 1

    small_count = count_queries(client, small_facilitator, dashboard_url(small))
    large_count = count_queries(client, large_facilitator, dashboard_url(large))

    assert small_count == large_count


# The overview


def test_a_facilitator_of_several_sets_sees_each_with_its_next_meeting_and_prompts(client, world):
    first, facilitator = busy_set(world.programme, members=4, meetings=3)
    second, _ = busy_set(world.programme, members=4, meetings=1, facilitator=facilitator)
    client.force_login(facilitator)

    body = client.get(reverse("meetings:dashboards")).content.decode()

    assert first.name in body and second.name in body
    open_first = InactionPrompt.objects.filter(learning_set=first, status="open").count()
    assert f"{open_first} open prompt" in body
    assert "Next meeting" in body
    assert world.learning_set.name not in body


def test_one_set_goes_straight_to_its_dashboard(client, world):
    client.force_login(world.facilitator)

    response = client.get(reverse("meetings:dashboards"))

    assert response.status_code == 302
    assert response["Location"] == dashboard_url(world.learning_set)


def test_someone_who_facilitates_nothing_is_told_so(client, world):
    client.force_login(world.member)

    body = client.get(reverse("meetings:dashboards")).content.decode()

    assert "You do not facilitate a set at the moment." in body
    assert world.learning_set.name not in body


def test_the_overview_makes_the_same_queries_for_two_sets_and_five(client, world):
    two, five = UserFactory(), UserFactory()
    for _ in range(2):
        busy_set(world.programme, members=4, meetings=2, facilitator=two)
    for _ in range(5):
        busy_set(world.programme, members=4, meetings=2, facilitator=five)
    url = reverse("meetings:dashboards")

    assert count_queries(client, two, url) == count_queries(client, five, url)


def test_the_navigation_offers_the_dashboard_to_facilitators_only(client, world):
    client.force_login(world.facilitator)
    assert 'href="/dashboard/">Dashboard</a>' in client.get(reverse("home")).content.decode()
    client.force_login(world.member)
    assert 'href="/dashboard/"' not in client.get(reverse("home")).content.decode()


# The programme's thresholds: a page of their own beside the signals, for its admins


def test_a_programme_admin_sets_the_thresholds(client, world):
    client.force_login(world.admin)
    url = reverse("meetings:signal_thresholds", args=[world.programme.pk])
    programme_page = client.get(world.programme.get_absolute_url()).content.decode()
    assert f'href="{url}">Prompt thresholds</a>' in programme_page
    assert "Prompt thresholds" in client.get(url).content.decode()
    assert not SignalThresholds.objects.exists()  # the defaults, until they are first saved

    response = client.post(
        url, {"carried_action_meetings": "3", "pulse_dip": "0.75", "silent_member_meetings": ""}
    )

    assert response.status_code == 302
    thresholds = SignalThresholds.objects.get(programme=world.programme)
    assert thresholds.carried_action_meetings == 3
    assert str(thresholds.pulse_dip) == "0.75"
    assert thresholds.silent_member_meetings == 3  # left empty: kept
    # The dashboard says the programme's thresholds.
    client.force_login(world.facilitator)
    dashboard = client.get(reverse("meetings:dashboard", args=[world.learning_set.pk]))
    assert "an action carried at 3 meetings in a row" in dashboard.content.decode()
    assert "a pulse dip of 0.75 or more" in dashboard.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"attendance_missed": "4", "attendance_window": "3"}, "cannot be more than"),
        ({"airtime_share_percent": "5"}, "greater than or equal to 10"),
        ({"pulse_dip": "9"}, "less than or equal to 6"),
        ({"stretch_mark": "3.5"}, "greater than or equal to 4"),
        ({"stretch_mark": "7.5"}, "less than or equal to 7"),
        ({"stretch_mark": "five"}, "Enter a number"),
        ({"carried_action_meetings": "two"}, "Enter a whole number"),
    ],
)
def test_bad_thresholds_are_refused(client, world, changes, message):
    SignalThresholds.objects.create(programme=world.programme, attendance_window=4)
    client.force_login(world.admin)
    url = reverse("meetings:signal_thresholds", args=[world.programme.pk])

    response = client.post(url, {"attendance_missed": "1", **changes})

    assert response.status_code == 400
    assert message in response.content.decode()
    stored = SignalThresholds.objects.get(programme=world.programme)
    assert (stored.attendance_missed, stored.attendance_window) == (2, 4)
    assert stored.stretch_mark == 5


def test_a_programme_admin_sets_the_stretch_mark(client, world):
    client.force_login(world.admin)
    url = reverse("meetings:signal_thresholds", args=[world.programme.pk])
    page = client.get(url).content.decode()
    assert "Pulse dip read as stretch (challenge score, out of 7)" in page
    assert "rather than as the set feeling less safe" in page  # its help, in plain words

    response = client.post(url, {"stretch_mark": "5.5", "pulse_dip": ""})

    assert response.status_code == 302
    stored = Thresholds.for_set(world.learning_set)
    assert (str(stored.stretch_mark), str(stored.pulse_dip)) == ("5.50", "0.50")
    pulse_page = client.get(reverse("meetings:pulse_items", args=[world.programme.pk]))
    assert "its challenge is 5.5 or more out of 7" in pulse_page.content.decode()


def test_a_programme_admin_sets_the_collective_thresholds(client, world):
    client.force_login(world.admin)
    url = reverse("meetings:signal_thresholds", args=[world.programme.pk])
    page = client.get(url).content.decode()
    assert "Playing safe (a high pulse, out of 7)" in page
    assert "Apologies with notice (meetings)" in page

    response = client.post(
        url,
        {
            "apologies_pattern_count": "3",
            "apologies_pattern_window": "4",
            "playing_safe_meetings": "4",
            "playing_safe_pulse_high": "5.5",
            "playing_safe_pulse_spread": "0.25",
            "recurring_topic_meetings": "2",
            "same_airtime_order_meetings": "5",
            "no_value_notes_meetings": "6",
            "no_value_notes_reports": "8",
        },
    )

    assert response.status_code == 302
    stored = Thresholds.for_set(world.learning_set)
    assert (stored.apologies_pattern_count, stored.apologies_pattern_window) == (3, 4)
    assert (stored.playing_safe_meetings, str(stored.playing_safe_pulse_high)) == (4, "5.50")
    assert str(stored.playing_safe_pulse_spread) == "0.25"
    assert (stored.recurring_topic_meetings, stored.same_airtime_order_meetings) == (2, 5)
    assert (stored.no_value_notes_meetings, stored.no_value_notes_reports) == (6, 8)
    assert stored.carried_action_meetings == 2  # not sent: kept
    client.force_login(world.facilitator)
    dashboard = client.get(reverse("meetings:dashboard", args=[world.learning_set.pk]))
    assert "3 of the last 4 raise a gentler prompt" in dashboard.content.decode()
    assert "every report-back done at 4 meetings in a row with a pulse of at least 5.5" in (
        dashboard.content.decode()
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"apologies_pattern_count": "4"}, "Meetings with apologies cannot be more than"),
        ({"playing_safe_meetings": "1"}, "greater than or equal to 2"),
        ({"playing_safe_pulse_high": "7.5"}, "less than or equal to 7"),
        ({"playing_safe_pulse_spread": "0"}, "greater than or equal to 0.1"),
        ({"recurring_topic_meetings": "13"}, "less than or equal to 12"),
        ({"same_airtime_order_meetings": "1"}, "greater than or equal to 2"),
        ({"no_value_notes_reports": "51"}, "less than or equal to 50"),
        ({"no_value_notes_meetings": "three"}, "Enter a whole number"),
    ],
)
def test_bad_collective_thresholds_are_refused_and_nothing_is_saved(
    client, world, changes, message
):
    client.force_login(world.admin)
    url = reverse("meetings:signal_thresholds", args=[world.programme.pk])

    response = client.post(
        url, {"carried_action_meetings": "5", "apologies_pattern_window": "3", **changes}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SignalThresholds.objects.exists()


def test_detection_reads_the_thresholds_in_constant_queries(world):
    """One query for the thresholds, stored or not."""
    with CaptureQueriesContext(connection) as defaults:
        assert Thresholds.for_set(world.learning_set).carried_action_meetings == 2
    SignalThresholds.objects.create(programme=world.programme, carried_action_meetings=5)
    with CaptureQueriesContext(connection) as stored:
        assert Thresholds.for_set(world.learning_set).carried_action_meetings == 5
    assert len(defaults) == len(stored)
