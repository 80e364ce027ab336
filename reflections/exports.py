"""A person's own data, for them to download: each journal entry as a Markdown file and one
JSON file with the entries, drafts, actions and report-backs, bids for airtime, prompts they
posed, what they added to meetings' process reviews, their words in sets' closing reviews,
their value stories with who may read each, the programmes they signed up to through single
sign-on while they wait for a set, and the identity-provider accounts linked to theirs (the
provider and the person's id there: no provider's tokens are kept, nor exported).

A person's own actions are their personal data: every action they own, with every report-back
on it whoever recorded it, in every set they have been in, even where they are now a former
member or have not accepted the current contract (README, "Who sees what").

This is the only place journal text leaves the app, and only to its author.
"""

import io
import json
import zipfile

from allauth.socialaccount.models import SocialAccount
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.debug import sensitive_variables

from alsspace.models import User
from reflections.models import JournalDraft, JournalEntry, Prompt
from sessions.models import Action, Bid, ReviewContribution, ValueStory
from sets.models import ClosingReviewEntry, Membership, ProgrammeEntrant

README = gettext_noop("""\
Everything you wrote in ALS Space, downloaded on {day}.

journal/       one Markdown file per journal entry, with its details at the top
my-data.json   the same entries, any unsaved drafts, the actions you own with their
               report-backs (whoever recorded them, in every set you have been in, also
               sets you have left), the bids for airtime you brought to meetings, the
               prompts you posed to a set, what you added to meetings' process reviews
               and your words in sets' closing reviews, your value stories with who
               may read each, the programmes you signed up to through single sign-on
               (and whether you still wait for a set there), and the identity-provider
               accounts linked to yours (the provider and your id there)

Keep this file somewhere safe: your journal is private, and this copy is not encrypted.
""")


def _iso(moment):
    return moment.isoformat() if moment else None


def entry_filename(entry):
    day = timezone.localtime(entry.created_at).date().isoformat()
    slug = slugify(entry.title)[:60].strip("-") or "entry"
    return f"journal/{day}-{slug}-{entry.pk}.md"


def _entry_record(entry):
    return {
        "id": entry.pk,
        "title": entry.title,
        "body": entry.body,
        "created_at": _iso(entry.created_at),
        "updated_at": _iso(entry.updated_at),
        "set": entry.learning_set.name if entry.learning_set else None,
        "meeting": _iso(entry.meeting.starts_at) if entry.meeting else None,
        "prompt": entry.prompt.question if entry.prompt else None,
        "shared_with": entry.shared_with.name if entry.shared_with else None,
        "shared_at": _iso(entry.shared_at),
        "file": entry_filename(entry),
    }


def entry_markdown(record):
    """Front matter with the entry's details (JSON strings are valid YAML), then the body."""
    details = {key: value for key, value in record.items() if key not in ("body", "file")}
    lines = ["---"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in details.items()]
    lines += ["---", "", f"# {record['title']}", "", record["body"].rstrip(), ""]
    return "\n".join(lines)


def _person(user):
    """Who wrote or changed a report-back, by name; None for an account since erased."""
    return (user.name or user.email) if user is not None else None


def _action_record(action):
    return {
        "id": action.pk,
        "set": action.learning_set.name,
        "text": action.text,
        "committed_at_meeting": _iso(action.committed_at.starts_at),
        "due_meeting": _iso(action.due_meeting.starts_at) if action.due_meeting else None,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "status": action.status,
        "carry_count": action.carry_count,
        "created_at": _iso(action.created_at),
        "report_backs": [
            {
                "meeting": _iso(report.meeting.starts_at),
                "outcome": report.outcome,
                "note": report.note,
                "written_at": _iso(report.created_at),
                "written_by": _person(report.author),
                "last_changed_by": _person(report.written_by),
            }
            for report in action.report_backs.all()
        ],
    }


