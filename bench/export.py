"""How fast attendance exports run, and in how much memory, against PostgreSQL COPY.

Seeds a scratch PostgreSQL database with one programme of 1,250 sets × 8 members × 10 held
meetings (100,000 attendance rows, made with bulk_create), then measures:

- COPY: PostgreSQL's `COPY (SELECT ...) TO STDOUT` of the export's own query (the same SQL,
  so the same rows in the same order): the floor no Python export can beat;
- CSV and XLSX through the real export code (the row generator and its renderers), and the
  CSV once more through the whole view (permission, audit event, streamed response);
- peak memory of each export, for one month (10,000 rows) and for all 100,000 rows: a flat
  export needs about the same for both. Python allocations come from tracemalloc, in runs of
  their own because it slows everything down; the resident set from the kernel's high-water
  mark (VmHWM, reset before each run where Linux allows it).

Run against a PostgreSQL database of its own (created if missing, never the app's):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alsspace_bench .venv/bin/python bench/export.py

Options: --runs N (timed runs per measurement, median reported), --reseed. Prints Markdown
and writes JSON to bench/results/. Machines here are noisy: read the medians and the ratios.
"""

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/alsspace_bench"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
os.environ["DJANGO_SETTINGS_MODULE"] = "alsspace.settings"
os.environ.setdefault("DEBUG", "True")

import dj_database_url  # noqa: E402
import psycopg2  # noqa: E402
from psycopg2 import sql  # noqa: E402

SETS = 1250
MEMBERS = 8
MEETINGS = 10
ROWS = SETS * MEMBERS * MEETINGS
PROGRAMME = "Bench Programme (100,000 attendance rows)"
LONDON = ZoneInfo("Europe/London")
# present 70%, late 8%, left early 4%, apologies 10%, absent 5%, not recorded 3%
STATUS_CYCLE = (
    ["present"] * 70
    + ["late"] * 8
    + ["left_early"] * 4
    + ["apologies"] * 10
    + ["absent"] * 5
    + [""] * 3
)


def ensure_database(url):
    """Create the scratch database if it does not exist yet; refuse anything but PostgreSQL."""
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit("bench/export.py compares with PostgreSQL COPY: DATABASE_URL must be postgres://")
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"Created database {config['NAME']}.", file=sys.stderr)
    connection.close()


ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from alsspace.models import User  # noqa: E402
from sessions import exports  # noqa: E402
from sessions.models import Attendance, Meeting  # noqa: E402
from sessions.reports.attendance import ReportScope, exported_attendance  # noqa: E402
from sets.models import LearningSet, Membership, Programme  # noqa: E402

# Seeding


def seed():
    """The bench programme, made once; a later run reuses it unless --reseed."""
    Programme.objects.filter(name=PROGRAMME).delete()
    User.objects.filter(email__endswith="@bench.example").delete()
    with transaction.atomic():
        admin = User.objects.create_user("admin@bench.example", name="Bench Admin")
        programme = Programme.objects.create(name=PROGRAMME, time_zone="Europe/London")
        programme.admins.add(admin)
        sets = LearningSet.objects.bulk_create(
            LearningSet(programme=programme, name=f"Set {n:04}", status="active")
            for n in range(SETS)
        )
        people = User.objects.bulk_create(
            (
                User(
                    email=f"person{n:05}@bench.example",
                    name=f"Member {n:05} Ødegård-Ñúñez",
                    password="!",  # noqa: S106 (an unusable password)
                )
                for n in range(SETS * (MEMBERS + 1))
            ),
            batch_size=5000,
        )
        joined = datetime(2024, 12, 1, tzinfo=UTC)
        memberships = []
        members_of = {}
        for index, learning_set in enumerate(sets):
            group = people[index * (MEMBERS + 1) : (index + 1) * (MEMBERS + 1)]
            memberships.append(
                Membership(learning_set=learning_set, user=group[0], role="facilitator")
            )
            memberships += [
                Membership(learning_set=learning_set, user=user, joined_at=joined)
                for user in group[1:]
            ]
            members_of[learning_set.pk] = group[1:]
        Membership.objects.bulk_create(memberships, batch_size=5000)
        meetings = Meeting.objects.bulk_create(
            (
                Meeting(
                    learning_set=learning_set,
                    starts_at=start,
                    ends_at=start + timedelta(hours=4),
                    status="held",
                )
                for index, learning_set in enumerate(sets)
                for start in meeting_starts(index)
            ),
            batch_size=5000,
        )
        n = 0
        rows = []
        for meeting in meetings:
            for user in members_of[meeting.learning_set_id]:
                status = STATUS_CYCLE[(n * 37) % len(STATUS_CYCLE)]
                apologies = meeting.starts_at - timedelta(days=1) if status == "apologies" else None
                rows.append(
                    Attendance(
                        meeting=meeting, user=user, status=status, apologies_sent_at=apologies
                    )
                )
                n += 1
        Attendance.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return programme


def meeting_starts(index):
    """Ten monthly meetings from January 2025, each set on its own day of the month."""
    day = 1 + index % 28
    return [datetime(2025, month, day, 9, 30, tzinfo=LONDON) for month in range(1, MEETINGS + 1)]


