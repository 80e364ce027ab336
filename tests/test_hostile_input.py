"""Every form, query string and the CSV import fed generated hostile values
(docs/architecture.md#bad-input).

Each case signs in as the role allowed to use the form and posts (or gets) what hypothesis
draws for each field: a value the form would accept, or a hostile one — wrong types, huge
strings, control characters, NUL bytes, HTML and script, unicode edge cases (surrogates
travel as the bytes a careless client would send), numbers only `str.isdigit()` believes,
numbers past bigint, any date from year 1 to 9999 — with fields left out or sent twice.
Whatever arrives, the answer is below 500, and a 4xx answer has written nothing. The
database refuses a date off the calendar, so a form that let one through fails here too.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote_plus

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.cursors import encode_cursor
from api.queries import ATTENDANCE_ORDER, MEETING_ORDER
from api.services import create_token as create_api_token
from sessions.inaction.reconcile import detect_inaction
from sessions.models import Bid, InactionPrompt, ReportBack, ValueStory
from sets import imports
from sets.models import Amendment, ClosingReview, ClosingReviewEntry
from tests.factories import ContractAcceptanceFactory, MembershipFactory, identity_provider
from tests.reflections.factories import JournalEntryFactory
from tests.sessions.builders import action, attend, held_meetings, report, slot
from tests.sessions.factories import MeetingFactory, days_from_now

EXAMPLES = 12

HOSTILE_SAMPLES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 8,
    "\r\n\r\n",
    "\t\x0b\x0c",
    "\x1b[31mred\x1b[0m",
    "\x7f\x08",
    "\u0085\u2028\u2029",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request.user }}{% debug %}",
    "'; DROP TABLE sets_programme; --",
    '=HYPERLINK("http://evil.example")',
    "+1+1",
    "@SUM(A1)",
    "\u202eevil\u202c",
    "\u200f\u200e\u200b\u2060",
    "e\u0301\u0301\u0301\u0301",
    "Z\u0334\u0321\u031b\u0324a\u0336l\u0337g\u0338o",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\ufeff\ufffd\uffff",
    "\ud800",
    "a\udfffb",
    "\U0010ffff",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "-inf",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999999999999",
    "0x10",
    "true",
    "null",
    "[]",
    '{"a": 1}',
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "1999-12-31",
    "2100-12-31",
    "2101-01-01",
    "²",
    "①",
    "٣",
    "１２",
    "1\x00",
    "25:61",
    "-01:00",
    "../../../etc/passwd",
    "%00%s%n",
    "x@y",
    "a@b.c" * 60,
]

hostile = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    st.text(max_size=30),
    st.text(
        alphabet=st.characters(categories=["Cc", "Cf", "Cs", "Co", "Mn", "Zl", "Zp"]),
        max_size=15,
    ),
    st.integers().map(str),
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    st.builds(
        lambda char, size: char * size,
        st.sampled_from(["A", "\x00", "é", "\U0001f600", "<", "\u202e"]),
        st.sampled_from([256, 5_000, 100_000]),
    ),
)


@dataclass
class Case:
    """Who uses the form, where, and the values it accepts for each field. A value may be a
    callable, read when the request is sent (a meeting's current revision)."""

    user: object
    url: str
    fields: dict
    method: str = "post"
    headers: dict = field(default_factory=dict)


def pairs(fields):
    """Each field left out, sent once or sent twice; each value a good one or a hostile one."""
    parts = []
    for name, good in fields.items():
        value = st.one_of(st.sampled_from(good), hostile) if good else hostile
        parts.append(st.lists(value, max_size=2).map(lambda vs, n=name: [(n, v) for v in vs]))
    extra = st.lists(st.tuples(hostile, hostile), max_size=2)
    return st.tuples(*parts, extra).map(lambda lists: [p for group in lists for p in group])


def encoded(items):
    """A urlencoded body; lone surrogates go as the bytes a broken client would send."""

    def part(text):
        return quote_plus(text.encode("utf-8", "surrogatepass"))

    values = [(name, value() if callable(value) else value) for name, value in items]
    return "&".join(f"{part(name)}={part(value)}" for name, value in values)


def row_counts():
    """Rows of every model of ours and of the account apps (not Django's session table,
    which a refused request may still touch)."""
    labels = {"alsspace", "sets", "meetings", "reflections", "api", "account", "mfa"}
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in labels
    }


