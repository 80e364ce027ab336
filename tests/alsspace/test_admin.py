"""The operators' Django admin: every page opens, and set content never shows."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.urls import reverse

from alsspace.audit import Action, record
from alsspace.models import AuditEvent
from sets.models import Contract, Invitation, LearningSet, Membership, Programme
from tests.factories import ContractFactory, InvitationFactory, UserFactory

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
    event = record(Action.CONTRACT_VERSION, actor=world.facilitator, subject="Set Alpha v2")
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
    event = AuditEvent.objects.get(action=AuditEvent.Action.MFA_CHANGED)
    assert event.subject == world.member.email
    assert event.actor.email == "operator@example.org"
    assert event.detail == {"change": "removed by operator", "kind": "totp"}
