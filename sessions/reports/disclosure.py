"""Which figures of a published table are held back, so that no small group can be worked out
(docs/reports.md#disclosure-control).

A table here is one calendar month of one kind of figure: cells by row (a set) and column (an
outcome, or a single column), with a total per row, per column and overall. Each figure
comes with how many PEOPLE are behind it (members, owners or respondents, each counted once),
and nothing about its value is needed to decide.

- **Primary suppression**: a figure with people behind it, but fewer than `K`, is held back.
- **Complementary suppression**: every line of the table (a row with its total, a column with
  its total, the row totals with the overall total, the column totals with it) is an equation
  `total = sum of parts`. A line with exactly one figure held back would give it away by
  subtraction, so a second one is held back: the part with the fewest people behind it (then
  by key, so the choice never depends on anything but the month's own figures), or the line's
  total when no other part has anyone behind it. A line whose total is published and whose
  held-back parts have fewer than `K` people together would give away that small group's
  sum, so more parts are held back until they have `K`, or the total is. Lines are checked
  again until none changes. Last, since lines also meet (a row's total is a part of the
  overall total, which is also the sum of the columns), every held-back figure is put on a
  cycle of held-back figures (`_close_cycles`): a figure on no such cycle could be worked out
  by adding and subtracting published ones across several lines.

A figure with nobody behind it (no meeting, no outcome) is published as a known zero.

A figure over several months (`range_published`) is published only when the same figure is
published in every one of its months: then anything worked out by subtracting one period's
figure from another's (a longer period from a shorter one) is a sum of monthly figures that
were themselves published, and each month's held-back figures stay in equations of that month
alone, where the rules above protect them.

The minimum group `K` is a fixed constant, not a programme setting: two reports of the same
months under different minima would hold back different figures, and one could fill in the
other's gaps.
"""

from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

# Never fewer people behind a published figure.
K = 5

# A figure's key in a table: ("cell", row, column), ("row", row), ("column", column) or
# ("all",).
Key = tuple[Hashable, ...]


def cell(row: Hashable, column: Hashable) -> Key:
    return ("cell", row, column)


def row_total(row: Hashable) -> Key:
    return ("row", row)


def column_total(column: Hashable) -> Key:
    return ("column", column)


ALL: Key = ("all",)


@dataclass(frozen=True)
class Table:
    """One month's figures as people counts: `cells[(row, column)]`, and the totals. A row or
    column with a single part still has its own total (the same figure); `lines` leaves those
    out, since a part equal to its total gives nothing away that the part does not."""

    cells: Mapping[tuple[Hashable, Hashable], int]
    rows: Mapping[Hashable, int]
    columns: Mapping[Hashable, int]
    overall: int

    def people(self) -> dict[Key, int]:
        people: dict[Key, int] = {cell(r, c): p for (r, c), p in self.cells.items()}
        people.update({row_total(r): p for r, p in self.rows.items()})
        people.update({column_total(c): p for c, p in self.columns.items()})
        people[ALL] = self.overall
        return people

    def lines(self) -> list[tuple[Key, list[Key]]]:
        """Every equation `total = sum of parts` a reader of the table could use."""
        row_keys = sorted(self.rows, key=repr)
        column_keys = sorted(self.columns, key=repr)
        lines: list[tuple[Key, list[Key]]] = []
        for r in row_keys:
            parts = [cell(r, c) for c in column_keys if (r, c) in self.cells]
            lines.append((row_total(r), parts))
        for c in column_keys:
            parts = [cell(r, c) for r in row_keys if (r, c) in self.cells]
            lines.append((column_total(c), parts))
        lines.append((ALL, [row_total(r) for r in row_keys]))
        lines.append((ALL, [column_total(c) for c in column_keys]))
        return lines


@dataclass
class Suppression:
    """The figures of one table held back, and why: `primary` for too few people, the rest
    to protect them."""

    held: set[Key] = field(default_factory=set)
    primary: set[Key] = field(default_factory=set)

    def published(self, key: Key) -> bool:
        return key not in self.held


def suppress(table: Table, k: int = K) -> Suppression:
    """The figures of `table` to hold back (module docstring)."""
    people = table.people()
    primary = {key for key, count in people.items() if 0 < count < k}
    held = set(primary)
    lines = table.lines()
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            if len(parts) == 1:
                # A part alone in its line is its total: held back together or not at all.
                if (total in held) != (parts[0] in held):
                    held.update((total, parts[0]))
                    changed = True
                continue
            if _protect(total, parts, people, held, k):
                changed = True
        if not changed:
            changed = _close_cycles(people, held)
    return Suppression(held=held, primary=primary)


