"""A programme's single sign-on page, who waits for a set, and the home page of someone who
does (docs/sso.md). The sign-in flows themselves run against real identity providers in
tests/e2e/test_sso.py."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alsspace.models import AuditEvent
from sets import services
from sets.audit_actions import SetAction
from sets.models import ProgrammeEntrant, ProgrammeSignOn
from tests.factories import (
    MembershipFactory,
    ProgrammeFactory,
    SetFactory,
    UserFactory,
    identity_provider,
)

SETTINGS_APP = {
    "provider_id": "northwind",
    "name": "Northwind sign-in",
    "client_id": "northwind",
    "settings": {
        "idp": {
            "entity_id": "https://idp.northwind.example/metadata",
            "sso_url": "https://idp.northwind.example/sso",
            "x509cert": "MIIB",
        }
    },
}


def page(world):
    return reverse("sets:programme_sign_on", args=[world.programme.pk])


def audits(action):
    return AuditEvent.objects.filter(action=action).count()


def test_the_page_offers_providers_from_the_operator_admin_and_from_settings(
    client, world, settings
):
    identity_provider()
    settings.SOCIALACCOUNT_PROVIDERS = {"saml": {"APPS": [SETTINGS_APP]}}
    client.force_login(world.admin)
    body = client.get(page(world)).content.decode()
    assert '<option value="acme">Acme sign-in (OpenID Connect)</option>' in body
    assert '<option value="northwind">Northwind sign-in (SAML 2.0)</option>' in body
    assert '<option value="off" selected>None: passwords only</option>' in body


def test_with_no_provider_configured_the_page_says_whom_to_ask(client, world):
    client.force_login(world.admin)
    body = client.get(page(world)).content.decode()
    assert "No identity provider is configured for this installation yet" in body
    assert "<select" not in body


def test_the_programme_page_links_to_it(client, world):
    client.force_login(world.admin)
    body = client.get(world.programme.get_absolute_url()).content.decode()
    assert f'href="{page(world)}"' in body


def test_an_admin_links_changes_and_unlinks_the_provider_each_recorded_once(client, world):
    identity_provider()
    client.force_login(world.admin)
    link = {"provider_id": "acme", "open_domains": "Acme.example, @nhs.example acme.example"}

    assert client.post(page(world), link).status_code == 302
    sign_on = ProgrammeSignOn.objects.get(programme=world.programme)
    assert (sign_on.provider_id, sign_on.open_domains) == ("acme", ["acme.example", "nhs.example"])
    assert sign_on.linked_by == world.admin
    event = AuditEvent.objects.get(action=SetAction.SIGN_ON_LINKED)
    assert event.programme_id == world.programme.pk
    assert event.detail == {"provider": "acme", "open_domains": ["acme.example", "nhs.example"]}

    # Saving what is already there changes and records nothing.
    assert client.post(page(world), link).status_code == 302
    assert audits(SetAction.SIGN_ON_LINKED) == 1

    assert client.post(page(world), {"provider_id": "acme", "open_domains": ""}).status_code == 302
    assert ProgrammeSignOn.objects.get(programme=world.programme).open_domains == []
    assert audits(SetAction.SIGN_ON_LINKED) == 2

    response = client.post(page(world), {"provider_id": "off", "open_domains": ""}, follow=True)
    assert "Single sign-on is off" in response.content.decode()
    assert not ProgrammeSignOn.objects.exists()
    assert audits(SetAction.SIGN_ON_UNLINKED) == 1


def test_bad_input_is_refused_and_writes_nothing(client, world):
    identity_provider()
    client.force_login(world.admin)
    for data, says in [
        ({"provider_id": "acme", "open_domains": "acme"}, "is not an email domain"),
        ({"provider_id": "acme", "open_domains": "x@acme.example"}, "is not an email domain"),
        ({"provider_id": "off", "open_domains": "acme.example"}, "Choose an identity provider"),
        ({"provider_id": "google", "open_domains": ""}, "Select a valid choice"),
        ({"open_domains": "acme.example"}, "This field is required"),
        (
            {"provider_id": "acme", "open_domains": ",".join(f"d{n}.example" for n in range(21))},
            "At most 20 domains",
        ),
    ]:
        response = client.post(page(world), data)
        assert response.status_code == 400, data
        assert says in response.content.decode(), data
    assert not ProgrammeSignOn.objects.exists()
    assert not AuditEvent.objects.filter(action=SetAction.SIGN_ON_LINKED).exists()


def test_another_programmes_admin_finds_nothing(client, world):
    identity_provider()
    other_admin = UserFactory()
    ProgrammeFactory(admins=[other_admin])
    client.force_login(other_admin)
    assert client.get(page(world)).status_code == 404
    assert client.post(page(world), {"provider_id": "acme"}).status_code == 404
    assert not ProgrammeSignOn.objects.exists()


def test_a_linked_provider_no_longer_configured_stays_linked_on_saving(client, world):
    ProgrammeSignOn.objects.create(programme=world.programme, provider_id="retired")
    identity_provider()
    client.force_login(world.admin)
    body = client.get(page(world)).content.decode()
    assert '<option value="retired" selected>retired (not configured)</option>' in body
    data = {"provider_id": "retired", "open_domains": ""}
    assert client.post(page(world), data).status_code == 302
    assert ProgrammeSignOn.objects.get().provider_id == "retired"


def test_only_linked_programmes_admitting_the_exact_domain_take_a_newcomer(db):
    acme, nhs, unlinked = ProgrammeFactory(), ProgrammeFactory(), ProgrammeFactory()
    ProgrammeSignOn.objects.create(
        programme=acme, provider_id="acme", open_domains=["acme.example"]
    )
    ProgrammeSignOn.objects.create(
        programme=nhs, provider_id="acme", open_domains=["nhs.example", "acme.example"]
    )
    ProgrammeSignOn.objects.create(
        programme=unlinked, provider_id="northwind", open_domains=["acme.example"]
    )
    assert set(services.admitting_programmes("acme", "Nia@ACME.example")) == {acme, nhs}
    assert services.admitting_programmes("acme", "nia@sub.acme.example") == []
    assert services.admitting_programmes("acme", "nia@acme.example.evil") == []
    assert services.admitting_programmes("okta", "nia@acme.example") == []


def enter(programme, **user):
    person = UserFactory(**user)
    services.enter_programmes([programme], "acme", actor=person)
    return person


def test_entering_a_programme_twice_is_one_entry_recorded_once(world):
    person = enter(world.programme)
    services.enter_programmes([world.programme], "acme", actor=person)
    assert ProgrammeEntrant.objects.filter(user=person).count() == 1
    assert AuditEvent.objects.filter(action=SetAction.PROGRAMME_ENTERED, actor=person).count() == 1


def test_the_page_lists_who_waits_until_they_are_in_one_of_its_sets(client, world):
    enter(world.programme, name="Nia Newcomer", email="nia@acme.example")
    placed = enter(world.programme, name="Pia Placed")
    MembershipFactory(learning_set=world.other_set, user=placed)
    elsewhere = enter(ProgrammeFactory(), name="Eli Elsewhere")
    client.force_login(world.admin)
    body = client.get(page(world)).content.decode()
    assert "Nia Newcomer" in body
    assert "nia@acme.example" in body
    assert "Pia Placed" not in body
    assert elsewhere.name not in body


def waiting_page_queries(client, world, count):
    for _ in range(count):
        enter(world.programme)
    client.force_login(world.admin)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page(world)).status_code == 200
    return len(queries)


def test_the_pages_queries_do_not_grow_with_who_waits(client, world):
    identity_provider()
    assert waiting_page_queries(client, world, 1) == waiting_page_queries(client, world, 5)


def home(client, person):
    client.force_login(person)
    return " ".join(client.get(reverse("home")).content.decode().split())


def test_the_home_page_says_what_happens_next_to_someone_waiting_for_a_set(client, world):
    person = enter(world.programme, email="nia@acme.example")
    body = home(client, person)
    assert f"You are in {world.programme.name}, with no set yet" in body
    assert "a programme admin invites you to one of the programme’s sets" in body
    assert "nia@acme.example" in body
    assert "You are not in a set yet. Sets are joined by invitation" not in body


def test_the_home_page_stops_saying_so_once_they_are_in_a_set(client, world):
    person = enter(world.programme)
    MembershipFactory(learning_set=world.learning_set, user=person)
    body = home(client, person)
    assert "with no set yet" not in body
    assert "Sets you belong to" in body


def test_nobody_else_is_told_they_wait_for_a_set(client, world):
    for person in (world.outsider, world.member, world.admin):
        assert "with no set yet" not in home(client, person)


def waiting_home_queries(client, count):
    person = UserFactory()
    for _ in range(count):
        services.enter_programmes([SetFactory().programme], "acme", actor=person)
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert "with no set yet" in client.get(reverse("home")).content.decode()
    return len(queries)


def test_the_home_pages_queries_do_not_grow_with_the_programmes_waited_in(client, db):
    assert waiting_home_queries(client, 1) == waiting_home_queries(client, 4)


def test_the_sign_in_page_lets_forms_reach_the_configured_providers_only(client, db, settings):
    identity_provider()
    settings.SOCIALACCOUNT_PROVIDERS = {"saml": {"APPS": [SETTINGS_APP]}}
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    form_action = next(part for part in policy.split("; ") if part.startswith("form-action"))
    assert form_action == (
        "form-action 'self' https://idp.northwind.example https://login.acme.example"
    )
    body = client.get(reverse("account_login")).content.decode()
    assert "Sign in with Acme sign-in" in body
    assert "Sign in with Northwind sign-in" in body
    # Elsewhere the policy is unchanged.
    client.force_login(UserFactory())
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "form-action 'self';" in policy + ";"
    assert "acme.example" not in policy


def test_without_providers_the_sign_in_page_offers_none(client, db):
    body = client.get(reverse("account_login")).content.decode()
    assert "Or with your organisation’s sign-in" not in body
    assert "/accounts/oidc/" not in body and "/accounts/saml/" not in body
    assert "Sign in with a passkey" in body  # the page's own second way in stays
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert "form-action 'self';" in policy + ";"
