"""How many requests a token may make: API_RATE_LIMIT a minute, counted in the cache (Redis,
or the database cache without it) in fixed windows of a minute (docs/api.md#rate-limit)."""

import math
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests: try again in {retry_after} seconds.")
        self.retry_after = retry_after


def check(token_pk: int, now: float | None = None) -> None:
    """Count a request of the token; raise RateLimited past the limit, with the seconds
    until its window ends."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{token_pk}:{window}"
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry was culled in between: this is its first request again
        cache.set(key, 1, WINDOW_SECONDS * 2)
        count = 1
    if count > settings.API_RATE_LIMIT:
        raise RateLimited(max(1, math.ceil((window + 1) * WINDOW_SECONDS - now)))
