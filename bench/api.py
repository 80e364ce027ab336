"""How fast the read-only API (docs/api.md) serves attendance, against the CSV export.

Uses the export bench's programme (bench/export.py: 1,250 sets × 8 members × 10 held meetings,
100,000 attendance rows, seeded into the scratch database once) and a token of it, then
measures, through the whole request (token, rate count, filters, JSON) in-process:

- every row fetched page by page, following each page's `next` cursor, at 500 and at 100
  rows a page, as a client pulling the whole programme would, in rows a second beside the
  CSV export's;
- one page of `/api/v1/attendance` at the start, the middle and the end (by the cursors the
  walk was given), at 500 and 100 rows a page, with the queries each takes;
- one page of one month's attendance (the filter an incremental pull uses);
- one page of `/api/v1/members` and `/api/v1/meetings`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alsspace_bench .venv/bin/python bench/api.py

Options: --runs N (timed runs per page, median reported), --reseed. Prints Markdown.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("API_RATE_LIMIT", "1000000")

import export as seeding  # noqa: E402  (sets up Django on the scratch database)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from api.services import create_token  # noqa: E402


class Counted:
    """The queries run inside it (the test client's request resets Django's own log)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def timed(function, runs):
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument(
        "--no-walk", action="store_true", help="walk at 500 a page only, not also at 100"
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    programme = seeding.bench_programme(args.reseed)
    admin = programme.admins.get()
    _, raw = create_token(programme, name="Bench", last_day=None, actor=admin, ip=None)
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(path, **query):
        response = client.get(path, query)
        assert response.status_code == 200, (path, query, response.status_code)
        return response

    def walk(path, size, **query):
        """Every page of a list, following `next`: the rows, the seconds, each page's cursor."""
        cursors, fetched, cursor = [None], 0, None
        began = time.perf_counter()
        while True:
            body = get(path, page_size=size, **query, **({"cursor": cursor} if cursor else {}))
            fetched += len(body.json()["items"])
            cursor = body.json()["next"]
            if cursor is None:
                return fetched, time.perf_counter() - began, cursors
            cursors.append(cursor)

    rows, walked, cursors_500 = walk("/api/v1/attendance", 500)
    lines = [
        f"## API: {rows:,} attendance rows, median of {args.runs} runs",
        "",
        "| request | median ms | queries |",
        "|---|---:|---:|",
    ]
    walks = {500: (walked, cursors_500)}
    if not args.no_walk:
        fetched, seconds, cursors = walk("/api/v1/attendance", 100)
        assert fetched == rows, (fetched, rows)
        walks[100] = (seconds, cursors)
    for size, (_, cursors) in sorted(walks.items()):
        for label, cursor in (
            ("first", None),
            ("middle", cursors[len(cursors) // 2]),
            ("last", cursors[-1]),
        ):
            path, query = "/api/v1/attendance", {"page_size": size}
            if cursor:
                query["cursor"] = cursor
            with Counted() as queries:
                get(path, **query)
            median = timed(lambda p=path, q=query: get(p, **q), args.runs)
            lines.append(
                f"| attendance, {label} page of {size} | {median * 1000:.0f} | {queries.count} |"
            )
    month = {"from": "2025-03-01", "to": "2025-03-31"}
    with Counted() as queries:
        get("/api/v1/attendance", **month)
    count, _, _ = walk("/api/v1/attendance", 500, **month)
    median = timed(lambda: get("/api/v1/attendance", **month), args.runs)
    lines.append(
        f"| attendance, one month ({count:,} rows), first page of 100 | {median * 1000:.0f} "
        f"| {queries.count} |"
    )
    for path in ("/api/v1/members", "/api/v1/meetings"):
        with Counted() as queries:
            get(path)
        median = timed(lambda p=path: get(p), args.runs)
        lines.append(f"| {path[8:]}, first page of 100 | {median * 1000:.0f} | {queries.count} |")

    csv = timed(lambda: seeding.csv_export(seeding.ReportScope(programme)), 1)
    lines += ["", "| every row | s | rows/s |", "|---|---:|---:|"]
    for size, (seconds, cursors) in sorted(walks.items(), reverse=True):
        lines.append(
            f"| API, {len(cursors)} pages of {size} | {seconds:.1f} | {rows / seconds:,.0f} |"
        )
    lines.append(f"| CSV export (rows → csv_chunks) | {csv:.1f} | {rows / csv:,.0f} |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
