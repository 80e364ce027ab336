"""Charts drawn on the server as SVG, with no library and no script.

Each chart is a handful of shapes (bars, lines, points, labels) worked out here, each of
which writes its own SVG element; templates/sessions/charts/chart.html draws the frame around
them. Every chart carries a <title> and a <desc> that says in words what it shows, and the
page puts a table of the same numbers beside it, for screen readers and for print. Colours
differ in lightness and the carried bars are hatched, so the series stay apart in black and
white.
"""

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

INK = "#1c2b33"
MUTED = "#5b6670"
GRID = "#e2ddd3"
TEAL = "#0e5e5e"
SOFT_TEAL = "#7fb5ad"
AMBER = "#b35309"
PALE = "#f6f4ef"
HATCH = "hatch"  # fills the bar with the chart's hatch pattern
FONT_SIZE = 13
TENTH = Decimal("0.1")


def _at(value):
    """A coordinate to one decimal place, halves rounded up (as Django's floatformat)."""
    return f"{Decimal(str(value)).quantize(TENTH, ROUND_HALF_UP):f}"


def _tooltip(title):
    return f"<title>{escape(title)}</title>" if title else ""


# Each shape writes its element with an f-string, several times faster than format_html for
# a chart's couple of hundred elements. Only text and titles come from the set's data, and
# they are escaped; the rest are numbers and this module's colours and anchors.


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str = ""

    def svg(self, fill):
        return (
            f'<rect x="{_at(self.x)}" y="{_at(self.y)}" width="{_at(self.width)}" '
            f'height="{_at(self.height)}" fill="{fill}" stroke="{INK}" stroke-width="0.75">'
            f"{_tooltip(self.title)}</rect>"
        )


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    dashed: bool = False
    width: float = 1

    def svg(self):
        dashes = ' stroke-dasharray="6 4"' if self.dashed else ""
        return (
            f'<line x1="{_at(self.x1)}" y1="{_at(self.y1)}" x2="{_at(self.x2)}" '
            f'y2="{_at(self.y2)}" stroke="{self.stroke}" stroke-width="{self.width}"{dashes}/>'
        )


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"
    fill: str = INK
    size: int = FONT_SIZE
    bold: bool = False

    def svg(self):
        weight = ' font-weight="600"' if self.bold else ""
        return (
            f'<text x="{_at(self.x)}" y="{_at(self.y)}" text-anchor="{self.anchor}" '
            f'fill="{self.fill}" font-size="{self.size}"{weight}>{escape(self.text)}</text>'
        )


@dataclass
class Point:
    x: float
    y: float
    title: str = ""

    def svg(self):
        return (
            f'<circle cx="{_at(self.x)}" cy="{_at(self.y)}" r="5.5" fill="{TEAL}" '
            f'stroke="#ffffff" stroke-width="2">{_tooltip(self.title)}</circle>'
        )


@dataclass
class Square:
    """A point of the pulse chart's second line: square and amber, where the first line's
    points are round and teal, so the two stay apart in black and white too."""

    x: float
    y: float
    title: str = ""

    def svg(self):
        return (
            f'<rect x="{_at(self.x - 5)}" y="{_at(self.y - 5)}" width="10" height="10" '
            f'fill="{AMBER}" stroke="#ffffff" stroke-width="2">{_tooltip(self.title)}</rect>'
        )


@dataclass
class Dashed:
    """The pulse chart's second line, dashed and amber, through `points` ("x,y x,y …")."""

    points: str

    def svg(self):
        return (
            f'<polyline points="{self.points}" fill="none" stroke="{AMBER}" '
            'stroke-width="2.5" stroke-dasharray="7 4" stroke-linejoin="round"/>'
        )


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    rects: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    points: list = field(default_factory=list)
    polyline: str = ""
    dashed: list = field(default_factory=list)
    squares: list = field(default_factory=list)

    @property
    def hatch_id(self):
        return f"{self.id}-hatch"

    def fill_of(self, rect):
        return f"url(#{self.hatch_id})" if rect.fill == HATCH else rect.fill

    @property
    def shapes(self):
        """The SVG elements, drawn in order: grid lines, bars, the trend line, a second
        (dashed) line, their points, then the labels on top. Written here rather than by a
        template loop: a chart has a couple of hundred elements, and template tags cost far
        more per element."""
        elements = [line.svg() for line in self.lines]
        elements += [rect.svg(self.fill_of(rect)) for rect in self.rects]
        if self.polyline:
            elements.append(
                f'<polyline points="{self.polyline}" fill="none" stroke="{TEAL}" '
                'stroke-width="3" stroke-linejoin="round"/>'
            )
        elements += [line.svg() for line in self.dashed]
        elements += [point.svg() for point in self.points]
        elements += [square.svg() for square in self.squares]
        elements += [label.svg() for label in self.labels]
        return mark_safe("\n  ".join(elements))  # noqa: S308 - the shapes escape their text