def send(client, case, items):
    body = encoded(items)
    if case.method == "get":
        return client.get(f"{case.url}?{body}", **case.headers)
    return client.generic(
        "POST", case.url, body, content_type="application/x-www-form-urlencoded", **case.headers
    )


def assert_safe(client, case, items):
    before = row_counts()
    response = send(client, case, items)
    assert response.status_code < 500
    if 400 <= response.status_code < 500:
        assert row_counts() == before, f"a {response.status_code} answer wrote rows"


# The place every case works in: Set Alpha with meetings past, running and coming.


@dataclass
class Place:
    world: object
    held: object
    live: object
    coming: object
    slot: object
    action_due: object
    action_committed: object
    own_action: object
    prompt: object
    entry: object
    amendment: object
    bid: object = None  # Maya's bid for the meeting under way
    coming_bid: object = None  # and for the one to come


@pytest.fixture
def place(world):
    w = world
    held = MeetingFactory(learning_set=w.learning_set, starts_at=days_from_now(-2), status="held")
    attend(held, w.member)
    live = MeetingFactory(
        learning_set=w.learning_set, starts_at=timezone.now() - timedelta(hours=1)
    )
    coming = MeetingFactory(learning_set=w.learning_set, starts_at=days_from_now(7))
    attend(live, w.member)
    old = held_meetings(w.learning_set, 3, last_days_ago=60)
    carried = action(old[0], w.member, "Raise the merger with the CFO")
    report(carried, old[1], "carried")
    report(carried, old[2], "carried")
    detect_inaction(w.learning_set)
    second = MembershipFactory(learning_set=w.learning_set, user__name="Sam Second").user
    ContractAcceptanceFactory(contract=w.contract, user=second)
    return Place(
        world=w,
        held=held,
        live=live,
        coming=coming,
        slot=slot(live, w.member),
        action_due=action(held, w.member, "Ask the board", due_meeting=live),
        action_committed=action(live, second, "Call the supplier"),
        own_action=action(held, w.member, "Write to the team", due_meeting=coming),
        prompt=InactionPrompt.objects.get(signal="carried_action"),
        entry=JournalEntryFactory(author=w.member, learning_set=w.learning_set),
        bid=Bid.objects.create(
            meeting=live, member=w.member, problem="The merger", want="questions", minutes=20
        ),
        coming_bid=Bid.objects.create(
            meeting=coming, member=w.member, problem="The rota", want="questions", minutes=20
        ),
        amendment=Amendment.objects.create(
            learning_set=w.learning_set,
            based_on=w.contract,
            text="We keep confidence, in the room.",
            reason="Home calls.",
            proposed_by=w.member,
        ),
    )


def revision_of(meeting):
    def current():
        meeting.refresh_from_db()
        return str(meeting.revision)

    return current


def url(name, *args):
    return reverse(name, args=args)


DATES = ["2026-03-31", "2030-01-15"]
TIMES = ["09:30", "13:00"]


def programme_fields(p):
    return {
        "name": ["Leaders 2027"],
        "organisation": ["Northfield Business School"],
        "starts_on": DATES[:1],
        "ends_on": DATES[1:],
        "time_zone": ["Europe/London", "Asia/Kolkata"],
        "pulse_threshold": ["3"],
        "attendance_threshold": ["75"],
        "require_mfa": ["on", ""],
    }


