"""Signed-in users driven through pages over HTTP: one keep-alive connection per user thread.

No Django here: a page is a name and, per virtual user, a path and a session cookie.
"""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field

TIMEOUT_S = 60


@dataclass
class Visit:
    """One virtual user's request for one page."""

    page: str
    path: str
    cookie: str | None


@dataclass
class Samples:
    """Latencies (seconds) of successful requests and the errors, per page."""

    latencies: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    bytes: dict = field(default_factory=dict)

    def add(self, page, seconds, ok, size, error=None):
        if ok:
            self.latencies.setdefault(page, []).append(seconds)
            self.bytes[page] = size
        else:
            self.errors.setdefault(page, []).append(error)

    def merge(self, other):
        for page, values in other.latencies.items():
            self.latencies.setdefault(page, []).extend(values)
        for page, values in other.errors.items():
            self.errors.setdefault(page, []).extend(values)
        self.bytes.update(other.bytes)

    @property
    def requests(self):
        return sum(map(len, self.latencies.values())) + sum(map(len, self.errors.values()))

    @property
    def error_count(self):
        return sum(map(len, self.errors.values()))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(samples, pages, baseline="healthz"):
    """Each page's median and p95 in ms, and as ratios to the baseline's."""
    base = samples.latencies.get(baseline)
    base_median = statistics.median(base) if base else None
    base_p95 = percentile(base, 0.95) if base else None
    rows = {}
    for page in pages:
        values = samples.latencies.get(page, [])
        errors = samples.errors.get(page, [])
        row = {"requests": len(values) + len(errors), "errors": len(errors)}
        if errors:
            row["first_error"] = errors[0]
        if values:
            median, p95 = statistics.median(values), percentile(values, 0.95)
            row |= {
                "median_ms": round(median * 1000, 1),
                "p95_ms": round(p95 * 1000, 1),
                "median_ratio": round(median / base_median, 2) if base_median else None,
                "p95_ratio": round(p95 / base_p95, 2) if base_p95 else None,
                "bytes": samples.bytes.get(page),
            }
        rows[page] = row
    return rows


class User:
    """A keep-alive connection and the visits it makes, in turn."""

    def __init__(self, host, port, visits):
        self.host, self.port, self.visits = host, port, visits
        self.connection = None

    def fetch(self, visit, samples):
        headers = {"Host": self.host, "Accept-Encoding": "identity"}
        if visit.cookie:
            headers["Cookie"] = visit.cookie
        began = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=TIMEOUT_S
                )
            self.connection.request("GET", visit.path, headers=headers)
            response = self.connection.getresponse()
            size = 0
            while chunk := response.read(65536):
                size += len(chunk)
            seconds = time.perf_counter() - began
            if response.will_close:
                self.close()
            ok = response.status == 200
            samples.add(visit.page, seconds, ok, size, None if ok else f"HTTP {response.status}")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            samples.add(visit.page, 0, False, 0, f"{type(error).__name__}: {error}")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def sequential(host, port, visits, rounds):
    """One user, each page in turn, `rounds` times: latency without queueing."""
    samples = Samples()
    user = User(host, port, visits)
    for _ in range(rounds):
        for visit in visits:
            user.fetch(visit, samples)
    user.close()
    return samples


def concurrent(host, port, users_visits, seconds):
    """Every user loops over its visits until time is up. Returns the samples and the
    wall-clock time from start to the last response."""
    deadline = time.perf_counter() + seconds
    results = [Samples() for _ in users_visits]

    def run(index, visits):
        user = User(host, port, visits)
        turn = index  # users start at different pages, so the mix is even from the start
        while time.perf_counter() < deadline:
            user.fetch(visits[turn % len(visits)], results[index])
            turn += 1
        user.close()

    threads = [
        threading.Thread(target=run, args=(index, visits), daemon=True)
        for index, visits in enumerate(users_visits)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    merged = Samples()
    for samples in results:
        merged.merge(samples)
    return merged, elapsed
