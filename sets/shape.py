"""A set's shape: warnings, never blocks (docs/product.md#a-sets-shape).

A set works best with 4 to 8 members meeting every 2 to 8 weeks. These pure functions say,
in words a facilitator or programme admin reads on the page where it matters, when a set
is outside that; nothing anywhere refuses to go on because of them.
"""

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

SMALLEST = 4
LARGEST = 8
SHORTEST_GAP = timedelta(weeks=2)
LONGEST_GAP = timedelta(weeks=8)


def _people(count: int) -> str:
    return ngettext("%(n)d member", "%(n)d members", count) % {"n": count}


def too_large(members: int, invited: int = 0, in_file: int = 0) -> str | None:
    """What to say when `members` current members, `invited` more invited and `in_file` more
    about to be invited from an import file pass 8."""
    if members + invited + in_file <= LARGEST:
        return None
    more = _more(invited, in_file)
    words = {"members": _people(members), "more": more, "smallest": SMALLEST, "largest": LARGEST}
    if more:
        return (
            gettext(
                "The set has %(members)s, with %(more)s: more than %(largest)d. Sets work best "
                "with %(smallest)d to %(largest)d members, so that each has airtime at every "
                "meeting."
            )
            % words
        )
    return (
        gettext(
            "The set has %(members)s: more than %(largest)d. Sets work best with %(smallest)d to "
            "%(largest)d members, so that each has airtime at every meeting."
        )
        % words
    )


def too_small(members: int, invited: int = 0, in_file: int = 0) -> str | None:
    """What to say when a set runs below 4 members, counting those invited (and those an
    import file would invite), so a set being filled is not warned about the places already
    offered."""
    if members + invited + in_file >= SMALLEST:
        return None
    more = _more(invited, in_file)
    words = {"members": _people(members), "more": more, "smallest": SMALLEST, "largest": LARGEST}
    if more:
        return (
            gettext(
                "The set has %(members)s (%(more)s): fewer than %(smallest)d. Sets work best "
                "with %(smallest)d to %(largest)d members, enough for both challenge and "
                "support."
            )
            % words
        )
    return (
        gettext(
            "The set has %(members)s: fewer than %(smallest)d. Sets work best with %(smallest)d "
            "to %(largest)d members, enough for both challenge and support."
        )
        % words
    )


def _more(invited: int, in_file: int) -> str:
    """The people still to come, e.g. "1 more invited and 2 more in this file"; nothing when
    there are none."""
    said_invited = ngettext("%(n)d more invited", "%(n)d more invited", invited) % {"n": invited}
    said_in_file = ngettext("%(n)d more in this file", "%(n)d more in this file", in_file) % {
        "n": in_file
    }
    if invited and in_file:
        return gettext("%(invited)s and %(in_file)s") % {
            "invited": said_invited,
            "in_file": said_in_file,
        }
    if invited:
        return said_invited
    return said_in_file if in_file else ""


def size_warnings(members: int, invited: int = 0, in_file: int = 0) -> list[str]:
    warnings = (too_large(members, invited, in_file), too_small(members, invited, in_file))
    return [w for w in warnings if w]


def _weeks(gap: timedelta) -> str:
    days = gap.days
    if days % 7 == 0:
        weeks = days // 7
        return ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks}
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def gap_warnings(starts: Sequence[datetime]) -> list[str]:
    """What to say about meetings starting at `starts` (in any order): a gap shorter than 2
    weeks, and one longer than 8, each once with the shortest or longest of them."""
    ordered = sorted(starts)
    gaps = [(later - earlier, earlier, later) for earlier, later in itertools.pairwise(ordered)]
    warnings = []
    short = [gap for gap in gaps if gap[0] < SHORTEST_GAP]
    if short:
        gap, earlier, later = min(short)
        warnings.append(
            gettext(
                "Some meetings are only %(gap)s apart (%(earlier)s and %(later)s). Sets usually "
                "meet every 2 to 8 weeks, leaving time to act between meetings."
            )
            % _gap_words(gap, earlier, later)
        )
    long = [gap for gap in gaps if gap[0] > LONGEST_GAP]
    if long:
        gap, earlier, later = max(long)
        warnings.append(
            gettext(
                "Some meetings are %(gap)s apart (%(earlier)s and %(later)s). Sets usually meet "
                "every 2 to 8 weeks; a longer gap loses the thread of actions."
            )
            % _gap_words(gap, earlier, later)
        )
    return warnings


def _gap_words(gap: timedelta, earlier: datetime, later: datetime) -> dict[str, str]:
    return {
        "gap": _weeks(gap),
        "earlier": date_format(earlier, "j M"),
        "later": date_format(later, "j M Y"),
    }
