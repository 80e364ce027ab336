"""The confidentiality promise, proven by crawling the demo as each role.

Unique markers are planted in every place confidential text lives: Set Birch's content,
Set Aurora's content, private journals, the facilitator's prompt notes. Set Aurora's newest
contract version, a posed prompt, a member's own report-back, a journal draft and an inaction
prompt's note are written through the pages that write them, as people do. Then each role of Set
Aurora (and a person who belongs to nothing) starts at "/" and follows every same-site link
and GET form it is shown, downloads included. No response may carry a marker that
docs/confidentiality.md#who-sees-what keeps from that role, and no response may be a server
error.

The operator does the same from the Django admin (/operator/), with its delete confirmations
(which list everything a deletion would take with it), history and search: no marker at all.
"""

import io
import re
import traceback
import zipfile
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reflections.models import JournalEntry, Prompt
from sessions.models import (
    Action,
    AirtimeSlot,
    InactionPrompt,
    Meeting,
    ReportBack,
    ReviewContribution,
    ValueStory,
)
from sessions.services.calendar_feeds import regenerate_feed
from sets.models import ClosingReview, ClosingReviewEntry, LearningSet

ROLES = ["admin", "facilitator", "member", "pending", "former", "outsider"]

ACCOUNTS = {
    "admin": "admin",
    "facilitator": "facilitator.aurora",
    "member": "member.aurora",
    "pending": "pending.aurora",
    "former": "former.aurora",
    "outsider": "outsider",
}

NOBODY = frozenset()
SET_CONTENT = frozenset({"member", "facilitator"})

# marker → the crawled roles that may see it, row by row as in
# docs/confidentiality.md#who-sees-what.
# Every crawled role is in Set Aurora or in nothing, so nothing of Set Birch is theirs to see.
MARKERS = {
    "zq-birch-contract-text": NOBODY,
    "zq-birch-airtime-topic": NOBODY,
    "zq-birch-action-text": NOBODY,
    "zq-birch-report-back-note": NOBODY,
    "zq-birch-process-review": NOBODY,
    "zq-birch-prompt-note": NOBODY,
    "zq-birch-shared-entry": NOBODY,
    "zq-birch-posed-prompt": NOBODY,
    "zq-birch-set-review": NOBODY,
    "zq-birch-closing-review": NOBODY,
    "zq-birch-value-story": NOBODY,
    "zq-aurora-contract-text": frozenset({"member", "pending", "facilitator"}),
    # A contract version a newer one replaced stays in the contract's history, read by
    # whoever reads the contract.
    "zq-aurora-old-contract-text": frozenset({"member", "pending", "facilitator"}),
    # A member's proposed change to the contract, and the reason the facilitator declined one:
    # the set's content, not yet for a member who has to accept the contract.
    "zq-aurora-amendment-text": SET_CONTENT,
    "zq-aurora-amendment-reason": SET_CONTENT,
    "zq-aurora-decline-reason": SET_CONTENT,
    "zq-aurora-airtime-topic": SET_CONTENT,
    "zq-aurora-action-text": SET_CONTENT,
    "zq-aurora-report-back-note": SET_CONTENT,
    # The meeting page says so: "Only the set's facilitators see this note."
    "zq-aurora-process-review": frozenset({"facilitator"}),
    "zq-aurora-shared-entry": SET_CONTENT,
    "zq-aurora-posed-prompt": SET_CONTENT,
    "zq-aurora-prompt-guidance": SET_CONTENT,
    "zq-aurora-own-report-back": SET_CONTENT,
    # The set's own review of a meeting and its closing review, written through their pages.
    "zq-aurora-set-review": SET_CONTENT,
    "zq-aurora-closing-review": SET_CONTENT,
    # Value stories, told through their pages and kept in the set: read where the report-back
    # and the closing review are (docs/confidentiality.md#value-stories).
    "zq-aurora-report-back-story": SET_CONTENT,
    "zq-aurora-closing-story": SET_CONTENT,
    # A member who left keeps their own words in the set's review, in their data download.
    "zq-aurora-former-set-review": frozenset({"member", "facilitator", "former"}),
    # A member who left: their own actions stay theirs, in their data download.
    "zq-aurora-former-action-text": frozenset({"member", "facilitator", "former"}),
    "zq-aurora-suggested-question": frozenset({"facilitator"}),
    "zq-aurora-dismissal-note": frozenset({"facilitator"}),
    "zq-aurora-prompt-note": frozenset({"facilitator"}),
    "zq-aurora-member-private-entry": frozenset({"member"}),
    "zq-aurora-member-draft": frozenset({"member"}),
    "zq-aurora-pending-private-entry": frozenset({"pending"}),
    "zq-aurora-former-private-entry": frozenset({"former"}),
    "zq-aurora-facilitator-private-entry": frozenset({"facilitator"}),
}

