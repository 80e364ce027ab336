"""Keyset pagination for the API's lists (docs/api.md#pages).

A list is read in a fixed order of columns that ends in a unique one (attendance by its
meeting's start, the meeting and the record). A page is the rows after the last one of the
page before, in that order, and the next page's cursor is that last row's values, so every
page reads only its own rows, through the index the order walks, however far into the list
it is, and walking a whole programme is one pass over it. No page counts the list.

The attendance list reads its rows a window of meetings at a time (windowed_page).

A cursor is opaque to clients: URL-safe base64 of JSON naming the list's order and the
values. One that does not decode, names another order or holds values of the wrong kind is
bad input (400), never a query.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import PaginationBase

# The longest cursor we make is well under this; anything longer is not one of ours.
MAX_CURSOR = 400
# The highest page size anyone may ask for: past it is bad input, not a query.
MAX_PAGE_SIZE = 1_000_000
# Past every id: a cursor after all the rows of a group.
LAST_ID = 2**63 - 1

BAD_CURSOR = (
    "cursor: that is not a cursor this list gave. Send the `next` of the page before, "
    "unchanged, or leave cursor out to start at the beginning."
)
NO_PAGE_NUMBERS = (
    "page: lists are read by cursor, not by page number. Leave page out, and send the `next` "
    "of each page as `cursor` to read the one after it."
)


@dataclass(frozen=True)
class Key:
    """One column of a list's order: its name in the rows, the field it orders by, and the
    kind of its values (int, str or datetime)."""

    name: str
    field: str
    kind: type


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _decode(value: Any, kind: type) -> Any:
    if kind is datetime:
        if not isinstance(value, str):
            raise ValueError(value)
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(value)
        return moment
    if kind is int and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63
    ):
        raise ValueError(value)
    if kind is str and (not isinstance(value, str) or "\x00" in value):
        raise ValueError(value)
    return value


def encode_cursor(keys: Sequence[Key], row: dict[str, Any]) -> str:
    """The cursor that reads on from `row`."""
    data = {"after": [_encode(row[key.name]) for key in keys], "by": [key.name for key in keys]}
    text = json.dumps(data, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(keys: Sequence[Key], cursor: str) -> list[Any]:
    """The values a cursor reads on from; HttpError 400 for anything we did not make."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
        if not isinstance(data, dict) or data.get("by") != [key.name for key in keys]:
            raise ValueError(cursor)
        values = data.get("after")
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError(cursor)
        return [_decode(value, key.kind) for value, key in zip(values, keys, strict=True)]
    except (ValueError, TypeError, UnicodeError, binascii.Error) as error:
        raise HttpError(400, BAD_CURSOR) from error


def after(keys: Sequence[Key], values: Sequence[Any], *, inclusive: bool = False) -> Q:
    """The rows after `values` in the order of `keys`, all ascending: (a > x) or (a = x and
    b > y) or ..., and the row at `values` itself when `inclusive`. With a first-column `>=`,
    which the others imply, so the database starts its index walk there."""
    pairs = list(zip((key.field for key in keys), values, strict=True))
    branches = [
        Q(**dict(pairs[:index]), **{f"{field}__gt": value})
        for index, (field, value) in enumerate(pairs)
    ]
    if inclusive:
        branches.append(Q(**dict(pairs)))
    later = branches[0]
    for branch in branches[1:]:
        later |= branch
    return Q(**{f"{pairs[0][0]}__gte": pairs[0][1]}) & later


class PageInput(Schema):
    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR,
        description="The `next` of the page before; leave it out for the first page",
    )
    page_size: int | None = Field(
        None,
        ge=1,
        le=MAX_PAGE_SIZE,
        description="Rows a page: API_PAGE_SIZE (100) unless asked, at most API_MAX_PAGE_SIZE "
        "(500)",
    )


def page_size(requested: int | None) -> int:
    """API_PAGE_SIZE rows, or as many as asked for up to API_MAX_PAGE_SIZE."""
    if requested is None:
        return int(settings.API_PAGE_SIZE)
    return min(requested, int(settings.API_MAX_PAGE_SIZE))


def refuse_page_numbers(request: HttpRequest) -> None:
    if "page" in request.GET:
        raise HttpError(400, NO_PAGE_NUMBERS)


def keyset_page(
    rows: QuerySet[Any, Any], keys: Sequence[Key], cursor: str | None, size: int
) -> dict[str, Any]:
    """One page of `rows` in the order of `keys`, after the cursor's row: one query, of the
    page size plus one row, which says whether there is a next page."""
    rows = rows.order_by(*(key.field for key in keys))
    if cursor is not None:
        rows = rows.filter(after(keys, decode_cursor(keys, cursor)))
    page = list(rows[: size + 1])
    more = len(page) > size
    page = page[:size]
    return {"items": page, "next": encode_cursor(keys, page[-1]) if more else None}


def windowed_page(
    rows: QuerySet[Any, Any],
    keys: Sequence[Key],
    groups: QuerySet[Any, Any],
    group_keys: Sequence[Key],
    cursor: str | None,
    size: int,
) -> dict[str, Any]:
    """One page of `rows` whose order begins with that of the groups they belong to (the
    attendance records of meetings, by meeting start and meeting, then record): two queries.
    The first takes the next page-size-plus-one groups, from the cursor's own, in their order
    through their index; the second reads the rows of those groups alone. So no page reads
    rows outside its window, where one query would have the database join and sort every row
    of the list to find the page's few.

    `keys` begins with the rows' names for the group keys: `group_keys[i]` is `keys[i]`. A
    window of groups with fewer rows than a page (groups without rows) makes a short page,
    even an empty one, with a `next` that reads on after the window's last group."""
    width = len(group_keys)
    values = decode_cursor(keys, cursor) if cursor is not None else None
    window_rows = groups.order_by(*(key.field for key in group_keys))
    if values is not None:
        window_rows = window_rows.filter(after(group_keys, values[:width], inclusive=True))
    window = list(window_rows.values_list(*(key.field for key in group_keys))[: size + 1])
    if not window:
        return {"items": [], "next": None}
    # The window's groups by their ids, and by the range of their first key, which lets the
    # database reach the groups through their index rather than reading all of them.
    in_window = rows.filter(
        **{
            f"{keys[width - 1].field}__in": [group[-1] for group in window],
            f"{keys[0].field}__range": (window[0][0], window[-1][0]),
        }
    )
    page = keyset_page(in_window, keys, cursor, size)
    if page["next"] is None and len(window) > size:
        # Every row of the window is on the page, and there are groups after it: read on
        # after the last row the window's last group could have.
        last = [*window[-1], *[LAST_ID] * (len(keys) - width)]
        names = [key.name for key in keys]
        page["next"] = encode_cursor(keys, dict(zip(names, last, strict=True)))
    return page


class KeysetPagination(PaginationBase):
    """`?cursor=…&page_size=…` → `{"items": [...], "next": <cursor or null>}` in the order of
    the list's `keys`, for django-ninja's @paginate."""

    Input = PageInput

    class Output(Schema):
        items: list[Any]
        next: str | None = Field(
            description="Send it as `cursor` for the page after this one; null on the last"
        )

    def __init__(self, *, keys: Sequence[Key], **kwargs: Any) -> None:
        self.keys = tuple(keys)
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        refuse_page_numbers(request)
        return keyset_page(queryset, self.keys, pagination.cursor, page_size(pagination.page_size))