def threshold_fields(p):
    return {
        "carried_action_meetings": ["2"],
        "silent_member_meetings": ["3"],
        "airtime_share_percent": ["40"],
        "airtime_window_meetings": ["3"],
        "attendance_missed": ["2"],
        "attendance_window": ["4"],
        "talk_without_action_slots": ["2"],
        "pulse_dip": ["1"],
        "stretch_mark": ["5"],
        "apologies_pattern_count": ["2"],
        "apologies_pattern_window": ["3"],
        "playing_safe_meetings": ["3"],
        "playing_safe_pulse_high": ["6"],
        "playing_safe_pulse_spread": ["0.5"],
        "recurring_topic_meetings": ["3"],
        "same_airtime_order_meetings": ["3"],
        "no_value_notes_meetings": ["3"],
        "no_value_notes_reports": ["4"],
    }


def pulse_item_fields(p):
    return {
        "challenge": ["on", ""],
        "item_1-text": ["If you make a mistake in this set, it is often held against you.", ""],
        "item_1-reverse": ["on", ""],
        "item_1-dimension": ["safety", "challenge"],
        "item_2-text": ["Members of this set are able to bring up problems and tough issues."],
        "item_2-dimension": ["safety"],
        "new_1-text": ["I was stretched.", ""],
        "new_1-dimension": ["challenge", "safety"],
    }


def set_fields(p):
    return {
        "name": ["Set Gamma"],
        "purpose": ["Leading change."],
        "status": ["forming", "active"],
        "quorum": ["3"],
        "airtime_mode": ["equal", "bid"],
        "default_place": ["Room 4"],
        "default_video_link": ["https://meet.example.org/x"],
        "default_length_minutes": ["180"],
        "reminder_hours": ["24"],
        "pulse_window_days": ["7"],
    }


def schedule_fields(p):
    return {
        "date": DATES,
        "starts": TIMES[:1],
        "ends": TIMES[1:],
        "time_zone": ["Europe/London"],
        "place": ["Room 4"],
        "video_link": ["https://meet.example.org/x"],
    }


def panel(p, name, **fields):
    return Case(
        p.world.facilitator,
        url(f"meetings:{name}", p.live.pk),
        {"revision": [revision_of(p.live)], **fields},
        headers={"HTTP_HX_REQUEST": "true"},
    )


def prompt_fields(p):
    prefix = f"prompt-{p.prompt.pk}"
    return prefix, {f"{prefix}-meeting": [str(p.held.pk)], f"{prefix}-note": ["Raised it."]}


def closing_review_case(p):
    ClosingReview.objects.get_or_create(learning_set=p.world.learning_set)
    return Case(
        p.world.member,
        url("sets:closing_review", p.world.learning_set.pk),
        {"learned": ["To listen."], "keep_doing": ["Asking first."], "story": ["", "A story."]},
    )


STORY_FIELDS = {
    "text": ["It changed how I run the rota.", ""],
    "cycle": [choice.value for choice in ValueStory.Cycle],
    "consent": [choice.value for choice in ValueStory.Consent],
}


def own_report_back(p):
    report_back, _ = ReportBack.objects.get_or_create(
        action=p.own_action, meeting=p.coming, defaults={"outcome": "partly"}
    )
    return report_back


def own_closing_entry(p):
    review, _ = ClosingReview.objects.get_or_create(learning_set=p.world.learning_set)
    entry, _ = ClosingReviewEntry.objects.get_or_create(
        review=review, author=p.world.member, defaults={"learned": "L", "keep_doing": "K"}
    )
    return entry


def own_story(p):
    story, _ = ValueStory.objects.get_or_create(
        report_back=own_report_back(p),
        defaults={
            "learning_set": p.world.learning_set,
            "author": p.world.member,
            "text": "The rota is fairer.",
            "cycle": "applied",
        },
    )
    return story


def story_sharing_case(p):
    story = own_story(p)
    return Case(
        p.world.member,
        url("meetings:value_story_sharing", story.pk),
        {f"s{story.pk}-consent": STORY_FIELDS["consent"]},
    )


def api_token(p):
    """A fresh token of the programme (each example its own, so none reaches its rate limit):
    its id, as the revoke button sends it, and the token itself."""
    token, raw = create_api_token(
        p.world.programme, name="HR", last_day=None, actor=p.world.admin, ip=None
    )
    return str(token.pk), raw


