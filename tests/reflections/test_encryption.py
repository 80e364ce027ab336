"""Journal text and what is said in a set are encrypted at rest: the database holds only
tokens, a dump reveals no word of either, and keys rotate."""

import uuid
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from alsspace.crypto import EncryptedTextField, decrypt
from reflections.models import JournalDraft, JournalEntry, Prompt
from sessions.inaction.reconcile import detect_inaction
from sessions.models import (
    Action,
    AirtimeSlot,
    InactionPrompt,
    Meeting,
    ReportBack,
    ReviewContribution,
    ValueStory,
)
from sets.models import Amendment, ClosingReviewEntry, Contract, ContractAcceptance
from tests.reflections.factories import JournalEntryFactory
from tests.sessions.builders import action, held_meetings, report
from tests.sessions.factories import MeetingFactory

SECRET = "I am avoiding the conversation with my CFO."


def raw_columns(table, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT title, body FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def test_the_database_column_never_holds_the_plaintext(world):
    entry = JournalEntryFactory(author=world.member, title="The CFO", body=SECRET)

    title, body = raw_columns(JournalEntry._meta.db_table, entry.pk)

    assert SECRET not in body and "CFO" not in body
    assert "CFO" not in title
    assert body.startswith("gAAAAA")  # a Fernet token
    assert JournalEntry.objects.get(pk=entry.pk).body == SECRET


def test_the_same_text_twice_gives_different_tokens(world):
    first = JournalEntryFactory(author=world.member, body=SECRET)
    second = JournalEntryFactory(author=world.member, body=SECRET)

    table = JournalEntry._meta.db_table
    assert raw_columns(table, first.pk)[1] != raw_columns(table, second.pk)[1]


def test_drafts_are_encrypted_too(world):
    draft = JournalDraft.objects.create(author=world.member, title="Half a thought", body=SECRET)

    title, body = raw_columns(JournalDraft._meta.db_table, draft.pk)

    assert "Half" not in title and SECRET not in body


def test_without_keys_journal_text_can_be_neither_written_nor_read(world, settings):
    entry = JournalEntryFactory(author=world.member, body=SECRET)
    settings.JOURNAL_KEYS = []

    with pytest.raises(ImproperlyConfigured, match="JOURNAL_KEYS"):
        JournalEntry.objects.get(pk=entry.pk)
    with pytest.raises(ImproperlyConfigured, match="JOURNAL_KEYS"):
        JournalEntryFactory(author=world.member, body=SECRET)


def test_a_removed_key_is_named_rather_than_returning_garbage(world, settings):
    entry = JournalEntryFactory(author=world.member, body=SECRET)
    settings.JOURNAL_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ImproperlyConfigured, match="removed"):
        JournalEntry.objects.get(pk=entry.pk)


def test_the_database_is_never_asked_to_compare_journal_text(world):
    with pytest.raises(FieldError, match="encrypted"):
        list(JournalEntry.objects.filter(body__icontains="CFO"))


def test_rotation_reencrypts_so_the_old_key_can_go(world, settings, capsys):
    old_key = settings.JOURNAL_KEYS[0]
    entries = [
        JournalEntryFactory(author=world.member, title=f"Entry {n}", body=f"{SECRET} {n}")
        for n in range(5)
    ]
    JournalDraft.objects.create(author=world.member, title="Draft", body="Unsaved thought")
    updated_at = {entry.pk: entry.updated_at for entry in entries}
    new_key = Fernet.generate_key().decode()
    settings.JOURNAL_KEYS = [new_key, old_key]

    call_command("rotate_journal_keys", batch_size=2)

    out = capsys.readouterr().out
    assert "Journal entries: checked 5, re-encrypted 5, 0 already under the newest key." in out
    assert "Journal drafts: checked 1, re-encrypted 1" in out
    assert SECRET not in out
    settings.JOURNAL_KEYS = [new_key]
    for entry in JournalEntry.objects.order_by("pk"):
        assert entry.body.startswith(SECRET)
        assert entry.updated_at == updated_at[entry.pk]  # rotation is not an edit
    assert JournalDraft.objects.get().body == "Unsaved thought"


