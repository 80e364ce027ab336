"""A programme that requires two-factor sign-in of its facilitators and admins
(docs/confidentiality.md#signing-in): at sign-in, those of them with no second factor are sent
to set one up and reach nothing else until they do; members are never asked."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alsspace.mfa import SESSION_KEY
from alsspace.models import AuditEvent
from sets.audit_actions import SetAction
from sets.models import Programme
from tests.factories import PASSWORD, MembershipFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
MFA_PAGE = reverse("mfa_index")
# Refusing a page to someone marked: the session, the user, whether they have a second factor
# and whether they are still required to.
QUERIES_TO_REFUSE = 4


def sign_in(client, user):
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def require(programme, required=True):
    programme.require_mfa = required
    programme.save(update_fields=["require_mfa"])


def enrol(user):
    """A second factor, as allauth stores one: the check asks only whether there is one."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Phone", "credential": {}}
    )


def is_sent_to_enrol(response):
    return response.status_code == 302 and response.url == MFA_PAGE


@pytest.fixture
def required(world):
    require(world.programme)
    return world


def test_a_facilitator_without_a_second_factor_is_sent_to_set_one_up(client, required):
    sign_in(client, required.facilitator)
    home = client.get(reverse("home"))
    assert is_sent_to_enrol(home)
    page = client.get(MFA_PAGE)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Set this up to carry on" in body
    assert "requires two-factor sign-in" in body
    # Every other page, read or write, goes the same way and writes nothing.
    set_page = client.get(reverse("sets:set", args=[required.learning_set.pk]))
    assert is_sent_to_enrol(set_page)
    before = AuditEvent.objects.count()
    invite = client.post(
        reverse("sets:invite", args=[required.learning_set.pk]),
        {"name": "Nia New", "email": "nia@example.org", "role": "member"},
    )
    assert is_sent_to_enrol(invite)
    assert AuditEvent.objects.count() == before
    assert not required.learning_set.invitations.filter(email="nia@example.org").exists()


def test_an_in_page_request_sends_the_whole_page_to_set_up(client, required):
    sign_in(client, required.facilitator)
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == MFA_PAGE


def test_setting_up_reaches_the_pages_that_do_it_and_signing_out(client, required):
    sign_in(client, required.facilitator)
    for name in ["mfa_add_webauthn", "mfa_activate_totp", "mfa_list_webauthn"]:
        response = client.get(reverse(name))
        assert not is_sent_to_enrol(response), name
    # allauth asks for the password again before adding a factor; that page is reachable.
    response = client.get(reverse("mfa_add_webauthn"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert client.get(response.url).status_code == 200
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    add = client.get(reverse("mfa_add_webauthn"))
    assert add.status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_second_factor_lets_them_through_at_once(client, required):
    sign_in(client, required.facilitator)
    assert is_sent_to_enrol(client.get(reverse("home")))
    enrol(required.facilitator)
    assert client.get(reverse("home")).status_code == 200
    assert SESSION_KEY not in client.session


def test_someone_already_enrolled_is_not_asked(client, required):
    enrol(required.facilitator)
    client.force_login(required.facilitator)
    assert client.get(reverse("home")).status_code == 200
    assert SESSION_KEY not in client.session


def test_a_programme_admin_without_a_second_factor_is_asked(client, required):
    sign_in(client, required.admin)
    assert is_sent_to_enrol(client.get(reverse("sets:programmes")))


@pytest.mark.parametrize("person", ["member", "pending", "former", "other_member", "outsider"])
def test_members_and_others_are_never_asked(client, required, person):
    sign_in(client, getattr(required, person))
    assert client.get(reverse("home")).status_code == 200
    assert SESSION_KEY not in client.session


def test_a_facilitator_who_left_the_set_is_not_asked(client, required):
    membership = required.learning_set.memberships.get(user=required.facilitator)
    membership.left_at = membership.joined_at
    membership.save()
    sign_in(client, required.facilitator)
    assert client.get(reverse("home")).status_code == 200


def test_a_facilitator_in_a_programme_that_does_not_require_it_is_not_asked(client, world):
    other = MembershipFactory(role="facilitator").user
    require(world.programme)
    sign_in(client, other)
    assert client.get(reverse("home")).status_code == 200


def test_without_the_requirement_nobody_is_asked(client, world):
    sign_in(client, world.facilitator)
    assert client.get(reverse("home")).status_code == 200
    assert SESSION_KEY not in client.session


def test_turning_the_requirement_off_lets_them_through(client, required):
    sign_in(client, required.facilitator)
    assert is_sent_to_enrol(client.get(reverse("home")))
    require(required.programme, False)
    assert client.get(reverse("home")).status_code == 200
    assert SESSION_KEY not in client.session


def test_the_requirement_turned_on_asks_at_the_next_sign_in(client, world):
    sign_in(client, world.facilitator)
    require(world.programme)
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("account_logout"))
    sign_in(client, world.facilitator)
    assert is_sent_to_enrol(client.get(reverse("home")))


def test_removing_the_last_factor_while_required_asks_again(client, required):
    key = enrol(required.facilitator)
    # A second factor means signing in asks for it; a fresh sign-in then confirms the removal.
    client.force_login(required.facilitator)
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("mfa_remove_webauthn", args=[key.pk]))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=key.pk).exists()
    assert is_sent_to_enrol(client.get(reverse("home")))


