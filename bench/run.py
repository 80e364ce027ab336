"""Page latency, throughput under load, and export speed, for a large programme on gunicorn.

Seeds 200 sets × 8 members × 12 meetings on PostgreSQL (once: reruns reuse it), serves it
with gunicorn on 127.0.0.1 with production settings (DEBUG=False), signs users in by
creating their sessions directly, and measures in one run:

- each key page's median and p95 latency as a ratio to /healthz, one user at a time;
- requests per second, errors and latencies with 10 and then 50 concurrent users;
- the programme's CSV export against PostgreSQL COPY of the same rows, and its peak memory
  (bench/export.py's measurements, on this programme).

    make bench                       # or: .venv/bin/python bench/run.py [--quick] [--reseed]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/alsspace_bench (created if
missing). Prints Markdown and writes JSON to bench/results/. Machines here are noisy: read
the medians and the ratios.
"""

import argparse
import importlib
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
# The seeded journals are encrypted with this key, so it lives as long as the seed does.
KEY_FILE = RESULTS / "journal.key"
HOST = "127.0.0.1"
# Each page's median, one user at a time, at most this many times another's: the floor
# against /healthz, every other page against the floor (what it costs above being signed in).
TARGETS = {
    "empty_home": ("healthz", 2.5),
    "home": ("empty_home", 2.0),
    "set": ("empty_home", 2.0),
    "meeting": ("empty_home", 2.0),
    "journal": ("empty_home", 2.0),
    "dashboard": ("empty_home", 2.5),
    "programme_report": ("empty_home", 5.0),
}
# The programme's CSV export: at least this share of COPY's rows per second.
EXPORT_TARGET = 0.5


def journal_key():
    """The key the seeded journals were written with: made with the seed, kept beside results."""
    if not KEY_FILE.exists():
        RESULTS.mkdir(parents=True, exist_ok=True)
        KEY_FILE.write_text(Fernet.generate_key().decode())
        KEY_FILE.chmod(0o600)
        return KEY_FILE.read_text().strip(), True
    return KEY_FILE.read_text().strip(), False


JOURNAL_KEY, NEW_KEY = journal_key()
os.environ["JOURNAL_KEYS"] = JOURNAL_KEY
# Shared with the server: a session's auth hash is keyed with it.
SECRET_KEY = secrets.token_urlsafe(50)
os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY

# bench/export.py makes the database if missing, sets Django up, and holds the COPY and
# memory measurements reused below.
import export  # noqa: E402
import load  # noqa: E402
import seed  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from alsspace.models import User  # noqa: E402
from sessions.models import Meeting  # noqa: E402
from sessions.reports.attendance import ReportScope, exported_attendance  # noqa: E402
from sets.models import LearningSet, Membership  # noqa: E402

PAGES = [
    "healthz",
    "home",
    "set",
    "meeting",
    "dashboard",
    "journal",
    "programme_report",
    "export_csv",
]
# Not a key page: the home page of someone signed in who belongs to nothing, so the session,
# the user, the navigation and the layout with no content. Every page costs at least this.
FLOOR = "empty_home"
# What members and facilitators open: the mix without the programme admin's overview and
# export, which a programme has a handful of people for.
PARTICIPANT_PAGES = ["healthz", "home", "set", "meeting", "dashboard", "journal"]


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment():
    """Production-like settings: only variables alsspace/settings.py reads."""
    env = dict(os.environ)
    env |= {
        "DEBUG": "False",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "JOURNAL_KEYS": JOURNAL_KEY,
        "ALLOWED_HOSTS": HOST,
        # Plain http on 127.0.0.1: no redirect to https and no HSTS. Secure cookies need no
        # switch: the bench sends its session cookie itself, and servers do not check the flag.
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_HSTS_PRELOAD": "False",
        "LOG_LEVEL": "WARNING",
    }
    return env


