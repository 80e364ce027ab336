"""What certification relies on, the same on the report page, in the CSV and in the Excel
file: who is expected after leaving, what an erasure leaves, and apologies followed by
coming."""

import importlib
import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from sessions.models import Attendance
from sessions.reports.attendance import ReportScope, Tally, attendance_report, member_page
from tests.factories import PASSWORD, MembershipFactory
from tests.sessions.attendance_data import attend, build_attendance, held, london
from tests.sessions.test_exports import csv_rows, programme_export, set_export, values, workbook
from tests.sessions.test_reports import get_programme_report, get_set_report, section


@pytest.fixture
def as_admin(client, world):
    client.force_login(world.admin)
    return client


def member_row(response, name):
    """The member table's row for `name`, as its words."""
    certification = section(response, "certification-heading")
    # The name, the rate, perhaps the set, then the five counts.
    found = re.search(rf"{re.escape(name)} .*?%.*?(?: \d+){{5}}(?= |$)", certification)
    assert found, certification
    return found.group(0)


# A meeting held after someone left


@pytest.fixture
def leaver(world):
    """Rhys was at January's and February's meetings, sent apologies ahead for April's, then
    left the set in March; April's meeting was held without him."""
    rhys = MembershipFactory(
        learning_set=world.learning_set,
        user__name="Rhys Leaving",
        user__email="rhys@example.org",
        joined_at=london(2024, 12, 1),
    )
    attend(held(world.learning_set, london(2025, 1, 14)), rhys.user, "present")
    attend(held(world.learning_set, london(2025, 2, 11)), rhys.user, "present")
    april = held(world.learning_set, london(2025, 4, 8))
    attend(april, rhys.user, "apologies", datetime(2025, 2, 20, 12, 0, tzinfo=UTC))
    rhys.left_at = london(2025, 3, 1)
    rhys.save()
    return rhys.user


def test_a_meeting_held_after_leaving_is_not_expected_even_with_apologies_sent_before(
    as_admin, world, leaver
):
    response = get_programme_report(as_admin, world)
    assert member_row(response, "Rhys Leaving") == (
        "Rhys Leaving Left the set rhys@example.org 100% Set Alpha 2 2 0 0 0"
    )
    assert "Every member is at or above" in section(response, "certification-heading")
    set_page = get_set_report(as_admin, world.learning_set)
    assert member_row(set_page, "Rhys Leaving") == (
        "Rhys Leaving Left the set rhys@example.org 100% 2 2 0 0 0"
    )

    rows = csv_rows(as_admin.get(programme_export(world)))
    assert [(row[2], row[6]) for row in rows[1:] if row[4] == "Rhys Leaving"] == [
        ("2025-01-14 09:30", "Present"),
        ("2025-02-11 09:30", "Present"),
    ]
    assert csv_rows(as_admin.get(set_export(world.learning_set))) == rows

    book = workbook(as_admin.get(programme_export(world, format="xlsx")))
    assert [row[2] for row in values(book["Attendance"])[1:]] == [
        datetime(2025, 1, 14, 9, 30),
        datetime(2025, 2, 11, 9, 30),
    ]
    [member] = [row for row in values(book["Members"]) if row[1] == "Rhys Leaving"]
    assert member == (
        ["Set Alpha", "Rhys Leaving", "rhys@example.org", "No", 2, 2, 0, 0, 0, 100, "No"]
    )


def test_someone_who_left_and_came_back_is_expected_again(world, leaver):
    MembershipFactory(learning_set=world.learning_set, user=leaver, joined_at=london(2025, 4, 1))
    report = attendance_report(ReportScope(world.programme))
    [rhys] = [m for m in member_page(report, 1) if m.name == "Rhys Leaving"]
    assert (rhys.tally.expected, rhys.tally.apologies, rhys.current) == (3, 1, True)


# Erasure


def erase(client, user):
    client.force_login(user)
    form = {"password": PASSWORD, "confirmation": "erase my account"}
    response = client.post(reverse("reflections:erase_account"), form)
    assert response.status_code == 302, response.content
    client.logout()


def without_names(rows, *name_columns):
    """Rows with the columns that name a person blanked: what an erasure may change."""
    return Counter(
        tuple("" if index in name_columns else cell for index, cell in enumerate(row))
        for row in rows
    )