@sensitive_variables()
def my_data(user):
    entries = [
        _entry_record(entry)
        for entry in JournalEntry.objects.filter(author=user)
        .select_related("learning_set", "meeting", "prompt", "shared_with")
        .order_by("created_at", "pk")
    ]
    drafts = [
        {
            "entry": draft.entry_id,
            "title": draft.title,
            "body": draft.body,
            "saved_at": _iso(draft.saved_at),
        }
        for draft in JournalDraft.objects.filter(author=user).order_by("saved_at")
    ]
    actions = [
        _action_record(action)
        for action in Action.objects.filter(owner=user)
        .select_related("learning_set", "committed_at", "due_meeting")
        .prefetch_related(
            "report_backs__meeting", "report_backs__author", "report_backs__written_by"
        )
        .order_by("created_at", "pk")
    ]
    bids = [
        {
            "set": bid.meeting.learning_set.name,
            "meeting": _iso(bid.meeting.starts_at),
            "problem": bid.problem,
            "wanted": bid.get_want_display(),
            "minutes_asked": bid.minutes,
            "brought_at": _iso(bid.created_at),
            "became_airtime": bid.slot_id is not None,
        }
        for bid in Bid.objects.filter(member=user)
        .select_related("meeting__learning_set")
        .order_by("created_at", "pk")
    ]
    prompts = [
        {
            "set": prompt.learning_set.name,
            "question": prompt.question,
            "guidance": prompt.guidance,
            "created_at": _iso(prompt.created_at),
        }
        for prompt in Prompt.objects.filter(posed_by=user).select_related("learning_set")
    ]
    reviews = [
        {
            "set": contribution.meeting.learning_set.name,
            "meeting": _iso(contribution.meeting.starts_at),
            "how_we_worked": contribution.how_we_worked,
            "do_differently": contribution.do_differently,
            "written_at": _iso(contribution.created_at),
            "updated_at": _iso(contribution.updated_at),
        }
        for contribution in ReviewContribution.objects.filter(author=user)
        .select_related("meeting__learning_set")
        .order_by("meeting__starts_at", "pk")
    ]
    closing = [
        {
            "set": entry.review.learning_set.name,
            "learned": entry.learned,
            "keep_doing": entry.keep_doing,
            "story": entry.story,
            "written_at": _iso(entry.created_at),
            "updated_at": _iso(entry.updated_at),
        }
        for entry in ClosingReviewEntry.objects.filter(author=user)
        .select_related("review__learning_set")
        .order_by("created_at", "pk")
    ]
    stories = [
        {
            "set": story.learning_set.name,
            "told_on": (
                _("report-back for the meeting on %(day)s")
                % {"day": f"{story.report_back.meeting.starts_at:%Y-%m-%d}"}
                if story.report_back
                else _("closing review")
            ),
            "story": story.text,
            "cycle": story.get_cycle_display(),
            "who_may_read_it": story.get_consent_display(),
            "consented_at": _iso(story.consented_at),
            "written_at": _iso(story.created_at),
            "updated_at": _iso(story.updated_at),
        }
        for story in ValueStory.objects.filter(author=user)
        .select_related("learning_set", "report_back__meeting")
        .defer("report_back__meeting__process_review")
        .order_by("created_at", "pk")
    ]
    # Where they signed up through single sign-on without a set (docs/sso.md), and whether
    # they wait for one there still: one query for the entries, one for the programmes whose
    # sets they are in.
    in_programmes = set(
        Membership.objects.filter(user=user).values_list("learning_set__programme_id", flat=True)
    )
    programme_entries = [
        {
            "programme": entry.programme.name,
            "signed_up_through": entry.provider_id,
            "signed_up_at": _iso(entry.entered_at),
            "waiting_for_a_set": entry.programme_id not in in_programmes,
        }
        for entry in ProgrammeEntrant.objects.filter(user=user)
        .select_related("programme")
        .order_by("entered_at", "pk")
    ]
    # The provider and the person's id there; never extra_data (the provider's claims) nor
    # any token.
    linked_accounts = [
        {"provider": provider, "uid": uid}
        for provider, uid in SocialAccount.objects.filter(user=user)
        .order_by("provider", "uid")
        .values_list("provider", "uid")
    ]
    return {
        "exported_at": _iso(timezone.now()),
        "account": {
            "name": user.name,
            "email": user.email,
            "time_zone": user.time_zone,
            "joined": _iso(user.date_joined),
        },
        "journal_entries": entries,
        "drafts": drafts,
        "actions": actions,
        "bids": bids,
        "prompts_posed": prompts,
        "process_review_contributions": reviews,
        "closing_reviews": closing,
        "value_stories": stories,
        "programme_entries": programme_entries,
        "identity_provider_accounts": linked_accounts,
    }


@sensitive_variables()
def my_data_zip(user: User) -> bytes:
    data = my_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        day = date_format(timezone.localdate(), "j F Y")
        archive.writestr("README.txt", _(README).format(day=day))
        for record in data["journal_entries"]:
            archive.writestr(record["file"], entry_markdown(record))
        archive.writestr("my-data.json", json.dumps(data, ensure_ascii=False, indent=2))
    return buffer.getvalue()