MAX_PAGES = 400
# Far fewer than any role reaches today: a crawl that finds no links must fail, not pass.
MIN_PAGES = {
    "admin": 70,
    "facilitator": 50,
    "member": 45,
    "pending": 30,
    "former": 15,
    "outsider": 15,
}

SKIPPED_PREFIXES = ("/accounts/logout/", "/static/", "/operator/")
# POST forms that only read: a download of everything the person wrote.
DOWNLOADS_BY_POST = ["reflections:my_data_download"]


def person(local_part):
    return get_user_model().objects.get(email=f"{local_part}@demo.alsspace.test")


def plant_set_content(learning_set, prefix, owner):
    """Contract text, a topic, an action with a report-back and a process review."""
    contract = learning_set.contracts.order_by("-version").first()
    type(contract).objects.filter(pk=contract.pk).update(
        text=f"{contract.text}\n9. {prefix}-contract-text"
    )
    first, second, following = learning_set.meetings.filter(status=Meeting.Status.HELD).order_by(
        "starts_at"
    )[:3]
    AirtimeSlot.objects.create(
        meeting=second, presenter=owner, order=99, topic=f"{prefix}-airtime-topic"
    )
    action = Action.objects.create(
        learning_set=learning_set,
        owner=owner,
        committed_at=first,
        text=f"{prefix}-action-text",
        due_meeting=following,
    )
    report_back = ReportBack.objects.create(
        action=action,
        meeting=second,
        outcome=ReportBack.Outcome.CARRIED,
        note=f"{prefix}-report-back-note",
        written_by=owner,
    )
    Meeting.objects.filter(pk=second.pk).update(process_review=f"{prefix}-process-review")
    facilitator = learning_set.memberships.filter(role="facilitator").first().user
    if prefix == "zq-birch":  # Set Aurora's are written through the pages
        ReviewContribution.objects.create(
            meeting=second, author=owner, do_differently=f"{prefix}-set-review"
        )
        review, _ = ClosingReview.objects.get_or_create(learning_set=learning_set)
        ClosingReviewEntry.objects.update_or_create(
            review=review,
            author=owner,
            defaults={"learned": "L", "keep_doing": "K", "story": f"{prefix}-closing-review"},
        )
        ValueStory.objects.create(
            learning_set=learning_set,
            author=owner,
            report_back=report_back,
            text=f"{prefix}-value-story",
            cycle=ValueStory.Cycle.APPLIED,
        )
    Prompt.objects.create(
        learning_set=learning_set,
        meeting=second,
        posed_by=facilitator,
        question=f"What will you do next? {prefix}-posed-prompt",
        guidance="Write a few lines before the next meeting.",
    )


def plant_prompt_note(learning_set, prefix, facilitator, member):
    InactionPrompt.objects.create(
        learning_set=learning_set,
        signal=InactionPrompt.Signal.SILENT_MEMBER,
        member=member,
        evidence_key="crawler",
        summary="Quiet in the last three meetings.",
        suggested_question="Whose voice have we not heard?",
        status=InactionPrompt.Status.DISMISSED,
        facilitator_note=f"{prefix}-prompt-note",
        closed_by=facilitator,
        closed_at=timezone.now(),
    )