def bench_programme(reseed):
    programme = Programme.objects.filter(name=PROGRAMME).first()
    if reseed or programme is None:
        began = time.perf_counter()
        programme = seed()
        print(f"Seeded {ROWS:,} attendance rows in {time.perf_counter() - began:.1f} s.")
    return programme


# Measuring


class Sink(io.RawIOBase):
    """Counts what COPY writes, and keeps none of it."""

    def __init__(self):
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.size += len(data)
        return len(data)


def copy_export(scope):
    """COPY of the export's own SELECT: same joins, filters, columns and order."""
    queryset = exported_attendance(scope).values_list(
        "meeting__learning_set__name",
        "meeting__starts_at",
        "user_id",
        "user__name",
        "user__email",
        "status",
        "apologies_sent_at",
    )
    select, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        statement = cursor.cursor.mogrify(select, params).decode()
        sink = Sink()
        cursor.cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", sink)
    return sink.size


def csv_export(scope):
    return sum(len(chunk) for chunk in exports.attendance_csv(scope))


def xlsx_export(scope):
    with exports.attendance_xlsx(scope, now=timezone.now()) as file:
        return file.seek(0, io.SEEK_END)


def view_export(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return sum(len(chunk) for chunk in response.streaming_content)


def timed(function, runs):
    samples = []
    size = None
    for _ in range(runs):
        began = time.perf_counter()
        size = function()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples), min(samples), max(samples), size


def _status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def _reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def peak_memory(function):
    """Peak Python allocations (tracemalloc) and the rise of the resident set's high-water
    mark over the run, both in MiB."""
    reset = _reset_peak_rss()
    rss_before = _status_kib("VmRSS")
    tracemalloc.start()
    function()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    hwm = _status_kib("VmHWM")
    rss_rise = (hwm - rss_before) / 1024 if reset and hwm and rss_before else None
    return traced_peak / 2**20, rss_rise


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    programme = bench_programme(args.reseed)
    everything = ReportScope(programme)
    month = ReportScope(
        programme,
        starts=datetime(2025, 1, 1, tzinfo=LONDON),
        ends=datetime(2025, 2, 1, tzinfo=LONDON),
    )
    rows = exported_attendance(everything).count()
    month_rows = exported_attendance(month).count()
    assert rows == ROWS, f"expected {ROWS:,} rows, found {rows:,}: run with --reseed"

    admin = programme.admins.get()
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    url = reverse("meetings:attendance_export", args=[programme.pk])

    measured = {
        "COPY (PostgreSQL)": timed(lambda: copy_export(everything), args.runs),
        "CSV (rows → csv_chunks)": timed(lambda: csv_export(everything), args.runs),
        "CSV (whole view, streamed)": timed(lambda: view_export(client, url), args.runs),
        "XLSX (rows → write-only workbook + summaries)": timed(
            lambda: xlsx_export(everything), args.runs
        ),
    }
    copy_rate = rows / measured["COPY (PostgreSQL)"][0]
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "postgresql": connection.pg_version,
        },
        "rows": rows,
        "runs": args.runs,
        "throughput": {},
        "memory": {},
    }
    for name, (median, fastest, slowest, size) in measured.items():
        rate = rows / median
        results["throughput"][name] = {
            "median_s": round(median, 3),
            "min_s": round(fastest, 3),
            "max_s": round(slowest, 3),
            "bytes": size,
            "rows_per_s": round(rate),
            "ratio_to_copy": round(rate / copy_rate, 4),
        }
    for label, scope, count in (("1 month", month, month_rows), ("all", everything, rows)):
        for name, function in (("CSV", csv_export), ("XLSX", xlsx_export)):
            traced, rss = peak_memory(lambda function=function, scope=scope: function(scope))
            results["memory"][f"{name}, {label} ({count:,} rows)"] = {
                "tracemalloc_peak_mib": round(traced, 1),
                "rss_high_water_rise_mib": None if rss is None else round(rss, 1),
            }

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%S")
    path = RESULTS / f"export-{stamp}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(markdown(results))
    print(f"\nJSON: {path.relative_to(ROOT)}")


def markdown(results):
    lines = [
        f"## Attendance export: {results['rows']:,} rows, median of {results['runs']} runs",
        "",
        "| export | median s | rows/s | ratio to COPY | size |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in results["throughput"].items():
        lines.append(
            f"| {name} | {r['median_s']:.2f} | {r['rows_per_s']:,} | "
            f"{r['ratio_to_copy']:.3f} | {r['bytes'] / 2**20:.1f} MiB |"
        )
    lines += [
        "",
        "| peak memory | tracemalloc peak | RSS high-water rise |",
        "|---|---:|---:|",
    ]
    for name, m in results["memory"].items():
        rss = m["rss_high_water_rise_mib"]
        lines.append(
            f"| {name} | {m['tracemalloc_peak_mib']:.1f} MiB | "
            f"{'n/a' if rss is None else f'{rss:.1f} MiB'} |"
        )
    machine = results["machine"]
    lines += [
        "",
        f"Python {machine['python']}, PostgreSQL {machine['postgresql']}, "
        f"{machine['cpus']} CPUs, {machine['platform']}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
