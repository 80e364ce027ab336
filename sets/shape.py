"""A set's shape: warnings, never blocks (docs/product.md#a-sets-shape).

A set works best with 4 to 8 members meeting every 2 to 8 weeks. These pure functions say,
in words a facilitator or programme admin reads on the page where it matters, when a set
is outside that; nothing anywhere refuses to go on because of them.
"""

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta

SMALLEST = 4
LARGEST = 8
SHORTEST_GAP = timedelta(weeks=2)
LONGEST_GAP = timedelta(weeks=8)


def _people(count: int) -> str:
    return f"{count} member{'' if count == 1 else 's'}"


def too_large(members: int, invited: int = 0, in_file: int = 0) -> str | None:
    """What to say when `members` current members, `invited` more invited and `in_file` more
    about to be invited from an import file pass 8."""
    if members + invited + in_file <= LARGEST:
        return None
    return (
        f"The set has {_people(members)}{_aside(', with {}', invited, in_file)}: more than "
        f"{LARGEST}. Sets work best with {SMALLEST} to {LARGEST} members, so that each has "
        "airtime at every meeting."
    )


def too_small(members: int, invited: int = 0, in_file: int = 0) -> str | None:
    """What to say when a set runs below 4 members, counting those invited (and those an
    import file would invite), so a set being filled is not warned about the places already
    offered."""
    if members + invited + in_file >= SMALLEST:
        return None
    return (
        f"The set has {_people(members)}{_aside(' ({})', invited, in_file)}: fewer than "
        f"{SMALLEST}. Sets work best with {SMALLEST} to {LARGEST} members, enough for both "
        "challenge and support."
    )


def _aside(form: str, invited: int, in_file: int) -> str:
    """The people still to come, e.g. "1 more invited and 2 more in this file", put into
    `form`; nothing when there are none."""
    parts = [
        f"{invited} more invited" if invited else "",
        f"{in_file} more in this file" if in_file else "",
    ]
    said = " and ".join(part for part in parts if part)
    return form.format(said) if said else ""


def size_warnings(members: int, invited: int = 0, in_file: int = 0) -> list[str]:
    warnings = (too_large(members, invited, in_file), too_small(members, invited, in_file))
    return [w for w in warnings if w]


def _weeks(gap: timedelta) -> str:
    days = gap.days
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'' if weeks == 1 else 's'}"
    return f"{days} day{'' if days == 1 else 's'}"


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
            f"Some meetings are only {_weeks(gap)} apart ({earlier:%-d %b} and "
            f"{later:%-d %b %Y}). Sets usually meet every 2 to 8 weeks, leaving time to act "
            "between meetings."
        )
    long = [gap for gap in gaps if gap[0] > LONGEST_GAP]
    if long:
        gap, earlier, later = max(long)
        warnings.append(
            f"Some meetings are {_weeks(gap)} apart ({earlier:%-d %b} and {later:%-d %b %Y}). "
            "Sets usually meet every 2 to 8 weeks; a longer gap loses the thread of actions."
        )
    return warnings