def plant_entry(author, learning_set, marker, shared=False):
    JournalEntry.objects.create(
        author=author,
        title=f"Entry {marker}",
        body=f"What I wrote: {marker}.",
        learning_set=learning_set,
        shared_with=learning_set if shared else None,
        shared_at=timezone.now() - timedelta(hours=1) if shared else None,
    )


def posted(client, name, args, data):
    response = client.post(reverse(name, args=args), data)
    assert response.status_code == 302, (name, response.status_code)


def plant_through_pages(learning_set, member, facilitator):
    """What the facilitator and a member write through the app's own pages: a new contract
    version (the old one keeps its own marker), a prompt posed to the set, a dismissed
    inaction prompt's note, the member's report-back on their own action and a draft. Also an
    action of the member who has since left, with its report-back."""
    contract = learning_set.contracts.order_by("-version").first()
    type(contract).objects.filter(pk=contract.pk).update(
        text=contract.text.replace("zq-aurora-contract-text", "zq-aurora-old-contract-text")
    )
    as_facilitator, as_member = Client(), Client()
    as_facilitator.force_login(facilitator)
    as_member.force_login(member)
    posted(
        as_facilitator,
        "sets:contract_edit",
        [learning_set.pk],
        {"text": f"{contract.text}\n10. zq-aurora-contract-text", "change": "material"},
    )
    version = learning_set.contracts.order_by("-version").first().version
    posted(as_member, "sets:contract", [learning_set.pk], {"version": version})
    posted(
        as_member,
        "sets:amendment_create",
        [learning_set.pk],
        {
            "text": f"{contract.text}\n11. zq-aurora-amendment-text",
            "reason": "zq-aurora-amendment-reason",
        },
    )
    posted(
        as_member,
        "sets:amendment_create",
        [learning_set.pk],
        {"text": f"{contract.text}\n12. Another clause.", "reason": "Clearer."},
    )
    declined = learning_set.amendments.order_by("-pk").first()
    posted(
        as_facilitator,
        "sets:amendment",
        [learning_set.pk, declined.pk],
        {"op": "decline", "decline-reason": "zq-aurora-decline-reason"},
    )
    posted(
        as_facilitator,
        "reflections:set_prompt_create",
        [learning_set.pk],
        {"question": "What did you not say?", "guidance": "zq-aurora-prompt-guidance"},
    )
    InactionPrompt.objects.create(
        learning_set=learning_set,
        signal=InactionPrompt.Signal.SILENT_MEMBER,
        member=member,
        evidence_key="crawler-open",
        summary="Quiet again.",
        suggested_question="zq-aurora-suggested-question",
    )
    inaction = InactionPrompt.objects.create(
        learning_set=learning_set,
        signal=InactionPrompt.Signal.SILENT_MEMBER,
        member=member,
        evidence_key="crawler-dismissed",
        summary="Quiet once more.",
        suggested_question="What are you holding back?",
    )
    posted(
        as_facilitator,
        "meetings:prompt_dismiss",
        [inaction.pk],
        {f"prompt-{inaction.pk}-note": "zq-aurora-dismissal-note"},
    )
    held = learning_set.meetings.filter(status=Meeting.Status.HELD).order_by("starts_at")
    action = Action.objects.create(
        learning_set=learning_set, owner=member, committed_at=held[0], text="Call the CFO."
    )
    posted(
        as_member,
        "meetings:action_report",
        [action.pk],
        {"outcome": "done", "note": "zq-aurora-own-report-back"},
    )
    posted(
        as_member,
        "meetings:report_back_story",
        [ReportBack.objects.get(action=action).pk],
        {"text": "zq-aurora-report-back-story", "cycle": "applied", "consent": "none"},
    )
    posted(as_member, "reflections:draft", [], {"title": "", "body": "zq-aurora-member-draft"})
    posted(
        as_member,
        "meetings:meeting_review_contribution",
        [held[1].pk],
        {"how_we_worked": "zq-aurora-set-review", "do_differently": ""},
    )
    posted(as_facilitator, "sets:closing_review_open", [learning_set.pk], {})
    posted(
        as_member,
        "sets:closing_review",
        [learning_set.pk],
        {"learned": "To ask.", "keep_doing": "Asking.", "story": "zq-aurora-closing-review"},
    )
    posted(
        as_member,
        "meetings:closing_story",
        [ClosingReviewEntry.objects.get(author=member, review__learning_set=learning_set).pk],
        {"text": "zq-aurora-closing-story", "cycle": "reframing", "consent": "none"},
    )
    former = person("former.aurora")
    former_action = Action.objects.create(
        learning_set=learning_set,
        owner=former,
        committed_at=held[0],
        text="zq-aurora-former-action-text",
        due_meeting=held[1],
    )
    ReportBack.objects.create(
        action=former_action,
        meeting=held[1],
        outcome=ReportBack.Outcome.PARTLY,
        written_by=facilitator,
    )
    ReviewContribution.objects.create(
        meeting=held[0], author=former, how_we_worked="zq-aurora-former-set-review"
    )


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    aurora = LearningSet.objects.get(name="Set Aurora")
    birch = LearningSet.objects.get(name="Set Birch")
    member = person("member.aurora")
    facilitator = person("facilitator.aurora")

    plant_set_content(birch, "zq-birch", person("member.birch"))
    plant_prompt_note(birch, "zq-birch", person("facilitator.birch"), person("member.birch"))
    plant_entry(person("member.birch"), birch, "zq-birch-shared-entry", shared=True)

    plant_set_content(aurora, "zq-aurora", member)
    plant_prompt_note(aurora, "zq-aurora", facilitator, member)
    plant_through_pages(aurora, member, facilitator)
    plant_entry(member, aurora, "zq-aurora-shared-entry", shared=True)
    plant_entry(member, aurora, "zq-aurora-member-private-entry")
    plant_entry(person("pending.aurora"), aurora, "zq-aurora-pending-private-entry")
    plant_entry(person("former.aurora"), aurora, "zq-aurora-former-private-entry")
    plant_entry(facilitator, aurora, "zq-aurora-facilitator-private-entry")


