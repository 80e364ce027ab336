"""Every URL × every role of docs/confidentiality.md#who-sees-what.

Before each request, confidential text is planted where it could leak from; each response
body is then checked for it. `test_every_url_has_a_row` walks the URL resolver, so a new
page cannot ship without a row here.
"""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib import admin as operator_admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from alsspace.audit import record
from alsspace.models import AuditEvent
from reflections.models import JournalEntry
from sessions.models import (
    Action,
    AirtimeSlot,
    Bid,
    CalendarFeed,
    InactionPrompt,
    Meeting,
    ReportBack,
    ReviewContribution,
    ValueStory,
)
from sets.audit_actions import SetAction
from sets.models import Amendment, ClosingReview, ClosingReviewEntry, Invitation, Membership, Nudge
from tests.alsspace.software_authenticator import stored_key
from tests.factories import UserFactory, identity_provider
from tests.sessions.factories import MeetingFactory, days_from_now

ROLES = ["anonymous", "outsider", "pending", "member", "former", "facilitator", "admin", "operator"]

# The outsider is a member of another set in the same programme: the likeliest leak.
PERSON = {
    "outsider": "other_member",
    "pending": "pending",
    "member": "member",
    "former": "former",
    "facilitator": "facilitator",
    "admin": "admin",
    "operator": "operator",
}

ALPHA_CONTRACT = "Alpha clause: what Priya said about the merger stays here."
BETA_CONTRACT = "Beta clause: never repeat the restructuring plans outside."

# Who may read the set's contract text (docs/confidentiality.md#who-sees-what: contract row).
READS_CONTRACT = {"pending", "member", "facilitator"}

# Third-party pages with their own tests: allauth (tests/alsspace/test_accounts.py). The
# operator's Django admin has rows below, but for its unnamed redirects and catch-all.
EXEMPT_PREFIXES = ("accounts/",)

LOGIN = "login"  # an anonymous visitor is redirected to sign in
OPERATOR_LOGIN = "operator login"  # the admin sends everyone but staff to its own sign-in


def _set(w):
    return {"pk": w.learning_set.pk}


def _programme(w):
    return {"pk": w.programme.pk}


def _invitation(w):
    return {"pk": w.learning_set.pk, "invitation_pk": w.invitation.pk}


def _membership(w):
    membership = w.learning_set.memberships.get(user=w.member, left_at__isnull=True)
    return {"pk": w.learning_set.pk, "membership_pk": membership.pk}


def _token(w):
    return {"token": w.invitation.token}


def _own_invitation(w):
    return {"pk": w.learning_set.pk, "invitation_pk": w.own_invitation.pk}


def _meeting(w):
    return {"pk": w.meeting.pk}


def _held_meeting(w):
    return {"pk": w.held_meeting.pk}


def _feed(w):
    return {"token": w.feed.token}


def _action(w):
    return {"pk": w.action.pk}


def _report_back(w):
    return {"pk": w.report_back.pk}


def _closing_entry(w):
    return {"pk": w.closing_entry.pk}


def _story(w):
    return {"pk": w.story.pk}


def _amendment(w):
    return {"pk": w.learning_set.pk, "amendment_pk": w.amendment.pk}


# A meeting page's panels: its facilitators only; the matrix posts nothing, which is bad input.
MEETING_PANEL = dict(pending=403, member=403, facilitator=400, admin=403)


def expect(
    anonymous=LOGIN,
    outsider=404,
    pending=404,
    member=404,
    former=404,
    facilitator=404,
    admin=404,
    operator=404,
):
    return {
        "anonymous": anonymous,
        "outsider": outsider,
        "pending": pending,
        "member": member,
        "former": former,
        "facilitator": facilitator,
        "admin": admin,
        "operator": operator,
    }


EVERYONE = dict(
    outsider=200, pending=200, member=200, former=200, facilitator=200, admin=200, operator=200
)
PROGRAMME_ADMIN_ONLY = expect(admin=200)
SET_VIEWERS = dict(pending=200, member=200, facilitator=200, admin=200)
SET_MANAGERS = dict(pending=403, member=403, facilitator=200, admin=200)
SIGNED_IN_302 = {role: 302 for role in EVERYONE}
FACILITATOR_ONLY = dict(pending=403, member=403, admin=403)
API_WITHOUT_TOKEN = {role: 401 for role in ROLES}


def _private_entry(w):
    return {"pk": w.private_entry.pk}


def _shared_entry(w):
    return {"pk": w.shared_entry.pk}