# Cursors as the API makes them (api.cursors), to send beside hostile ones.
ATTENDANCE_CURSOR = encode_cursor(
    ATTENDANCE_ORDER,
    {"meeting_starts_at": datetime(2025, 2, 11, 9, 30, tzinfo=UTC), "meeting_id": 1, "id": 1},
)
MEETINGS_CURSOR = encode_cursor(
    MEETING_ORDER, {"starts_at": datetime(2025, 2, 11, 9, 30, tzinfo=UTC), "id": 1}
)


def api_case(p, name, fields):
    return Case(
        p.world.admin,
        url(f"api:api_v1:{name}"),
        fields,
        method="get",
        headers={"HTTP_AUTHORIZATION": f"Bearer {api_token(p)[1]}"},
    )


CASES = {
    "programme_create": lambda p: Case(
        p.world.admin, url("sets:programme_create"), programme_fields(p)
    ),
    "programme_edit": lambda p: Case(
        p.world.admin, url("sets:programme_edit", p.world.programme.pk), programme_fields(p)
    ),
    "signal_thresholds": lambda p: Case(
        p.world.admin,
        url("meetings:signal_thresholds", p.world.programme.pk),
        threshold_fields(p),
    ),
    "pulse_items": lambda p: Case(
        p.world.admin, url("meetings:pulse_items", p.world.programme.pk), pulse_item_fields(p)
    ),
    "set_create": lambda p: Case(
        p.world.admin, url("sets:set_create", p.world.programme.pk), set_fields(p)
    ),
    "set_edit": lambda p: Case(
        p.world.admin, url("sets:set_edit", p.world.learning_set.pk), set_fields(p)
    ),
    "programme_sign_on": lambda p: Case(
        p.world.admin,
        url("sets:programme_sign_on", p.world.programme.pk),
        {
            "provider_id": [identity_provider().provider_id, "off"],
            "open_domains": ["acme.example", "Acme.example, @nhs.example", ""],
        },
    ),
    "programme_admins_add": lambda p: Case(
        p.world.admin,
        url("sets:programme_admins", p.world.programme.pk),
        {"email": [p.world.outsider.email, p.world.admin.email]},
    ),
    "programme_admins_remove": lambda p: Case(
        p.world.admin,
        url("sets:programme_admins", p.world.programme.pk),
        {"remove": [str(p.world.admin.pk)]},
    ),
    "invite": lambda p: Case(
        p.world.facilitator,
        url("sets:invite", p.world.learning_set.pk),
        {"name": ["Nia New"], "email": ["nia@example.org"], "role": ["member", "facilitator"]},
    ),
    "import_confirm": lambda p: Case(
        p.world.admin,
        url("sets:import_confirm", p.world.programme.pk),
        {
            "preview": [
                imports.sign(
                    p.world.programme,
                    "name,email,set,role\nNia New,nia@example.org,Set Alpha,member\n",
                )
            ]
        },
    ),
    "assign_facilitator": lambda p: Case(
        p.world.admin,
        url("sets:assign_facilitator", p.world.other_set.pk),
        {"person": [str(p.world.facilitator.pk), str(p.world.member.pk)]},
    ),
    "notifications": lambda p: Case(
        p.world.member,
        url("sets:notifications"),
        {"kinds": ["pulse_open", "bring_issue", "actions_due", "contract_waiting"]},
    ),
    "details": lambda p: Case(
        p.world.member,
        url("sets:details"),
        {"name": ["Maya Patel"], "time_zone": ["Europe/London"], "language": ["cy", ""]},
    ),
    "contract_edit": lambda p: Case(
        p.world.facilitator,
        url("sets:contract_edit", p.world.learning_set.pk),
        {"text": ["We keep confidence."], "change": ["material", "minor"]},
    ),
    "amendment_create": lambda p: Case(
        p.world.member,
        url("sets:amendment_create", p.world.learning_set.pk),
        {"text": ["We keep confidence, in the room."], "reason": ["Home calls."]},
    ),
    "amendment_decide": lambda p: Case(
        p.world.facilitator,
        url("sets:amendment", p.world.learning_set.pk, p.amendment.pk),
        {
            "op": ["adopt", "decline", "withdraw"],
            "adopt-text": ["We keep confidence, in the room."],
            "adopt-change": ["minor", "material"],
            "adopt-note": ["", "Agreed."],
            "adopt-version": ["1", "2"],
            "decline-reason": ["Rule one covers it."],
        },
    ),
    "contract_history": lambda p: Case(
        p.world.member,
        url("sets:contract_history", p.world.learning_set.pk),
        {"from": ["1", "2"], "to": ["1", "2"]},
        method="get",
    ),
    "contract_accept": lambda p: Case(
        p.world.pending,
        url("sets:contract", p.world.learning_set.pk),
        {"version": [str(p.world.contract.version)]},
    ),
    "member_remove": lambda p: Case(
        p.world.facilitator,
        url(
            "sets:member_remove",
            p.world.learning_set.pk,
            p.world.facilitator.memberships.get().pk,
        ),
        {},
    ),
    "meeting_create": lambda p: Case(
        p.world.facilitator,
        url("meetings:meeting_create", p.world.learning_set.pk),
        schedule_fields(p),
    ),
    "series_create": lambda p: Case(
        p.world.facilitator,
        url("meetings:series_create", p.world.learning_set.pk),
        {
            **schedule_fields(p),
            "frequency": ["monthly_weekday", "monthly_date", "weekly"],
            "interval": ["1", "2"],
            "ordinal": ["1", "-1"],
            "weekday": ["1"],
            "count": ["6", ""],
            "until": ["2031-01-01", ""],
        },
    ),
    "meeting_edit": lambda p: Case(
        p.world.facilitator, url("meetings:meeting_edit", p.coming.pk), schedule_fields(p)
    ),
    "meeting_cancel": lambda p: Case(
        p.world.facilitator, url("meetings:meeting_cancel", p.coming.pk), {}
    ),
    "meeting_attendance": lambda p: panel(
        p,
        "meeting_attendance",
        op=["", "record"],
        member=[str(p.world.member.pk)],
        status=["present", "late", "apologies"],
    ),
    "meeting_airtime": lambda p: panel(
        p,
        "meeting_airtime",
        op=["add", "change", "start", "stop", "up", "down", "remove", "phases", "next_phase"],
        presenter=[str(p.world.member.pk)],
        slot=[str(p.slot.pk)],
        topic=["Hiring"],
        planned_minutes=["20"],
        presenting=["5", "0"],
        questions=["10"],
        reflection=["5", "0"],
        commitment=["5"],
    ),
    "meeting_slot_noted": lambda p: panel(
        p, "meeting_slot_noted", op=["note", "reopen"], slot=[str(p.slot.pk)]
    ),
    "meeting_bid_plan": lambda p: panel(
        p,
        "meeting_bid_plan",
        op=["up", "down", "place", "airtime"],
        bid=[str(p.bid.pk)],
        position=["0", "3"],
        available_minutes=["90", ""],
    ),
    "bids": lambda p: Case(
        p.world.member,
        url("meetings:meeting_bids", p.coming.pk),
        {
            "op": ["add", "change", "withdraw"],
            "bid": [str(p.coming_bid.pk)],
            "problem": ["My team and I disagree about the rota."],
            "want": ["questions", "sounding_board", "check_action"],
            "minutes": ["20"],
        },
    ),
    "meeting_actions": lambda p: panel(
        p,
        "meeting_actions",
        op=["add", "remove"],
        owner=[str(p.world.member.pk)],
        text=["Call the CFO"],
        due=["next", "date"],
        due_on=DATES,
        action=[str(p.action_committed.pk)],
    ),
    "meeting_report_backs": lambda p: panel(
        p,
        "meeting_report_backs",
        op=["", "record"],
        action=[str(p.action_due.pk)],
        outcome=["done", "carried"],
        note=["Learned a lot."],
    ),
    "meeting_review": lambda p: panel(
        p, "meeting_review", op=["", "save"], process_review=["We listened well."]
    ),
    "meeting_held": lambda p: panel(p, "meeting_held", op=["", "held"]),
    "apologies": lambda p: Case(
        p.world.member,
        url("meetings:meeting_apologies", p.coming.pk),
        {"intent": ["send", "withdraw"], "next": ["/", "https://evil.example/"]},
    ),
    "action_report": lambda p: Case(
        p.world.member,
        url("meetings:action_report", p.own_action.pk),
        {"outcome": ["done", "partly"], "note": ["Halfway."]},
    ),
    "entry_create": lambda p: Case(
        p.world.member,
        url("reflections:entry_create"),
        {
            "title": ["A reflection"],
            "body": ["What I noticed."],
            "prompt": [""],
            "learning_set": [str(p.world.learning_set.pk), ""],
            "meeting": [str(p.held.pk), ""],
        },
    ),
    "entry_edit": lambda p: Case(
        p.world.member,
        url("reflections:entry_edit", p.entry.pk),
        {"title": ["Changed"], "body": ["Changed body."], "learning_set": [""]},
    ),
    "draft": lambda p: Case(
        p.world.member,
        url("reflections:draft"),
        {"title": ["Draft"], "body": ["Half a thought"]},
        headers={"HTTP_ACCEPT": "application/json"},
    ),
    "entry_draft": lambda p: Case(
        p.world.member,
        url("reflections:entry_draft", p.entry.pk),
        {"title": ["Draft"], "body": ["Half a thought"]},
        headers={"HTTP_ACCEPT": "application/json"},
    ),
    "entry_share": lambda p: Case(
        p.world.member,
        url("reflections:entry_share", p.entry.pk),
        {"learning_set": [str(p.world.learning_set.pk)]},
    ),
    "entry_links": lambda p: Case(
        p.world.member,
        url("reflections:entry_create"),
        {
            "prompt": [""],
            "set": [str(p.world.learning_set.pk)],
            "meeting": [str(p.held.pk)],
        },
        method="get",
    ),
    "journal_filters": lambda p: Case(
        p.world.member,
        url("reflections:journal"),
        {"learning_set": [str(p.world.learning_set.pk)], "prompt": [""], "q": ["CFO"]},
        method="get",
    ),
    "set_prompt": lambda p: Case(
        p.world.facilitator,
        url("reflections:set_prompt_create", p.world.learning_set.pk),
        {
            "question": ["What did you notice?"],
            "guidance": ["Ten minutes."],
            "idea": ["safe_enough", ""],
            "library": [""],
            "meeting": [""],
        },
    ),
    "prompt_library_filter": lambda p: Case(
        p.world.member, url("reflections:prompts"), {"idea": ["safe_enough", ""]}, method="get"
    ),
    "pulse": lambda p: Case(
        p.world.member,
        url("meetings:pulse", p.held.pk),
        {f"item_{n}": ["1", "4", "7"] for n in range(1, 8)},
    ),
    "prompt_raise": lambda p: Case(
        p.world.facilitator, url("meetings:prompt_raise", p.prompt.pk), prompt_fields(p)[1]
    ),
    "prompt_dismiss": lambda p: Case(
        p.world.facilitator,
        url("meetings:prompt_dismiss", p.prompt.pk),
        {f"{prompt_fields(p)[0]}-note": ["Not a pattern."]},
    ),
    "programme_report": lambda p: Case(
        p.world.admin,
        url("meetings:programme_report", p.world.programme.pk),
        {"set": [str(p.world.learning_set.pk), ""], "from": DATES[:1], "to": DATES[1:]},
        method="get",
    ),
    "set_report": lambda p: Case(
        p.world.facilitator,
        url("meetings:set_report", p.world.learning_set.pk),
        {"from": DATES[:1], "to": DATES[1:]},
        method="get",
    ),
    "attendance_export": lambda p: Case(
        p.world.admin,
        url("meetings:attendance_export", p.world.programme.pk),
        {
            "set": [str(p.world.learning_set.pk), ""],
            "from": DATES[:1],
            "to": DATES[1:],
            "status": ["", "present", "not_recorded"],
            "format": ["csv", "xlsx", ""],
        },
        method="get",
    ),
    "evaluation": lambda p: Case(
        p.world.admin,
        url("meetings:evaluation", p.world.programme.pk),
        {"from": DATES[:1], "to": DATES[1:]},
        method="get",
    ),
    "evaluation_export": lambda p: Case(
        p.world.admin,
        url("meetings:evaluation_export", p.world.programme.pk),
        {"from": DATES[:1], "to": DATES[1:]},
        method="get",
    ),
    "set_attendance_export": lambda p: Case(
        p.world.facilitator,
        url("meetings:set_attendance_export", p.world.learning_set.pk),
        {"from": DATES[:1], "to": DATES[1:], "format": ["csv", "xlsx"]},
        method="get",
    ),
    "audit_filters": lambda p: Case(
        p.world.admin,
        url("sets:audit", p.world.programme.pk),
        {
            "action": ["", "membership.ended", "invitation.sent"],
            "person": ["", "maya", "@example.org"],
            "start": DATES[:1],
            "end": DATES[1:],
            "page": ["1", "2"],
        },
        method="get",
    ),
    "set_status": lambda p: Case(
        p.world.facilitator,
        url("sets:set_status", p.world.learning_set.pk),
        {"status": ["forming", "active", "closed"]},
    ),
    "closing_review_open": lambda p: Case(
        p.world.facilitator, url("sets:closing_review_open", p.world.learning_set.pk), {}
    ),
    "closing_review": lambda p: closing_review_case(p),
    "review_contribution": lambda p: Case(
        p.world.member,
        url("meetings:meeting_review_contribution", p.held.pk),
        {"how_we_worked": ["We listened.", ""], "do_differently": ["Start on time.", ""]},
    ),
    "report_back_story": lambda p: Case(
        p.world.member, url("meetings:report_back_story", own_report_back(p).pk), STORY_FIELDS
    ),
    "closing_story": lambda p: Case(
        p.world.member, url("meetings:closing_story", own_closing_entry(p).pk), STORY_FIELDS
    ),
    "value_story_sharing": story_sharing_case,
    # The confirm step has no fields: whatever else is sent, it deletes the story or is refused.
    "value_story_delete": lambda p: Case(
        p.world.member, url("meetings:value_story_delete", own_story(p).pk), {}
    ),
    "api_token_create": lambda p: Case(
        p.world.admin,
        url("api:tokens", p.world.programme.pk),
        {"name": ["HR nightly import"], "last_day": ["", "2030-01-15"]},
    ),
    "api_token_revoke": lambda p: Case(
        p.world.admin, url("api:tokens", p.world.programme.pk), {"revoke": [api_token(p)[0]]}
    ),
    "api_attendance": lambda p: api_case(
        p,
        "attendance",
        {
            "set": [str(p.world.learning_set.pk), ""],
            "from": DATES[:1],
            "to": DATES[1:],
            "status": ["", "present", "not_recorded"],
            "cursor": [ATTENDANCE_CURSOR],
            "page_size": ["", "10"],
        },
    ),
    "api_members": lambda p: api_case(
        p, "members", {"set": [str(p.world.learning_set.pk)], "from": DATES[:1], "to": DATES[1:]}
    ),
    "api_meetings": lambda p: api_case(
        p,
        "meetings",
        {"set": [str(p.world.learning_set.pk)], "from": DATES[:1], "cursor": [MEETINGS_CURSOR]},
    ),
    "erase_account_wrong_password": lambda p: Case(
        p.world.member,
        url("reflections:erase_account"),
        {"password": ["not-the-password"], "confirmation": ["erase my account"]},
    ),
}

