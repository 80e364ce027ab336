"""Importing members from CSV: all or nothing, every bad row reported with its reason."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alsspace.models import AuditEvent
from sets.audit_actions import SetAction
from sets.imports import ImportFileError, check_import
from sets.models import Invitation, LearningSet
from tests.factories import InvitationFactory, SetFactory


def csv_file(text, encoding="utf-8", name="people.csv"):
    content = text.encode(encoding) if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="text/csv")


def upload(client, world, content, **kwargs):
    client.force_login(world.admin)
    url = reverse("sets:import_members", args=[world.programme.pk])
    return client.post(url, {"file": csv_file(content)}, **kwargs)


def confirm(client, world, preview, key=None):
    data = {"preview": preview.context["confirm_form"].initial["preview"]}
    if key:
        data["form_key"] = key
    return client.post(reverse("sets:import_confirm", args=[world.programme.pk]), data)


def upload_and_confirm(client, world, content):
    preview = upload(client, world, content)
    assert preview.status_code == 200, preview.content.decode()
    return confirm(client, world, preview)


GOOD_FILE = (
    "name,email,set,role\n"
    "Nia Newcomer,nia@example.org,Set Alpha,member\n"
    "Ravi Rao,RAVI@example.org,set beta,facilitator\n"
    "Sam Blank,sam@example.org,SET ALPHA,\n"
)


def test_a_good_file_invites_everyone(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_and_confirm(client, world, GOOD_FILE)
    assert response.status_code == 302
    assert response["Location"] == world.programme.get_absolute_url()
    invited = {(i.email, i.learning_set.name, i.role) for i in Invitation.objects.all()}
    assert invited == {
        ("nia@example.org", "Set Alpha", "member"),
        ("ravi@example.org", "Set Beta", "facilitator"),
        ("sam@example.org", "Set Alpha", "member"),
    }
    assert sorted(message.to[0] for message in mail.outbox) == [
        "nia@example.org",
        "ravi@example.org",
        "sam@example.org",
    ]
    assert AuditEvent.objects.filter(
        action=SetAction.MEMBERS_IMPORTED, programme_id=world.programme.pk
    ).exists()
    page = client.get(response["Location"])
    assert "Invited 3 people." in page.content.decode()


def test_byte_order_mark_and_semicolons_from_excel_are_accepted(client, world):
    text = "\ufeffName;Email;Set;Role\r\nNia Newcomer;nia@example.org;Set Alpha;Member\r\n\r\n"
    response = upload_and_confirm(client, world, text)
    assert response.status_code == 302
    assert Invitation.objects.get().email == "nia@example.org"


def test_every_bad_row_is_reported_and_nothing_is_written(client, world):
    InvitationFactory(learning_set=world.learning_set, email="invited@example.org")
    closed = SetFactory(programme=world.programme, name="Set Closed", status="closed")
    text = (
        "name,email,set,role\n"
        "Good Person,good@example.org,Set Alpha,member\n"  # row 2 is fine
        "Bad Email,not-an-email,Set Alpha,member\n"
        "Lost Person,lost@example.org,Set Omega,member\n"
        "Twice Listed,twice@example.org,Set Beta,member\n"
        "Twice Again,TWICE@example.org,set beta,member\n"
        f"Maya Member,{world.member.email},Set Alpha,member\n"
        "Already Invited,invited@example.org,Set Alpha,member\n"
        "Odd Role,odd@example.org,Set Alpha,chair\n"
        ",noname@example.org,Set Alpha,member\n"
        f"Late Comer,late@example.org,{closed.name},member\n"
        "Extra Cells,extra@example.org,Set Alpha,member,surplus\n"
        ",,,\n"
        "Missing Bits,,,\n"
    )
    with_invitations_before = Invitation.objects.count()
    response = upload(client, world, text)
    body = response.content.decode()
    assert response.status_code == 400
    assert Invitation.objects.count() == with_invitations_before
    assert len(mail.outbox) == 0
    assert not AuditEvent.objects.exists()

    reasons = {
        problem.number: " ".join(problem.reasons) for problem in response.context["problems"]
    }
    assert 2 not in reasons
    assert "“not-an-email” is not a valid email address." in reasons[3]
    assert "There is no set called “Set Omega” in this programme." in reasons[4]
    assert 5 not in reasons
    assert "Duplicate of row 5" in reasons[6]
    assert "is already in Set Alpha" in reasons[7]
    assert "already has an open invitation to Set Alpha" in reasons[8]
    assert "“chair” is not a role; use facilitator or member." in reasons[9]
    assert "Name is missing." in reasons[10]
    assert "Set Closed is closed." in reasons[11]
    assert "more cells than there are columns" in reasons[12]
    assert 13 not in reasons  # an empty line is skipped
    assert "Email is missing." in reasons[14]
    assert "Set is missing." in reasons[14]
    assert "Nothing was imported" in body
    assert "not-an-email" in body and "Set Omega" in body
    assert LearningSet.objects.get(pk=closed.pk).invitations.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n  \n", "The file is empty."),
        (b"name,email,set,role\n", "no people in it"),
        ("name,email,set,role\nZoë,zoe@example.org,Set Alpha,member\n".encode("utf-16"), "UTF-8"),
        ("name,email,set,role\nZoë,zoe@example.org,Set Alpha,member\n".encode("latin-1"), "UTF-8"),
        (b"full name,email address,group\nA,a@example.org,Set Alpha\n", "column headings"),
        (b"a@example.org,Set Alpha,member\n", "column headings"),
        (b"name,email,set,role,role\nA,a@example.org,Set Alpha,member,\n", "column headings"),
        (b"\x00\x01\x02", "column headings"),
        (b"PK\x03\x04\x14\x00\x06\x00", "an Excel workbook"),
    ],
)
def test_unusable_files_are_refused_with_a_clear_message(client, world, content, message):
    response = upload(client, world, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_missing_file_is_refused(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("sets:import_members", args=[world.programme.pk]), {})
    assert response.status_code == 400
    assert "Choose a CSV file to import." in response.content.decode()


def test_a_10_mb_file_is_refused(client, world):
    row = "Padding Person,pad@example.org,Set Alpha,member\n"
    content = ("name,email,set,role\n" + row * (10 * 1024 * 1024 // len(row))).encode()
    response = upload(client, world, content)
    assert response.status_code == 400
    assert "the limit is 1.0\xa0MB" in response.content.decode()
    assert not Invitation.objects.exists()


def test_too_many_rows_are_refused(client, world):
    rows = "".join(f"P{n},p{n}@example.org,Set Alpha,member\n" for n in range(1001))
    response = upload(client, world, "name,email,set,role\n" + rows)
    assert response.status_code == 400
    assert "The file has 1,001 people; the limit is 1,000." in response.content.decode()
    assert not Invitation.objects.exists()


def test_example_file_names_the_programmes_sets_and_imports_cleanly(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("sets:import_template", args=[world.programme.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode()
    assert content.splitlines()[0] == "name,email,set,role"
    assert "Set Alpha" in content and "Set Beta" in content
    assert upload_and_confirm(client, world, content).status_code == 302
    assert Invitation.objects.count() == 3


def test_check_import_returns_rows_or_problems_never_both(world):
    check = check_import(world.programme, csv_file(GOOD_FILE))
    assert [row.number for row in check.rows] == [2, 3, 4]
    assert check.problems == []

    check = check_import(world.programme, csv_file(GOOD_FILE + "X,bad,Set Alpha,member\n"))
    assert check.rows == []
    assert [problem.number for problem in check.problems] == [5]


def test_check_import_refuses_an_oversized_file_before_reading_it(world, settings):
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFileError, match="the limit is 10"):
        check_import(world.programme, csv_file(GOOD_FILE))


def test_import_page_explains_the_format(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("sets:import_members", args=[world.programme.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "name, email, set, role" in body
    assert reverse("sets:import_template", args=[world.programme.pk]) in body


def test_duplicates_are_found_even_when_the_first_copy_is_wrong(world):
    text = "name,email,set,role\nA,a@example.org,Set Alpha,boss\nA,A@example.org,set alpha,\n"
    check = check_import(world.programme, csv_file(text))
    reasons = {problem.number: problem.reasons for problem in check.problems}
    assert reasons[2] == ["“boss” is not a role; use facilitator or member."]
    assert reasons[3] == ["Duplicate of row 2: same email and set."]


def test_a_nul_in_a_cell_is_a_problem_of_its_row_and_nothing_is_written(client, world):
    """PostgreSQL cannot store a NUL: the invitation's insert failed with a 500."""
    text = (
        "name,email,set,role\n"
        "Nia\x00New,nia@example.org,Set Alpha,member\n"
        "Ola Two,ola@example.org,Set\x00Alpha,mem\x00ber\n"
        "Fay Fine,fay@example.org,Set Alpha,member\n"
    )
    before = Invitation.objects.count()
    response = upload(client, world, text)
    assert response.status_code == 400
    assert Invitation.objects.count() == before
    reasons = {p.number: p.reasons for p in response.context["problems"]}
    assert reasons == {
        2: [
            "The name holds a NUL character, which cannot be stored. Delete it and save the "
            "file again."
        ],
        3: [
            f"The {column} holds a NUL character, which cannot be stored. Delete it and save "
            "the file again."
            for column in ("set", "role")
        ],
    }