def test_rotation_can_be_run_again_after_an_interruption(world, settings, capsys):
    old_key = settings.JOURNAL_KEYS[0]
    first, second = (JournalEntryFactory(author=world.member, body=SECRET) for _ in range(2))
    new_key = Fernet.generate_key().decode()
    settings.JOURNAL_KEYS = [new_key, old_key]
    # As if a run had been stopped after the first entry.
    first.save()

    call_command("rotate_journal_keys")

    assert "checked 2, re-encrypted 1, 1 already under the newest key" in capsys.readouterr().out
    settings.JOURNAL_KEYS = [new_key]
    assert JournalEntry.objects.get(pk=second.pk).body == SECRET


def test_rotation_stops_and_says_which_row_a_missing_key_leaves_unreadable(world, settings):
    entry = JournalEntryFactory(author=world.member, body=SECRET)
    old_key = settings.JOURNAL_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.JOURNAL_KEYS = [new_key]

    with pytest.raises(CommandError, match=r"^\w+ \d+: \w+ cannot be decrypted"):
        call_command("rotate_keys")

    settings.JOURNAL_KEYS = [new_key, old_key]
    call_command("rotate_keys")
    settings.JOURNAL_KEYS = [new_key]
    assert JournalEntry.objects.get(pk=entry.pk).body == SECRET


def test_rotation_needs_keys(settings):
    settings.JOURNAL_KEYS = []

    with pytest.raises(CommandError, match="JOURNAL_KEYS"):
        call_command("rotate_journal_keys")


# What is said in a set


# Free text in the set's apps that is not what is said in it: names, places and statuses for
# schedules and reports; the set's purpose, written by programme admins for invitees; the
# built-in prompts' source, starter and slug, and the idea a prompt speaks to (one of a
# fixed list); detection's evidence keys (ids); a nudge's kind and the address of the page it
# links to; a programme's pulse statements, written by its admins for every set to answer.
PLAINTEXT = {
    "sets.Programme": {"name", "organisation", "time_zone"},
    "sets.LearningSet": {"name", "purpose", "status", "airtime_mode", "default_place"},
    "sets.Membership": {"role"},
    "sets.Invitation": {"name", "role", "key"},
    "sets.Contract": {"change"},
    "sets.Amendment": {"status"},
    "sets.Nudge": {"kind", "link"},
    "sets.NudgeOptOut": {"kind"},
    "meetings.MeetingSeries": {"description"},
    "meetings.Meeting": {"place", "status"},
    "meetings.Attendance": {"status"},
    "meetings.AirtimeSlot": {"want", "phase"},
    "meetings.Bid": {"want"},
    "meetings.SlotPhase": {"kind"},
    "meetings.Action": {"status"},
    "meetings.ReportBack": {"outcome"},
    "meetings.ValueStory": {"cycle", "consent"},
    "meetings.CalendarFeed": {"token"},
    "meetings.InactionPrompt": {"signal", "evidence_key", "status"},
    "meetings.PulseItem": {"text", "dimension"},
    "reflections.Prompt": {"source", "starter", "slug", "idea"},
}

SEALED = {
    "sets.Contract": {"text", "note"},
    "sets.Amendment": {"text", "reason", "decision_reason"},
    "meetings.Meeting": {"process_review"},
    "meetings.AirtimeSlot": {"topic", "framing"},
    "meetings.Bid": {"problem"},
    "meetings.Action": {"text"},
    "meetings.ReportBack": {"note"},
    "meetings.ValueStory": {"text"},
    "meetings.ReviewContribution": {"how_we_worked", "do_differently"},
    "sets.ClosingReviewEntry": {"learned", "keep_doing", "story"},
    "meetings.InactionPrompt": {
        "summary",
        "suggested_question",
        "person_question",
        "facilitator_note",
    },
    "reflections.Prompt": {"question", "guidance"},
    "reflections.JournalEntry": {"title", "body"},
    "reflections.JournalDraft": {"title", "body"},
}


def is_free_text(field):
    return isinstance(field, models.CharField | models.TextField) and not isinstance(
        field, models.URLField | models.EmailField
    )


