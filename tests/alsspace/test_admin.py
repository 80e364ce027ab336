"""The operators' Django admin: every page opens, and set content never shows."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.socialaccount.models import SocialAccount
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from alsspace.audit import record
from alsspace.audit_actions import AccountAction
from alsspace.models import AuditEvent
from reflections.models import JournalDraft, JournalEntry, Prompt
from sessions.models import Action as ActionItem
from sessions.models import AirtimeSlot, InactionPrompt, Meeting, ReportBack
from sets.audit_actions import SetAction
from sets.models import Contract, Invitation, LearningSet, Membership, Programme
from tests.factories import ContractFactory, InvitationFactory, UserFactory
from tests.sessions.factories import MeetingFactory

User = get_user_model()
PLANTED_CONTRACT_TEXT = "PLANTED-CONTRACT-TEXT We never discuss the Hartley merger outside."


@pytest.fixture
def operator(db):
    return UserFactory(email="operator@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def planted(world):
    """Objects of every registered kind, with contract text that must never reach the admin."""
    contract = ContractFactory(
        learning_set=world.learning_set, version=2, text=PLANTED_CONTRACT_TEXT
    )
    invitation = InvitationFactory(learning_set=world.learning_set)
    event = record(SetAction.CONTRACT_VERSION, actor=world.facilitator, subject="Set Alpha v2")
    return {
        "contract": contract,
        "invitation": invitation,
        "event": event,
        "membership": Membership.objects.filter(learning_set=world.learning_set).first(),
    }


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def admin_pages(world, planted):
    objects = [
        world.member,
        planted["event"],
        world.programme,
        world.learning_set,
        planted["membership"],
        planted["invitation"],
        planted["contract"],
    ]
    pages = [reverse("admin:index")]
    for obj in objects:
        pages.append(admin_url(type(obj), "changelist"))
        pages.append(admin_url(type(obj), "change", obj.pk))
    return pages


def test_operator_opens_every_changelist_and_change_page(operator_client, world, planted):
    for url in admin_pages(world, planted):
        response = operator_client.get(url)
        assert response.status_code == 200, url


def test_contract_text_never_appears_in_the_admin(operator_client, world, planted):
    pages = admin_pages(world, planted) + [
        admin_url(Contract, "changelist") + "?q=PLANTED",
        admin_url(LearningSet, "delete", world.learning_set.pk),
        admin_url(Programme, "delete", world.programme.pk),
        admin_url(Contract, "history", planted["contract"].pk),
    ]
    for url in pages:
        response = operator_client.get(url)
        assert response.status_code == 200, url
        assert "PLANTED-CONTRACT-TEXT" not in response.content.decode(), url


def test_invitation_key_is_not_shown(operator_client, planted):
    invitation = planted["invitation"]
    for url in [
        admin_url(Invitation, "changelist"),
        admin_url(Invitation, "change", invitation.pk),
    ]:
        body = operator_client.get(url).content.decode()
        assert invitation.key not in body
        assert invitation.token not in body


def test_contracts_cannot_be_added_or_edited(operator_client, planted):
    contract = planted["contract"]
    assert operator_client.get(admin_url(Contract, "add")).status_code == 403
    response = operator_client.post(
        admin_url(Contract, "change", contract.pk), {"version": 9, "text": "Rewritten"}
    )
    assert response.status_code == 403
    contract.refresh_from_db()
    assert (contract.version, contract.text) == (2, PLANTED_CONTRACT_TEXT)


def test_audit_log_is_read_only(operator_client, planted):
    event = planted["event"]
    assert operator_client.get(admin_url(AuditEvent, "add")).status_code == 403
    change_page = operator_client.get(admin_url(AuditEvent, "change", event.pk))
    assert change_page.status_code == 200
    assert 'name="_save"' not in change_page.content.decode()
    delete = operator_client.post(admin_url(AuditEvent, "delete", event.pk), {"post": "yes"})
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_operator_adds_an_email_login_user(operator_client):
    response = operator_client.post(
        admin_url(User, "add"),
        {
            "email": "New.Person@Example.org",
            "name": "New Person",
            "time_zone": "Europe/London",
            "usable_password": "true",
            "password1": "a sturdy passphrase 2026",
            "password2": "a sturdy passphrase 2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.name == "New Person"
    assert user.check_password("a sturdy passphrase 2026")


def test_user_admin_refuses_an_address_already_in_use(operator_client, world):
    response = operator_client.post(
        admin_url(User, "add"),
        {
            "email": world.member.email.upper(),
            "name": "Duplicate",
            "time_zone": "Europe/London",
            "usable_password": "false",
        },
    )
    assert response.status_code == 200
    assert "already signs in with this email" in response.content.decode()
    assert User.objects.filter(email__iexact=world.member.email).count() == 1


def test_user_search_finds_people_by_name_and_email(operator_client, world):
    changelist = admin_url(User, "changelist")
    assert world.member.email in operator_client.get(changelist + "?q=Maya").content.decode()
    by_email = operator_client.get(changelist + f"?q={world.member.email}").content.decode()
    assert "Maya Member" in by_email


def test_people_without_staff_status_are_kept_out(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_second_factor_secrets_never_show_and_removal_is_audited(operator_client, world):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    authenticator = TOTP.activate(world.member, secret).instance
    for url in [
        admin_url(Authenticator, "changelist"),
        admin_url(Authenticator, "change", authenticator.pk),
    ]:
        response = operator_client.get(url)
        assert response.status_code == 200, url
        assert secret not in response.content.decode(), url

    response = operator_client.post(
        admin_url(Authenticator, "delete", authenticator.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    event = AuditEvent.objects.get(action=AccountAction.MFA_CHANGED)
    assert event.subject == world.member.email
    assert event.actor.email == "operator@example.org"
    assert event.detail == {"change": "removed by operator", "kind": "totp"}


# The operator as an attacker would use the admin: set content planted in every place it lives,
# then every page of every registered model, the cascading delete confirmations, history,
# search, autocomplete and "view on site" searched for it.

SECRET = "ZQSECRET"


@pytest.fixture
def set_content(world, planted):
    """A unique text in every field that holds what a set said or wrote."""
    held = MeetingFactory(
        learning_set=world.learning_set,
        starts_at=timezone.now() - timezone.timedelta(days=14),
        ends_at=timezone.now() - timezone.timedelta(days=14, hours=-4),
        status=Meeting.Status.HELD,
        process_review=f"{SECRET}-process-review",
    )
    slot = AirtimeSlot.objects.create(
        meeting=held, presenter=world.member, topic=f"{SECRET}-airtime-topic"
    )
    action = ActionItem.objects.create(
        learning_set=world.learning_set,
        owner=world.member,
        committed_at=held,
        slot=slot,
        text=f"{SECRET}-action-text",
    )
    ReportBack.objects.create(
        action=action,
        meeting=held,
        outcome=ReportBack.Outcome.CARRIED,
        note=f"{SECRET}-report-back-note",
        written_by=world.member,
    )
    Prompt.objects.create(
        learning_set=world.learning_set,
        meeting=held,
        posed_by=world.facilitator,
        question=f"{SECRET}-posed-prompt-question",
        guidance=f"{SECRET}-posed-prompt-guidance",
        starter=f"{SECRET}-posed-prompt-starter",
    )
    InactionPrompt.objects.create(
        learning_set=world.learning_set,
        signal=InactionPrompt.Signal.SILENT_MEMBER,
        member=world.member,
        evidence_key="admin-test",
        summary=f"{SECRET}-inaction-summary",
        suggested_question=f"{SECRET}-inaction-question",
        status=InactionPrompt.Status.DISMISSED,
        facilitator_note=f"{SECRET}-facilitator-note",
        closed_at=timezone.now(),
    )
    JournalEntry.objects.create(
        author=world.member,
        title=f"{SECRET}-entry-title",
        body=f"{SECRET}-entry-body",
        learning_set=world.learning_set,
        shared_with=world.learning_set,
        shared_at=timezone.now(),
    )
    JournalDraft.objects.create(
        author=world.member, title=f"{SECRET}-draft-title", body=f"{SECRET}-draft-body"
    )
    Contract.objects.filter(pk=planted["contract"].pk).update(text=f"{SECRET}-contract-text")
    Group.objects.get_or_create(name="Support")
    return world


def body(response):
    return response.content.decode()


def registered_pages():
    """Every page the admin has for every registered model and one object of each."""
    for model in admin.site._registry:
        yield admin_url(model, "changelist")
        yield admin_url(model, "add")
        obj = model._default_manager.first()
        if obj is not None:
            for action in ("change", "delete", "history"):
                yield admin_url(model, action, obj.pk)


def test_no_admin_page_shows_set_content(operator_client, set_content):
    pages = [reverse("admin:index"), *registered_pages()]
    assert len(pages) > 40
    for url in pages:
        response = operator_client.get(url)
        assert response.status_code in (200, 403), url
        assert SECRET not in body(response), url


def test_delete_confirmations_of_every_cascade_name_no_set_content(operator_client, set_content):
    """Deleting a programme, a set, a membership or a person lists everything that goes with
    it, by each object's name: ids and set names, never what was said."""
    world = set_content
    membership = Membership.objects.get(learning_set=world.learning_set, user=world.member)
    for url in [
        admin_url(Programme, "delete", world.programme.pk),
        admin_url(LearningSet, "delete", world.learning_set.pk),
        admin_url(Membership, "delete", membership.pk),
        admin_url(User, "delete", world.member.pk),
        admin_url(User, "delete", world.facilitator.pk),
    ]:
        response = operator_client.get(url)
        assert response.status_code == 200, url
        page = body(response)
        assert SECRET not in page, url
    programme_page = body(operator_client.get(admin_url(Programme, "delete", world.programme.pk)))
    # The cascade is listed, so the names above were looked at, not skipped.
    assert f"Action #{ActionItem.objects.get().pk} in Set Alpha" in programme_page
    assert f"Prompt #{Prompt.objects.get(learning_set=world.learning_set).pk} in Set Alpha" in (
        programme_page
    )