class PageLinks(HTMLParser):
    """What an HTML page offers to follow: its links, each submission of its GET forms with
    their default values (one per named submit button), and the actions of its POST forms."""

    def __init__(self):
        super().__init__()
        self.links = []
        self.post_actions = []
        self.form = None  # [action, fields, submit buttons] of the GET form being read
        self.select = None  # [name, first option, selected option]
        self.textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.start_form(attrs)
        elif self.form is None or "disabled" in attrs:
            return
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select[1] is None:
                self.select[1] = value
            if "selected" in attrs:
                self.select[2] = value
        elif not attrs.get("name"):
            return
        elif tag in {"input", "button"}:
            self.add_control(tag, attrs)
        elif tag == "select":
            self.select = [attrs["name"], None, None]
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def start_form(self, attrs):
        action = attrs.get("action") or ""
        if (attrs.get("method") or "get").lower() == "get":
            self.form = [action, [], []]
        else:
            self.post_actions.append(action)
            self.form = None

    def add_control(self, tag, attrs):
        kind = attrs.get("type", "submit" if tag == "button" else "text").lower()
        name, value = attrs["name"], attrs.get("value")
        if kind in {"submit", "image"}:
            self.form[2].append((name, value or ""))
        elif kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self.form[1].append((name, value or "on"))
        elif kind not in {"button", "reset", "file"}:
            self.form[1].append((name, value or ""))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if self.form is None:
            return
        if tag == "select" and self.select:
            name, first, selected = self.select
            chosen = selected if selected is not None else first
            if chosen is not None:
                self.form[1].append((name, chosen))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.form[1].append(tuple(self.textarea))
            self.textarea = None
        elif tag == "form":
            action, fields, submit_buttons = self.form
            path = urlsplit(action)._replace(query="", fragment="").geturl()
            for button in submit_buttons or [None]:
                query = urlencode(fields + ([button] if button else []))
                self.links.append(f"{path}?{query}" if query else path)
            self.form = None