hypothesis_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", CASES)
@hypothesis_settings
@given(data=st.data())
def test_hostile_values_never_break_a_form(client, place, name, data):
    case = CASES[name](place)
    client.force_login(case.user)
    items = data.draw(pairs(case.fields), label="fields")
    assert_safe(client, case, items)


@pytest.mark.parametrize("wanted", ["e\u0301", "home", "javascript:alert(1)", "//evil.example/"])
def test_apologies_return_only_to_a_path_on_this_site(client, place, wanted):
    """A `next` that is not a path went to `redirect`, which took it for a view name: 500."""
    client.force_login(place.world.member)
    response = client.post(
        url("meetings:meeting_apologies", place.coming.pk), {"intent": "send", "next": wanted}
    )
    assert response.status_code == 302
    assert response.url == place.coming.get_absolute_url()


# The CSV import: hostile files, in hostile encodings, under hostile names.

GOOD_ROWS = [
    ["name", "email", "set", "role"],
    ["Nia New", "nia@example.org", "Set Alpha", "member"],
    ["Fay Two", "fay2@example.org", "Set Beta", "facilitator"],
]

cell = st.one_of(st.sampled_from(["Set Alpha", "member", "facilitator", "x@example.org"]), hostile)
rows = st.lists(st.lists(cell, max_size=6), max_size=6)


