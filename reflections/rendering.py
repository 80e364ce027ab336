"""Markdown to safe HTML. Markdown passes raw HTML through, so its output is sanitised with
nh3 against a short allow-list: no script, no event handlers, no styles, links only to web
and mail addresses."""

import html

import markdown
import nh3
from django.utils.safestring import mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class _ShiftHeadings(Treeprocessor):
    """The page owns its <h1>: an entry's own headings start one level (or more) below."""

    def __init__(self, md, offset):
        super().__init__(md)
        self.offset = offset

    def run(self, root):
        for element in root.iter():
            if element.tag in HEADINGS:
                level = min(int(element.tag[1]) + self.offset, 6)
                element.tag = f"h{level}"


class ShiftHeadings(Extension):
    def __init__(self, offset):
        super().__init__()
        self.offset = offset

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_ShiftHeadings(md, self.offset), "shift_headings", 5)


def render_markdown(text, heading_offset=1):
    """The entry's body as HTML that is safe to put in a page."""
    converted = markdown.markdown(
        text, extensions=["sane_lists", ShiftHeadings(heading_offset)], output_format="html"
    )
    cleaned = nh3.clean(
        converted,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


def plain_texts(texts):
    """Each text without its Markdown, for snippets in a list. One converter serves them all:
    making one costs about as much as converting a short entry."""
    converter = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    for text in texts:
        converted = converter.reset().convert(text)
        yield " ".join(html.unescape(nh3.clean(converted, tags=set())).split())