def same_site(base, href, skipped=SKIPPED_PREFIXES):
    """`href` resolved against `base` as a path and query, or None if it leaves the site or
    is a page the crawl must not visit."""
    url = urlsplit(urljoin(f"http://testserver{base}", href.strip()))
    if url.scheme not in {"http", "https"} or url.netloc != "testserver":
        return None
    if url.path.startswith(skipped):
        return None
    return urlunsplit(("", "", url.path, url.query, ""))


def body_text(response):
    """Everything a response carries, as text to search: archives (XLSX, the personal data
    download) opened, calendar lines unfolded so a folded marker cannot hide."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"\n".join(archive.read(name) for name in archive.namelist())
    text = content.decode("utf-8", errors="replace")
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def crawl(client, start, skipped=SKIPPED_PREFIXES, admit=lambda url: url):
    """Visit every page reachable from `start`; return (pages visited, errors found), where
    each page is (method and url, status, body text) and an error is a 500 or an exception.

    Only GETs, except POST forms that merely download (DOWNLOADS_BY_POST). `admit` turns a
    found url into the one to visit, or None to leave it."""
    downloads_by_post = {reverse(name) for name in DOWNLOADS_BY_POST}
    queue = deque(("get", url) for url in start)
    seen, pages, errors = set(queue), [], []
    while queue and len(pages) < MAX_PAGES:
        method, url = queue.popleft()
        try:
            response = getattr(client, method)(url)
        except Exception:
            errors.append(f"{method} {url}: {traceback.format_exc(limit=-3)}")
            continue
        if response.status_code >= 500:
            errors.append(f"{method} {url}: {response.status_code}")
        text = body_text(response)
        pages.append((f"{method} {url}", response.status_code, text))
        found = []
        if response.has_header("Location"):
            found.append(("get", response["Location"]))
        if response.get("Content-Type", "").startswith("text/html"):
            parser = PageLinks()
            parser.feed(text)
            found += [("get", href) for href in parser.links]
            found += [("post", href) for href in parser.post_actions]
        for method, href in found:
            target = same_site(url, href, skipped)
            target = target and admit(target)
            if method == "post" and target not in downloads_by_post:
                continue
            if target and (method, target) not in seen:
                seen.add((method, target))
                queue.append((method, target))
    return pages, errors


@pytest.mark.parametrize("role", ROLES)
def test_no_page_a_role_reaches_shows_what_it_must_not_see(demo, role):
    client = Client()
    user = person(ACCOUNTS[role])
    client.force_login(user)
    # The calendar page shows the private feed's address to copy into a calendar app, not
    # as a link, so the crawl starts there too.
    feed = reverse("meetings:calendar_feed", args=[regenerate_feed(user).token])
    pages, errors = crawl(client, ["/", feed])

    assert errors == []
    assert len(pages) >= MIN_PAGES[role], [url for url, _, _ in pages]
    forbidden = [marker for marker, allowed in MARKERS.items() if role not in allowed]
    leaks = [
        (url, status, marker)
        for url, status, text in pages
        for marker in forbidden
        if marker in text
    ]
    assert leaks == []
    # The markers are where the crawl looks: each role finds all it may see, so a marker
    # missing above was kept out, not missed.
    reached = {marker for _, _, text in pages for marker in MARKERS if marker in text}
    assert reached == {marker for marker, allowed in MARKERS.items() if role in allowed}


def test_no_table_and_no_email_holds_a_marker_in_plain_text(demo):
    """Every column of every table, read with raw SQL as a dump would, the audit log's details
    and the task queue included, and every email sent while the markers were written: only
    ciphertext holds what was said (docs/confidentiality.md#encryption-at-rest)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                found += [(table, marker) for marker in MARKERS if marker in text]
    for message in mail.outbox:
        text = " ".join([message.subject, message.body, *(a[0] for a in message.alternatives)])
        found += [(f"email {message.subject}", marker) for marker in MARKERS if marker in text]
    assert found == []


# The operator admin

OPERATOR_SKIPPED = ("/accounts/logout/", "/operator/logout/", "/static/")
ADMIN_OBJECT_PAGE = re.compile(r"^/operator/(\w+)/(\w+)/(\d+)/")
# Enough of each model's objects to see its change, delete and history pages; the explicit
# starting points below add the objects whose deletion takes set content with it.
ADMIN_OBJECTS_PER_MODEL = 2
# Searched for in every list: a marker of content every admin list would show if it held it.
SEARCHED = "zq-aurora-action-text"


def operator_admit():
    """Admin links without their sorting and filtering (the same rows again) and at most a
    few objects of each model, so the crawl sees every kind of page."""
    objects = {}

    def admit(url):
        path, _, query = url.partition("?")
        if path.startswith("/operator/"):
            url = path
        match = ADMIN_OBJECT_PAGE.match(path)
        if match:
            app, model, pk = match.groups()
            seen = objects.setdefault((app, model), set())
            if pk not in seen and len(seen) >= ADMIN_OBJECTS_PER_MODEL:
                return None
            seen.add(pk)
        return url

    return admit


def operator_start_pages():
    """Where a careless admin would show set content: the delete confirmations of everything
    that cascades to it, and a search of every list for every marker."""
    from django.contrib import admin

    from sets.models import Membership, Programme

    aurora = LearningSet.objects.get(name="Set Aurora")
    pages = ["/operator/"]
    for obj in [
        *Programme.objects.all(),
        *LearningSet.objects.all(),
        *Membership.objects.filter(learning_set=aurora),
        person("member.aurora"),
        person("facilitator.aurora"),
        person("former.aurora"),
    ]:
        meta = obj._meta
        for action in ("delete", "history"):
            pages.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])
            )
    for model in admin.site._registry:
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        pages.append(f"{changelist}?{urlencode({'q': SEARCHED})}")
    return pages