# (url name, kwargs from the world, method, expected status by role)
MATRIX = [
    ("home", None, "get", expect(**EVERYONE)),
    ("healthz", None, "get", expect(anonymous=200, **EVERYONE)),
    # The words of the page's scripts, and the language switch of the signed-out pages.
    ("javascript-catalog", None, "get", expect(anonymous=200, **EVERYONE)),
    ("set_language", None, "post", expect(anonymous=302, **SIGNED_IN_302)),
    ("sets:programmes", None, "get", expect(**EVERYONE)),
    (
        "sets:programme_create",
        None,
        "get",
        # The operator starts an installation's first programme.
        expect(
            outsider=403,
            pending=403,
            member=403,
            former=403,
            facilitator=403,
            admin=200,
            operator=200,
        ),
    ),
    ("sets:programme", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:programme_edit", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:programme_admins", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:set_create", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:import_members", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:import_template", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:audit", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:programme_sign_on", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:programme_sign_on", _programme, "post", expect(admin=400)),
    (
        "sets:import_confirm",
        _programme,
        "post",
        # An empty post confirms no preview: bad input.
        expect(admin=400),
    ),
    ("sets:set", _set, "get", expect(**SET_VIEWERS)),
    # Assigning a facilitator is the programme admin's, who sees the set; those in it may not.
    (
        "sets:assign_facilitator",
        _set,
        "get",
        expect(pending=403, member=403, facilitator=403, admin=200),
    ),
    # Everyone chooses their own nudges; an empty post turns every optional kind off.
    ("sets:notifications", None, "get", expect(**EVERYONE)),
    ("sets:notifications", None, "post", expect(**SIGNED_IN_302)),
    ("sets:details", None, "get", expect(**EVERYONE)),
    # The matrix posts nothing: no name is bad input.
    ("sets:details", None, "post", expect(**{role: 400 for role in EVERYONE})),
    # A notice is its person's alone: anyone else is told it does not exist.
    ("sets:nudge_dismiss", lambda w: {"pk": w.nudge.pk}, "post", expect(member=302)),
    ("sets:set_edit", _set, "get", expect(pending=403, member=403, facilitator=403, admin=200)),
    ("sets:invite", _set, "get", expect(**SET_MANAGERS)),
    (
        "sets:invitation_resend",
        _invitation,
        "post",
        expect(**{**SET_MANAGERS, "facilitator": 302, "admin": 302}),
    ),
    (
        "sets:invitation_revoke",
        _invitation,
        "post",
        expect(**{**SET_MANAGERS, "facilitator": 302, "admin": 302}),
    ),
    # An invitation the programme admin sent to their own address: the set's facilitator
    # decides (an empty post is bad input); the admin who asked sees it but may not.
    ("sets:invitation_approval", _own_invitation, "get", expect(**SET_MANAGERS)),
    (
        "sets:invitation_approval",
        _own_invitation,
        "post",
        expect(**{**SET_MANAGERS, "facilitator": 400, "admin": 403}),
    ),
    ("sets:member_remove", _membership, "get", expect(**SET_MANAGERS)),
    ("sets:contract", _set, "get", expect(pending=200, member=200, facilitator=200, admin=403)),
    (
        "sets:contract_edit",
        _set,
        "get",
        expect(pending=403, member=403, facilitator=200, admin=403),
    ),
    # The contract's history is contract text: read by whoever reads the contract.
    (
        "sets:contract_history",
        _set,
        "get",
        expect(pending=200, member=200, facilitator=200, admin=403),
    ),
    # Members under the contract propose changes; the set under it reads them; the
    # facilitator decides (an empty post is bad input) and the proposer may withdraw.
    (
        "sets:amendment_create",
        _set,
        "get",
        expect(pending=403, member=200, facilitator=403, admin=403),
    ),
    (
        "sets:amendment",
        _amendment,
        "get",
        expect(pending=403, member=200, facilitator=200, admin=403),
    ),
    (
        "sets:amendment",
        _amendment,
        "post",
        expect(pending=403, member=400, facilitator=400, admin=403),
    ),
    ("sets:set_close", _set, "get", expect(pending=403, member=403, facilitator=200, admin=200)),
    # The set's status and its closing review: the facilitator sets the status and opens the
    # review (already open in the planted world); the set reads and writes it, never the
    # programme admin. Empty posts are bad input.
    ("sets:set_status", _set, "post", expect(pending=403, member=403, facilitator=400, admin=403)),
    (
        "sets:closing_review",
        _set,
        "get",
        expect(pending=403, member=200, facilitator=200, admin=403),
    ),
    (
        "sets:closing_review",
        _set,
        "post",
        expect(pending=403, member=400, facilitator=400, admin=403),
    ),
    (
        "sets:closing_review_open",
        _set,
        "post",
        expect(pending=403, member=403, facilitator=302, admin=403),
    ),
    ("sets:invitation", _token, "get", expect(anonymous=302, **EVERYONE)),
    # meetings: scheduling and calendars
    ("meetings:schedule", _set, "get", expect(**SET_VIEWERS)),
    ("meetings:meeting_create", _set, "get", expect(**SET_MANAGERS)),
    ("meetings:series_create", _set, "get", expect(**SET_MANAGERS)),
    ("meetings:meeting_edit", _meeting, "get", expect(**SET_MANAGERS)),
    ("meetings:meeting_cancel", _meeting, "get", expect(**SET_MANAGERS)),
    (
        "meetings:meeting_cancel",
        _meeting,
        "post",
        expect(**{**SET_MANAGERS, "facilitator": 302, "admin": 302}),
    ),
    ("meetings:meeting_ics", _meeting, "get", expect(**SET_VIEWERS)),
    ("meetings:set_ics", _set, "get", expect(**SET_VIEWERS)),
    ("meetings:my_calendar", None, "get", expect(**EVERYONE)),
    (
        "meetings:calendar_feed_regenerate",
        None,
        "post",
        expect(**{role: 302 for role in EVERYONE}),
    ),
    # The secret in the URL is the key: calendar apps cannot sign in.
    ("meetings:calendar_feed", _feed, "get", expect(anonymous=200, **EVERYONE)),
    # meetings: the meeting page, apologies and actions
    ("meetings:meeting", _meeting, "get", expect(**SET_VIEWERS)),
    ("meetings:meeting_attendance", _meeting, "post", expect(**MEETING_PANEL)),
    ("meetings:meeting_report_backs", _meeting, "post", expect(**MEETING_PANEL)),
    ("meetings:meeting_airtime", _meeting, "post", expect(**MEETING_PANEL)),
    ("meetings:meeting_actions", _meeting, "post", expect(**MEETING_PANEL)),
    ("meetings:meeting_review", _meeting, "post", expect(**MEETING_PANEL)),
    ("meetings:meeting_held", _meeting, "post", expect(**MEETING_PANEL)),
    ("meetings:meeting_bid_plan", _meeting, "post", expect(**MEETING_PANEL)),
    # A presenter under the contract, or a facilitator, closes a slot as learning noted; the
    # empty post names no slot, which is bad input. Whose slot is asked of the slot
    # (tests/sessions/test_learning_noted.py).
    (
        "meetings:meeting_slot_noted",
        _meeting,
        "post",
        expect(pending=403, member=400, facilitator=400, admin=403),
    ),
    # Members under the contract bid for airtime (an empty post says neither bring, change
    # nor withdraw); a member who has not accepted it, the facilitator and admins may not.
    (
        "meetings:meeting_bids",
        _meeting,
        "post",
        expect(pending=403, member=400, facilitator=403, admin=403),
    ),
    # The set's own process review of a meeting that has been held: the facilitator and
    # members under the contract. An empty post adds nothing, which is bad input, or takes
    # back what the person added (the facilitator has, in the planted world).
    (
        "meetings:meeting_review_contribution",
        _held_meeting,
        "get",
        expect(pending=403, member=200, facilitator=200, admin=403),
    ),
    (
        "meetings:meeting_review_contribution",
        _held_meeting,
        "post",
        expect(pending=403, member=400, facilitator=302, admin=403),
    ),
    # Members send apologies (an empty post says neither send nor withdraw).
    (
        "meetings:meeting_apologies",
        _meeting,
        "post",
        expect(pending=400, member=400, facilitator=403, admin=403),
    ),
    ("meetings:my_actions", None, "get", expect(**EVERYONE)),
    # Only the action's owner (the member) writes its report-back.
    (
        "meetings:action_report",
        _action,
        "get",
        expect(pending=403, member=200, facilitator=403, admin=403),
    ),
    # Value stories (docs/confidentiality.md#value-stories): each person lists their own; only
    # the report-back's owner (the member) and the closing words' author (the facilitator)
    # tell a story on them; only its author shares one, and the empty posts are bad input.
    ("meetings:my_value_stories", None, "get", expect(**EVERYONE)),
    ("meetings:value_story_sharing", _story, "post", expect(member=400)),
    # Only its author deletes a story: the confirm step, and the post that deletes it.
    ("meetings:value_story_delete", _story, "get", expect(member=200)),
    ("meetings:value_story_delete", _story, "post", expect(member=302)),
    (
        "meetings:report_back_story",
        _report_back,
        "get",
        expect(pending=403, member=200, facilitator=403, admin=403),
    ),
    (
        "meetings:report_back_story",
        _report_back,
        "post",
        expect(pending=403, member=400, facilitator=403, admin=403),
    ),
    (
        "meetings:closing_story",
        _closing_entry,
        "get",
        expect(pending=403, member=403, facilitator=200, admin=403),
    ),
    (
        "meetings:closing_story",
        _closing_entry,
        "post",
        expect(pending=403, member=403, facilitator=400, admin=403),
    ),
    # reflections
    ("reflections:journal", None, "get", expect(**EVERYONE)),
    ("reflections:entry_create", None, "get", expect(**EVERYONE)),
    ("reflections:draft", None, "post", expect(**SIGNED_IN_302)),
    ("reflections:prompts", None, "get", expect(**EVERYONE)),
    ("reflections:entry", _private_entry, "get", expect(member=200)),
    ("reflections:entry_edit", _private_entry, "get", expect(member=200)),
    ("reflections:entry_delete", _private_entry, "get", expect(member=200)),
    ("reflections:entry_draft", _private_entry, "post", expect(member=302)),
    ("reflections:entry_share", _private_entry, "post", expect(member=400)),
    ("reflections:entry_unshare", _shared_entry, "post", expect(member=302)),
    (
        "reflections:shared",
        _set,
        "get",
        expect(pending=403, member=200, facilitator=200, admin=403),
    ),
    (
        "reflections:set_prompt_create",
        _set,
        "get",
        expect(pending=403, member=403, facilitator=200, admin=403),
    ),
    ("reflections:my_data", None, "get", expect(**EVERYONE)),
    ("reflections:my_data_download", None, "post", expect(**EVERYONE)),
    ("reflections:erase_account", None, "get", expect(**EVERYONE)),
    # programme reports and exports
    ("meetings:programme_report", _programme, "get", PROGRAMME_ADMIN_ONLY),
    # the programme's inaction thresholds: its admins set them, and only they find the page
    ("meetings:signal_thresholds", _programme, "get", PROGRAMME_ADMIN_ONLY),
    # the programme's pulse statements: its admins choose them, and only they find the page
    ("meetings:pulse_items", _programme, "get", PROGRAMME_ADMIN_ONLY),
    # The programme's API tokens: its admins' page; an empty post names no token (400).
    ("api:tokens", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("api:tokens", _programme, "post", expect(admin=400)),
    # The API takes a token, never a session: everyone without one gets 401
    # (docs/api.md#tokens); its schema describes endpoints, no data, and is public.
    ("api:api_v1:openapi-json", None, "get", expect(anonymous=200, **EVERYONE)),
    # The API's root only names where its endpoints are: there is nothing at it.
    ("api:api_v1:api-root", None, "get", expect(anonymous=404)),
    ("api:api_v1:programme", None, "get", API_WITHOUT_TOKEN),
    ("api:api_v1:sets", None, "get", API_WITHOUT_TOKEN),
    ("api:api_v1:set", lambda w: {"set_id": w.learning_set.pk}, "get", API_WITHOUT_TOKEN),
    (
        "api:api_v1:set_members",
        lambda w: {"set_id": w.learning_set.pk},
        "get",
        API_WITHOUT_TOKEN,
    ),
    ("api:api_v1:members", None, "get", API_WITHOUT_TOKEN),
    ("api:api_v1:meetings", None, "get", API_WITHOUT_TOKEN),
    ("api:api_v1:meeting", lambda w: {"meeting_id": w.meeting.pk}, "get", API_WITHOUT_TOKEN),
    ("api:api_v1:attendance", None, "get", API_WITHOUT_TOKEN),
    ("meetings:attendance_export", _programme, "get", PROGRAMME_ADMIN_ONLY),
    # the evaluation report for the sponsor: the programme's admins only
    ("meetings:evaluation", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("meetings:evaluation_export", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("meetings:set_report", _set, "get", expect(**SET_MANAGERS)),
    ("meetings:set_attendance_export", _set, "get", expect(**SET_MANAGERS)),
    # dashboard and pulse
    # Prompts and notes: the set's facilitators only. The overview sends a facilitator of one
    # set straight to its dashboard. Acting on a prompt with an empty post is bad input.
    ("meetings:dashboards", None, "get", expect(**{**EVERYONE, "facilitator": 302})),
    (
        "meetings:dashboard",
        _set,
        "get",
        expect(pending=403, member=403, facilitator=200, admin=403),
    ),
    *(
        (
            name,
            lambda w: {"pk": w.prompt.pk},
            method,
            expect(**FACILITATOR_ONLY, facilitator=status),
        )
        for name in ("meetings:prompt_raise", "meetings:prompt_dismiss")
        for method, status in (("get", 200), ("post", 400))
    ),
    # Members under the contract answer the pulse; the planted meeting is not held yet, which
    # the page explains (and an answer posted to it is refused as bad input).
    (
        "meetings:pulse",
        _meeting,
        "get",
        expect(pending=403, member=200, facilitator=403, admin=403),
    ),
    (
        "meetings:pulse",
        _meeting,
        "post",
        expect(pending=403, member=400, facilitator=403, admin=403),
    ),
    (
        "meetings:pulse_results",
        _meeting,
        "get",
        expect(pending=403, member=200, facilitator=200, admin=403),
    ),
]

# The operator admin (/operator/): staff only, and everyone else is sent to its own sign-in,
# which it shows them (signed in as someone who is not staff, they may sign in as another).
NOT_STAFF = {
    "anonymous": LOGIN,
    **{role: OPERATOR_LOGIN for role in ROLES if role not in ("anonymous", "operator")},
}


def operator_only(operator=200, **others):
    return {**NOT_STAFF, "operator": operator, **others}


def operator_site_page(operator=200):
    """The admin site's own pages send even anonymous visitors to the admin's sign-in."""
    return operator_only(operator, anonymous=OPERATOR_LOGIN)


# What the admin refuses even the operator: contracts, nudges and the audit log are never
# written by hand (nor nudges deleted), second factors are only ever removed and sign-in
# addresses and identity provider accounts only ever added by their owner
# (tests/alsspace/test_admin.py), and the task queue is the worker's.
OPERATOR_REFUSED = {
    ("django_tasks_database.DBTaskResult", "add"),
    ("django_tasks_database.DBTaskResult", "delete"),
    ("sets.Contract", "add"),
    ("sets.Nudge", "add"),
    ("sets.Nudge", "delete"),
    ("alsspace.AuditEvent", "add"),
    ("alsspace.AuditEvent", "delete"),
    ("mfa.Authenticator", "add"),
    ("account.EmailAddress", "add"),
    ("socialaccount.SocialAccount", "add"),
}


def _admin_object(model):
    return lambda w: {"object_id": w.admin_objects[model].pk}


def _admin_rows():
    for model in operator_admin.site._registry:
        label = model._meta.label
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for action, kwargs in [
            ("changelist", None),
            ("add", None),
            ("change", _admin_object(model)),
            ("delete", _admin_object(model)),
            ("history", _admin_object(model)),
        ]:
            status = 403 if (label, action) in OPERATOR_REFUSED else 200
            yield (f"{prefix}_{action}", kwargs, "get", operator_only(status))


def _invitation_on_site(w):
    content_type = ContentType.objects.get_for_model(Invitation)
    return {"content_type_id": content_type.pk, "object_id": w.invitation.pk}


ADMIN_MATRIX = [
    ("admin:index", None, "get", operator_site_page()),
    (
        "admin:login",
        None,
        "get",
        {**{role: 200 for role in NOT_STAFF}, "operator": 302},
    ),
    (
        "admin:logout",
        None,
        "post",
        {**{role: 302 for role in NOT_STAFF}, "anonymous": OPERATOR_LOGIN, "operator": 200},
    ),
    ("admin:password_change", None, "get", operator_site_page()),
    ("admin:password_change_done", None, "get", operator_site_page()),
    # Answers only for fields set up to look things up; none is, but allauth's email owner.
    ("admin:autocomplete", None, "get", operator_site_page(403)),
    ("admin:jsi18n", None, "get", operator_site_page()),
    # An invitation's live link is a credential: "view on site" does not lead to it.
    ("admin:view_on_site", _invitation_on_site, "get", operator_site_page(404)),
    ("admin:app_list", lambda w: {"app_label": "sets"}, "get", operator_site_page()),
    # Nobody's password but their own: whoever chose it could sign in and read a journal.
    (
        "admin:auth_user_password_change",
        lambda w: {"id": w.member.pk},
        "get",
        operator_only(403),
    ),
    *_admin_rows(),
]
MATRIX += ADMIN_MATRIX


def _member_key(w):
    return {"pk": w.member_key.pk}


# Passkeys and security keys (allauth's WebAuthn pages, under accounts/ but listed here as
# every page of this installation's own sign-in is): each person's own keys only. Changing or
# removing a key asks for the password again first (302 to confirm it), whoever's key it is;
# tests/alsspace/test_passkeys.py checks that another person's key is then not found.
SIGNED_IN_200 = {role: 200 for role in EVERYONE}
PASSKEY_MATRIX = [
    ("mfa_list_webauthn", None, "get", expect(**SIGNED_IN_200)),
    ("mfa_add_webauthn", None, "get", expect(**SIGNED_IN_302)),
    # Confirming with a key is for those who have one; the others confirm with a password.
    (
        "mfa_reauthenticate_webauthn",
        None,
        "get",
        expect(**{**SIGNED_IN_302, "member": 200}),
    ),
    ("mfa_edit_webauthn", _member_key, "get", expect(**SIGNED_IN_302)),
    ("mfa_remove_webauthn", _member_key, "get", expect(**SIGNED_IN_302)),
    # Signing in with a passkey: its page is the sign-in page; the signed-in are sent home.
    ("mfa_login_webauthn", None, "get", expect(**SIGNED_IN_302)),
]
MATRIX += PASSKEY_MATRIX

# Journal text and who may read it: a private entry its author alone; a shared one the
# set's facilitator and members under its contract (docs/confidentiality.md#who-sees-what,
# the two journal rows).
PRIVATE_JOURNAL = "Private: I am avoiding the conversation with my CFO."
ALPHA_SHARED_JOURNAL = "Shared with Alpha: the set helped me see my part in the delay."
BETA_SHARED_JOURNAL = "Shared with Beta: what Olive told the set about her board."
JOURNAL_READERS = [
    (PRIVATE_JOURNAL, {"member"}),
    (ALPHA_SHARED_JOURNAL, {"member", "facilitator"}),
    (BETA_SHARED_JOURNAL, {"outsider"}),  # the outsider role is Olive, its author
]

# A bid's problem and the presenter's framing on their slot: the set's facilitators and
# members under its contract (docs/confidentiality.md#who-sees-what, the bids row).
BID_PROBLEM = "Bid: Maya fears the merger will cost her the team's trust."
SLOT_FRAMING = "Framing: Maya wants to test her plan to tell the team first."
SET_CONTENT_READERS = {"member", "facilitator"}

# Inaction prompts and facilitator notes: the set's facilitators only
# (docs/confidentiality.md#who-sees-what).
PROMPT_NOTE = "Facilitator note: Sam keeps deflecting."
PROMPT_QUESTION = "Prompt question: what is Maya avoiding in the merger?"
PROMPT_PERSON_QUESTION = "Prompt question to one person: what would telling the CFO cost?"
PROMPT_TEXTS = [PROMPT_NOTE, PROMPT_QUESTION, PROMPT_PERSON_QUESTION]

# A proposed change to the contract, its reason and the reason it was declined: set content,
# for the set's facilitator and members under its contract, not a member yet to accept it
# (docs/confidentiality.md#who-sees-what).
AMENDMENT_TEXTS = [
    "Proposed clause: we never name Maya's client outside the room.",
    "Proposal reason: the merger talk reached the canteen.",
    "Declined because: rule one already covers the canteen.",
]
AMENDMENT_READERS = {"member", "facilitator"}

# The set's own process review and closing review, and the facilitator's private note on a
# meeting: the set (facilitator and members under the contract) reads the first two; the
# note is the facilitators' alone (docs/confidentiality.md#who-sees-what).
SET_REVIEW = "Set review: we rescued Maya instead of asking her questions."
CLOSING_STORY = "Closing story: the set gave me the nerve to stop the merger."
PRIVATE_NOTE = "Private note: I steered the set too hard today."
# Value stories: read in the set like the report-back or closing review they belong to, and
# by the programme only on its evaluation report, never on these pages, even when their
# author shares them (docs/confidentiality.md#value-stories).
REPORT_BACK_STORY = "Value story: the CFO now asks the night shift first."
CLOSING_VALUE_STORY = "Value story: I stopped measuring success by the merger's speed."
SET_TEXTS = [SET_REVIEW, CLOSING_STORY, REPORT_BACK_STORY, CLOSING_VALUE_STORY]
# Both stories are shared: the programme's admins read them on the evaluation report, and
# there alone.
SHARED_STORIES = [REPORT_BACK_STORY, CLOSING_VALUE_STORY]
STORY_PAGES = {"meetings:evaluation", "meetings:evaluation_export"}


@pytest.fixture
def planted(world, settings):
    """The world, with confidential text placed where a careless page would show it."""
    # The operator admin's task pages read the database backend's queue.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    world.contract.text = ALPHA_CONTRACT
    world.contract.save()
    world.other_set.contracts.update(text=BETA_CONTRACT)
    world.invitation = Invitation.objects.create(
        learning_set=world.learning_set, name="Nina New", email="nina.new@example.org"
    )
    world.meeting = MeetingFactory(learning_set=world.learning_set)
    world.action = Action.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=world.meeting,
        text="Maya's action: raise the merger with the CFO",
    )
    Bid.objects.create(
        meeting=world.meeting,
        member=world.member,
        problem=BID_PROBLEM,
        want="questions",
        minutes=20,
    )
    AirtimeSlot.objects.create(meeting=world.meeting, presenter=world.member, framing=SLOT_FRAMING)
    world.feed = CalendarFeed.objects.create(user=world.member, token="member-feed-secret")
    world.member_key = stored_key(world.member, "Maya's phone")
    world.held_meeting = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=days_from_now(-14),
        ends_at=days_from_now(-14) + timedelta(hours=4),
        status=Meeting.Status.HELD,
        process_review=PRIVATE_NOTE,
    )
    ReviewContribution.objects.create(
        meeting=world.held_meeting, author=world.facilitator, do_differently=SET_REVIEW
    )
    world.closing_entry = ClosingReviewEntry.objects.create(
        review=ClosingReview.objects.create(
            learning_set=world.learning_set, opened_by=world.facilitator
        ),
        author=world.facilitator,
        learned="To wait longer before asking.",
        keep_doing="Asking what it would cost to act.",
        story=CLOSING_STORY,
    )
    ValueStory.objects.create(
        learning_set=world.learning_set,
        author=world.facilitator,
        closing_entry=world.closing_entry,
        text=CLOSING_VALUE_STORY,
        cycle=ValueStory.Cycle.REFRAMING,
        consent=ValueStory.Consent.NAMED,
        consented_at=timezone.now(),
    )
    world.report_back = ReportBack.objects.create(
        action=world.action, meeting=world.meeting, outcome="partly", author=world.member
    )
    world.story = ValueStory.objects.create(
        learning_set=world.learning_set,
        author=world.member,
        report_back=world.report_back,
        text=REPORT_BACK_STORY,
        cycle=ValueStory.Cycle.APPLIED,
        consent=ValueStory.Consent.ANONYMISED,
        consented_at=timezone.now(),
    )
    world.nudge = Nudge.objects.create(
        person=world.member,
        learning_set=world.learning_set,
        kind=Nudge.Kind.BRING_ISSUE,
        occasion=world.meeting.pk,
        occasion_at=world.meeting.starts_at,
        ends_at=world.meeting.starts_at,
        link=world.meeting.get_absolute_url(),
    )
    world.private_entry = JournalEntry.objects.create(
        author=world.member, title="Before the CFO meeting", body=PRIVATE_JOURNAL
    )
    world.shared_entry = JournalEntry.objects.create(
        author=world.member,
        title="What the set showed me",
        body=ALPHA_SHARED_JOURNAL,
        shared_with=world.learning_set,
        shared_at=timezone.now(),
    )
    JournalEntry.objects.create(
        author=world.other_member,
        title="Beta reflection",
        body=BETA_SHARED_JOURNAL,
        shared_with=world.other_set,
        shared_at=timezone.now(),
    )
    world.prompt = InactionPrompt.objects.create(
        learning_set=world.learning_set,
        signal=InactionPrompt.Signal.CARRIED_ACTION,
        member=world.member,
        evidence_key=f"action:{world.action.pk}",
        summary="Maya's action has been carried forward at 2 meetings in a row.",
        suggested_question=PROMPT_QUESTION,
        person_question=PROMPT_PERSON_QUESTION,
    )
    world.prompt.evidence_actions.add(world.action)
    InactionPrompt.objects.create(
        learning_set=world.learning_set,
        signal=InactionPrompt.Signal.SILENT_MEMBER,
        member=world.member,
        evidence_key="since-meeting:1",
        summary="Maya came to the last 3 meetings without taking any airtime.",
        suggested_question="What have you been carrying?",
        status=InactionPrompt.Status.DISMISSED,
        facilitator_note=PROMPT_NOTE,
        closed_at=timezone.now(),
    )
    world.amendment = Amendment.objects.create(
        learning_set=world.learning_set,
        based_on=world.contract,
        text=AMENDMENT_TEXTS[0],
        reason=AMENDMENT_TEXTS[1],
        proposed_by=world.member,
    )
    Amendment.objects.create(
        learning_set=world.learning_set,
        based_on=world.contract,
        text=f"{ALPHA_CONTRACT} Amended.",
        reason="Clearer.",
        proposed_by=world.member,
        status=Amendment.Status.DECLINED,
        decided_by=world.facilitator,
        decided_at=timezone.now(),
        decision_reason=AMENDMENT_TEXTS[2],
    )
    world.own_invitation = Invitation.objects.create(
        learning_set=world.learning_set,
        name=world.admin.name,
        email=world.admin.email,
        invited_by=world.admin,
        needs_approval=True,
    )
    world.operator = UserFactory(name="Otto Operator", is_staff=True, is_superuser=True)
    world.admin_objects = {
        Group: Group.objects.create(name="Support"),
        DBTaskResult: DBTaskResult.objects.create(
            args_kwargs={"args": [1], "kwargs": {}},
            task_path="sets.tasks.send_invitation",
            backend_name="default",
            run_after=timezone.now(),
        ),
        type(world.member): world.member,
        type(world.member.emailaddress_set.get()): world.member.emailaddress_set.get(),
        Authenticator: Authenticator.objects.create(
            user=world.member, type=Authenticator.Type.RECOVERY_CODES, data={}
        ),
        type(world.contract): world.contract,
        type(world.programme): world.programme,
        type(world.learning_set): world.learning_set,
        type(world.invitation): world.invitation,
        AuditEvent: record(
            SetAction.CONTRACT_VERSION, actor=world.facilitator, subject="Set Alpha"
        ),
        Membership: world.learning_set.memberships.get(user=world.member),
        Nudge: world.nudge,
        SocialApp: identity_provider(),
        SocialAccount: SocialAccount.objects.create(
            user=world.member, provider="acme", uid="maya@acme.example"
        ),
    }
    return world


def _request(client, world, name, kwargs, method, role):
    if role != "anonymous":
        client.force_login(getattr(world, PERSON[role]))
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    return getattr(client, method)(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "method", "expected"), MATRIX, ids=[r[0] for r in MATRIX]
)
def test_permission_matrix(client, planted, name, kwargs, method, expected, role):
    response = _request(client, planted, name, kwargs, method, role)
    wanted = expected[role]
    if wanted == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif wanted == OPERATOR_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == wanted, f"{role} on {name}"
    # Exports are streamed: their bytes are checked like any page's.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    body = content.decode(errors="replace")
    assert BETA_CONTRACT not in body
    if role not in READS_CONTRACT:
        assert ALPHA_CONTRACT not in body
    for text, readers in JOURNAL_READERS:
        if role not in readers:
            assert text not in body, f"journal text reached {role} on {name}"
    if role not in SET_CONTENT_READERS:
        for text in (BID_PROBLEM, SLOT_FRAMING):
            assert text not in body, f"a bid or framing reached {role} on {name}"
    if role != "facilitator":
        for text in PROMPT_TEXTS:
            assert text not in body, f"an inaction prompt reached {role} on {name}"
    if role not in AMENDMENT_READERS:
        for text in AMENDMENT_TEXTS:
            assert text not in body, f"a proposed contract change reached {role} on {name}"
        assert PRIVATE_NOTE not in body, f"the facilitator's private note reached {role}"
    if role not in ("member", "facilitator"):
        for text in SET_TEXTS:
            if role == "admin" and name in STORY_PAGES and text in SHARED_STORIES:
                # The page escapes its apostrophe; the CSV has it as written.
                assert text in body or escape(text) in body, f"a shared story is not on {name}"
                continue
            assert text not in body, f"a review the set owns reached {role} on {name}"


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            yield route, f"{namespace}{pattern.name}" if pattern.name else None


def test_every_url_has_a_row():
    covered = {row[0] for row in MATRIX}
    missing = [
        (route, name)
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(EXEMPT_PREFIXES)
        and not (route.startswith("operator/") and name is None)
        and name not in covered
    ]
    assert missing == [], "URLs without a row in the permission matrix"
