import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules.contrib.models import RulesModel

from alsspace.crypto import EncryptedTextField
from alsspace.inputs import EARLIEST, LATEST
from alsspace.models import validate_time_zone
from sets import rules as perms
from sets import validators


class Programme(RulesModel):
    """A cohort run by an organisation, with its admins, sets and defaults."""

    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="administered_programmes", blank=True
    )
    pulse_threshold = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text=_(
            "Pulse results are shown only once this many members have answered (at least 3)."
        ),
    )
    attendance_threshold = models.PositiveSmallIntegerField(
        default=75,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Members below this attendance rate (%) are picked out for certification."),
    )
    require_mfa = models.BooleanField(
        _("Require two-factor sign-in"),
        default=False,
        help_text=_(
            "Its admins and the facilitators of its sets must sign in with a second "
            "factor (an authenticator app's code, or a passkey) and not a password alone. Anyone "
            "without one is asked to set it up when they next sign in. Members are not asked."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        rules_permissions = {
            "add": perms.can_create_programme,
            "view": perms.is_programme_admin,
            "change": perms.is_programme_admin,
            "add_set": perms.is_programme_admin,
            "import_members": perms.is_programme_admin,
            "view_audit": perms.is_programme_admin,
        }
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(starts_on__isnull=True) | Q(starts_on__range=(EARLIEST, LATEST)))
                & (Q(ends_on__isnull=True) | Q(ends_on__range=(EARLIEST, LATEST))),
                name="programme_dates_within_calendar",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sets:programme", args=[self.pk])

    def clean(self):
        super().clean()
        # The sessions app's checks (sets/validators.py): pulses due under the stored pulse
        # threshold are published before it changes.
        validators.run(self)


# The longest pulse window a set may have: the evaluation report waits this long after a month
# before it shows the month's pulse (docs/reports.md#disclosure-control).
PULSE_WINDOW_MAX_DAYS = 60


class LearningSet(RulesModel):
    """An action learning set: 4–8 members and a facilitator within a programme."""

    class Status(models.TextChoices):
        FORMING = "forming", pgettext_lazy("set status", "Forming")
        ACTIVE = "active", pgettext_lazy("set status", "Active")
        CLOSED = "closed", pgettext_lazy("set status", "Closed")

    class AirtimeMode(models.TextChoices):
        EQUAL = "equal", _("Equal time for each presenter")
        BID = "bid", _("Members bid for time")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sets")
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FORMING)
    quorum = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    airtime_mode = models.CharField(
        max_length=10, choices=AirtimeMode.choices, default=AirtimeMode.EQUAL
    )
    default_place = models.CharField(_("usual place"), max_length=300, blank=True)
    default_video_link = models.URLField(_("usual video link"), blank=True)
    default_length_minutes = models.PositiveSmallIntegerField(
        _("usual length (minutes)"),
        default=240,
        validators=[MinValueValidator(15), MaxValueValidator(720)],
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder (hours before)"),
        default=48,
        validators=[MaxValueValidator(336)],
        help_text=_("Members get an email this many hours before each meeting; 0 sends none."),
    )
    pulse_window_days = models.PositiveSmallIntegerField(
        _("pulse window (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(PULSE_WINDOW_MAX_DAYS)],
        help_text=_(
            "Members present at a meeting can answer its pulse for this many days after it."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("set")
        ordering = ["programme__name", "name"]
        constraints = [
            # Case-insensitive, as the form checks it: imports find sets by name regardless
            # of case.
            models.UniqueConstraint("programme", Lower("name"), name="set_name_unique_in_programme")
        ]
        rules_permissions = {
            "view": perms.can_view_set,
            "change": perms.is_set_programme_admin & perms.is_open_set,
            "view_content": perms.can_view_set_content,
            "view_contract": perms.is_current_participant,
            "change_contract": perms.is_set_facilitator & perms.is_open_set,
            "propose_amendment": perms.can_propose_amendment,
            "view_amendments": perms.can_view_set_content,
            "accept_contract": perms.is_active_member & perms.is_open_set,
            "manage_members": perms.can_manage_members & perms.is_open_set,
            "assign_facilitators": perms.is_set_programme_admin & perms.is_open_set,
            "close": perms.is_set_lead & perms.is_open_set,
            "set_status": perms.can_set_status & perms.is_open_set,
            "open_closing_review": perms.is_set_facilitator & perms.is_open_set,
            "view_closing_review": perms.can_view_set_content,
            "write_closing_review": perms.can_view_set_content & perms.is_open_set,
        }

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sets:set", args=[self.pk])

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    def clean(self):
        super().clean()
        # The sessions app's checks (sets/validators.py): a pulse window that would reopen
        # published pulse results is refused.
        validators.run(self)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> "MembershipQuerySet":
        return self.filter(left_at__isnull=True)


class Membership(models.Model):
    """A person in a set as facilitator or member. Leaving ends access and keeps history."""

    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        MEMBER = "member", _("Member")

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # Who let this person in: whoever invited them, or whoever approved their own request.
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["role", "user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "user"],
                condition=Q(left_at__isnull=True),
                name="one_current_membership_per_person_per_set",
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.learning_set})"

    @property
    def is_current(self):
        return self.left_at is None


def _invitation_key():
    return secrets.token_urlsafe(24)


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


INVITATION_SALT = "sets.invitation"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> "InvitationQuerySet":
        """Neither used nor revoked: sent and waiting, expired, or awaiting approval."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def pending(self) -> "InvitationQuerySet":
        """Open invitations whose link works: not expired, and approved where that is needed."""
        return self.open().filter(
            Q(needs_approval=False) | Q(approved_at__isnull=False), expires_at__gt=timezone.now()
        )

    def awaiting_approval(self) -> "InvitationQuerySet":
        return self.open().filter(needs_approval=True, approved_at__isnull=True)

    def from_token(self, token: str) -> "Invitation | None":
        """The pending invitation a link stands for; None if forged, used, revoked or expired."""
        try:
            key = signing.Signer(salt=INVITATION_SALT).unsign(token)
        except signing.BadSignature:
            return None
        return self.pending().select_related("learning_set__programme").filter(key=key).first()


class Invitation(RulesModel):
    """An emailed, signed, expiring, single-use link to join a set in a role.

    An invitation someone sends to their own address would let them into what the set says
    on their own say-so, so it `needs_approval`: it is not sent, and its link does not work,
    until another programme admin or the set's facilitator approves it.
    """

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=12, choices=Membership.Role.choices, default="member")
    key = models.CharField(max_length=64, unique=True, default=_invitation_key, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    needs_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        rules_permissions = {"approve": perms.can_approve_invitation}
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email_per_set",
            )
        ]

    def __str__(self):
        return f"{self.email} to {self.learning_set}"

    def link(self):
        """The live link's path. A credential, so not `get_absolute_url`: Django's admin would
        offer it as "view on site", and its /r/ shortcut would redirect anyone to it."""
        return reverse("sets:invitation", args=[self.token])

    @property
    def state(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.awaits_approval:
            return "awaiting approval"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_pending(self):
        return self.state == "pending"

    @property
    def awaits_approval(self):
        return (
            self.needs_approval
            and self.approved_at is None
            and self.accepted_at is None
            and self.revoked_at is None
        )

    @property
    def token(self):
        return signing.Signer(salt=INVITATION_SALT).sign(self.key)


class Contract(models.Model):
    """A version of a set's ground rules. A material version asks every member to accept
    again; a minor one (wording) carries their acceptances over (docs/product.md#contracts)."""

    class Change(models.TextChoices):
        MATERIAL = "material", _("Material: everyone accepts again")
        MINOR = "minor", _("Minor: wording only, acceptances carry over")

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="contracts"
    )
    version = models.PositiveIntegerField()
    text = EncryptedTextField()
    # Every version before minor edits existed asked everyone to accept again.
    change = models.CharField(max_length=10, choices=Change.choices, default=Change.MATERIAL)
    note = EncryptedTextField(_("what changed and why"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["learning_set", "-version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "version"], name="contract_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.learning_set} contract v{self.version}"

    @property
    def is_minor(self) -> bool:
        return self.change == self.Change.MINOR


class ContractAcceptance(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contract_acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)
    # Carried over from the version before, which this one only rewords: the member accepted
    # that, and was not asked again.
    carried_over = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "user"], name="accept_contract_once")
        ]

    def __str__(self):
        return f"{self.user} accepted {self.contract}"


class Amendment(RulesModel):
    """A change to the contract a member proposes, with why; the facilitator adopts it (as a
    new version) or declines it, with a reason. What it says is set content."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("proposal", "Open")
        ADOPTED = "adopted", pgettext_lazy("proposal", "Adopted")
        DECLINED = "declined", pgettext_lazy("proposal", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposal", "Withdrawn")

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="amendments"
    )
    # The version the proposal rewrites: its text is the contract as the proposer would have it.
    based_on = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="proposals")
    text = EncryptedTextField(_("the contract as proposed"))
    reason = EncryptedTextField(_("why"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField(blank=True, default="")
    adopted_as = models.OneToOneField(
        Contract, null=True, blank=True, on_delete=models.SET_NULL, related_name="adopted_from"
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        rules_permissions = {
            "view": perms.can_view_amendment,
            "decide": perms.can_decide_amendment,
            "withdraw": perms.can_withdraw_amendment,
        }
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="amendment_decided_unless_open",
            )
        ]

    def __str__(self):
        # Never the text: it is what the set is negotiating.
        return f"Contract amendment #{self.pk} in {self.learning_set}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ClosingReview(models.Model):
    """A set's ending: opened by its facilitator before the set closes, it asks each member
    what they learned, what they will keep doing and, if they like, a story of the
    difference the set made (`ClosingReviewEntry`). The set sees the entries; programme
    admins never do."""

    learning_set = models.OneToOneField(
        LearningSet, on_delete=models.CASCADE, related_name="closing_review"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Closing review of {self.learning_set}"


class ClosingReviewEntry(models.Model):
    """One person's words in a set's closing review. They are in their data download."""

    review = models.ForeignKey(ClosingReview, on_delete=models.CASCADE, related_name="entries")
    # Erasing an account deletes its words with it (reflections.services.erase_account).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closing_review_entries"
    )
    learned = EncryptedTextField(_("what I learned"))
    keep_doing = EncryptedTextField(_("what I will keep doing"))
    story = EncryptedTextField(_("a story of the difference the set made"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("closing review entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "author"], name="one_closing_review_entry_per_person"
            )
        ]

    def __str__(self):
        # Never the text: it is what the set said.
        return f"Closing review entry #{self.pk} in {self.review.learning_set}"


class Nudge(RulesModel):
    """One reminder to one person of one occasion (docs/product.md#nudges): an email, sent
    once by the task worker, and a notice on their home page until they dismiss it or its
    moment passes. The row is the record that it was sent: one per person, kind and
    occasion, so a sweep that runs twice, or two at once, nudges nobody twice."""

    class Kind(models.TextChoices):
        PULSE_OPEN = "pulse_open", _("The pulse is open for a meeting you attended")
        ACTIONS_DUE = "actions_due", _("Your actions are due at your set's next meeting")
        CONTRACT_WAITING = "contract_waiting", _("The contract waits for your acceptance")
        BRING_ISSUE = "bring_issue", _("You can bring an issue to your set's next meeting")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges"
    )
    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What it is about: the meeting's id (pulse, actions, an issue to bring) or the contract
    # version's id. With the person and the kind it makes the nudge one of a kind.
    occasion = models.PositiveBigIntegerField()
    # When the meeting starts (or, for the pulse, ended), as the notice and email say it.
    occasion_at = models.DateTimeField(null=True, blank=True)
    # The page the notice and the email lead to, a path on this site.
    link = models.CharField(max_length=300)
    # When it stops mattering: the pulse closes, the meeting starts. Null: until settled.
    ends_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Dismissed from the home page, or settled (the pulse answered, the contract accepted,
    # the meeting cancelled): shown no more, and not emailed if it has not been yet.
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "occasion"], name="one_nudge_per_person_kind_occasion"
            )
        ]
        rules_permissions = {"dismiss": perms.is_nudged_person}

    def __str__(self):
        return f"{self.get_kind_display()} ({self.learning_set}, #{self.occasion})"

    @property
    def essential(self):
        return self.kind in ESSENTIAL_NUDGES


# Nudges nobody can turn off: until a member accepts the contract, nothing the set says is
# open to them, and a new version closes it again (docs/product.md#nudges).
ESSENTIAL_NUDGES = frozenset({Nudge.Kind.CONTRACT_WAITING})


class NudgeOptOut(models.Model):
    """A kind of nudge a person has turned off on their notifications page: neither emailed
    nor shown to them. Essential kinds are never turned off."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudge_opt_outs"
    )
    kind = models.CharField(max_length=20, choices=Nudge.Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="opt_out_of_a_kind_once")
        ]

    def __str__(self):
        return f"{self.person} turned off {self.kind}"


class ProgrammeSignOn(models.Model):
    """The identity provider a programme's people sign in with (docs/sso.md), and the email
    domains whose people may sign up through it without an invitation.

    The provider is named by its allauth `provider_id`, which is what a social account records
    and works the same for a social application in the operator admin and one in settings."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="sign_on")
    provider_id = models.CharField(max_length=200)
    # Lower-case domains, such as ["acme.example"]; empty: invitations only.
    open_domains = models.JSONField(default=list, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Sign-on of programme #{self.programme_id} with {self.provider_id}"

    def admits(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.open_domains


class ProgrammeEntrant(models.Model):
    """A person in a programme with no set: they signed up through its identity provider from
    an admitted domain, and wait for an invitation to one of its sets
    (docs/sso.md#signing-up-without-an-invitation)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="entrants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_entries"
    )
    provider_id = models.CharField(max_length=200)
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="enter_a_programme_once")
        ]

    def __str__(self):
        return f"Person #{self.user_id} in programme #{self.programme_id}"