def test_the_operator_admin_shows_no_set_content(demo):
    client = Client()
    client.force_login(
        get_user_model().objects.create_user(
            email="operator@demo.alsspace.test",
            name="Otto Operator",
            is_staff=True,
            is_superuser=True,
        )
    )
    start = operator_start_pages()
    pages, errors = crawl(client, start, skipped=OPERATOR_SKIPPED, admit=operator_admit())

    assert errors == []
    visited = {url: status for url, status, _ in pages}
    # Every starting point was opened, and the cascades were listed, not refused.
    assert all(visited.get(f"get {url}") == 200 for url in start), [
        (url, visited.get(f"get {url}")) for url in start if visited.get(f"get {url}") != 200
    ]
    assert len([url for url in visited if url.startswith("get /operator/")]) >= 80
    leaks = [
        (url, marker)
        for url, _, text in pages
        for marker in MARKERS
        if marker in without_search_term(url, text)
    ]
    assert leaks == []


def without_search_term(url, text):
    """A search page repeats what was searched for: the marker it is searched for is taken
    out of the page once, so any other copy of it, in a result, is still found."""
    term = parse_qs(urlsplit(url.split(" ", 1)[1]).query).get("q", [""])[0]
    if not term:
        return text
    return re.sub(rf"(value=\"|q=|q%3D){re.escape(term)}", "", text)
