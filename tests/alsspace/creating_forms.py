"""Every form that creates something, or that changes something and records or emails it,
with what one sending of it makes: the table the tests of sending a form twice share
(test_submit_once on PostgreSQL, test_form_keys on any database)."""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alsspace.models import AuditEvent
from api.audit_actions import ApiAction
from api.models import ApiToken
from api.services import create_token as create_api_token
from reflections.models import JournalEntry, Prompt
from sessions import pulse
from sessions.audit_actions import MeetingAction
from sessions.models import (
    Action,
    Bid,
    Meeting,
    MeetingSeries,
    PulseItem,
    ReportBack,
    ReviewContribution,
    ValueStory,
)
from sets import imports
from sets.audit_actions import SetAction
from sets.models import (
    Amendment,
    ClosingReview,
    ClosingReviewEntry,
    Contract,
    Invitation,
    LearningSet,
    Membership,
    Programme,
    ProgrammeSignOn,
)
from tests.factories import InvitationFactory, identity_provider
from tests.sessions.factories import MeetingFactory


def in_days(days):
    return (timezone.now().astimezone(ZoneInfo("Europe/London")) + timedelta(days=days)).date()


def meeting_data():
    return {
        "date": in_days(30).isoformat(),
        "starts": "18:00",
        "ends": "21:30",
        "time_zone": "Europe/London",
        "place": "Room 4",
        "video_link": "",
    }


PROGRAMME_DATA = {
    "name": "Leaders 2027",
    "organisation": "Northfield Business School",
    "starts_on": "",
    "ends_on": "",
    "time_zone": "Europe/London",
    "pulse_threshold": "3",
    "attendance_threshold": "75",
}

SET_DATA = {
    "name": "Set Gamma",
    "purpose": "Leading change.",
    "status": "forming",
    "quorum": "3",
    "airtime_mode": "equal",
    "default_place": "Room 4",
    "default_video_link": "",
    "default_length_minutes": "180",
    "reminder_hours": "24",
    "pulse_window_days": "7",
}

IMPORT_FILE = (
    "name,email,set,role\n"
    "Nia Newcomer,nia@example.org,Set Alpha,member\n"
    "Ravi Rao,ravi@example.org,Set Beta,member\n"
)


@dataclass
class Form:
    """One form: who sends it, where, with what, and what one sending makes."""

    role: str
    path: object  # world → path
    data: object  # world → fields
    made: object  # world → what it made, counted
    made_once: object  # what one sending makes
    audits: dict = field(default_factory=dict)  # action → events one sending writes
    emails: bool = False  # whether it emails anyone
    files: dict = None
    prepare: object = None  # world → anything the form needs first
    page: object = None  # world → the page the form is on, when not its own path
    # (client, world) → the form's page, when it is the answer to another form (a preview)
    reached_by: object = None

    def page_of(self, world):
        return (self.page or self.path)(world)

    def load_page(self, client, world):
        if self.reached_by:
            return self.reached_by(client, world)
        return client.get(self.page_of(world))


def signed_import(world):
    """IMPORT_FILE as its preview signs it: once per world, since the signature holds the time
    and a form sent again must be the same form."""
    if not hasattr(world, "signed_import"):
        world.signed_import = imports.sign(world.programme, IMPORT_FILE)
    return world.signed_import


def import_preview(client, world):
    """The preview of IMPORT_FILE, which carries the confirming form."""
    upload = SimpleUploadedFile("people.csv", IMPORT_FILE.encode(), content_type="text/csv")
    path = reverse("sets:import_members", args=[world.programme.pk])
    return client.post(path, {"file": upload})


def open_invitation(world):
    InvitationFactory(learning_set=world.learning_set, email="ivo@example.org")


def invitation_action(name):
    def path(world):
        invitation = Invitation.objects.get(email="ivo@example.org")
        return reverse(f"sets:invitation_{name}", args=[world.learning_set.pk, invitation.pk])

    return path


def held_meeting(world):
    start = timezone.now() - timedelta(days=1)
    world.held = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        status=Meeting.Status.HELD,
    )


def open_closing_review(world):
    ClosingReview.objects.create(learning_set=world.learning_set, opened_by=world.facilitator)


def own_report_back(world):
    """Maya's report-back, ahead of the coming meeting, on an action from a held one."""
    held_meeting(world)
    coming = MeetingFactory(learning_set=world.learning_set)
    action = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=world.held,
        due_meeting=coming,
        text="Ask the board",
    )
    world.report_back = ReportBack.objects.create(
        action=action, meeting=coming, outcome="partly", author=world.member
    )