def test_the_check_costs_nobody_else_a_query(client, world, django_assert_num_queries):
    """Pages of someone not asked to set up two-factor sign-in read nothing more."""
    require(world.programme)
    client.force_login(world.member)
    url = reverse("sets:set", args=[world.learning_set.pk])
    client.get(url)
    without = [m for m in settings.MIDDLEWARE if m != "alsspace.mfa.RequiredMFAMiddleware"]
    with override_settings(MIDDLEWARE=without), CaptureQueriesContext(connection) as baseline:
        assert client.get(url).status_code == 200
    with django_assert_num_queries(len(baseline.captured_queries)):
        assert client.get(url).status_code == 200


def test_an_admin_turns_the_requirement_on_and_off_and_each_change_is_audited(client, world):
    client.force_login(world.admin)
    url = reverse("sets:programme_edit", args=[world.programme.pk])
    form = {
        "name": world.programme.name,
        "organisation": world.programme.organisation,
        "time_zone": world.programme.time_zone,
        "pulse_threshold": "3",
        "attendance_threshold": "75",
    }
    assert "Require two-factor sign-in" in client.get(url).content.decode()
    assert client.post(url, {**form, "require_mfa": "on"}).status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.require_mfa
    page = client.get(reverse("sets:programme", args=[world.programme.pk])).content.decode()
    assert "Admins and facilitators must use two-factor sign-in." in page
    # Saving again without a change records nothing more.
    assert client.post(url, {**form, "require_mfa": "on"}).status_code == 302
    assert client.post(url, form).status_code == 302
    world.programme.refresh_from_db()
    assert not world.programme.require_mfa
    events = AuditEvent.objects.filter(programme_id=world.programme.pk).order_by("pk")
    changes = [e.action for e in events if e.action.startswith("programme.mfa")]
    assert changes == [SetAction.MFA_REQUIRED, SetAction.MFA_NOT_REQUIRED]
    assert all(e.actor == world.admin for e in events if e.action.startswith("programme.mfa"))
    page = client.get(reverse("sets:programme", args=[world.programme.pk])).content.decode()
    assert "Two-factor sign-in is up to each person." in page
    log = client.get(reverse("sets:audit", args=[world.programme.pk])).content.decode()
    assert "Required two-factor sign-in of the facilitators and admins of" in log
    assert "Stopped requiring two-factor sign-in in" in log


def test_a_facilitator_cannot_change_the_requirement(client, world):
    client.force_login(world.facilitator)
    url = reverse("sets:programme_edit", args=[world.programme.pk])
    response = client.post(url, {"name": "x", "time_zone": "Europe/London", "require_mfa": "on"})
    assert response.status_code == 404
    world.programme.refresh_from_db()
    assert not world.programme.require_mfa
    assert not AuditEvent.objects.filter(action=SetAction.MFA_REQUIRED).exists()


def test_a_programme_created_requiring_it_is_audited(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("sets:programme_create"),
        {
            "name": "Leaders 2027",
            "time_zone": "Europe/London",
            "pulse_threshold": "3",
            "attendance_threshold": "75",
            "require_mfa": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=SetAction.MFA_REQUIRED)
    programme = Programme.objects.get(pk=event.programme_id)
    assert programme.name == "Leaders 2027"
    assert programme.require_mfa


def test_someone_new_is_unaffected_by_the_check(client):
    user = UserFactory()
    sign_in(client, user)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_checking_someone_marked_costs_the_same_whatever_they_run(
    client, world, size, django_assert_num_queries
):
    """The check for someone marked is two queries (a second factor? still required?),
    however many programmes and sets they run or facilitate in."""
    require(world.programme)
    for _ in range(size):
        MembershipFactory(user=world.facilitator, role="facilitator")
        ProgrammeFactory(admins=[world.facilitator], require_mfa=True)
    sign_in(client, world.facilitator)
    url = reverse("home")
    client.get(url)  # the session is loaded and saved once
    with django_assert_num_queries(QUERIES_TO_REFUSE):
        assert is_sent_to_enrol(client.get(url))


def test_an_operator_who_runs_the_programme_reaches_no_admin_page_of_second_factors(
    client, required
):
    # The pages let through are allauth's own two-factor pages, by their full name: the
    # operator admin's pages of second factors (`admin:mfa_authenticator_…`) are not among
    # them, though their short names start the same way.
    required.admin.is_staff = required.admin.is_superuser = True
    required.admin.save(update_fields=["is_staff", "is_superuser"])
    other = enrol(required.member)
    sign_in(client, required.admin)
    for url in [
        reverse("admin:mfa_authenticator_changelist"),
        reverse("admin:mfa_authenticator_change", args=[other.pk]),
        reverse("admin:mfa_authenticator_history", args=[other.pk]),
    ]:
        assert is_sent_to_enrol(client.get(url)), url
    response = client.post(
        reverse("admin:mfa_authenticator_delete", args=[other.pk]), {"post": "yes"}
    )
    assert is_sent_to_enrol(response)
    assert Authenticator.objects.filter(pk=other.pk).exists()
    # allauth's own pages still are.
    assert not is_sent_to_enrol(client.get(reverse("mfa_activate_totp")))
