"""How searching one's own journal scales: 250 to 2,000 entries.

The database holds only ciphertext, so a search decrypts every one of the author's entries
and matches in Python. This measures that cost, alone and as the whole /journal/?q= page,
against the unsearched page (which decrypts only the 20 entries it shows).

Runs on a throw-away SQLite database in a temporary folder, with a throw-away key:

    .venv/bin/python bench/journal_search.py [--sizes 250,500,1000,2000] [--runs 7]

Machines here are noisy: read the medians and the ratios, not single numbers.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
WORK = tempfile.mkdtemp(prefix="journal-search-")
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "alsspace.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{WORK}/bench.sqlite3"
os.environ["JOURNAL_KEYS"] = Fernet.generate_key().decode()
os.environ["DEBUG"] = "True"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from alsspace.crypto import fernet  # noqa: E402
from alsspace.models import User  # noqa: E402
from reflections import queries  # noqa: E402
from reflections.models import JournalEntry  # noqa: E402
from reflections.search import matching_ids  # noqa: E402

PARAGRAPH = (
    "Today the set pushed me on why I keep waiting for the perfect moment. I talked about the "
    "reorganisation, the people who will lose their teams, and how I have been rehearsing the "
    "conversation in my head rather than having it. Someone asked what I would tell a "
    "colleague in my position, and I answered straight away, which says something. "
)
BODY = (PARAGRAPH * 4).strip()  # about 1,400 characters, a typical entry
NEEDLE = "budget"
QUERY = "budget board"


def add_entries(author, start, stop):
    JournalEntry.objects.bulk_create(
        JournalEntry(
            author=author,
            title=f"Reflection {n}",
            # One entry in 50 mentions the budget and the board: a typical rare match.
            body=f"{BODY}\n\nThe {NEEDLE} and the board again." if n % 50 == 0 else BODY,
        )
        for n in range(start, stop)
    )


def decrypt_all(tokens):
    return [(fernet().decrypt(title), fernet().decrypt(body)) for title, body in tokens]


def timed(function, runs):
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples), sorted(samples)[int(0.95 * (len(samples) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,500,1000,2000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    call_command("migrate", verbosity=0)
    author = User.objects.create_user("author@example.org", name="Bench Author")
    client = Client(HTTP_HOST="localhost")
    client.force_login(author)

    def get(params):
        response = client.get("/journal/", params)
        assert response.status_code == 200, response.status_code

    print(f"Body {len(BODY)} characters; query {QUERY!r}; median (p95) of {args.runs} runs.")
    header = (
        f"{'entries':>8} {'matches':>8} {'search ms':>14} {'µs/entry':>9} "
        f"{'decrypt-only ms':>16} {'page+q ms':>14} {'page ms':>12} {'ratio':>6}"
    )
    print(header)
    have = 0
    for size in sizes:
        add_entries(author, have, size)
        have = size
        matches = len(matching_ids(queries.own_entries(author), QUERY))
        search_median, search_p95 = timed(
            lambda: matching_ids(queries.own_entries(author), QUERY), args.runs
        )
        tokens = [(fernet().encrypt(b"Reflection"), fernet().encrypt(BODY.encode()))] * size
        floor_median, _ = timed(lambda tokens=tokens: decrypt_all(tokens), args.runs)
        page_median, page_p95 = timed(lambda: get({"q": QUERY}), args.runs)
        plain_median, plain_p95 = timed(lambda: get({}), args.runs)
        print(
            f"{size:>8} {matches:>8} "
            f"{search_median * 1000:>6.0f} ({search_p95 * 1000:>5.0f}) "
            f"{search_median / size * 1e6:>9.0f} "
            f"{floor_median * 1000:>16.0f} "
            f"{page_median * 1000:>6.0f} ({page_p95 * 1000:>5.0f}) "
            f"{plain_median * 1000:>4.0f} ({plain_p95 * 1000:>4.0f}) "
            f"{page_median / plain_median:>6.1f}"
        )


if __name__ == "__main__":
    main()