def test_every_text_column_of_the_set_apps_is_sealed_or_known_to_be_plain():
    sealed, plain = {}, {}
    for label in ("sets", "meetings", "reflections"):
        for model in apps.get_app_config(label).get_models():
            for field in filter(is_free_text, model._meta.concrete_fields):
                kind = sealed if isinstance(field, EncryptedTextField) else plain
                kind.setdefault(model._meta.label, set()).add(field.name)

    assert sealed == SEALED
    assert plain == PLAINTEXT


@pytest.fixture
def planted(client, world):
    """Unique words said in Set Alpha, each written through the page or service that writes
    it in real use: {what: (model, pk, column, words)}."""

    def secret(name):
        return f"sealed {name} {uuid.uuid4().hex}"

    client.force_login(world.facilitator)

    def post(name, target, **data):
        target.refresh_from_db()
        data.setdefault("revision", target.revision)
        response = client.post(reverse(f"meetings:{name}", args=[target.pk]), data)
        assert response.status_code == 302

    contract_text, contract_note = secret("contract"), secret("contract note")
    response = client.post(
        reverse("sets:contract_edit", args=[world.learning_set.pk]),
        {"text": contract_text, "change": "material", "note": contract_note},
    )
    assert response.status_code == 302
    contract = Contract.objects.filter(learning_set=world.learning_set).latest()
    ContractAcceptance.objects.create(contract=contract, user=world.member)
    proposed, why, declined = secret("proposal"), secret("why"), secret("declined")
    client.force_login(world.member)
    response = client.post(
        reverse("sets:amendment_create", args=[world.learning_set.pk]),
        {"text": proposed, "reason": why},
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get(learning_set=world.learning_set)
    client.force_login(world.facilitator)
    response = client.post(
        reverse("sets:amendment", args=[world.learning_set.pk, amendment.pk]),
        {"op": "decline", "decline-reason": declined},
    )
    assert response.status_code == 302

    question, guidance = secret("question"), secret("guidance")
    response = client.post(
        reverse("reflections:set_prompt_create", args=[world.learning_set.pk]),
        {"question": question, "guidance": guidance},
    )
    assert response.status_code == 302
    prompt = Prompt.objects.get(learning_set=world.learning_set)

    earlier = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(days=28)
    )
    meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(hours=1)
    )
    earlier_action = action(earlier, world.member, due_meeting=meeting)
    post("meeting_attendance", meeting, member=world.member.pk, status="present")
    topic = secret("topic")
    post(
        "meeting_airtime",
        meeting,
        op="add",
        presenter=world.member.pk,
        topic=topic,
        planned_minutes=30,
    )
    action_text = secret("action")
    post("meeting_actions", meeting, op="add", owner=world.member.pk, text=action_text, due="next")
    note = secret("report-back")
    post("meeting_report_backs", meeting, action=earlier_action.pk, outcome="done", note=note)
    review = secret("review")
    post("meeting_review", meeting, process_review=review)
    set_review = secret("set review")
    response = client.post(
        reverse("meetings:meeting_review_contribution", args=[meeting.pk]),
        {"how_we_worked": set_review, "do_differently": ""},
    )
    assert response.status_code == 302
    value_story = secret("value story")
    client.force_login(world.member)
    response = client.post(
        reverse("meetings:report_back_story", args=[ReportBack.objects.get(meeting=meeting).pk]),
        {"text": value_story, "cycle": "applied", "consent": "anonymised"},
    )
    assert response.status_code == 302
    client.force_login(world.facilitator)
    closing = secret("closing story")
    client.post(reverse("sets:closing_review_open", args=[world.learning_set.pk]))
    response = client.post(
        reverse("sets:closing_review", args=[world.learning_set.pk]),
        {"learned": "To ask.", "keep_doing": "Asking.", "story": closing},
    )
    assert response.status_code == 302

    m1, m2, m3 = held_meetings(world.learning_set, 3, last_days_ago=60)
    carried_text = secret("carried")
    carried = action(m1, world.member, carried_text)
    report(carried, m2, "carried")
    report(carried, m3, "carried")
    detect_inaction(world.learning_set)
    inaction = InactionPrompt.objects.get(signal="carried_action")
    dismissal = secret("facilitator note")
    response = client.post(
        reverse("meetings:prompt_dismiss", args=[inaction.pk]),
        {f"prompt-{inaction.pk}-note": dismissal},
    )
    assert response.status_code == 302

    slot = AirtimeSlot.objects.get(meeting=meeting)
    committed = Action.objects.get(committed_at=meeting)
    report_back = ReportBack.objects.get(meeting=meeting)
    return {
        "contract": (Contract, contract.pk, "text", contract_text),
        "contract note": (Contract, contract.pk, "note", contract_note),
        "proposal": (Amendment, amendment.pk, "text", proposed),
        "why": (Amendment, amendment.pk, "reason", why),
        "declined": (Amendment, amendment.pk, "decision_reason", declined),
        "question": (Prompt, prompt.pk, "question", question),
        "guidance": (Prompt, prompt.pk, "guidance", guidance),
        "topic": (AirtimeSlot, slot.pk, "topic", topic),
        "action": (Action, committed.pk, "text", action_text),
        "report-back": (ReportBack, report_back.pk, "note", note),
        "review": (Meeting, meeting.pk, "process_review", review),
        "set review": (
            ReviewContribution,
            ReviewContribution.objects.get(meeting=meeting).pk,
            "how_we_worked",
            set_review,
        ),
        "closing story": (
            ClosingReviewEntry,
            ClosingReviewEntry.objects.get(author=world.facilitator).pk,
            "story",
            closing,
        ),
        "value story": (ValueStory, ValueStory.objects.get().pk, "text", value_story),
        "carried": (Action, carried.pk, "text", carried_text),
        # Detection quotes the action in what the data shows.
        "summary": (InactionPrompt, inaction.pk, "summary", carried_text),
        "facilitator note": (InactionPrompt, inaction.pk, "facilitator_note", dismissal),
    }