def _nice_ceiling(value):
    """A round top for a count axis: 4, 5, 10, 15, 20, …"""
    if value <= 4:
        return 4
    step = 5 if value <= 30 else 10
    return int(math.ceil(value / step) * step)


# Horizontal bars: each member's share of airtime


def share_chart(chart_id, title, rows, threshold=None):
    """`rows` are (name, percent); a dashed line marks `threshold` (a percentage)."""
    left, right, top, bar, gap = 170, 56, 34, 22, 12
    width = 640
    plot = width - left - right
    height = top + len(rows) * (bar + gap) + 28
    chart = Chart(chart_id, title, _share_description(title, rows, threshold), width, height)
    bottom = top + len(rows) * (bar + gap) - gap / 2
    for tick in (0, 25, 50, 75, 100):
        x = left + plot * tick / 100
        chart.lines.append(Line(x, top - 6, x, bottom))
        chart.labels.append(Label(x, bottom + 18, f"{tick}%", "middle", MUTED, 12))
    for index, (name, percent) in enumerate(rows):
        y = top + index * (bar + gap)
        chart.labels.append(Label(left - 10, y + bar * 0.7, _clip(name, 22), "end"))
        length = plot * percent / 100
        chart.rects.append(Rect(left, y, max(length, 1), bar, TEAL, f"{name}: {percent}%"))
        chart.labels.append(Label(left + length + 6, y + bar * 0.7, f"{percent}%", bold=True))
    if threshold is not None:
        x = left + plot * threshold / 100
        chart.lines.append(Line(x, top - 10, x, bottom, AMBER, dashed=True, width=2))
        above = _("Prompt above %(threshold)s%%") % {"threshold": threshold}
        chart.labels.append(Label(x, top - 16, above, "middle", AMBER, 12))
    return chart


def _share_description(title, rows, threshold):
    parts = ", ".join(f"{name} {percent}%" for name, percent in rows) or _("no airtime yet")
    text = _("%(title)s: %(parts)s.") % {"title": title, "parts": parts}
    if threshold is None:
        return text
    limit = _("A prompt fires above %(threshold)s%%.") % {"threshold": threshold}
    return f"{text} {limit}"


def _clip(text, length):
    return text if len(text) <= length else text[: length - 1] + "…"


# Grouped bars: the action flow per meeting

FLOW_SERIES = [
    ("committed", pgettext_lazy("actions", "Committed"), TEAL),
    ("done", pgettext_lazy("actions", "Done"), SOFT_TEAL),
    ("carried", gettext_lazy("Carried forward"), HATCH),
    ("dropped", pgettext_lazy("actions", "Dropped"), PALE),
]
# What a bar says on hover: its meeting's day and its count of actions.
FLOW_TIPS = {
    "committed": gettext_lazy("%(day)s: %(n)s committed"),
    "done": gettext_lazy("%(day)s: %(n)s done"),
    "carried": gettext_lazy("%(day)s: %(n)s carried forward"),
    "dropped": gettext_lazy("%(day)s: %(n)s dropped"),
}