def csv_bytes(table, encoding):
    text = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in table)
    return text.encode(encoding, "surrogatepass" if encoding == "utf-8" else "replace")


upload = st.one_of(
    st.builds(
        csv_bytes,
        st.one_of(rows, st.just(GOOD_ROWS), rows.map(lambda r: GOOD_ROWS[:1] + r)),
        st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]),
    ),
    st.binary(max_size=200),
    st.just(b"\x00" * 1000),
    st.just(b"name,email,set,role\r\n" + b"Nia,nia@example.org,Set Alpha,member\r\n" * 1200),
    st.just(b"PK\x03\x04 not really a spreadsheet"),
)
file_name = st.sampled_from(["members.csv", "../../members.csv", "a\u202ecsv.exe", "x" * 300])


@hypothesis_settings
@given(
    files=st.lists(st.tuples(upload, file_name), max_size=2),
    extra=st.lists(st.tuples(st.sampled_from(["file", "set", "role"]), hostile), max_size=2),
)
def test_hostile_import_files_never_break_the_import(client, world, files, extra):
    client.force_login(world.admin)
    data = {}
    for name, value in extra:
        data.setdefault(name, []).append(value.encode("utf-8", "replace").decode())
    if files:
        data["file"] = [SimpleUploadedFile(name, content) for content, name in files]
    before = row_counts()
    response = client.post(url("sets:import_members", world.programme.pk), data)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert row_counts() == before


# Cookies and headers: read before any form, by the session, CSRF and htmx middleware.


def as_wsgi(text):
    """A header as a WSGI server hands it over: its bytes, read as latin-1."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


header_value = st.one_of(hostile, st.just("\x00"), st.text(max_size=10).map(lambda t: t + "\x00"))


@hypothesis_settings
@given(
    cookies=st.lists(
        st.tuples(st.sampled_from(["sessionid", "csrftoken", "messages", "x"]), header_value),
        max_size=3,
    ),
    headers=st.dictionaries(
        st.sampled_from(
            ["HTTP_REFERER", "HTTP_USER_AGENT", "HTTP_HX_REQUEST", "HTTP_HX_CURRENT_URL"]
        ),
        header_value,
        max_size=3,
    ),
    path=st.sampled_from(["/healthz", "/", "/journal/", "/accounts/login/"]),
)
def test_hostile_cookies_and_headers_never_break_a_page(client, world, cookies, headers, path):
    client.force_login(world.member)
    extra = {key: as_wsgi(value) for key, value in headers.items()}
    if cookies:
        extra["HTTP_COOKIE"] = as_wsgi("; ".join(f"{name}={value}" for name, value in cookies))
    response = client.get(path, **extra)
    assert response.status_code < 500