def own_story(world):
    own_report_back(world)
    world.story = ValueStory.objects.create(
        learning_set=world.learning_set,
        author=world.member,
        report_back=world.report_back,
        text="The rota is fairer.",
        cycle="applied",
    )


def set_page(world):
    return world.learning_set.get_absolute_url()


def member_removal(world):
    membership = Membership.objects.get(user=world.member, learning_set=world.learning_set)
    return reverse("sets:member_remove", args=[world.learning_set.pk, membership.pk])


def coming_meeting(world):
    MeetingFactory(learning_set=world.learning_set)


def bid_path(world):
    meeting = Meeting.objects.get(learning_set=world.learning_set)
    return reverse("meetings:meeting_bids", args=[meeting.pk])


def coming_meeting_page(world):
    return Meeting.objects.get(learning_set=world.learning_set).get_absolute_url()


FORMS = {
    "bid": Form(
        "member",
        bid_path,
        lambda w: {
            "op": "add",
            "problem": "My team and I disagree about the rota.",
            "want": "sounding_board",
            "minutes": "20",
        },
        lambda w: Bid.objects.filter(member=w.member).count(),
        1,
        prepare=coming_meeting,
        page=coming_meeting_page,
    ),
    "meeting": Form(
        "facilitator",
        lambda w: reverse("meetings:meeting_create", args=[w.learning_set.pk]),
        lambda w: meeting_data(),
        lambda w: Meeting.objects.filter(learning_set=w.learning_set).count(),
        1,
        emails=True,
    ),
    "series": Form(
        "facilitator",
        lambda w: reverse("meetings:series_create", args=[w.learning_set.pk]),
        lambda w: {
            **meeting_data(),
            "frequency": "monthly_weekday",
            "interval": "1",
            "ordinal": "1",
            "weekday": "1",
            "count": "3",
            "until": "",
        },
        lambda w: (
            MeetingSeries.objects.filter(learning_set=w.learning_set).count(),
            Meeting.objects.filter(learning_set=w.learning_set).count(),
        ),
        (1, 3),
        emails=True,
    ),
    "programme": Form(
        "admin",
        lambda w: reverse("sets:programme_create"),
        lambda w: PROGRAMME_DATA,
        lambda w: Programme.objects.filter(name="Leaders 2027").count(),
        1,
        audits={SetAction.PROGRAMME_ADMIN_ADDED: 1},
    ),
    "pulse statements": Form(
        "admin",
        lambda w: reverse("meetings:pulse_items", args=[w.programme.pk]),
        lambda w: {
            "challenge": "on",
            **{f"item_{n}-text": t for n, t in ((i.number, i.text) for i in pulse.ITEMS)},
            **{f"item_{i.number}-reverse": "on" for i in pulse.ITEMS if i.reverse},
            **{f"item_{i.number}-dimension": "safety" for i in pulse.ITEMS},
            "new_1-text": "I said something I had not said before.",
            "new_1-dimension": "challenge",
        },
        lambda w: PulseItem.objects.filter(programme=w.programme).count(),
        8,
        audits={MeetingAction.PULSE_ITEMS_CHANGED: 1},
    ),
    "programme sign-on": Form(
        "admin",
        lambda w: reverse("sets:programme_sign_on", args=[w.programme.pk]),
        lambda w: {"provider_id": "acme", "open_domains": "acme.example"},
        lambda w: ProgrammeSignOn.objects.filter(programme=w.programme).count(),
        1,
        audits={SetAction.SIGN_ON_LINKED: 1},
        prepare=lambda w: identity_provider(),
    ),
    "set": Form(
        "admin",
        lambda w: reverse("sets:set_create", args=[w.programme.pk]),
        lambda w: SET_DATA,
        lambda w: LearningSet.objects.filter(name="Set Gamma").count(),
        1,
    ),
    "invite": Form(
        "facilitator",
        lambda w: reverse("sets:invite", args=[w.learning_set.pk]),
        lambda w: {"name": "Nia Newcomer", "email": "nia@example.org", "role": "member"},
        lambda w: Invitation.objects.filter(email="nia@example.org").count(),
        1,
        audits={SetAction.INVITATION_SENT: 1},
        emails=True,
    ),
    "import": Form(
        "admin",
        lambda w: reverse("sets:import_confirm", args=[w.programme.pk]),
        lambda w: {"preview": signed_import(w)},
        lambda w: Invitation.objects.count(),
        2,
        audits={SetAction.INVITATION_SENT: 2, SetAction.MEMBERS_IMPORTED: 1},
        emails=True,
        reached_by=import_preview,
    ),
    "assign facilitator": Form(
        "admin",
        lambda w: reverse("sets:assign_facilitator", args=[w.other_set.pk]),
        lambda w: {"person": w.facilitator.pk},
        lambda w: Membership.objects.filter(
            learning_set=w.other_set, role="facilitator", user=w.facilitator
        ).count(),
        1,
        audits={SetAction.MEMBERSHIP_ADDED: 1},
        emails=True,
    ),
    "programme admin": Form(
        "admin",
        lambda w: reverse("sets:programme_admins", args=[w.programme.pk]),
        lambda w: {"email": w.outsider.email},
        lambda w: w.programme.admins.count(),
        2,
        audits={SetAction.PROGRAMME_ADMIN_ADDED: 1},
    ),
    "api_token": Form(
        "admin",
        lambda w: reverse("api:tokens", args=[w.programme.pk]),
        lambda w: {"name": "HR nightly import", "last_day": ""},
        lambda w: ApiToken.objects.filter(programme=w.programme).count(),
        1,
        audits={ApiAction.TOKEN_CREATED: 1},
    ),
    "api_token_revoke": Form(
        "admin",
        lambda w: reverse("api:tokens", args=[w.programme.pk]),
        lambda w: {"revoke": str(ApiToken.objects.get(programme=w.programme).pk)},
        lambda w: ApiToken.objects.filter(programme=w.programme, revoked_at__isnull=False).count(),
        1,
        audits={ApiAction.TOKEN_REVOKED: 1},
        prepare=lambda w: create_api_token(
            w.programme, name="HR", last_day=None, actor=w.admin, ip=None
        ),
    ),
    "contract": Form(
        "facilitator",
        lambda w: reverse("sets:contract_edit", args=[w.learning_set.pk]),
        lambda w: {"text": "We keep confidence, and we turn up.", "change": "material"},
        lambda w: Contract.objects.filter(learning_set=w.learning_set).count(),
        2,
        audits={SetAction.CONTRACT_VERSION: 1},
    ),
    "contract amendment": Form(
        "member",
        lambda w: reverse("sets:amendment_create", args=[w.learning_set.pk]),
        lambda w: {"text": "We keep confidence, in the room.", "reason": "Home calls."},
        lambda w: Amendment.objects.filter(learning_set=w.learning_set).count(),
        1,
        audits={SetAction.AMENDMENT_PROPOSED: 1},
        emails=True,
    ),
    "adopting an amendment": Form(
        "facilitator",
        lambda w: reverse(
            "sets:amendment", args=[w.learning_set.pk, w.learning_set.amendments.get().pk]
        ),
        lambda w: {
            "op": "adopt",
            "adopt-text": "We keep confidence, in the room.",
            "adopt-change": "minor",
            "adopt-note": "",
            "adopt-version": "1",
        },
        lambda w: Contract.objects.filter(learning_set=w.learning_set).count(),
        2,
        audits={
            SetAction.AMENDMENT_ADOPTED: 1,
            SetAction.CONTRACT_MINOR_VERSION: 1,
        },
        emails=True,
        prepare=lambda w: Amendment.objects.create(
            learning_set=w.learning_set,
            based_on=w.contract,
            text="We keep confidence, in the room.",
            reason="Home calls.",
            proposed_by=w.member,
        ),
    ),
    "journal entry": Form(
        "member",
        lambda w: reverse("reflections:entry_create"),
        lambda w: {
            "title": "After the meeting",
            "body": "What I noticed.",
            "prompt": "",
            "learning_set": "",
            "meeting": "",
        },
        lambda w: JournalEntry.objects.filter(author=w.member).count(),
        1,
    ),
    "set prompt": Form(
        "facilitator",
        lambda w: reverse("reflections:set_prompt_create", args=[w.learning_set.pk]),
        lambda w: {"question": "What did you notice?", "guidance": "", "meeting": ""},
        lambda w: Prompt.objects.filter(learning_set=w.learning_set).count(),
        1,
    ),
    "resend invitation": Form(
        "facilitator",
        invitation_action("resend"),
        lambda w: {},
        lambda w: Invitation.objects.filter(email="ivo@example.org").count(),
        1,
        audits={SetAction.INVITATION_RESENT: 1},
        emails=True,
        prepare=open_invitation,
        page=set_page,
    ),
    "revoke invitation": Form(
        "facilitator",
        invitation_action("revoke"),
        lambda w: {},
        lambda w: Invitation.objects.filter(revoked_at__isnull=False).count(),
        1,
        audits={SetAction.INVITATION_REVOKED: 1},
        prepare=open_invitation,
        page=set_page,
    ),
    "close set": Form(
        "facilitator",
        lambda w: reverse("sets:set_close", args=[w.learning_set.pk]),
        lambda w: {},
        lambda w: LearningSet.objects.filter(status=LearningSet.Status.CLOSED).count(),
        1,
        audits={SetAction.SET_CLOSED: 1},
    ),
    "set status": Form(
        "facilitator",
        lambda w: reverse("sets:set_status", args=[w.learning_set.pk]),
        lambda w: {"status": "forming"},
        lambda w: AuditEvent.objects.filter(action=SetAction.SET_STATUS_CHANGED).count(),
        1,
        audits={SetAction.SET_STATUS_CHANGED: 1},
        page=set_page,
    ),
    "open closing review": Form(
        "facilitator",
        lambda w: reverse("sets:closing_review_open", args=[w.learning_set.pk]),
        lambda w: {},
        lambda w: ClosingReview.objects.filter(learning_set=w.learning_set).count(),
        1,
        audits={SetAction.CLOSING_REVIEW_OPENED: 1},
        emails=True,
        page=lambda w: reverse("sets:closing_review", args=[w.learning_set.pk]),
    ),
    "closing review entry": Form(
        "member",
        lambda w: reverse("sets:closing_review", args=[w.learning_set.pk]),
        lambda w: {"learned": "To listen.", "keep_doing": "Asking first.", "story": ""},
        lambda w: ClosingReviewEntry.objects.filter(author=w.member).count(),
        1,
        prepare=open_closing_review,
    ),
    "value story": Form(
        "member",
        lambda w: reverse("meetings:report_back_story", args=[w.report_back.pk]),
        lambda w: {"text": "The rota is fairer.", "cycle": "applied", "consent": "anonymised"},
        lambda w: ValueStory.objects.filter(author=w.member, consent="anonymised").count(),
        1,
        audits={MeetingAction.STORY_SHARED: 1},
        prepare=own_report_back,
    ),
    "value story sharing": Form(
        "member",
        lambda w: reverse("meetings:value_story_sharing", args=[w.story.pk]),
        lambda w: {f"s{w.story.pk}-consent": "named"},
        lambda w: ValueStory.objects.filter(author=w.member, consent="named").count(),
        1,
        audits={MeetingAction.STORY_SHARED: 1},
        prepare=own_story,
        page=lambda w: reverse("meetings:my_value_stories"),
    ),
    "value story deletion": Form(
        "member",
        lambda w: reverse("meetings:value_story_delete", args=[w.story.pk]),
        lambda w: {},
        lambda w: int(not ValueStory.objects.filter(pk=w.story.pk).exists()),
        1,
        audits={MeetingAction.STORY_DELETED: 1},
        prepare=own_story,
    ),
    "review contribution": Form(
        "member",
        lambda w: reverse("meetings:meeting_review_contribution", args=[w.held.pk]),
        lambda w: {"how_we_worked": "We listened.", "do_differently": "Fewer stories."},
        lambda w: ReviewContribution.objects.filter(author=w.member).count(),
        1,
        prepare=held_meeting,
    ),
    "remove member": Form(
        "facilitator",
        member_removal,
        lambda w: {},
        lambda w: Membership.objects.filter(user=w.member, left_at__isnull=False).count(),
        1,
        audits={SetAction.MEMBERSHIP_ENDED: 1},
    ),
}


def audit_counts(actions):
    return {action: AuditEvent.objects.filter(action=action).count() for action in actions}


FORM_KEY = re.compile(r'<input type="hidden" name="form_key" value="([A-Za-z0-9_-]+)">')


def key_on(page):
    """The form key the page rendered; every creating form has one."""
    keys = FORM_KEY.findall(page.content.decode())
    assert keys, "the form has no key"
    return keys[0]


SIGNUP = {
    "name": "Nia Newcomer",
    "email": "nia@example.org",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}
