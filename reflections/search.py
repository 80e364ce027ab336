"""Searching a person's own journal. The database holds only ciphertext, so the author's
entries are decrypted and matched here, in Python; bench/journal_search.py measures the cost."""

from reflections.rendering import plain_texts

SNIPPET_CHARS = 220


def words(query):
    return [word for word in query.casefold().split() if word]


def search_entries(entries, query):
    """Entries whose title or body holds every word of the query, in any case."""
    needles = words(query)
    matches = []
    for entry in entries:
        haystack = f"{entry.title}\n{entry.body}".casefold()
        if all(needle in haystack for needle in needles):
            matches.append(entry)
    return matches


def matching_ids(entries, query):
    """The ids of matching entries, in the queryset's order. Only title and body are loaded
    and decrypted: at 2,000 entries decryption is most of the cost."""
    lean = entries.select_related(None).only("pk", "title", "body")
    return [entry.pk for entry in search_entries(lean, query)]


def snippets(bodies, query=""):
    """A line of each body's text, around the first word searched for when there is one."""
    return [_excerpt(text, query) for text in plain_texts(bodies)]


def _excerpt(text, query):
    start = 0
    for needle in words(query):
        found = text.casefold().find(needle)
        if found > 0:
            start = max(0, found - SNIPPET_CHARS // 3)
            break
    excerpt = text[start : start + SNIPPET_CHARS]
    if start > 0:
        excerpt = "…" + excerpt.split(" ", 1)[-1]
    if start + SNIPPET_CHARS < len(text):
        excerpt = excerpt.rsplit(" ", 1)[0] + "…"
    return excerpt
