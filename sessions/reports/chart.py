"""The chart of attendance per month: one row of squares per set (or one for all the sets
together, when there are many), one column per month, each square coloured by how its rate
stands against the programme's threshold and labelled with the rate itself, so that colour is
never the only cue.

This module works out the geometry and the words; templates/sessions/report_chart.html draws
the SVG, with a title, a description and the same figures as a table beside it.
"""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LABEL_WIDTH = 190
COLUMN_WIDTH = 72
ROW_HEIGHT = 36
HEADER_HEIGHT = 34
GAP = 4
LABEL_CHARS = 24
# How far under the threshold a rate turns from "below" to "well below".
WELL_BELOW = 25


@dataclass(frozen=True)
class Band:
    key: str
    label: str | Promise
    fill: str
    ink: str  # text on the fill, at a contrast of at least 4.5:1


NO_DATA = Band("none", gettext_lazy("No held meeting"), "#f1f3f5", "#495057")


def bands(threshold):
    """The colour bands for a threshold, best first; bands that cannot occur are left out."""
    low = max(threshold - WELL_BELOW, 0)
    result = [Band("full", "100%", "#146c43", "#ffffff")]
    if threshold < 100:
        result.append(Band("at", f"{threshold}–99%", "#a3cfbb", "#0a3622"))
    if threshold > 0:
        result.append(Band("below", f"{low}–{threshold - 1}%", "#f1aeb5", "#58151c"))
    if low > 0:
        result.append(Band("far", _("Under %(low)s%%") % {"low": low}, "#b02a37", "#ffffff"))
    return result


def band_for(rate, threshold):
    if rate is None:
        return NO_DATA
    by_key = {band.key: band for band in bands(threshold)}
    if rate == 100:
        return by_key["full"]
    if rate >= threshold:
        return by_key["at"]
    return by_key["below"] if rate >= threshold - WELL_BELOW else by_key["far"]


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    fill: str
    ink: str
    text: str
    title: str  # what a pointer or a screen reader hears for this square
    table_text: str

    @property
    def text_x(self):
        return self.x + (COLUMN_WIDTH - GAP) // 2

    @property
    def text_y(self):
        return self.y + (ROW_HEIGHT - GAP) // 2 + 5


@dataclass(frozen=True)
class Row:
    name: str
    label: str  # the name, shortened to fit
    y: int
    cells: list

    @property
    def text_y(self):
        return self.y + (ROW_HEIGHT - GAP) // 2 + 5


@dataclass(frozen=True)
class Column:
    x: int
    label: str
    full_label: str

    @property
    def text_x(self):
        return self.x + (COLUMN_WIDTH - GAP) // 2


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    columns: list
    rows: list
    bands: list
    title: str
    description: str

    @property
    def label_x(self):
        return LABEL_WIDTH - 10

    @property
    def header_y(self):
        return HEADER_HEIGHT - 12

    @property
    def cell_width(self):
        return COLUMN_WIDTH - GAP

    @property
    def cell_height(self):
        return ROW_HEIGHT - GAP


def _cell_words(tally):
    """The square's text, its spoken title and its table cell."""
    if tally is None or not tally.expected:
        return "—", _("no held meeting"), "—"
    counts = _("%(attended)s of %(expected)s attended") % {
        "attended": tally.attended,
        "expected": tally.expected,
    }
    return f"{tally.rate}%", f"{counts} ({tally.rate}%)", f"{tally.rate}% ({counts})"


def attendance_heatmap(report, title):
    """The chart of a report, or None when no meeting in its scope has been held."""
    months = report.months
    if not months:
        return None
    threshold = report.threshold
    columns = [
        Column(
            x=LABEL_WIDTH + i * COLUMN_WIDTH,
            label=date_format(month, "M Y"),
            full_label=date_format(month, "F Y"),
        )
        for i, month in enumerate(months)
    ]
    rows = []
    lowest = None
    for r, (key, name) in enumerate(report.chart_rows):
        y = HEADER_HEIGHT + r * ROW_HEIGHT
        cells = []
        for column, month in zip(columns, months, strict=True):
            tally = report.monthly.get((key, month))
            rate = tally.rate if tally else None
            band = band_for(rate, threshold)
            text, words, table_text = _cell_words(tally)
            spoken = f"{name}, {column.full_label}: {words}"
            cells.append(Cell(column.x, y, band.fill, band.ink, text, spoken, table_text))
            if rate is not None and (lowest is None or rate < lowest[0]):
                lowest = (tally.rate, name, column.full_label)
        rows.append(Row(name, Truncator(name).chars(LABEL_CHARS), y, cells))
    return Heatmap(
        width=LABEL_WIDTH + len(months) * COLUMN_WIDTH,
        height=HEADER_HEIGHT + len(rows) * ROW_HEIGHT,
        columns=columns,
        rows=rows,
        bands=[*bands(threshold), NO_DATA],
        title=title,
        description=_description(
            columns, threshold, report.scope.programme.time_zone, lowest, report.chart_per_set
        ),
    )


def _description(columns, threshold, zone, lowest, per_set):
    span = columns[0].full_label
    if len(columns) > 1:
        span = _("%(first)s to %(last)s") % {"first": span, "last": columns[-1].full_label}
    if per_set:
        text = _(
            "Attendance rate of each set in each month, %(span)s (%(zone)s). Each square shows "
            "the share of expected attendances that were attended; green squares are at or "
            "above the %(threshold)s%% threshold, red ones below it."
        )
    else:
        text = _(
            "Attendance rate of all sets together in each month, %(span)s (%(zone)s). Each "
            "square shows the share of expected attendances that were attended; green squares "
            "are at or above the %(threshold)s%% threshold, red ones below it."
        )
    text %= {"span": span, "zone": zone, "threshold": threshold}
    if lowest is not None:
        rate, name, month = lowest
        if per_set:
            lowest_text = _("The lowest is %(name)s in %(month)s, at %(rate)s%%.") % {
                "name": name,
                "month": month,
                "rate": rate,
            }
        else:
            lowest_text = _("The lowest is %(month)s, at %(rate)s%%.") % {
                "month": month,
                "rate": rate,
            }
        text = f"{text} {lowest_text}"
    return text
