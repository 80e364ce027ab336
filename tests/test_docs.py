"""The design lives in the repo, and every reference to it resolves.

Code, templates, scripts and tests cite the docs as `docs/<page>.md#<heading>`, and Markdown
files link to each other. Each cited page must exist and each anchor must be one of its
headings, as GitHub makes anchors from them. Nothing may cite a design document that is not
in the repository.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Folders that are not the project's own text: installed packages, vendored files, build and
# test output, local secrets.
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "node_modules",
    "__pycache__",
    "staticfiles",
    "test-results",
    ".local",
}
SKIPPED_PATHS = {ROOT / "static" / "vendor", ROOT / "bench" / "results"}
TEXT_SUFFIXES = {
    ".py",
    ".html",
    ".js",
    ".css",
    ".md",
    ".txt",
    ".toml",
    ".cfg",
    ".ini",
    ".yml",
    ".yaml",
}
TEXT_NAMES = {"Makefile", "run"}

# `docs/<page>.md` or `docs/<page>.md#<anchor>`, not as the tail of a longer path.
DOCS_REFERENCE = re.compile(r"(?<![\w./-])docs/([\w./-]+?\.md)(?:#([\w-]+))?")
# A Markdown link's target: [text](target).
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# The names of the design documents the project once cited from outside the repository.
OUTSIDE_DESIGN = re.compile(r"(?<![\w-])([\w./-]*?)\b(?:DESIGN|ENGINEERING)\.md\b")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def project_files():
    stack = [ROOT]
    while stack:
        folder = stack.pop()
        for path in sorted(folder.iterdir()):
            if path.is_dir():
                if path.name not in SKIPPED_DIRS and path not in SKIPPED_PATHS:
                    stack.append(path)
            elif path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES:
                yield path


def lines_outside_code_blocks(text):
    """(line number, line) of a Markdown text, leaving out fenced code blocks."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def anchor(heading):
    """GitHub's anchor for a heading: the text without links' targets and Markdown marks,
    in lower case, punctuation dropped, spaces made hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(path):
    """Every anchor a Markdown file's headings make; a repeated heading gets -1, -2, …"""
    seen = {}
    found = set()
    for _, line in lines_outside_code_blocks(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        base = anchor(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def where(path, number):
    return f"{path.relative_to(ROOT)}:{number}"


def resolve(target, fragment):
    """Why a reference to `target` (a path) and `fragment` (an anchor or "") does not
    resolve, or None when it does."""
    if not target.exists():
        return f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target} is missing"
    if fragment and target.suffix == ".md" and fragment not in anchors(target):
        return f"{target.relative_to(ROOT)} has no heading #{fragment}"
    return None


def docs_references():
    """(where, page, anchor) of each `docs/<page>.md#<anchor>` in the project's files."""
    for path in project_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            for match in DOCS_REFERENCE.finditer(line):
                yield where(path, number), match.group(1), match.group(2) or ""


def markdown_links():
    """(where, target path, anchor) of each link to a file or heading in the project's
    Markdown files; links to other sites are not followed."""
    for path in project_files():
        if path.suffix != ".md":
            continue
        text = path.read_text(encoding="utf-8")
        for number, line in lines_outside_code_blocks(text):
            for match in MARKDOWN_LINK.finditer(line):
                link = match.group(1)
                if re.match(r"[a-z][a-z0-9+.-]*:", link):
                    continue
                page, _, fragment = link.partition("#")
                target = (path.parent / page).resolve() if page else path
                yield where(path, number), target, fragment


def test_anchors_are_made_as_github_makes_them():
    assert anchor("Attendance drift") == "attendance-drift"
    assert anchor("Tasks and the worker heartbeat") == "tasks-and-the-worker-heartbeat"
    assert anchor("Not found and forbidden") == "not-found-and-forbidden"
    assert anchor("`db_worker` and [its heartbeat](x.md)") == "db_worker-and-its-heartbeat"
    assert anchor("What good looks like, for each user?") == "what-good-looks-like-for-each-user"


def test_every_reference_to_the_docs_resolves():
    references = list(docs_references())
    broken = [
        f"{place}: docs/{page}{'#' + fragment if fragment else ''}: {problem}"
        for place, page, fragment in references
        if (problem := resolve(ROOT / "docs" / page, fragment))
    ]
    assert not broken, "\n".join(broken)
    # The code and tests cite the docs: a scan that found nothing would prove nothing.
    cited_from_code = {place for place, _, _ in references if ".py:" in place}
    assert len(cited_from_code) >= 10


def test_every_link_between_markdown_files_resolves():
    links = list(markdown_links())
    broken = [
        f"{place}: {problem}"
        for place, target, fragment in links
        if (problem := resolve(target, fragment))
    ]
    assert not broken, "\n".join(broken)
    assert len(links) >= 20


def test_nothing_cites_a_design_document_outside_the_repository():
    cited = []
    for path in project_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            for match in OUTSIDE_DESIGN.finditer(line):
                named = (path.parent / match.group(0)).resolve()
                from_root = (ROOT / match.group(0)).resolve()
                if not (named.is_file() or from_root.is_file()):
                    cited.append(f"{where(path, number)}: {match.group(0)}")
    assert not cited, "cite docs/ instead:\n" + "\n".join(cited)


def test_the_readme_leads_to_the_docs_and_the_contributing_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {target for place, target, _ in markdown_links() if place.startswith("README.md:")}
    assert (ROOT / "CONTRIBUTING.md").resolve() in linked
    assert (ROOT / "docs" / "README.md").resolve() in linked
    assert "## Documentation" in readme
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert page.resolve() in linked or page.name == "README.md", f"{page.name} unlinked"