def collect_static(env):
    """DEBUG=False serves hashed files from the manifest, which collectstatic writes."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def start_gunicorn(env, port, workers, threads, log):
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "alsspace.wsgi",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        "--keep-alive=5",
        "--backlog=2048",
        "--timeout=120",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start (exit {server.returncode}); see {log.name}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    server.terminate()
    sys.exit(f"gunicorn did not answer /healthz within 30 s; see {log.name}")


def session_cookie(user):
    """A signed-in session, as the login view would leave it, in the server's session store
    (the database, or Redis and the database when REDIS_URL is set)."""
    session = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def visits_for(programme, learning_set):
    """The key pages for one virtual user: a member of the set for their own pages, its
    facilitator for the dashboard, the programme's admin for the overview and the export."""
    memberships = Membership.objects.filter(learning_set=learning_set).select_related("user")
    member = next(m.user for m in memberships if m.role == "member")
    facilitator = next(m.user for m in memberships if m.role == "facilitator")
    admin = programme.admins.get()
    meeting = (
        Meeting.objects.filter(learning_set=learning_set, status="held")
        .order_by("-starts_at")
        .first()
    )
    as_member, as_facilitator, as_admin = map(session_cookie, (member, facilitator, admin))
    return [
        load.Visit("healthz", reverse("healthz"), None),
        load.Visit("home", reverse("home"), as_member),
        load.Visit("set", reverse("sets:set", args=[learning_set.pk]), as_member),
        load.Visit("meeting", reverse("meetings:meeting", args=[meeting.pk]), as_member),
        load.Visit(
            "dashboard", reverse("meetings:dashboard", args=[learning_set.pk]), as_facilitator
        ),
        load.Visit("journal", reverse("reflections:journal"), as_member),
        load.Visit(
            "programme_report",
            reverse("meetings:programme_report", args=[programme.pk]),
            as_admin,
        ),
        load.Visit(
            "export_csv",
            reverse("meetings:attendance_export", args=[programme.pk]) + "?format=csv",
            as_admin,
        ),
    ]


def floor_visit():
    nobody, _ = User.objects.get_or_create(
        email=f"nobody@{seed.EMAIL_DOMAIN}", defaults={"name": "Nobody Anywhere"}
    )
    return load.Visit(FLOOR, reverse("home"), session_cookie(nobody))


def query_counts(visits):
    """SQL queries each page runs, in this process: a count that grows with the data is an
    N+1 query. Counted on a second visit, as the timed rounds see it: a session's first
    request also saves it."""
    counts = {}
    for visit in visits:
        client = Client(HTTP_HOST=HOST)
        if visit.cookie:
            name, _, key = visit.cookie.partition("=")
            client.cookies[name] = key
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(visit.path)
                if response.streaming:
                    b"".join(response.streaming_content)
            assert response.status_code == 200, (visit.page, response.status_code)
        counts[visit.page] = len(queries)
    return counts


