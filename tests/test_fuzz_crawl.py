"""Every page and every form of the demo, reached as each role, fed hostile input.

The crawl of tests/test_crawler.py finds what each role can reach. Then every page (one
address per URL pattern) is requested again with hostile query parameters — numbers only
`str.isdigit()` believes, numbers past bigint, NUL bytes, lone surrogates, dates out of any
calendar, huge strings — and with a NUL byte in its cookies and headers; and every POST form
the role is shown is sent with each hostile value in its fields. Then the role crawls again:
whatever those forms stored must not break a page. No answer may be a 500.
The counts are printed (run with -s to read them).
"""

import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.test_crawler import ACCOUNTS, ROLES, crawl, demo, person, same_site  # noqa: F401

QUERY_VALUES = [
    "²",
    "①",
    "٣",
    "１２",
    "-1",
    "0",
    "9223372036854775808",
    "99999999999999999999999999",
    "\x00",
    "1\x00",
    "\ud800",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "x" * 5000,
    "<script>alert(1)</script>",
]
# Names every page is tried with, beside those its own links use.
COMMON_PARAMS = ["page", "set", "prompt", "meeting", "from", "to", "status", "format", "next"]

FORM_VALUES = [
    "²",
    "٣",
    "9223372036854775808",
    "\x00",
    "a\x00b",
    "\ud800",
    "9999-12-31",
    "0001-01-01",
    "23:59",
    "x" * 100_000,
]
HOSTILE_HEADERS = {
    "HTTP_REFERER": "http://testserver/\x00",
    "HTTP_USER_AGENT": "agent\x00",
    "HTTP_HX_REQUEST": "true\x00",
    "HTTP_HX_CURRENT_URL": "http://testserver/\x00",
    "HTTP_ACCEPT_LANGUAGE": "\x00",
}
# Sent by a client of its own: the answer deletes the cookie, which would sign the role out.
HOSTILE_COOKIE = "sessionid=abcdefgh\x00; csrftoken=\x00; messages=\x00"
# Forms that end the role's session, so the rest of the crawl would run signed out.
SESSION_ENDING = ("/accounts/logout/", "/my-data/erase/")


def encode(pairs):
    def part(text):
        return quote_plus(text.encode("utf-8", "surrogatepass"))

    return "&".join(f"{part(name)}={part(value)}" for name, value in pairs)


FIELD_TAGS = {"input", "select", "textarea", "button"}


@dataclass
class Form:
    action: str
    fields: list = field(default_factory=list)


class PostForms(HTMLParser):
    """The POST forms of a page with the fields each sends."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            post = (attrs.get("method") or "get").lower() == "post"
            self.form = Form(attrs.get("action") or "") if post else None
            if self.form is not None:
                self.forms.append(self.form)
        elif self.form is not None and attrs.get("name") and tag in FIELD_TAGS:
            self.form.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None


@dataclass
class Tally:
    requests: int = 0
    errors: list = field(default_factory=list)

    def send(self, label, call, *args, **kwargs):
        self.requests += 1
        try:
            response = call(*args, **kwargs)
        except Exception:
            self.errors.append(f"{label}: {traceback.format_exc(limit=-2)}")
            return None
        if response.status_code >= 500:
            self.errors.append(f"{label}: {response.status_code}")
        return response


def route_of(path):
    try:
        return resolve(path).route
    except Resolver404:
        return None


def one_per_route(pages):
    """One address per URL pattern among the crawled pages (the first found)."""
    chosen = {}
    for label, status, _ in pages:
        method, url = label.split(" ", 1)
        route = route_of(urlsplit(url).path)
        if method == "get" and status < 400 and route is not None:
            chosen.setdefault(route, url)
    return list(chosen.values())


def fuzz_queries(client, urls, tally):
    for url in urls:
        path, query = urlsplit(url).path, urlsplit(url).query
        names = list(dict.fromkeys([name for name, _ in parse_qsl(query)] + COMMON_PARAMS))
        for offset in range(len(QUERY_VALUES)):
            pairs = [
                (name, QUERY_VALUES[(offset + n) % len(QUERY_VALUES)])
                for n, name in enumerate(names)
            ]
            target = f"{path}?{encode(pairs)}"
            tally.send(f"get {target[:200]}", client.get, target)
        tally.send(f"get {url} with NUL headers", client.get, url, **HOSTILE_HEADERS)
        anonymous = Client(raise_request_exception=False)
        tally.send(f"get {url} with NUL cookies", anonymous.get, url, HTTP_COOKIE=HOSTILE_COOKIE)


def forms_on(client, urls):
    forms = {}
    for url in urls:
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = PostForms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            target = same_site(url, form.action or url)
            if target and not target.startswith(SESSION_ENDING):
                forms.setdefault((target, tuple(n for n, _ in form.fields)), form.fields)
    return forms


def fuzz_forms(client, forms, tally):
    for (action, _), fields in forms.items():
        for offset, value in enumerate(FORM_VALUES):
            # Every field hostile at once, then each field alone with the others as shown.
            everything = [(name, value) for name, _ in fields]
            tally.send(f"post {action} all={value[:20]!r}", post, client, action, everything)
            if offset < len(fields):
                name = fields[offset][0]
                for hostile in FORM_VALUES:
                    one = [(n, hostile if n == name else v) for n, v in fields]
                    tally.send(f"post {action} {name}={hostile[:20]!r}", post, client, action, one)


def post(client, action, pairs):
    return client.generic(
        "POST", action, encode(pairs), content_type="application/x-www-form-urlencoded"
    )


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_no_hostile_query_header_or_form_value_is_a_server_error(demo, role):  # noqa: F811
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(person(ACCOUNTS[role]))
    pages, _ = crawl(client, ["/"])
    urls = ["/healthz", *one_per_route(pages)]
    tally = Tally()
    fuzz_queries(client, urls, tally)
    fuzz_forms(client, forms_on(client, urls), tally)
    # Whatever the forms stored, every page still opens.
    pages, errors = crawl(client, ["/"])
    tally.requests += len(pages)
    tally.errors += errors
    print(f"\n{role}: {tally.requests} requests fuzzed, {len(tally.errors)} server errors")
    assert tally.errors == []
