"""The difference between two versions of a contract, as a person reads it: paragraph by
paragraph, and within a reworded paragraph word by word (docs/product.md#contracts).

Pure functions of the two texts. The page renders removed words in `<del>` and added words in
`<ins>`, each with a label read out and printed, never marked by colour alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Kind = Literal["same", "removed", "added"]
Status = Literal["same", "changed", "added", "removed"]

_TOKENS = re.compile(r"\s+|[^\s]+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Piece:
    """A run of words kept, removed or added."""

    kind: Kind
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the later version (or one removed from the earlier) and how it differs."""

    status: Status
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class Difference:
    paragraphs: tuple[Paragraph, ...]

    @property
    def changed(self) -> int:
        return sum(1 for p in self.paragraphs if p.status == "changed")

    @property
    def added(self) -> int:
        return sum(1 for p in self.paragraphs if p.status == "added")

    @property
    def removed(self) -> int:
        return sum(1 for p in self.paragraphs if p.status == "removed")

    @property
    def is_empty(self) -> bool:
        return all(p.status == "same" for p in self.paragraphs)

    @property
    def summary(self) -> str:
        """In words, leaving out what did not happen: "1 paragraph reworded, 2 added"."""
        counts = [(self.changed, "reworded"), (self.added, "added"), (self.removed, "removed")]
        parts = [(n, kind) for n, kind in counts if n]
        if not parts:
            return _("No paragraph changed.")
        phrases = [_counted(n, kind, first=i == 0) for i, (n, kind) in enumerate(parts)]
        return ", ".join(phrases) + "."


def _counted(n: int, kind: str, first: bool) -> str:
    """One count of the summary: the first names the paragraphs ("2 paragraphs added"), the
    others follow on from it ("1 removed")."""
    if first:
        if kind == "reworded":
            text = ngettext("%(n)d paragraph reworded", "%(n)d paragraphs reworded", n)
        elif kind == "added":
            text = ngettext("%(n)d paragraph added", "%(n)d paragraphs added", n)
        else:
            text = ngettext("%(n)d paragraph removed", "%(n)d paragraphs removed", n)
    elif kind == "added":
        text = ngettext("%(n)d added", "%(n)d added", n)
    else:
        text = ngettext("%(n)d removed", "%(n)d removed", n)
    return text % {"n": n}


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs, as the contract page shows them: split at blank lines."""
    text = text.replace("\r\n", "\n").strip()
    return [p.strip("\n") for p in _PARAGRAPH_BREAK.split(text) if p.strip()] if text else []


def words(before: str, after: str) -> tuple[Piece, ...]:
    """Word-level difference of two paragraphs; spaces go with the words around them."""
    a = _TOKENS.findall(before)
    b = _TOKENS.findall(after)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            _add(pieces, "same", "".join(a[i1:i2]))
            continue
        if op in ("delete", "replace"):
            _add(pieces, "removed", "".join(a[i1:i2]))
        if op in ("insert", "replace"):
            _add(pieces, "added", "".join(b[j1:j2]))
    return tuple(pieces)


def _add(pieces: list[Piece], kind: Kind, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].kind == kind:
        pieces[-1] = Piece(kind, pieces[-1].text + text)
    else:
        pieces.append(Piece(kind, text))


def difference(before: str, after: str) -> Difference:
    """How `after` differs from `before`, paragraph by paragraph. A paragraph reworded in
    place is "changed", shown word by word; others are kept, added or removed whole."""
    a = paragraphs(before)
    b = paragraphs(after)
    result: list[Paragraph] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            result += [Paragraph("same", (Piece("same", p),)) for p in b[j1:j2]]
        elif op == "replace":
            old, new = a[i1:i2], b[j1:j2]
            paired = min(len(old), len(new))
            result += [Paragraph("changed", words(o, n)) for o, n in zip(old, new, strict=False)]
            result += [Paragraph("removed", (Piece("removed", p),)) for p in old[paired:]]
            result += [Paragraph("added", (Piece("added", p),)) for p in new[paired:]]
        elif op == "delete":
            result += [Paragraph("removed", (Piece("removed", p),)) for p in a[i1:i2]]
        else:
            result += [Paragraph("added", (Piece("added", p),)) for p in b[j1:j2]]
    return Difference(tuple(result))
