"""The disclosure rule of the evaluation report on tables of people counts
(docs/reports.md#disclosure-control): primary and complementary suppression, and that no
held-back figure can be worked out from the published ones."""

import random

import pytest

from sessions.reports.disclosure import (
    ALL,
    K,
    Suppression,
    Table,
    cell,
    range_published,
    row_total,
    suppress,
)
from tests.sessions.linear import Span


def one_column(people):
    """A table of sets with one figure each (attendance): people per set."""
    return Table(
        cells={(s, "a"): p for s, p in people.items()},
        rows=dict(people),
        columns={"a": sum(people.values())},
        overall=sum(people.values()),
    )


def grid(people, rows=None, columns=None, overall=None):
    """A table of sets by outcome, its totals' people the sums unless given."""
    row_people = rows or {}
    column_people = columns or {}
    for (r, c), p in people.items():
        if rows is None:
            row_people[r] = row_people.get(r, 0) + p
        if columns is None:
            column_people[c] = column_people.get(c, 0) + p
    total = overall if overall is not None else sum(people.values())
    return Table(cells=dict(people), rows=row_people, columns=column_people, overall=total)


def form(table, key):
    """A figure of the table as a linear form over its cells."""
    if key[0] == "cell":
        return {key: 1}
    if key[0] == "row":
        return {cell(r, c): 1 for (r, c) in table.cells if r == key[1]}
    if key[0] == "column":
        return {cell(r, c): 1 for (r, c) in table.cells if c == key[1]}
    return {cell(r, c): 1 for (r, c) in table.cells}


def recoverable(table, held):
    """The held-back figures a reader works out from the published ones, and the cells with
    nobody behind them, which a reader may take as known zeros."""
    people = table.people()
    span = Span()
    for key in people:
        if key not in held:
            span.add(form(table, key))
    for (r, c), p in table.cells.items():
        if p == 0:
            span.add({cell(r, c): 1})
    return [key for key in held if span.contains(form(table, key))]


def small_sums(table, held):
    """Lines whose total is published while their held-back parts have fewer than K people
    together: the sum of a small group given away."""
    people = table.people()
    found = []
    for total, parts in table.lines():
        hidden = [key for key in parts if key in held]
        group = sum(people[key] for key in hidden)
        if total not in held and 0 < group < K:
            found.append(total)
    return found


def test_nothing_is_held_back_when_every_figure_has_enough_people():
    table = one_column({"alpha": 6, "beta": 5, "gamma": 9})
    assert suppress(table).held == set()


def test_a_small_set_is_held_back_with_the_next_smallest():
    table = one_column({"alpha": 6, "beta": 4, "gamma": 9})
    result = suppress(table)
    assert result.primary == {cell("beta", "a"), row_total("beta")}
    assert result.held == {
        cell("beta", "a"),
        row_total("beta"),
        cell("alpha", "a"),
        row_total("alpha"),
    }
    assert result.published(ALL)
    assert recoverable(table, result.held) == []


def test_a_small_set_alone_is_held_back_with_the_programme_total():
    table = one_column({"alpha": 3})
    result = suppress(table)
    assert not result.published(cell("alpha", "a"))
    assert not result.published(ALL)


def test_two_small_sets_together_still_too_few_take_a_third():
    table = one_column({"alpha": 2, "beta": 2, "gamma": 8, "delta": 7})
    result = suppress(table)
    assert cell("delta", "a") in result.held  # the smallest with enough people
    assert cell("gamma", "a") not in result.held
    assert small_sums(table, result.held) == []
    assert recoverable(table, result.held) == []


def test_a_set_with_no_meetings_is_a_known_zero_never_a_cover():
    table = one_column({"alpha": 4, "beta": 0})
    result = suppress(table)
    assert cell("beta", "a") not in result.held
    assert not result.published(ALL)
    assert recoverable(table, result.held) == []


def test_a_small_outcome_is_held_back_across_its_row_and_column():
    people = {
        ("alpha", "done"): 6,
        ("alpha", "carried"): 5,
        ("alpha", "dropped"): 1,
        ("beta", "done"): 7,
        ("beta", "carried"): 6,
        ("beta", "dropped"): 5,
    }
    table = grid(
        people,
        rows={"alpha": 6, "beta": 7},
        columns={"done": 9, "carried": 8, "dropped": 6},
        overall=9,
    )
    result = suppress(table)
    assert cell("alpha", "dropped") in result.primary
    row = [key for key in result.held if key[0] == "cell" and key[1] == "alpha"]
    column = [key for key in result.held if key[0] == "cell" and key[2] == "dropped"]
    assert len(row) >= 2 and len(column) >= 2
    assert recoverable(table, result.held) == []


def test_the_figures_of_a_month_with_enough_people_are_all_published_in_a_grid():
    people = {
        (s, o): 5 + i for i, (s, o) in enumerate([("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")])
    }
    assert suppress(grid(people)).held == set()


def test_a_period_figure_is_published_only_if_every_month_publishes_it():
    published, held = Suppression(), Suppression(held={ALL})
    assert range_published([published, published], ALL)
    assert not range_published([published, held], ALL)
    assert range_published([], ALL)


@pytest.mark.parametrize("seed", range(400))
def test_no_held_back_figure_can_be_worked_out_in_random_tables(seed):
    rng = random.Random(seed)
    sets = [f"s{i}" for i in range(rng.randint(1, 6))]
    outcomes = ["done", "carried", "dropped"][: rng.randint(1, 3)]
    people = {(s, o): rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12]) for s in sets for o in outcomes}
    table = grid(people)
    result = suppress(table)
    assert recoverable(table, result.held) == []
    assert small_sums(table, result.held) == []
    for key, count in table.people().items():
        if 0 < count < K:
            assert key in result.held