def measure_export(programme, runs):
    """The programme's CSV export against COPY of its own query, and its peak memory for one
    month and for everything (flat memory: about the same for both)."""
    everything = ReportScope(programme)
    month = ReportScope(
        programme,
        starts=datetime(2026, 3, 1, tzinfo=seed.LONDON),
        ends=datetime(2026, 4, 1, tzinfo=seed.LONDON),
    )
    rows = exported_attendance(everything).count()
    copy_s = export.timed(lambda: export.copy_export(everything), runs)[0]
    csv_s = export.timed(lambda: export.csv_export(everything), runs)[0]
    memory = {}
    for label, scope in (("month", month), ("all", everything)):
        traced, rss = export.peak_memory(lambda scope=scope: export.csv_export(scope))
        memory[label] = {
            "rows": exported_attendance(scope).count(),
            "tracemalloc_peak_mib": round(traced, 1),
            "rss_high_water_rise_mib": None if rss is None else round(rss, 1),
        }
    return {
        "rows": rows,
        "copy_s": round(copy_s, 3),
        "csv_s": round(csv_s, 3),
        "copy_rows_per_s": round(rows / copy_s),
        "csv_rows_per_s": round(rows / csv_s),
        "ratio_to_copy": round(copy_s / csv_s, 3),
        "memory": memory,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 s load phases, 10 latency rounds")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    args = parser.parse_args()
    rounds = 10 if args.quick else 30
    short = 10 if args.quick else None
    phases = [
        ("every key page", PAGES, 10, short or 30),
        ("every key page", PAGES, 50, short or 60),
        ("participant pages", PARTICIPANT_PAGES, 50, short or 60),
    ]

    load_before = os.getloadavg()[0]
    call_command("migrate", verbosity=0)
    programme = seed.bench_programme()
    seeded_s = None
    if programme is None or args.reseed or NEW_KEY:
        print("Seeding the bench programme…", file=sys.stderr)
        programme, seeded_s = seed.seed()
        print(f"Seeded in {seeded_s:.0f} s.", file=sys.stderr)
    counts = seed.counts(programme)

    sets = list(LearningSet.objects.filter(programme=programme).order_by("pk"))
    # One virtual user per set, up to the largest phase: no two users share a set.
    users_visits = [visits_for(programme, s) for s in sets[: max(p[2] for p in phases)]]
    timed_alone = [users_visits[0][0], floor_visit(), *users_visits[0][1:]]
    queries = query_counts(timed_alone)
    connection.close()

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%S")
    env = server_environment()
    collect_static(env)
    port = free_port()
    with tempfile.NamedTemporaryFile("w", prefix="bench-gunicorn-", suffix=".log") as log:
        server = start_gunicorn(env, port, args.workers, args.threads, log)
        try:
            # Warm every worker (imports, template caches, connections) before timing.
            load.concurrent(HOST, port, users_visits[: args.workers * args.threads], 3)
            sequential = load.sequential(HOST, port, timed_alone, rounds)
            loaded = []
            for mix, pages, users, seconds in phases:
                visits = [[v for v in vs if v.page in pages] for vs in users_visits[:users]]
                samples, elapsed = load.concurrent(HOST, port, visits, seconds)
                loaded.append(
                    {
                        "mix": mix,
                        "users": users,
                        "seconds": round(elapsed, 1),
                        "requests": samples.requests,
                        "errors": samples.error_count,
                        "requests_per_s": round(samples.requests / elapsed, 1),
                        "pages": load.summary(samples, pages),
                    }
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
        server_log = Path(log.name).read_text()[-4000:]

    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "postgresql": connection.pg_version,
            "gunicorn": f"{args.workers} workers × {args.threads} threads (gthread)",
            # Other work on the machine: a load above the CPU count slows every number here.
            "load_average_before": round(load_before, 1),
            "load_average_after": round(os.getloadavg()[0], 1),
        },
        "seed": counts | ({"seeded_s": round(seeded_s)} if seeded_s else {}),
        "targets": {page: {"of": of, "at_most": limit} for page, (of, limit) in TARGETS.items()},
        "export_target": EXPORT_TARGET,
        "sequential": {
            "rounds": rounds,
            "pages": {
                page: row | {"queries": queries[page]}
                for page, row in load.summary(sequential, [v.page for v in timed_alone]).items()
            },
        },
        "load": loaded,
        "export": measure_export(programme, runs=3),
    }
    alone = results["sequential"]["pages"]
    for page, (of, limit) in TARGETS.items():
        row, base = alone[page], alone[of]
        if "median_ms" in row and "median_ms" in base:
            row["target_ratio"] = round(row["median_ms"] / base["median_ms"], 2)
            row["target_met"] = row["target_ratio"] <= limit
    served = results["sequential"]["pages"]["export_csv"]
    if "median_ms" in served:
        e = results["export"]
        rate = e["rows"] / (served["median_ms"] / 1000)
        e["http_rows_per_s"] = round(rate)
        e["http_ratio_to_copy"] = round(rate / e["copy_rows_per_s"], 3)
    if any(phase["errors"] for phase in loaded) or sequential.error_count:
        results["server_log_tail"] = server_log
    path = RESULTS / f"pages-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(markdown(results))
    print(f"\nJSON: {path.relative_to(ROOT)}")


def _ms(row, key):
    return f"{row[key]:.1f}" if key in row else "–"


