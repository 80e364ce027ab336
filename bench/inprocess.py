"""Where a page's time goes: the bench's pages served in this process, with the settings
gunicorn gets in bench/run.py, timed and profiled without HTTP.

Each request goes through Django's WSGI handler (every middleware, the view, the template),
so the medians are what a gunicorn worker spends on a page less the socket. Pages are timed
in interleaved rounds, so a burst of load on a shared machine slows every page alike; the
ratios to /healthz are the numbers to read.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alsspace_bench \\
        .venv/bin/python bench/inprocess.py [--rounds 200] [--profile empty_home] [--top 25]

Needs the programme `make bench` seeds (run it once first) and its collected static files.
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY_FILE = ROOT / "bench" / "results" / "journal.key"
HOST = "127.0.0.1"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
if not KEY_FILE.exists():
    sys.exit("No bench/results/journal.key: run `make bench` once to seed the programme.")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alsspace_bench")
os.environ |= {
    "DJANGO_SETTINGS_MODULE": "alsspace.settings",
    # As bench/run.py's server_environment.
    "DEBUG": "False",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "JOURNAL_KEYS": KEY_FILE.read_text().strip(),
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "False",
    "SECURE_HSTS_SECONDS": "0",
    "SECURE_HSTS_PRELOAD": "False",
    "LOG_LEVEL": "WARNING",
}

import django  # noqa: E402

django.setup()

import run  # noqa: E402
import seed  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sets.models import LearningSet  # noqa: E402

application = get_wsgi_application()


def environ_for(visit):
    path, _, query = visit.path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "HTTP_HOST": HOST,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    if visit.cookie:
        environ["HTTP_COOKIE"] = visit.cookie
    return environ


def serve(visit):
    """One request, its body read to the end as a client would."""
    statuses = []
    body = application(environ_for(visit), lambda status, headers: statuses.append(status))
    try:
        for _ in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()
    if not statuses[0].startswith("200"):
        raise SystemExit(f"{visit.page}: {statuses[0]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--pages", default="healthz,empty_home,home,set,meeting,dashboard,journal")
    parser.add_argument("--profile", help="a page to profile over the rounds, after timing")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    programme = seed.bench_programme()
    if programme is None:
        sys.exit("No bench programme in this database: run `make bench` once to seed it.")
    learning_set = LearningSet.objects.filter(programme=programme).order_by("pk").first()
    visits = {v.page: v for v in [run.floor_visit(), *run.visits_for(programme, learning_set)]}
    chosen = [visits[name] for name in args.pages.split(",")]

    for visit in chosen:
        # A session's first request saves it; count a returning visit's queries.
        serve(visit)
        with CaptureQueriesContext(connection) as queries:
            serve(visit)
        visit.queries = [q["sql"] for q in queries]

    times = {visit.page: [] for visit in chosen}
    for _ in range(args.rounds):
        for visit in chosen:
            began = time.perf_counter()
            serve(visit)
            times[visit.page].append(time.perf_counter() - began)

    base = statistics.median(times["healthz"]) if "healthz" in times else None
    floor = statistics.median(times["empty_home"]) if "empty_home" in times else None
    print(f"{args.rounds} interleaved rounds, load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':<18}{'median ms':>10}{'÷ healthz':>11}{'÷ floor':>9}{'queries':>9}")
    for visit in chosen:
        median = statistics.median(times[visit.page])
        print(
            f"{visit.page:<18}{median * 1000:>10.2f}"
            f"{median / base if base else 0:>10.2f}×{median / floor if floor else 0:>8.2f}×"
            f"{len(visit.queries):>9}"
        )

    if args.profile:
        visit = visits[args.profile]
        print(f"\nQueries of {visit.page}:")
        for sql in visit.queries:
            print("  " + sql[:160])
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.rounds):
            serve(visit)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