def raw_value(model, pk, column):
    table = connection.ops.quote_name(model._meta.db_table)
    name = connection.ops.quote_name(model._meta.get_field(column).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_every_column_of_set_content_holds_a_token_and_never_the_words(planted):
    for what, (model, pk, column, words) in planted.items():
        stored = raw_value(model, pk, column)
        assert words not in stored, what
        assert stored.startswith("gAAAAA"), what  # a Fernet token
        assert words in decrypt(stored), what
    suggested = raw_value(InactionPrompt, planted["summary"][1], "suggested_question")
    assert suggested.startswith("gAAAAA") and decrypt(suggested).endswith("?")


def test_a_dump_of_every_table_holds_no_word_said_in_the_set(planted):
    said = [words for *_, words in planted.values()]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                dumped = " ".join(str(value) for value in row)
                for words in said:
                    assert words.split()[-1] not in dumped, (table, words)


def test_the_database_is_never_asked_to_compare_set_content(world):
    with pytest.raises(FieldError, match="encrypted"):
        list(Action.objects.filter(text__icontains="CFO"))
    with pytest.raises(FieldError, match="encrypted"):
        list(Contract.objects.filter(text="Our rules"))


def test_rotation_reencrypts_set_content_and_reports_each_kind(planted, settings, capsys):
    old_key = settings.JOURNAL_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.JOURNAL_KEYS = [new_key, old_key]

    call_command("rotate_keys", batch_size=1)

    out = capsys.readouterr().out
    for label in (
        "Contracts",
        "Meetings",
        "Airtime slots",
        "Actions",
        "Report backs",
        "Inaction prompts",
        "Prompts",
    ):
        assert f"\n{label}: checked " in out, label
    assert "already under the newest key" in out
    settings.JOURNAL_KEYS = [new_key]
    for what, (model, pk, column, words) in planted.items():
        assert words in getattr(model.objects.get(pk=pk), column), what


def test_the_former_command_name_rotates_set_content_too(planted, settings, capsys):
    old_key = settings.JOURNAL_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.JOURNAL_KEYS = [new_key, old_key]

    call_command("rotate_journal_keys")

    assert "Actions: checked 3, re-encrypted 3, 0 already" in capsys.readouterr().out
    settings.JOURNAL_KEYS = [new_key]
    model, pk, column, words = planted["action"]
    assert getattr(model.objects.get(pk=pk), column) == words