def _ratio(row, key):
    return f"{row[key]:.1f}×" if row.get(key) is not None else "–"


def markdown(results):
    machine = results["machine"]
    seeded = ", ".join(
        f"{value:,} {name.replace('_', ' ')}" for name, value in results["seed"].items()
    )
    lines = [
        f"# Page benchmark, {results['when']}{' (quick)' if results['quick'] else ''}",
        "",
        f"Seed: {seeded}.",
        f"Python {machine['python']}, PostgreSQL {machine['postgresql']}, {machine['cpus']} CPUs, "
        f"gunicorn {machine['gunicorn']}, {machine['platform']}. Load average "
        f"{machine['load_average_before']} before, {machine['load_average_after']} after.",
        "",
        f"## Latency, one user at a time ({results['sequential']['rounds']} rounds)",
        "",
        "Targets: the floor (empty_home, signed in with nothing to show) within "
        f"{TARGETS[FLOOR][1]}× /healthz; every other page within its multiple of the floor.",
        "",
        "| page | median ms | p95 ms | median ÷ healthz | median ÷ floor | queries | errors "
        "| target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    alone = results["sequential"]["pages"]
    floor_ms = alone.get(FLOOR, {}).get("median_ms")
    for page, row in alone.items():
        target = results["targets"].get(page)
        if target is None:
            verdict = "reference" if page == "healthz" else "see export"
        else:
            verdict = (
                f"≤ {target['at_most']}× {'floor' if target['of'] == FLOOR else target['of']}: "
                + ("met" if row.get("target_met") else "MISSED")
            )
        of_floor = f"{row['median_ms'] / floor_ms:.1f}×" if floor_ms and "median_ms" in row else "–"
        lines.append(
            f"| {page} | {_ms(row, 'median_ms')} | {_ms(row, 'p95_ms')} | "
            f"{_ratio(row, 'median_ratio')} | {of_floor} | {row['queries']} | "
            f"{row['errors']} | {verdict} |"
        )
    for phase in results["load"]:
        lines += [
            "",
            f"## {phase['users']} concurrent users, {phase['mix']}, for {phase['seconds']:.0f} s: "
            f"{phase['requests_per_s']:.1f} requests/s, {phase['errors']} errors "
            f"of {phase['requests']:,}",
            "",
            "| page | requests | median ms | p95 ms | median ÷ healthz | errors |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for page, row in phase["pages"].items():
            lines.append(
                f"| {page} | {row['requests']} | {_ms(row, 'median_ms')} | {_ms(row, 'p95_ms')} "
                f"| {_ratio(row, 'median_ratio')} | {row['errors']}"
                f"{' (' + row['first_error'] + ')' if row.get('first_error') else ''} |"
            )
    e = results["export"]
    lines += [
        "",
        f"## Programme CSV export: {e['rows']:,} rows",
        "",
        f"COPY {e['copy_s']:.3f} s ({e['copy_rows_per_s']:,} rows/s); CSV export "
        f"{e['csv_s']:.3f} s ({e['csv_rows_per_s']:,} rows/s): **{e['ratio_to_copy']:.2f}× "
        f"COPY's rate** (target ≥ {results['export_target']}: "
        f"{'met' if e['ratio_to_copy'] >= results['export_target'] else 'MISSED'})."
        + (
            f" Through gunicorn (HTTP, median of the one-user rounds): "
            f"{e['http_rows_per_s']:,} rows/s, {e['http_ratio_to_copy']:.2f}× COPY's rate."
            if "http_rows_per_s" in e
            else ""
        ),
        "",
        "| peak memory of the CSV export | rows | tracemalloc peak | RSS high-water rise |",
        "|---|---:|---:|---:|",
    ]
    for label, m in e["memory"].items():
        rss = m["rss_high_water_rise_mib"]
        lines.append(
            f"| {label} | {m['rows']:,} | {m['tracemalloc_peak_mib']:.1f} MiB | "
            f"{'n/a' if rss is None else f'{rss:.1f} MiB'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
