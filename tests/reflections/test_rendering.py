"""Markdown renders through a sanitiser: hostile input comes out inert."""

import pytest
from django.urls import reverse

from reflections.rendering import plain_texts, render_markdown
from tests.reflections.factories import JournalEntryFactory

HOSTILE = [
    "<script>alert('journal')</script>",
    "[click me](javascript:alert('journal'))",
    '<a href="https://example.org" onclick="alert(\'journal\')">link</a>',
    "<img src=x onerror=\"alert('journal')\">",
    "<p onmouseover=\"alert('journal')\">hover</p>",
    '<iframe src="https://example.org"></iframe>',
    "<a href=\"JaVaScRiPt:alert('journal')\">mixed case</a>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<style>body { display: none }</style>",
    "<svg onload=\"alert('journal')\"></svg>",
]


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_renders_inert(markdown):
    html = str(render_markdown(markdown)).lower()

    for dangerous in ("<script", "javascript:", "onclick", "onerror", "onmouseover", "onload"):
        assert dangerous not in html
    for tag in ("<img", "<iframe", "<style", "<svg", "data:"):
        assert tag not in html


def test_ordinary_markdown_keeps_its_meaning():
    html = str(
        render_markdown(
            "# Big\n\n**bold** and _soft_\n\n- one\n- two\n\n[site](https://example.org)"
        )
    )

    assert "<h2>Big</h2>" in html  # the page's own <h1> stays the only one
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_plain_text_drops_markup_and_script_content():
    assert list(plain_texts(["**Hello** <script>alert(1)</script> _there_"])) == ["Hello there"]


def test_plain_texts_read_each_text_on_its_own():
    texts = ["[a]: https://example.org\n\nSee [this][a].", "See [that][a]."]

    assert list(plain_texts(texts)) == ["See this.", "See [that][a]."]


def test_the_entry_page_shows_hostile_text_inert(client, world):
    entry = JournalEntryFactory(
        author=world.member,
        title="<script>alert('title')</script>",
        body='[x](javascript:alert(1)) <b onclick="alert(2)">b</b> <script>alert(3)</script>',
    )
    client.force_login(world.member)

    body = client.get(reverse("reflections:entry", args=[entry.pk])).content.decode()

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;title&#x27;)" in body  # the title is escaped, not run
    assert "javascript:" not in body
    assert "onclick" not in body
