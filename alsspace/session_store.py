"""Sessions read from the cache and kept in the database (Django's cached_db), for when the
cache is Redis: a signed-in request then asks Redis for its session instead of PostgreSQL.

The database stays the record, so a cache that stops answering costs speed, not pages: a
session is then read from the database. Signing in and out still fail while the cache is
away, as in Django's cached_db: a session deleted from the database but left in the cache
would stay signed in."""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("Session cache unavailable: reading the session from the database.")
            return self._load_from_database(fill_cache=False)
        return self._load_from_database(fill_cache=True) if data is None else data

    def _load_from_database(self, fill_cache):
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        if fill_cache:
            try:
                self._cache.set(
                    self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date)
                )
            except Exception:
                logger.warning("Session cache unavailable: the session stays in the database.")
        return data