def flow_chart(chart_id, title, flows, days):
    """`flows` are sessions.inaction.figures.Flow, one group of four bars each; `days`
    their meetings' days, as the page writes them."""
    left, top, group, bar, bottom_space = 44, 44, 76, 14, 34
    width = max(560, left + len(flows) * group + 16)
    plot_height = 170
    height = top + plot_height + bottom_space
    top_value = _nice_ceiling(
        max((getattr(f, key) for f in flows for key, _name, _fill in FLOW_SERIES), default=0)
    )
    chart = Chart(chart_id, title, _flow_description(title, flows, days), width, height)
    base = top + plot_height
    for tick in range(0, top_value + 1, max(1, top_value // 4)):
        y = base - plot_height * tick / top_value
        chart.lines.append(Line(left, y, width - 8, y))
        chart.labels.append(Label(left - 8, y + 4, str(tick), "end", MUTED, 12))
    for index, (_key, name, fill) in enumerate(FLOW_SERIES):
        x = left + index * 130
        chart.rects.append(Rect(x, 8, 14, 14, fill))
        chart.labels.append(Label(x + 20, 20, str(name), size=12))
    for index, (flow, day) in enumerate(zip(flows, days, strict=True)):
        x0 = left + 10 + index * group
        for offset, (key, _name, fill) in enumerate(FLOW_SERIES):
            value = getattr(flow, key)
            h = plot_height * value / top_value
            tip = FLOW_TIPS[key] % {"day": day, "n": value}
            chart.rects.append(Rect(x0 + offset * bar, base - h, bar - 2, max(h, 0.5), fill, tip))
        chart.labels.append(Label(x0 + 2 * bar - 1, base + 20, day, "middle", MUTED, 12))
    chart.lines.append(Line(left, base, width - 8, base, INK))
    return chart


def _flow_description(title, flows, days):
    if not flows:
        return _("%(title)s: no meetings held yet.") % {"title": title}
    each = _(
        "%(day)s: %(committed)s committed, %(done)s done, %(carried)s carried forward, "
        "%(dropped)s dropped"
    )
    parts = "; ".join(
        each
        % {
            "day": day,
            "committed": f.committed,
            "done": f.done,
            "carried": f.carried,
            "dropped": f.dropped,
        }
        for f, day in zip(flows, days, strict=True)
    )
    return _("%(title)s. %(parts)s.") % {"title": title, "parts": parts}


# A line: the pulse trend, with challenge beside it when the programme asks it


def pulse_chart(chart_id, title, results, days):
    """`results` are sessions.pulse.Result whose scores are shown, earliest first, and
    `days` their meetings' days as the page writes them; the scale runs from 1 (least safe)
    to 7 (safest). Where a meeting was also asked the challenge statements, its challenge
    score is drawn beside safety as a dashed amber line with square points, under a legend
    naming both lines; a set never asked challenge gets the safety line alone
    (docs/product.md#pulse-statements)."""
    challenged = any(result.challenge is not None for result in results)
    left, right, step, inset = 44, 40, 84, 16
    top, bottom_space = (48, 34) if challenged else (24, 34)
    width = max(420, left + inset + max(len(results) - 1, 0) * step + right)
    plot_height = 180
    height = top + plot_height + bottom_space
    chart = Chart(chart_id, title, _pulse_description(title, results, days), width, height)
    base = top + plot_height

    def y_of(score):
        return base - plot_height * (float(score) - 1) / 6

    for score in range(1, 8):
        y = y_of(score)
        chart.lines.append(Line(left, y, width - 12, y))
        chart.labels.append(Label(left - 8, y + 4, str(score), "end", MUTED, 12))
    if challenged:
        chart.lines.append(Line(left, 14, left + 28, 14, TEAL, width=3))
        chart.points.append(Point(left + 14, 14))
        chart.labels.append(Label(left + 36, 18, _("Safety"), size=12))
        chart.lines.append(Line(left + 110, 14, left + 138, 14, AMBER, dashed=True, width=2.5))
        chart.squares.append(Square(left + 124, 14))
        chart.labels.append(Label(left + 146, 18, _("Challenge (how stretched)"), size=12))
    coordinates, stretch, runs = [], [], []
    for index, (result, day) in enumerate(zip(results, days, strict=True)):
        x = left + inset + index * step
        y = y_of(result.overall)
        coordinates.append(f"{x:.1f},{y:.1f}")
        point = _("%(day)s: %(score)s out of 7") % {"day": day, "score": _pulse_score(result)}
        chart.points.append(Point(x, y, point))
        # Each line's number on the side away from the other line: safety's above its point
        # unless challenge is higher there.
        higher = result.challenge is not None and result.challenge > result.overall
        safety_y = y + 20 if higher else y - 10
        chart.labels.append(Label(x, safety_y, str(result.overall_rounded), "middle", bold=True))
        chart.labels.append(Label(x, base + 20, day, "middle", MUTED, 12))
        if result.challenge is None:
            runs.append(stretch)
            stretch = []
            continue
        cy = y_of(result.challenge)
        stretch.append(f"{x:.1f},{cy:.1f}")
        square = _("%(day)s: challenge %(score)s out of 7") % {
            "day": day,
            "score": _challenge_score(result),
        }
        chart.squares.append(Square(x, cy, square))
        challenge_y = cy - 10 if higher else cy + 20
        chart.labels.append(
            Label(x, challenge_y, str(result.challenge_rounded), "middle", AMBER, bold=True)
        )
    runs.append(stretch)
    chart.polyline = " ".join(coordinates) if len(coordinates) > 1 else ""
    chart.dashed = [Dashed(" ".join(run)) for run in runs if len(run) > 1]
    return chart


def _pulse_score(result):
    """The mean, with its margin when it is a mean of few answers (sessions.pulse.margin)."""
    margin = result.overall_margin
    return f"{result.overall_rounded}" + (f" ± {margin}" if margin is not None else "")


def _challenge_score(result):
    margin = result.challenge_margin
    return f"{result.challenge_rounded}" + (f" ± {margin}" if margin is not None else "")


def _pulse_description(title, results, days):
    if not results:
        return _("%(title)s: no meeting has had enough responses yet.") % {"title": title}
    pairs = list(zip(results, days, strict=True))
    parts = ", ".join(f"{day} {_pulse_score(r)}" for r, day in pairs)
    if all(r.challenge is None for r in results):
        return _("%(title)s, out of 7, at each meeting with enough responses: %(parts)s.") % {
            "title": title,
            "parts": parts,
        }
    not_asked = _("not asked")
    stretched = ", ".join(
        f"{day} {_challenge_score(r) if r.challenge is not None else not_asked}" for r, day in pairs
    )
    return _(
        "%(title)s, out of 7, at each meeting with enough responses. Safety, the solid line "
        "with round points: %(parts)s. Challenge, how far the set stretched its members, the "
        "dashed line with square points: %(stretched)s."
    ) % {"title": title, "parts": parts, "stretched": stretched}
