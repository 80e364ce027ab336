"""The dashboard's pulse chart (sessions/charts.py, docs/signals.md#the-dashboard): safety
alone for a set never asked challenge; beside it, for a set that is, challenge as a dashed
amber line with square points, named in a legend and in the chart's description; the
dashboard's queries the same either way and at any size."""

import re

from django.utils import timezone

from sessions import charts
from sessions.inaction import figures, history
from sessions.models import PulseItem, PulseTally
from tests.sessions.builders import ask_challenge, held_meetings, safe_pulse, stretch_pulse
from tests.sessions.test_dashboard import busy_set, count_queries, dashboard_url


def days(meetings):
    return [f"{meeting.starts_at:%d %b}" for meeting in meetings]


def chart_of(learning_set):
    shown = [r for r in figures.pulse_trend(history.load(learning_set)) if r.shown]
    labels = days([r.meeting for r in shown])
    return charts.pulse_chart("pulse-chart", "The set’s pulse", shown, labels)


def test_a_set_never_asked_challenge_gets_the_safety_line_alone(world):
    first, second = held_meetings(world.learning_set, 2)
    safe_pulse(first, 7, 6)
    safe_pulse(second, 7, 4)

    chart = chart_of(world.learning_set)

    d1, d2 = days([first, second])
    assert chart.description == (
        f"The set’s pulse, out of 7, at each meeting with enough responses: {d1} 6.0, {d2} 4.0."
    )
    svg = str(chart.shapes)
    assert "stroke-dasharray" not in svg and charts.AMBER not in svg
    assert "Challenge" not in svg and "Safety" not in svg  # no legend for one line
    assert svg.count("<circle") == 2 and svg.count("<polyline") == 1
    assert (chart.height, chart.dashed, chart.squares) == (238, [], [])


def test_a_set_asked_challenge_gets_challenge_beside_safety(world):
    meetings = held_meetings(world.learning_set, 3)
    ask_challenge(world.programme)
    for meeting, (safety, challenge) in zip(meetings, [(6, 4), (5, 6), (5, 5)], strict=True):
        stretch_pulse(meeting, 7, safety, challenge)

    chart = chart_of(world.learning_set)

    d1, d2, d3 = days(meetings)
    assert chart.description == (
        "The set’s pulse, out of 7, at each meeting with enough responses. Safety, the solid "
        f"line with round points: {d1} 6.0, {d2} 5.0, {d3} 5.0. Challenge, how far the set "
        "stretched its members, the dashed line with square points: "
        f"{d1} 4.0, {d2} 6.0, {d3} 5.0."
    )
    svg = str(chart.shapes)
    (dashed,) = re.findall(r'<polyline points="([^"]+)"[^>]*stroke-dasharray="7 4"', svg)
    assert len(dashed.split()) == 3
    assert svg.count(f'fill="{charts.AMBER}"') >= 4  # three squares and the legend's
    assert ">Safety</text>" in svg and ">Challenge (how stretched)</text>" in svg
    assert f"<title>{d2}: challenge 6.0 out of 7</title>" in svg
    # Challenge higher than safety at the second meeting: its number goes above its point.
    x2 = 44 + 16 + 84
    assert re.search(rf'<text x="{x2}\.0" y="[\d.]+"[^>]*fill="{charts.AMBER}"[^>]*>6.0<', svg)


def test_a_meeting_not_asked_challenge_breaks_the_challenge_line(world):
    first, second, third = held_meetings(world.learning_set, 3)
    ask_challenge(world.programme)
    stretch_pulse(first, 7, 6, 6)
    stretch_pulse(second, 7, 6, 5)
    PulseItem.objects.filter(programme=world.programme, dimension="challenge").update(
        retired_at=timezone.now()
    )
    safe_pulse(third, 7, 5)

    chart = chart_of(world.learning_set)

    assert chart.description.endswith(f"{days([third])[0]} not asked.")
    assert [len(line.points.split()) for line in chart.dashed] == [2]
    assert len(chart.squares) == 3  # two meetings' and the legend's


def test_the_dashboard_draws_challenge_in_the_same_queries(client, world):
    plain, plain_facilitator = busy_set(world.programme, members=4, meetings=3)
    plain_count = count_queries(client, plain_facilitator, dashboard_url(plain))
    body = client.get(dashboard_url(plain)).content.decode()
    assert "dashed line" not in body and "read as stretch when" not in body

    ask_challenge(world.programme)
    small, small_facilitator = busy_set(world.programme, members=4, meetings=3)
    large, large_facilitator = busy_set(world.programme, members=8, meetings=12)
    for learning_set in (small, large):
        PulseTally.objects.filter(meeting__learning_set=learning_set).delete()
        for meeting in learning_set.meetings.filter(status="held"):
            stretch_pulse(meeting, 3, 5, 6)
    small_count = count_queries(client, small_facilitator, dashboard_url(small))
    large_count = count_queries(client, large_facilitator, dashboard_url(large))

    assert plain_count == small_count == large_count
    body = client.get(dashboard_url(large)).content.decode()
    desc = body[
        body.index('id="pulse-chart-desc"') : body.index(
            "</desc>", body.index('id="pulse-chart-desc"')
        )
    ]
    assert "Challenge, how far the set stretched its members, the dashed line" in desc
    assert "read as stretch when the challenge score is 5 or more" in body