# The table as a graph: a node per row and per column, and one more of each for the totals;
# each figure is the edge between its row's node and its column's (a row's total: its row
# and the totals' column; the overall total: the two totals' nodes). Every line says that the
# figures on a node add up (a total taken from the other side), so the held-back figures a
# reader cannot work out are exactly those on a cycle of held-back edges: a held-back figure
# that is a bridge of that graph is the difference of published ones.
TOTALS = "__totals__"
Node = tuple[str, Hashable]


def _edge(key: Key) -> tuple[Node, Node]:
    if key[0] == "cell":
        return ("row", key[1]), ("column", key[2])
    if key[0] == "row":
        return ("row", key[1]), ("column", TOTALS)
    if key[0] == "column":
        return ("row", TOTALS), ("column", key[1])
    return ("row", TOTALS), ("column", TOTALS)


def _adjacency(edges: Iterable[Key]) -> dict[Node, list[tuple[Node, Key]]]:
    adjacent: dict[Node, list[tuple[Node, Key]]] = {}
    for key in edges:
        a, b = _edge(key)
        adjacent.setdefault(a, []).append((b, key))
        adjacent.setdefault(b, []).append((a, key))
    return adjacent


def _on_cycle(key: Key, held_adjacency: Mapping[Node, list[tuple[Node, Key]]]) -> bool:
    """Whether the held-back figures link the two ends of `key` without it."""
    start, goal = _edge(key)
    seen, frontier = {start}, [start]
    while frontier:
        node = frontier.pop()
        for neighbour, other in held_adjacency.get(node, []):
            if other != key and neighbour not in seen:
                if neighbour == goal:
                    return True
                seen.add(neighbour)
                frontier.append(neighbour)
    return False


def _cheapest_path(
    key: Key, adjacency: Mapping[Node, list[tuple[Node, Key]]], held: set[Key]
) -> list[Key]:
    """The figures on a path between the ends of `key`, not through it, holding back as few
    more as it can (a held-back figure costs nothing to pass); among paths as cheap, the
    first found over the figures in `adjacency`'s order (fewest people first)."""
    start, goal = _edge(key)
    best: dict[Node, int] = {start: 0}
    through: dict[Node, tuple[Node, Key]] = {}
    queue: deque[tuple[int, Node]] = deque([(0, start)])
    while queue:
        distance, node = queue.popleft()
        if distance > best[node]:
            continue
        for neighbour, other in adjacency.get(node, []):
            if other == key:
                continue
            cost = 0 if other in held else 1
            if distance + cost < best.get(neighbour, distance + cost + 1):
                best[neighbour] = distance + cost
                through[neighbour] = (node, other)
                if cost:
                    queue.append((distance + cost, neighbour))
                else:
                    queue.appendleft((distance, neighbour))
    path: list[Key] = []
    node = goal
    while node != start and node in through:
        node, other = through[node]
        path.append(other)
    return path


def _close_cycles(people: Mapping[Key, int], held: set[Key]) -> bool:
    """Put every held-back figure on a cycle of held-back figures, holding back the fewest
    more (those with the fewest people behind them first). Whether anything was added."""
    # Figures with nobody behind them are known zeros: never a cover.
    usable = sorted(
        (key for key in people if key in held or people[key] > 0),
        key=lambda key: (people[key], repr(key)),
    )
    adjacency = _adjacency(usable)
    added = False
    held_adjacency = _adjacency(held)
    for key in sorted(held, key=repr):
        if _on_cycle(key, held_adjacency):
            continue
        fresh = [other for other in _cheapest_path(key, adjacency, held) if other not in held]
        if fresh:
            held.update(fresh)
            held_adjacency = _adjacency(held)
            added = True
    return added


def _protect(
    total: Key, parts: list[Key], people: Mapping[Key, int], held: set[Key], k: int
) -> bool:
    """Hold back more of one line where what it publishes would give a held-back figure, or
    a small group's sum, away. Whether anything was added."""
    added = False
    while True:
        line = [*parts, total]
        hidden = [key for key in line if key in held]
        hidden_parts = [key for key in parts if key in held]
        if not hidden:
            return added
        group = sum(people[key] for key in hidden_parts)
        alone = len(hidden) == 1
        small_sum = total not in held and 0 < group < k
        if not alone and not small_sum:
            return added
        candidates = sorted(
            (key for key in parts if key not in held and people[key] > 0),
            key=lambda key: (people[key], repr(key)),
        )
        if candidates:
            held.add(candidates[0])
        elif total not in held:
            held.add(total)
        else:
            # Every part with someone behind it is held back with the total: nothing to add.
            return added
        added = True


def range_published(months: Iterable[Suppression], key: Key) -> bool:
    """Whether a figure summed over several months may be published: only if it is in every
    one of them."""
    return all(month.published(key) for month in months)
