from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from alsspace.models import AuditEvent
from sets.management.commands.seed_demo import DEMO_PASSWORD
from sets.models import Contract, ContractAcceptance, LearningSet, Membership, Programme

User = get_user_model()

pytestmark = pytest.mark.django_db

COUNTED = [User, EmailAddress, Programme, LearningSet, Membership, Contract, ContractAcceptance]


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in [*COUNTED, AuditEvent]}


def person(local_part):
    return User.objects.get(email=f"{local_part}@demo.alsspace.test")


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_running_twice_changes_nothing(debug_on):
    seed()
    first = counts()
    passwords = dict(User.objects.values_list("email", "password"))
    seed()
    assert counts() == first
    assert dict(User.objects.values_list("email", "password")) == passwords
    assert first["Programme"] == 1
    assert first["LearningSet"] == 3


def test_every_role_is_there(debug_on):
    output = seed()
    programme = Programme.objects.get(name="Northfield Leadership Programme 2026")
    assert programme.organisation == "Northfield Business School"
    assert programme.time_zone == "Europe/London"
    assert programme.starts_on < programme.ends_on
    assert list(programme.admins.all()) == [person("admin")]

    aurora = LearningSet.objects.get(programme=programme, name="Set Aurora")
    birch = LearningSet.objects.get(programme=programme, name="Set Birch")
    for learning_set, key in [(aurora, "aurora"), (birch, "birch")]:
        current = Membership.objects.current().filter(learning_set=learning_set)
        assert list(current.filter(role="facilitator").values_list("user__email", flat=True)) == [
            f"facilitator.{key}@demo.alsspace.test"
        ]
        contract = learning_set.contracts.order_by("-version").first()
        accepted = current.filter(role="member", user__contract_acceptances__contract=contract)
        assert accepted.count() == 5
        assert person(f"member.{key}").has_perm("sets.view_content_learningset", learning_set)

    pending = person("pending.aurora")
    assert Membership.objects.current().filter(learning_set=aurora, user=pending).exists()
    assert not pending.contract_acceptances.exists()
    assert not pending.has_perm("sets.view_content_learningset", aurora)

    former = Membership.objects.get(learning_set=aurora, user=person("former.aurora"))
    assert former.left_at is not None
    assert not former.user.has_perm("sets.view_learningset", aurora)

    outsider = person("outsider")
    assert not outsider.memberships.exists()
    assert not outsider.administered_programmes.exists()

    assert User.objects.values("password").distinct().count() == 1
    assert outsider.check_password(DEMO_PASSWORD)
    for user in User.objects.all():
        assert user.emailaddress_set.filter(email=user.email, verified=True, primary=True).exists()
        assert user.email in output
    assert DEMO_PASSWORD in output


def test_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is False"):
        seed()
    assert not User.objects.exists()


def test_force_runs_when_debug_is_off(settings):
    settings.DEBUG = False
    seed("--force")
    assert Programme.objects.filter(name="Northfield Leadership Programme 2026").exists()


def test_set_aurora_shows_a_contract_the_set_negotiated(debug_on):
    seed()
    aurora = LearningSet.objects.get(name="Set Aurora")
    first, second = aurora.contracts.order_by("version")
    assert (first.change, second.change) == ("material", "minor")
    assert "facilitator and the set" in second.text
    adopted, waiting = aurora.amendments.order_by("proposed_at")
    assert (adopted.status, adopted.adopted_as, adopted.proposed_by) == (
        "adopted",
        second,
        person("tom.gallagher"),
    )
    assert (waiting.status, waiting.proposed_by, waiting.based_on) == (
        "open",
        person("member.aurora"),
        second,
    )
    # The minor change kept every member who had accepted in; Niamh still has to accept.
    assert person("member.aurora").has_perm("sets.view_content_learningset", aurora)
    assert not person("pending.aurora").has_perm("sets.view_content_learningset", aurora)
    assert not aurora.programme.sets.get(name="Set Birch").amendments.exists()
