"""Words in a template that no translation tag holds: text between HTML tags, and the
attributes a person reads or hears (alt, title, placeholder, aria-label and the like, an
input button's value, and data- attributes the page's scripts show). Run on its own, it lists them:

    python -m tests.untranslated templates/sets/set_detail.html ...

A template passes when every such word is inside {% translate %}, {% blocktranslate %} or a
variable ({{ }}), so that the Welsh catalogue can hold it (docs/languages.md)."""

import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates"]
# What a person reads or hears of an element, besides its text.
READ_ATTRIBUTES = {
    "alt",
    "title",
    "placeholder",
    "label",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-roledescription",
    "aria-valuetext",
    "summary",
}
BUTTON_TYPES = {"submit", "button", "reset"}
# A letter in any alphabet: punctuation, digits, symbols and spacing alone need no words.
LETTER = re.compile(r"[^\W\d_]")
# Stands in for a {{ variable }} or a {% tag %} in the HTML handed to the parser.
HOLE = "\x00"
# The tags whose text the template writes through a variable, not words of its own.
NO_WORDS = {"script", "style"}
BLOCK_PAIRS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}


class Finding(NamedTuple):
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.text!r}"


def _has_words(text: str) -> bool:
    return bool(LETTER.search(text.replace(HOLE, " ")))


class _Reader(HTMLParser):
    """Collects text and read attributes outside script and style, with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.inside: list[str] = []

    def _line(self) -> int:
        return self.getpos()[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NO_WORDS:
            self.inside.append(tag)
        values = dict(attrs)
        for name, value in attrs:
            if not value or not _has_words(value):
                continue
            # An input button shows its value; a <button>'s value is only sent.
            read = name in READ_ATTRIBUTES or (
                tag == "input"
                and name == "value"
                and (values.get("type") or "").lower() in BUTTON_TYPES
            )
            # A data- attribute with a phrase in it is words a script shows.
            if read or (name.startswith("data-") and " " in value.strip()):
                self.found.append((self._line(), f"{name}={value.replace(HOLE, '…')}"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in NO_WORDS:
            self.inside.pop()

    def handle_endtag(self, tag: str) -> None:
        if self.inside and self.inside[-1] == tag:
            self.inside.pop()

    def handle_data(self, data: str) -> None:
        if not self.inside and _has_words(data):
            self.found.append((self._line(), " ".join(data.replace(HOLE, "…").split())))


def _outside_tags(source: str) -> str:
    """The template's own text, with every variable and tag made a hole and everything inside
    a block translation or a comment left out; line breaks stay where they were."""
    parts: list[str] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        raw = token.contents
        breaks = "\n" * raw.count("\n")
        if token.token_type == TokenType.BLOCK:
            name = token.split_contents()[0] if raw.strip() else ""
            if closing is None:
                closing = BLOCK_PAIRS.get(name)
            elif name == closing:
                closing = None
            parts.append(HOLE + breaks)
        elif closing is not None or token.token_type == TokenType.COMMENT:
            parts.append(breaks)
        elif token.token_type == TokenType.VAR:
            parts.append(HOLE + breaks)
        else:
            parts.append(raw)
    return "".join(parts)


def untranslated(path: Path) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    text = _outside_tags(source)
    if path.suffix == ".html":
        reader = _Reader()
        reader.feed(text)
        reader.close()
        return [Finding(path, line, words) for line, words in reader.found]
    # Plain text (email bodies and subjects): every word must be in a tag.
    found = []
    for number, line_text in enumerate(text.split("\n"), start=1):
        if _has_words(line_text):
            words = " ".join(line_text.replace(HOLE, "…").split())
            found.append(Finding(path, number, words))
    return found


def templates() -> Iterator[Path]:
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*")):
            if path.suffix in {".html", ".txt"}:
                yield path


def main(arguments: list[str]) -> int:
    import django

    django.setup()
    paths = [Path(a).resolve() for a in arguments] or list(templates())
    findings = [f for path in paths for f in untranslated(path)]
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alsspace.settings")
    sys.exit(main(sys.argv[1:]))