def test_meetings_have_no_admin_pages(operator_client):
    with pytest.raises(NoReverseMatch):
        admin_url(Meeting, "delete", 1)


def test_deleting_in_the_admin_leaves_no_set_content_in_history(operator_client, set_content):
    world = set_content
    response = operator_client.post(
        admin_url(LearningSet, "delete", world.learning_set.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not ActionItem.objects.exists()
    response = operator_client.post(
        admin_url(Programme, "delete", world.programme.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    assert LogEntry.objects.count() == 2
    assert not any(SECRET in entry.object_repr for entry in LogEntry.objects.all())
    for url in [reverse("admin:index"), *registered_pages()]:
        assert SECRET not in body(operator_client.get(url)), url


@pytest.mark.parametrize("term", [SECRET, f"{SECRET}-contract-text", f"{SECRET}-action-text"])
def test_admin_search_finds_nothing_by_set_content(operator_client, set_content, term):
    """Search cannot be used to ask yes-or-no questions of set content either."""
    for model in admin.site._registry:
        response = operator_client.get(admin_url(model, "changelist"), {"q": term})
        assert response.status_code == 200, model
        assert response.context["cl"].result_count == 0, model
        assert SECRET not in body(response).replace(term, ""), model


def test_admin_autocomplete_names_no_set_content(operator_client, set_content):
    answered = set()
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete):
                continue
            response = operator_client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field.name,
                    "term": SECRET,
                },
            )
            # Only allauth's email addresses look people up (by name and address).
            assert response.status_code in (200, 403), (model, field.name)
            assert SECRET not in body(response), (model, field.name)
            answered.add(response.status_code)
    assert answered == {200, 403}


def test_no_admin_page_links_to_or_opens_a_live_invitation(operator_client, set_content):
    invitation = InvitationFactory(learning_set=set_content.learning_set)
    for url in [
        admin_url(Invitation, "changelist"),
        admin_url(Invitation, "change", invitation.pk),
        admin_url(Invitation, "history", invitation.pk),
        admin_url(Invitation, "delete", invitation.pk),
        admin_url(LearningSet, "change", set_content.learning_set.pk),
        admin_url(LearningSet, "delete", set_content.learning_set.pk),
    ]:
        page = body(operator_client.get(url))
        assert invitation.key not in page, url
        assert invitation.token not in page, url
        assert "/invitations/" not in page, url
    change_page = body(operator_client.get(admin_url(Invitation, "change", invitation.pk)))
    assert "viewsitelink" not in change_page
    # The admin's "view on site" shortcut follows get_absolute_url for any object it is given.
    content_type = ContentType.objects.get_for_model(Invitation)
    response = operator_client.get(
        reverse("admin:view_on_site", args=[content_type.pk, invitation.pk])
    )
    assert response.status_code == 404
    assert invitation.token not in response.get("Location", "")


# An operator who lets someone into a set in the admin is announced and audited like anyone.


@pytest.mark.django_db(transaction=True)
def test_a_membership_added_in_the_admin_is_announced_and_audited(client, world):
    operator = UserFactory(email="operator@example.org", is_staff=True, is_superuser=True)
    client.force_login(operator)
    response = client.post(
        admin_url(Membership, "add"),
        {
            "learning_set": world.learning_set.pk,
            "user": operator.pk,
            "role": "facilitator",
            "joined_at_0": "2026-12-01",
            "joined_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=operator)
    assert membership.granted_by == operator
    event = AuditEvent.objects.get(action=SetAction.MEMBERSHIP_ADDED)
    assert (event.actor, event.detail["by"]) == (operator, "operator")
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([world.facilitator.email, world.member.email, world.pending.email])


@pytest.mark.django_db(transaction=True)
def test_a_member_made_facilitator_in_the_set_admin_is_announced(client, world):
    operator = UserFactory(email="operator@example.org", is_staff=True, is_superuser=True)
    client.force_login(operator)
    learning_set = world.learning_set
    page = client.get(admin_url(LearningSet, "change", learning_set.pk))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in {**form.initial, "programme": learning_set.programme_id}.items()
        if value is not None
    }
    inline = page.context["inline_admin_formsets"][0].formset
    data.update(
        {
            f"{inline.prefix}-TOTAL_FORMS": len(inline.forms),
            f"{inline.prefix}-INITIAL_FORMS": len(inline.forms),
        }
    )
    for index, inline_form in enumerate(inline.forms):
        membership = inline_form.instance
        data.update(
            {
                f"{inline.prefix}-{index}-id": membership.pk,
                f"{inline.prefix}-{index}-learning_set": learning_set.pk,
                f"{inline.prefix}-{index}-user": membership.user_id,
                f"{inline.prefix}-{index}-role": (
                    "facilitator" if membership.user == world.pending else membership.role
                ),
                f"{inline.prefix}-{index}-joined_at_0": membership.joined_at.date().isoformat(),
                f"{inline.prefix}-{index}-joined_at_1": "09:00:00",
            }
        )
        if membership.left_at:
            data[f"{inline.prefix}-{index}-left_at_0"] = membership.left_at.date().isoformat()
            data[f"{inline.prefix}-{index}-left_at_1"] = "09:00:00"
    response = client.post(admin_url(LearningSet, "change", learning_set.pk), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    promoted = Membership.objects.get(user=world.pending, left_at__isnull=True)
    assert (promoted.role, promoted.granted_by) == ("facilitator", operator)
    assert AuditEvent.objects.get(action=SetAction.ROLE_CHANGED).detail["new"] == "facilitator"
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([world.facilitator.email, world.member.email])


def test_deleting_a_programme_takes_back_entries_shared_with_its_sets(operator_client, set_content):
    entry = JournalEntry.objects.get(shared_with=set_content.learning_set)
    response = operator_client.post(
        admin_url(Programme, "delete", set_content.programme.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.shared_with, entry.shared_at, entry.learning_set) == (None, None, None)
    assert entry.body == f"{SECRET}-entry-body"


def change_membership(client, membership, **changes):
    """Post the admin's change form of a membership as it stands, with `changes`."""
    page = client.get(admin_url(Membership, "change", membership.pk))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    for name in ("joined_at", "left_at"):
        moment = data.pop(name, None)
        if moment:
            data[f"{name}_0"], data[f"{name}_1"] = moment.date().isoformat(), "09:00:00"
    for name, value in changes.items():
        if name == "left_at" and value is None:
            data.pop("left_at_0", None)
            data.pop("left_at_1", None)
        else:
            data[name] = value
    response = client.post(admin_url(Membership, "change", membership.pk), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


@pytest.mark.django_db(transaction=True)
def test_an_operator_who_takes_over_a_facilitators_membership_is_announced(client, world):
    """The same row, another person: a newcomer to the set's content like any other."""
    operator = UserFactory(email="operator@example.org", is_staff=True, is_superuser=True)
    client.force_login(operator)
    membership = world.learning_set.memberships.get(user=world.facilitator)

    change_membership(client, membership, user=operator.pk)

    membership.refresh_from_db()
    assert (membership.user, membership.granted_by) == (operator, operator)
    event = AuditEvent.objects.get(action=SetAction.MEMBERSHIP_ADDED)
    assert (event.actor, event.subject, event.detail["by"]) == (
        operator,
        operator.email,
        "operator",
    )
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([world.member.email, world.pending.email])


@pytest.mark.django_db(transaction=True)
def test_a_former_member_taken_back_in_the_admin_is_announced(client, world):
    operator = UserFactory(email="operator@example.org", is_staff=True, is_superuser=True)
    client.force_login(operator)
    membership = world.learning_set.memberships.get(user=world.former)

    change_membership(client, membership, left_at=None)

    membership.refresh_from_db()
    assert (membership.left_at, membership.granted_by) == (None, operator)
    assert AuditEvent.objects.get(action=SetAction.MEMBERSHIP_ADDED).subject == world.former.email
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([world.facilitator.email, world.member.email, world.pending.email])


def test_an_operator_sets_no_one_elses_password(operator_client, operator, world):
    """Choosing a member's password would let the operator sign in as them and read their
    journal: the admin refuses it, and leaves the operator their own."""
    page = reverse("admin:auth_user_password_change", args=[world.member.pk])
    new = {"password1": "a sturdy passphrase 2026", "password2": "a sturdy passphrase 2026"}

    assert operator_client.get(page).status_code == 403
    assert operator_client.post(page, {**new, "usable_password": "true"}).status_code == 403
    world.member.refresh_from_db()
    assert not world.member.check_password(new["password1"])
    own = reverse("admin:auth_user_password_change", args=[operator.pk])
    assert operator_client.post(own, {**new, "usable_password": "true"}).status_code == 302
    operator.refresh_from_db()
    assert operator.check_password(new["password1"])


def test_an_operator_moves_no_one_elses_sign_in_address(operator_client, world):
    """An address moved to one the operator reads would bring them the member's password
    reset: the member's change page shows the address and keeps it."""
    address = world.member.email
    change = admin_url(User, "change", world.member.pk)
    page = operator_client.get(change)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data.pop("password", None)
    data.update({"email": "support@example.org", "name": "Maya Renamed"})

    response = operator_client.post(change, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    world.member.refresh_from_db()
    assert (world.member.email, world.member.name) == (address, "Maya Renamed")


@pytest.mark.django_db(transaction=True)
def test_an_operator_gives_no_one_a_sign_in_address_of_their_own(client, world):
    """A verified address added to a member's account would bring the operator that member's
    password reset, and with it their journal. The admin adds none and changes none."""
    operator = UserFactory(email="operator@example.org", is_staff=True, is_superuser=True)
    client.force_login(operator)
    address = world.member.emailaddress_set.get()
    planted = {"user": world.member.pk, "email": "support@example.org", "verified": "on"}

    added = client.post(admin_url(EmailAddress, "add"), planted)
    changed = client.post(admin_url(EmailAddress, "change", address.pk), planted)

    assert (added.status_code, changed.status_code) == (403, 403)
    assert list(world.member.emailaddress_set.values_list("email", flat=True)) == [address.email]
    stranger = Client()
    stranger.post(reverse("account_reset_password"), {"email": "support@example.org"})
    sent_there = [message.body for message in mail.outbox if "support@example.org" in message.to]
    assert sent_there  # allauth says there is no account with that address
    assert not [body for body in sent_there if "/password/reset/key/" in body]


def test_an_operator_links_no_ones_account_to_an_identity_provider(operator_client, world):
    """A provider account linked to a member would sign whoever holds that identity in as
    them (docs/confidentiality.md#the-operator-admin). The admin adds none, changes none, and
    may unlink one."""
    linked = SocialAccount.objects.create(user=world.member, provider="acme", uid="maya")
    planted = {"user": world.outsider.pk, "provider": "acme", "uid": "operator", "extra_data": "{}"}

    added = operator_client.post(admin_url(SocialAccount, "add"), planted)
    changed = operator_client.post(admin_url(SocialAccount, "change", linked.pk), planted)

    assert (added.status_code, changed.status_code) == (403, 403)
    assert list(SocialAccount.objects.values_list("user", "uid")) == [(world.member.pk, "maya")]
    page = operator_client.get(admin_url(SocialAccount, "changelist")).content.decode()
    assert "maya" in page
    operator_client.post(admin_url(SocialAccount, "delete", linked.pk), {"post": "yes"})
    assert not SocialAccount.objects.exists()
