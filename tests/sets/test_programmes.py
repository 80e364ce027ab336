"""Programme admin pages: who may open them, creating and editing, admins, the audit log."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alsspace.audit import record
from alsspace.models import AuditEvent
from sets.audit_actions import SetAction
from sets.models import LearningSet, Programme
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    ProgrammeFactory,
    SetFactory,
    UserFactory,
)

PROGRAMME_PAGES = [
    "sets:programme",
    "sets:programme_edit",
    "sets:programme_admins",
    "sets:set_create",
    "sets:import_members",
    "sets:import_template",
    "sets:audit",
]
NOT_ADMINS = ["facilitator", "member", "pending", "former", "other_member", "outsider"]


def get_as(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def post_as(client, user, url, data, **kwargs):
    client.force_login(user)
    return client.post(url, data, **kwargs)


def programme_data(**changes):
    data = {
        "name": "Leading Change 2027",
        "organisation": "Westbrook NHS Trust",
        "starts_on": "2027-01-10",
        "ends_on": "2027-12-10",
        "time_zone": "Europe/London",
        "pulse_threshold": "4",
        "attendance_threshold": "80",
    }
    return {**data, **changes}


def set_data(**changes):
    data = {
        "name": "Set Gamma",
        "purpose": "Leading through change.",
        "status": "forming",
        "quorum": "3",
        "airtime_mode": "equal",
        "default_place": "Room 4, Westbrook House",
        "default_video_link": "",
        "default_length_minutes": "180",
        "reminder_hours": "48",
        "pulse_window_days": "7",
    }
    return {**data, **changes}


# Who may open each page


@pytest.mark.parametrize("name", PROGRAMME_PAGES)
def test_programme_pages_open_for_its_admin(client, world, name):
    response = get_as(client, world.admin, reverse(name, args=[world.programme.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("role", NOT_ADMINS)
@pytest.mark.parametrize("name", PROGRAMME_PAGES)
def test_programme_pages_are_not_found_for_everyone_else(client, world, name, role):
    url = reverse(name, args=[world.programme.pk])
    assert get_as(client, world.role(role), url).status_code == 404
    assert post_as(client, world.role(role), url, {"name": "x"}).status_code == 404


def test_admin_of_another_programme_gets_404(client, world):
    stranger = UserFactory()
    ProgrammeFactory(admins=[stranger])
    response = get_as(client, stranger, reverse("sets:programme", args=[world.programme.pk]))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("sets:programme", args=[world.programme.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_set_edit_is_for_admins_only(client, world):
    url = reverse("sets:set_edit", args=[world.learning_set.pk])
    assert get_as(client, world.admin, url).status_code == 200
    assert get_as(client, world.facilitator, url).status_code == 403
    assert get_as(client, world.member, url).status_code == 403
    assert get_as(client, world.other_member, url).status_code == 404
    assert get_as(client, world.outsider, url).status_code == 404


def test_programme_list_shows_only_administered_programmes(client, world):
    ProgrammeFactory(name="Somebody Else's Programme")
    response = get_as(client, world.admin, reverse("sets:programmes"))
    assert response.status_code == 200
    assert response.context["nav_section"] == "programmes"
    assert [p.name for p in response.context["programmes"]] == ["Northfield Leaders 2026"]
    assert response.context["programmes"][0].set_count == 2
    assert "New programme" in response.content.decode()
    assert "Somebody Else" not in response.content.decode()


def test_programme_list_is_empty_for_non_admins(client, world):
    response = get_as(client, world.facilitator, reverse("sets:programmes"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Northfield Leaders 2026" not in body
    assert "New programme" not in body


# Creating and editing programmes


def test_creating_a_programme_is_refused_without_permission(client, world):
    url = reverse("sets:programme_create")
    assert get_as(client, world.facilitator, url).status_code == 403
    assert post_as(client, world.outsider, url, programme_data()).status_code == 403
    assert not Programme.objects.filter(name="Leading Change 2027").exists()


def test_admin_creates_a_programme_and_becomes_its_admin(client, world):
    response = post_as(client, world.admin, reverse("sets:programme_create"), programme_data())
    programme = Programme.objects.get(name="Leading Change 2027")
    assert response.status_code == 302
    assert response["Location"] == programme.get_absolute_url()
    assert list(programme.admins.all()) == [world.admin]
    assert programme.pulse_threshold == 4
    assert AuditEvent.objects.filter(
        programme_id=programme.pk, action=SetAction.PROGRAMME_ADMIN_ADDED, actor=world.admin
    ).exists()


def test_staff_with_no_programme_may_start_one(client, db):
    operator = UserFactory(is_staff=True)
    response = post_as(client, operator, reverse("sets:programme_create"), programme_data())
    assert response.status_code == 302
    assert Programme.objects.get(name="Leading Change 2027").admins.get() == operator


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2026-12-31"}, "must end on or after the day it starts"),
        ({"time_zone": "Mars/Olympus_Mons"}, "Choose a time zone from the list"),
        ({"pulse_threshold": "2"}, "greater than or equal to 3"),
        ({"attendance_threshold": "120"}, "less than or equal to 100"),
        ({"name": ""}, "This field is required"),
        ({"starts_on": "31/31/2027"}, "Enter a date as year-month-day"),
        ({"ends_on": "9999-12-31"}, "between 1 January 2000 and 31 December 2100, not 9999"),
        ({"starts_on": "1999-12-31"}, "between 1 January 2000 and 31 December 2100, not 1999"),
    ],
)
def test_bad_programme_input_is_refused(client, world, changes, message):
    data = programme_data(**changes)
    response = post_as(client, world.admin, reverse("sets:programme_create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Programme.objects.count() == 1


def test_admin_edits_a_programme(client, world):
    url = reverse("sets:programme_edit", args=[world.programme.pk])
    data = programme_data(name="Northfield Leaders 2026–27", time_zone="America/New_York")
    response = post_as(client, world.admin, url, data)
    world.programme.refresh_from_db()
    assert response.status_code == 302
    assert world.programme.name == "Northfield Leaders 2026–27"
    assert world.programme.time_zone == "America/New_York"


def test_bad_edit_changes_nothing(client, world):
    url = reverse("sets:programme_edit", args=[world.programme.pk])
    data = programme_data(name="Renamed", starts_on="2027-06-01", ends_on="2027-05-01")
    response = post_as(client, world.admin, url, data)
    world.programme.refresh_from_db()
    assert response.status_code == 400
    assert "must end on or after the day it starts" in response.content.decode()
    assert world.programme.name == "Northfield Leaders 2026"


# Admins


def test_admin_adds_another_admin_by_email(client, world):
    colleague = UserFactory(email="Colleague@Example.org")
    url = reverse("sets:programme_admins", args=[world.programme.pk])
    response = post_as(client, world.admin, url, {"email": "colleague@example.org"})
    assert response.status_code == 302
    assert world.programme.admins.filter(pk=colleague.pk).exists()
    event = AuditEvent.objects.get(action=SetAction.PROGRAMME_ADMIN_ADDED)
    assert (event.programme_id, event.subject, event.actor) == (
        world.programme.pk,
        colleague.email,
        world.admin,
    )


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "There is no account with that address."),
        ("not an email", "Enter a valid email address."),
    ],
)
def test_adding_an_unknown_admin_is_refused(client, world, email, message):
    url = reverse("sets:programme_admins", args=[world.programme.pk])
    response = post_as(client, world.admin, url, {"email": email})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert world.programme.admins.count() == 1
    assert not AuditEvent.objects.exists()


def test_adding_an_existing_admin_is_refused(client, world):
    url = reverse("sets:programme_admins", args=[world.programme.pk])
    response = post_as(client, world.admin, url, {"email": world.admin.email})
    assert response.status_code == 400
    assert "already an admin" in response.content.decode()


def test_admin_removes_another_admin(client, world):
    colleague = UserFactory()
    world.programme.admins.add(colleague)
    url = reverse("sets:programme_admins", args=[world.programme.pk])
    response = post_as(client, world.admin, url, {"remove": colleague.pk})
    assert response.status_code == 302
    assert list(world.programme.admins.all()) == [world.admin]
    event = AuditEvent.objects.get(action=SetAction.PROGRAMME_ADMIN_REMOVED)
    assert (event.programme_id, event.subject) == (world.programme.pk, colleague.email)
    assert get_as(client, colleague, world.programme.get_absolute_url()).status_code == 404


def test_the_last_admin_cannot_be_removed(client, world):
    url = reverse("sets:programme_admins", args=[world.programme.pk])
    response = post_as(client, world.admin, url, {"remove": world.admin.pk})
    assert response.status_code == 400
    assert "at least one admin" in response.content.decode()
    assert list(world.programme.admins.all()) == [world.admin]
    assert not AuditEvent.objects.exists()


def test_removing_someone_who_is_not_an_admin_is_refused(client, world):
    url = reverse("sets:programme_admins", args=[world.programme.pk])
    response = post_as(client, world.admin, url, {"remove": world.facilitator.pk})
    assert response.status_code == 400
    assert "not an admin of this programme" in response.content.decode()


def test_admin_may_step_down_when_another_admin_remains(client, world):
    world.programme.admins.add(UserFactory())
    url = reverse("sets:programme_admins", args=[world.programme.pk])
    response = post_as(client, world.admin, url, {"remove": world.admin.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("sets:programmes")
    assert not world.programme.admins.filter(pk=world.admin.pk).exists()


# Sets


def test_admin_creates_a_set(client, world):
    url = reverse("sets:set_create", args=[world.programme.pk])
    response = post_as(client, world.admin, url, set_data())
    created = LearningSet.objects.get(name="Set Gamma")
    assert response.status_code == 302
    assert created.programme == world.programme
    assert (created.status, created.quorum, created.default_length_minutes) == ("forming", 3, 180)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "set alpha"}, "already has a set called"),
        ({"name": ""}, "This field is required"),
        ({"status": "closed"}, "Select a valid choice"),
        ({"quorum": "0"}, "greater than or equal to 1"),
        ({"airtime_mode": "loudest"}, "Select a valid choice"),
        ({"default_video_link": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"default_length_minutes": "5"}, "greater than or equal to 15"),
        ({"pulse_window_days": "0"}, "greater than or equal to 1"),
        ({"reminder_hours": "1000"}, "less than or equal to 336"),
    ],
)
def test_bad_set_input_is_refused(client, world, changes, message):
    url = reverse("sets:set_create", args=[world.programme.pk])
    response = post_as(client, world.admin, url, set_data(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert world.programme.sets.count() == 2


def test_same_set_name_is_fine_in_another_programme(client, world):
    other = ProgrammeFactory(admins=[world.admin])
    url = reverse("sets:set_create", args=[other.pk])
    response = post_as(client, world.admin, url, set_data(name="Set Alpha"))
    assert response.status_code == 302
    assert other.sets.get().name == "Set Alpha"


def test_admin_edits_a_set_and_may_keep_its_name(client, world):
    url = reverse("sets:set_edit", args=[world.learning_set.pk])
    response = post_as(client, world.admin, url, set_data(name="Set Alpha", quorum="4"))
    world.learning_set.refresh_from_db()
    assert response.status_code == 302
    assert world.learning_set.quorum == 4


def test_renaming_a_set_onto_another_is_refused(client, world):
    url = reverse("sets:set_edit", args=[world.learning_set.pk])
    response = post_as(client, world.admin, url, set_data(name="SET BETA"))
    world.learning_set.refresh_from_db()
    assert response.status_code == 400
    assert world.learning_set.name == "Set Alpha"


def test_a_closed_set_cannot_be_edited(client, world):
    world.learning_set.status = LearningSet.Status.CLOSED
    world.learning_set.save()
    url = reverse("sets:set_edit", args=[world.learning_set.pk])
    response = post_as(client, world.admin, url, set_data(name="Set Alpha"))
    assert response.status_code == 403


# Programme overview


def test_programme_page_lists_sets_facilitators_and_admins(client, world):
    response = get_as(client, world.admin, world.programme.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Set Alpha" in body and "Set Beta" in body
    assert "Fay Facilitator" in body
    assert "Ada Admin" in body
    alpha = next(s for s in response.context["sets"] if s.name == "Set Alpha")
    assert alpha.member_count == 2  # member and pending; the former member has left


def programme_with_sets(count):
    admin = UserFactory()
    programme = ProgrammeFactory(admins=[admin])
    for _ in range(count):
        learning_set = SetFactory(programme=programme)
        MembershipFactory(learning_set=learning_set, role="facilitator")
        MembershipFactory.create_batch(3, learning_set=learning_set)
    return admin, programme


def count_queries(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_programme_page_queries_do_not_grow_with_sets(client, db):
    one = count_queries(client, *_admin_and_url(programme_with_sets(1), "sets:programme"))
    five = count_queries(client, *_admin_and_url(programme_with_sets(5), "sets:programme"))
    assert one == five


def test_programme_list_queries_do_not_grow_with_programmes(client, db):
    admin = UserFactory()
    SetFactory(programme=ProgrammeFactory(admins=[admin]))
    one = count_queries(client, admin, reverse("sets:programmes"))
    for _ in range(4):
        SetFactory.create_batch(2, programme=ProgrammeFactory(admins=[admin]))
    assert count_queries(client, admin, reverse("sets:programmes")) == one


def _admin_and_url(admin_and_programme, name):
    admin, programme = admin_and_programme
    return admin, reverse(name, args=[programme.pk])


# Audit log


def test_audit_log_shows_only_its_own_programme(client, world):
    record(
        SetAction.INVITATION_SENT, actor=world.admin, programme=world.programme, subject="a@x.org"
    )
    elsewhere = ProgrammeFactory()
    record(SetAction.INVITATION_SENT, programme=elsewhere, subject="planted-elsewhere@x.org")
    response = get_as(client, world.admin, reverse("sets:audit", args=[world.programme.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "a@x.org" in body
    assert "Invitation sent" in body
    assert "planted-elsewhere@x.org" not in body


def test_audit_log_is_newest_first_in_the_viewers_time_zone(client, world):
    world.admin.time_zone = "America/New_York"
    world.admin.save()
    older = record(SetAction.SET_CLOSED, programme=world.programme, subject="older")
    newer = record(
        SetAction.INVITATION_REVOKED, programme=world.programme, subject="newer", set="X"
    )
    response = get_as(client, world.admin, reverse("sets:audit", args=[world.programme.pk]))
    assert list(response.context["events"]) == [newer, older]

    event = AuditEvent.objects.create(
        action=SetAction.SET_CLOSED,
        programme_id=world.programme.pk,
        subject="timed",
        created_at=datetime.datetime(2026, 1, 15, 12, 0, tzinfo=datetime.UTC),
    )
    response = get_as(client, world.admin, reverse("sets:audit", args=[world.programme.pk]))
    assert event in response.context["events"]
    assert "15 Jan 2026, 07:00" in response.content.decode()


def test_audit_log_is_paginated(client, world):
    for number in range(51):
        record(SetAction.INVITATION_SENT, programme=world.programme, subject=f"p{number}@x.org")
    url = reverse("sets:audit", args=[world.programme.pk])
    first = get_as(client, world.admin, url)
    second = client.get(url, {"page": 2})
    assert len(first.context["events"]) == 50
    assert len(second.context["events"]) == 1


def programme_with_events(count):
    admin = UserFactory()
    programme = ProgrammeFactory(admins=[admin])
    for number in range(count):
        actor = UserFactory()
        record(
            SetAction.INVITATION_SENT, actor=actor, programme=programme, subject=f"{number}@x.org"
        )
    return admin, programme


def test_audit_log_queries_do_not_grow_with_events(client, db):
    one = count_queries(client, *_admin_and_url(programme_with_events(1), "sets:audit"))
    five = count_queries(client, *_admin_and_url(programme_with_events(5), "sets:audit"))
    assert one == five


def test_programme_page_counts_members_and_open_invitations_apart(client, world):
    InvitationFactory.create_batch(2, learning_set=world.learning_set)
    InvitationFactory(learning_set=world.learning_set, revoked_at=timezone.now())
    InvitationFactory(learning_set=world.learning_set, expires_at=timezone.now())

    sets = get_as(client, world.admin, reverse("sets:programme", args=[world.programme.pk]))
    alpha = next(s for s in sets.context["sets"] if s == world.learning_set)

    # Maya and Pat are current members; Fred has left; two invitations are still open.
    assert (alpha.member_count, alpha.invited_count) == (2, 2)
    assert "+ 2 invited" in sets.content.decode()


def test_changing_what_reports_are_counted_by_is_on_record(client, world):
    """docs/reports.md#disclosure-control: the time zone and the pulse threshold decide the
    evaluation report's months and pulses, so a change to either is in the audit log."""
    client.force_login(world.admin)
    url = reverse("sets:programme_edit", args=[world.programme.pk])
    form = {
        "name": world.programme.name,
        "organisation": world.programme.organisation,
        "time_zone": world.programme.time_zone,
        "pulse_threshold": str(world.programme.pulse_threshold),
        "attendance_threshold": "75",
    }
    assert client.post(url, {**form, "name": "Renamed"}).status_code == 302
    assert not AuditEvent.objects.filter(action=SetAction.REPORTING_CHANGED).exists()

    was = world.programme.time_zone
    changed = {**form, "time_zone": "Pacific/Auckland", "pulse_threshold": "5"}
    assert client.post(url, changed).status_code == 302

    event = AuditEvent.objects.get(action=SetAction.REPORTING_CHANGED)
    assert event.actor == world.admin and event.programme_id == world.programme.pk
    assert event.detail == {
        "time_zone": {"from": was, "to": "Pacific/Auckland"},
        "pulse_threshold": {"from": str(world.programme.pulse_threshold), "to": "5"},
    }
    log = client.get(reverse("sets:audit", args=[world.programme.pk])).content.decode()
    assert "Changed the time zone or pulse threshold its reports are counted by, of" in log


def test_a_new_programme_s_settings_are_not_a_change(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("sets:programme_create"),
        {
            "name": "Leaders 2027",
            "time_zone": "Pacific/Auckland",
            "pulse_threshold": "6",
            "attendance_threshold": "75",
        },
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=SetAction.REPORTING_CHANGED).exists()
