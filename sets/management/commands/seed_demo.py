"""Demo data: a programme with three sets and one person in every role of docs/product.md#roles.

Every step finds what exists before it creates anything, so running the command again
changes nothing. Apps above `sets` (meetings, journals) add to the demo with a `demo` module
holding a `seed()` function, called after the people and sets exist.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from alsspace.audit import record
from sets.audit_actions import SetAction
from sets.models import (
    Amendment,
    ClosingReview,
    ClosingReviewEntry,
    Contract,
    ContractAcceptance,
    LearningSet,
    Membership,
    Programme,
)

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published in the README on purpose
DEMO_DOMAIN = "demo.alsspace.test"

PROGRAMME_NAME = "Northfield Leadership Programme 2026"
ORGANISATION = "Northfield Business School"
TIME_ZONE = "Europe/London"

GROUND_RULES = """\
We agree these ground rules so that each of us can bring real problems, speak openly and be \
challenged well.

1. Confidentiality. What is said in the set stays in the set. We may share what we learned, \
never who said what or whose problem it was. The one limit: if someone is at risk of serious \
harm, the facilitator may need to act, and will tell the set first wherever possible.
2. Attendance. We come to every meeting. If we cannot, we send apologies to the set before \
the day, not on it.
3. Punctuality. We start and finish on time. Arriving late or leaving early is agreed with \
the facilitator beforehand.
4. Airtime. Each presenter has their agreed time. While someone presents, we ask questions \
that help them think; we do not give advice or tell our own stories.
5. Actions. Each presenter leaves with actions they choose, and reports back on them at the \
next meeting, including what they did not do and why.
6. Quorum. We meet when at least four members can attend; with fewer, the facilitator \
reschedules.
7. Devices. Phones and email stay away while the set is working.
8. Review. We end each meeting by reviewing how we worked together, and we can revisit \
these rules whenever one of us asks.
"""


@dataclass(frozen=True)
class Person:
    local_part: str
    name: str
    shows: str

    @property
    def email(self):
        return f"{self.local_part}@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class SetPlan:
    name: str
    purpose: str
    place: str
    facilitator: Person
    members: list[Person]
    pending: list[Person] = field(default_factory=list)
    former: list[Person] = field(default_factory=list)


ADMIN = Person(
    "admin",
    "Helen Okafor",
    "Programme admin: sets, invitations, imports, attendance reports, the audit log; "
    "never what is said in a set",
)
OUTSIDER = Person(
    "outsider", "Sam Whitaker", "Signed in but in no set: an empty home page, 404 elsewhere"
)

SETS = [
    SetPlan(
        name="Set Aurora",
        purpose=(
            "Heads of service from across the region working on the problems of leading "
            "change they cannot solve alone."
        ),
        place="Northfield Business School, Room 2.14",
        facilitator=Person(
            "facilitator.aurora",
            "Ruth Adeyemi",
            "Facilitator of Set Aurora: schedules and runs meetings, the inaction dashboard",
        ),
        members=[
            Person(
                "member.aurora",
                "Priya Shah",
                "Member of Set Aurora who has accepted the contract",
            ),
            Person("tom.gallagher", "Tom Gallagher", "Member of Set Aurora"),
            Person("aisha.rahman", "Aisha Rahman", "Member of Set Aurora"),
            Person("david.osei", "David Osei", "Member of Set Aurora"),
            Person("claire.morgan", "Claire Morgan", "Member of Set Aurora"),
        ],
        pending=[
            Person(
                "pending.aurora",
                "Niamh Kelly",
                "Member of Set Aurora who has not yet accepted the contract",
            )
        ],
        former=[
            Person(
                "former.aurora",
                "Gareth Price",
                "Former member of Set Aurora: no access to its content any more",
            )
        ],
    ),
    SetPlan(
        name="Set Birch",
        purpose=(
            "Newly appointed directors taking on larger teams, budgets and boards for the "
            "first time."
        ),
        place="Northfield Business School, Room 3.02",
        facilitator=Person(
            "facilitator.birch",
            "James Whitfield",
            "Facilitator of Set Birch",
        ),
        members=[
            Person("member.birch", "Sofia Romano", "Member of Set Birch"),
            Person("owen.hughes", "Owen Hughes", "Member of Set Birch"),
            Person("grace.liu", "Grace Liu", "Member of Set Birch"),
            Person("callum.reid", "Callum Reid", "Member of Set Birch"),
            Person("fatima.begum", "Fatima Begum", "Member of Set Birch"),
        ],
    ),
    SetPlan(
        name="Set Hazel",
        purpose=("Service managers stepping up to lead merged teams across two organisations."),
        place="Northfield Business School, Room 1.08",
        facilitator=Person(
            "facilitator.hazel",
            "Meera Joshi",
            "Facilitator of Set Hazel: a set that takes airtime in the same order every time",
        ),
        members=[
            Person("member.hazel", "Ben Carter", "Member of Set Hazel"),
            Person("hannah.lewis", "Hannah Lewis", "Member of Set Hazel"),
            Person("kwame.mensah", "Kwame Mensah", "Member of Set Hazel"),
            Person("joanna.wells", "Joanna Wells", "Member of Set Hazel"),
            Person("leo.marsh", "Leo Marsh", "Member of Set Hazel"),
        ],
    ),
]


# Set Birch is drawing to a close: its facilitator has opened the closing review, and three
# of its members have written theirs (people named by the local part of their address).
CLOSING_REVIEWS = {
    "Set Birch": [
        (
            "member.birch",
            "That I do not have to have the answer in the room. Asking my team what they "
            "would do got better answers than mine.",
            "Asking one more question before I offer a view.",
            "In March I nearly restructured finance over a weekend. The set asked what I was "
            "avoiding; it was a conversation with my CFO. We had it, and the restructure "
            "was not needed.",
        ),
        (
            "owen.hughes",
            "How much of my week I spend reacting. I now block two mornings for thinking.",
            "Writing down one action after every difficult meeting, and reporting back on "
            "it to myself.",
            "",
        ),
        (
            "grace.liu",
            "That my board wanted to be told the hard news early, not protected from it.",
            "Bringing problems while they are still small.",
            "The set's questions about my board paper changed how I write them: risks first.",
        ),
    ]
}


class Command(BaseCommand):
    help = "Create the demo programme, sets and accounts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is False (only on a server that holds no real data).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts whose password is published, so it refuses to run "
                "when DEBUG is False. Use --force only on a demonstration server that holds no "
                "real people's data."
            )
        with transaction.atomic():
            accounts = seed()
            for seed_app in app_seeds():
                seed_app()
        self.print_accounts(accounts)

    def print_accounts(self, accounts):
        email_width = max(len(person.email) for person in accounts)
        name_width = max(len(person.name) for person in accounts)

        def row(email, name, shows):
            return f"{email.ljust(email_width)}  {name.ljust(name_width)}  {shows}"

        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}\n")
        self.stdout.write(row("Email", "Name", "What it shows"))
        self.stdout.write(row("-" * email_width, "-" * name_width, "-" * 13))
        for person in accounts:
            self.stdout.write(row(person.email, person.name, person.shows))


def seed():
    """Create whatever part of the demo is missing; return the accounts in display order."""
    # Hashed once: every demo account shares the password, and hashing is slow by design.
    password = make_password(DEMO_PASSWORD)
    admin = ensure_person(ADMIN, password)
    programme = ensure_programme(admin)
    accounts = [ADMIN]
    for plan in SETS:
        learning_set = seed_set(programme, plan, admin, password)
        accounts += [plan.facilitator, *plan.members, *plan.pending, *plan.former]
        if plan.name == CONTRACT_STORY_SET:
            ensure_contract_story(learning_set)
    for set_name, entries in CLOSING_REVIEWS.items():
        ensure_closing_review(programme, set_name, entries)
    ensure_person(OUTSIDER, password)
    accounts.append(OUTSIDER)
    return accounts


def app_seeds():
    """Each installed app's `demo.seed`, in INSTALLED_APPS order. Found by name, as the admin
    finds `admin` modules, because `sets` must not import the apps built on it."""
    for app_config in apps.get_app_configs():
        if app_config.name == "sets" or not module_has_submodule(app_config.module, "demo"):
            continue
        module = import_module(f"{app_config.name}.demo")
        if hasattr(module, "seed"):
            yield module.seed


def seed_set(programme, plan, admin, password):
    learning_set = ensure_set(programme, plan)
    facilitator = ensure_person(plan.facilitator, password)
    ensure_membership(learning_set, facilitator, Membership.Role.FACILITATOR, actor=admin)
    contract = ensure_contract(learning_set, facilitator)
    for person in plan.members:
        member = ensure_person(person, password)
        ensure_membership(learning_set, member, Membership.Role.MEMBER, actor=admin)
        ensure_acceptance(contract, member)
    for person in plan.pending:
        pending = ensure_person(person, password)
        ensure_membership(learning_set, pending, Membership.Role.MEMBER, actor=admin)
    for person in plan.former:
        former = ensure_person(person, password)
        ensure_membership(learning_set, former, Membership.Role.MEMBER, actor=admin, left=True)
    return learning_set


def academic_year(today):
    """The UK academic year holding `today`: September to July."""
    first_year = today.year if today.month >= 9 else today.year - 1
    return date(first_year, 9, 14), date(first_year + 1, 7, 16)


def ensure_person(person, password):
    """The demo person's account with a verified address; `password` is already hashed."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        email=person.email, defaults={"name": person.name, "password": password}
    )
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def ensure_programme(admin):
    starts_on, ends_on = academic_year(timezone.localdate())
    programme, created = Programme.objects.get_or_create(
        name=PROGRAMME_NAME,
        defaults={
            "organisation": ORGANISATION,
            "time_zone": TIME_ZONE,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    if created:
        programme.admins.add(admin)
        record(
            SetAction.PROGRAMME_ADMIN_ADDED, actor=admin, programme=programme, subject=admin.email
        )
    return programme


def ensure_set(programme, plan):
    learning_set, _ = LearningSet.objects.get_or_create(
        programme=programme,
        name=plan.name,
        defaults={
            "purpose": plan.purpose,
            "status": LearningSet.Status.ACTIVE,
            "quorum": 4,
            "default_place": plan.place,
            "default_length_minutes": 240,
        },
    )
    return learning_set


def joining_time(programme):
    """Members joined at the programme's first morning, or now if it has not started."""
    start = datetime.combine(programme.starts_on, time(9), tzinfo=ZoneInfo(programme.time_zone))
    return min(start, timezone.now())


def ensure_membership(learning_set, user, role, *, actor, left=False):
    if Membership.objects.filter(learning_set=learning_set, user=user).exists():
        return
    programme = learning_set.programme
    Membership.objects.create(
        learning_set=learning_set,
        user=user,
        role=role,
        joined_at=joining_time(programme),
        left_at=timezone.now() if left else None,
        granted_by=actor,
    )
    record(
        SetAction.MEMBERSHIP_ADDED,
        actor=actor,
        programme=programme,
        subject=user.email,
        set=learning_set.name,
        role=role,
    )
    if left:
        record(
            SetAction.MEMBERSHIP_ENDED,
            actor=actor,
            programme=programme,
            subject=user.email,
            set=learning_set.name,
            role=role,
        )


def ensure_contract(learning_set, facilitator):
    contract, created = Contract.objects.get_or_create(
        learning_set=learning_set,
        version=1,
        defaults={"text": GROUND_RULES, "created_by": facilitator},
    )
    if created:
        record(
            SetAction.CONTRACT_VERSION,
            actor=facilitator,
            programme=learning_set.programme,
            subject=learning_set,
            version=1,
        )
    return contract


def ensure_acceptance(contract, user):
    _, created = ContractAcceptance.objects.get_or_create(contract=contract, user=user)
    if created:
        record(
            SetAction.CONTRACT_ACCEPTED,
            actor=user,
            programme=contract.learning_set.programme,
            subject=contract.learning_set,
            version=contract.version,
        )


# Set Aurora's contract as the set negotiated it (docs/product.md#contracts): a member's
# change adopted as a minor rewording (version 2, nobody asked to accept again), and another
# member's proposal still waiting for the facilitator.
CONTRACT_STORY_SET = "Set Aurora"
APOLOGIES_BEFORE = (
    "2. Attendance. We come to every meeting. If we cannot, we send apologies to the set before "
    "the day, not on it."
)
APOLOGIES_AFTER = (
    "2. Attendance. We come to every meeting. If we cannot, we send apologies to the "
    "facilitator and the set before the day, not on it."
)
DEVICES_BEFORE = "7. Devices. Phones and email stay away while the set is working."
DEVICES_AFTER = (
    "7. Devices. Phones and email stay away while the set is working. A member on call says "
    "so at the start, and steps out to take a call."
)


def ensure_contract_story(learning_set):
    if Amendment.objects.filter(learning_set=learning_set).exists():
        return
    first = learning_set.contracts.get(version=1)
    facilitator = first.created_by
    tom = get_user_model().objects.get(email=f"tom.gallagher@{DEMO_DOMAIN}")
    priya = get_user_model().objects.get(email=f"member.aurora@{DEMO_DOMAIN}")
    programme = learning_set.programme
    now = timezone.now()
    reworded = first.text.replace(APOLOGIES_BEFORE, APOLOGIES_AFTER)
    adopted = Amendment.objects.create(
        learning_set=learning_set,
        based_on=first,
        text=reworded,
        reason=(
            "Apologies sent only to the set's group chat get missed by Ruth. Naming her "
            "makes sure the facilitator hears, which is what we meant all along."
        ),
        proposed_by=tom,
        proposed_at=now - timedelta(days=20),
    )
    record(SetAction.AMENDMENT_PROPOSED, actor=tom, programme=programme, subject=learning_set)
    note = (
        "Tom's wording: apologies go to the facilitator as well as the set. The rule itself "
        "is unchanged, so nobody needs to accept the contract again."
    )
    second = Contract.objects.create(
        learning_set=learning_set,
        version=2,
        text=reworded,
        change=Contract.Change.MINOR,
        note=note,
        created_by=facilitator,
    )
    # One by one, so that sets/receivers.py hears of each acceptance.
    for accepted in first.acceptances.all():
        ContractAcceptance.objects.create(
            contract=second,
            user_id=accepted.user_id,
            accepted_at=accepted.accepted_at,
            carried_over=True,
        )
    adopted.decision_reason = note
    adopted.status = Amendment.Status.ADOPTED
    adopted.decided_by = facilitator
    adopted.decided_at = now - timedelta(days=18)
    adopted.adopted_as = second
    adopted.save()
    record(
        SetAction.CONTRACT_MINOR_VERSION,
        actor=facilitator,
        programme=programme,
        subject=learning_set,
        version=2,
        change="minor",
    )
    record(
        SetAction.AMENDMENT_ADOPTED,
        actor=facilitator,
        programme=programme,
        subject=learning_set,
        amendment=adopted.pk,
        version=2,
        change="minor",
    )
    Amendment.objects.create(
        learning_set=learning_set,
        based_on=second,
        text=reworded.replace(DEVICES_BEFORE, DEVICES_AFTER),
        reason=(
            "Two of us are on call some weeks. I would rather we say so at the start than "
            "break the rule quietly under the table."
        ),
        proposed_by=priya,
        proposed_at=now - timedelta(days=3),
    )
    record(SetAction.AMENDMENT_PROPOSED, actor=priya, programme=programme, subject=learning_set)


def ensure_closing_review(programme, set_name, entries):
    """The set's closing review, opened by its facilitator, with each entry written."""
    learning_set = LearningSet.objects.get(programme=programme, name=set_name)
    facilitator = learning_set.memberships.get(role=Membership.Role.FACILITATOR).user
    review, created = ClosingReview.objects.get_or_create(
        learning_set=learning_set, defaults={"opened_by": facilitator}
    )
    if created:
        record(
            SetAction.CLOSING_REVIEW_OPENED,
            actor=facilitator,
            programme=programme,
            subject=learning_set,
        )
    for local_part, learned, keep_doing, story in entries:
        author = get_user_model().objects.get(email=f"{local_part}@{DEMO_DOMAIN}")
        ClosingReviewEntry.objects.get_or_create(
            review=review,
            author=author,
            defaults={"learned": learned, "keep_doing": keep_doing, "story": story},
        )