def figures(client, world):
    """Every total the reports show, for the programme and for each set, with the names of
    people left out."""
    found = {}
    for name, response in [
        ("programme", get_programme_report(client, world)),
        ("alpha", get_set_report(client, world.learning_set)),
        ("beta", get_set_report(client, world.other_set)),
    ]:
        assert response.status_code == 200
        found[name, "summary"] = section(response, "summary-heading")
        found[name, "sets"] = section(response, "sets-heading")
        found[name, "chart"] = section(response, "chart-heading")
        certification = section(response, "certification-heading")
        found[name, "members"] = Counter(
            re.findall(
                r"(?:\d+%(?: Below \d+%)?|No held meetings yet)(?: Set \w+)?(?: \d+){5}",
                certification,
            )
        )
        found[name, "below"] = re.search(r"Members 1–\d+ of \d+", certification).group(0)
    found["csv"] = without_names(csv_rows(client.get(programme_export(world)))[1:], 4, 5)
    for learning_set in (world.learning_set, world.other_set):
        rows = csv_rows(client.get(set_export(learning_set)))[1:]
        found["csv", learning_set.name] = without_names(rows, 4, 5)
    book = workbook(client.get(programme_export(world, format="xlsx")))
    found["xlsx", "attendance"] = without_names(values(book["Attendance"])[1:], 4, 5)
    # The members sheet says whether each person is still in the set: not for the erased.
    found["xlsx", "members"] = without_names(values(book["Members"])[1:], 1, 2, 3)
    found["xlsx", "sets"] = values(book["Sets"])
    return found


def test_erasing_accounts_leaves_every_total_as_it_was(client, world, leaver):
    data = build_attendance(world)
    # Maya has apologies in for a meeting still to come; Olive shares Set Beta with an
    # account erased before; Rhys's apologies for April were sent before he left.
    client.force_login(world.admin)
    before = figures(client, world)
    assert all(
        sum(before[name, "members"].values()) >= 2 for name in ("programme", "alpha", "beta")
    )
    client.logout()
    for person in (world.member, world.other_member, leaver):
        erase(client, person)
    client.force_login(world.admin)
    after = figures(client, world)

    assert after == before
    # Each erased person is still a row of their own, without a name.
    programme = get_programme_report(client, world)
    certification = section(programme, "certification-heading")
    assert certification.count("Former member (erased)") == 4
    assert "Maya Member" not in certification and "maya@example.org" not in certification
    # Their meeting still to come no longer waits for them, and the rows no report counted,
    # Rhys's apologies for after he left, went with the account.
    assert not data.upcoming.attendance.filter(status="apologies").exists()
    assert not Attendance.objects.filter(meeting__starts_at=london(2025, 4, 8)).exists()


def test_an_account_an_operator_deletes_leaves_every_total_as_it_was(world, leaver):
    build_attendance(world)
    scope = ReportScope(world.programme)

    def totals():
        report = attendance_report(scope)
        members = Counter((m.set_id, m.tally, m.below) for m in member_page(report, 1))
        return report.total, report.member_count, report.below_count, members

    before = totals()
    leaver_number = leaver.pk
    leaver.delete()
    world.member.delete()
    assert totals() == before
    assert Attendance.objects.filter(erased_account=leaver_number).count() == 2


# Apologies, then came


def test_someone_who_sent_apologies_and_then_came_is_exported_as_they_came(as_admin, world):
    meeting = held(world.learning_set, london(2025, 5, 13))
    attend(meeting, world.member, "present", datetime(2025, 5, 12, 17, 0, tzinfo=UTC))
    attend(meeting, world.pending, "apologies", datetime(2025, 5, 12, 18, 0, tzinfo=UTC))

    rows = csv_rows(as_admin.get(programme_export(world)))
    assert [row[4:] for row in rows[1:]] == [
        [world.member.name, world.member.email, "Present", ""],
        [world.pending.name, world.pending.email, "Apologies", "2025-05-12 19:00"],
    ]
    book = workbook(as_admin.get(programme_export(world, format="xlsx")))
    assert [row[6:] for row in values(book["Attendance"])[1:]] == [
        ["Present", None],
        ["Apologies", datetime(2025, 5, 12, 19, 0)],
    ]
    response = get_programme_report(as_admin, world)
    assert member_row(response, world.member.name).endswith(" 100% Set Alpha 1 1 0 0 0")
    definition = section(response, "definition-heading")
    assert (
        "Someone who sent apologies and then came counts as recorded at the meeting, not as "
        "apologies, and the download gives no apologies time for them."
    ) in definition
    assert "status and, for apologies, when they were sent" in section(response, "export-heading")


def test_the_migration_forgets_only_the_blank_rows_of_accounts_erased_before_it(world):
    migration = importlib.import_module("sessions.migrations.0003_attendance_of_erased_accounts")
    meeting = held(world.learning_set, london(2025, 1, 14))
    blank, absent = attend(meeting, None, ""), attend(meeting, None, "absent")
    named_blank = attend(meeting, world.member, "")
    migration.forget_blank_rows_of_erased_accounts(django_apps, None)
    assert not Attendance.objects.filter(pk=blank.pk).exists()
    assert Attendance.objects.filter(pk__in=[absent.pk, named_blank.pk]).count() == 2
    # What the reports counted before the migration, which left blank erased rows out.
    assert attendance_report(ReportScope(world.programme)).total == Tally(2, 0, 0, 1, 1)
