import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy
from rules.contrib.models import RulesModel

from alsspace.crypto import EncryptedTextField
from alsspace.inputs import EARLIEST, EARLIEST_MOMENT, LATEST, LATEST_MOMENT
from sessions import rules as perms
from sets.models import ClosingReviewEntry, LearningSet, Programme

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class MeetingSeries(models.Model):
    """Meetings scheduled together ("first Tuesday monthly, 6 times"); each stays editable."""

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="series")
    description = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "meeting series"

    def __str__(self):
        return self.description


class Meeting(RulesModel):
    """A scheduled gathering of a set. `uid` and `sequence` keep calendars in step."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("meeting status", "Scheduled")
        HELD = "held", pgettext_lazy("meeting status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    video_link = models.URLField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Rises with every change the calendar shows (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    # Rises with every save from the meeting page, so a stale form is refused, not merged.
    revision = models.PositiveIntegerField(default=0)
    process_review = EncryptedTextField("process review", blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # When the pulse's results were first shown (sessions.pulse.publish). From then on they
    # are final: no more answers are taken, whatever the set's pulse window becomes.
    pulse_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["learning_set", "starts_at"]),
            # The order the API's meetings and attendance are paged in (api.cursors).
            models.Index(fields=["starts_at", "id"], name="meeting_start_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__gte=EARLIEST_MOMENT, ends_at__lt=LATEST_MOMENT),
                name="meeting_within_calendar",
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_schedule,
            "change": perms.can_schedule,
            "run": perms.can_run_meeting,
            "view_content": perms.can_view_meeting_content,
            "send_apologies": perms.can_send_apologies,
            # Bids are the set's: seen where its content is, brought by members under the
            # contract, ordered and turned into airtime by whoever runs the meeting.
            "bid": perms.can_bid,
            "view_attendance": perms.can_view_attendance,
        }

    def __str__(self):
        return f"{self.learning_set} · {self.starts_at:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("meetings:meeting", args=[self.pk])

    def in_progress(self, now):
        """Scheduled, started and not yet over at `now`: the meeting happening now."""
        return self.status == self.Status.SCHEDULED and self.starts_at <= now < self.ends_at


class Attendance(models.Model):
    """One row per member per meeting. When an account is erased, `user` is cleared and
    `erased_account` keeps the account's number (as the audit log names it), so programme
    reports still add up and each erased person stays one row of them, without a name."""

    class Status(models.TextChoices):
        PRESENT = "present", gettext_lazy("Present")
        LATE = "late", gettext_lazy("Late")
        LEFT_EARLY = "left_early", gettext_lazy("Left early")
        APOLOGIES = "apologies", gettext_lazy("Apologies")
        ABSENT = "absent", gettext_lazy("Absent")

    ATTENDED = (Status.PRESENT, Status.LATE, Status.LEFT_EARLY)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="attendance"
    )
    status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    apologies_sent_at = models.DateTimeField(null=True, blank=True)
    erased_account = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "attendance"
        # A meeting's records in the order the API's attendance is paged in (api.cursors).
        indexes = [models.Index(fields=["meeting", "id"], name="attendance_meeting_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="one_attendance_row_per_person_per_meeting",
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.meeting}: {self.get_status_display() or 'not recorded'}"

    @property
    def attended(self):
        return self.status in self.ATTENDED


class Want(models.TextChoices):
    """What a presenter asks of the set for their time."""

    QUESTIONS = "questions", gettext_lazy("Questions to think with")
    SOUNDING_BOARD = "sounding_board", gettext_lazy("A sounding board")
    CHECK_ACTION = "check_action", gettext_lazy("A check on an action I plan")


class Phase(models.TextChoices):
    """The optional phases of a slot, in the order they are run: questions before advice."""

    PRESENTING = "presenting", gettext_lazy("Presenting")
    QUESTIONS = "questions", gettext_lazy("Questions")
    REFLECTION = "reflection", gettext_lazy("Reflection")
    COMMITMENT = "commitment", gettext_lazy("Commitment")


class AirtimeSlot(models.Model):
    """A presenter's time in a meeting. The timer adds to `actual_seconds` when stopped.

    A presenter may have several slots. `framing` is the presenter's own account of the
    problem, brought with their bid, shown on the slot and kept with the record. A slot run
    in phases has a `SlotPhase` for each phase it plans; `phase` is the one under way, begun
    when the slot's timer read `phase_from_seconds`. A slot closed as "learning noted, no
    action" has `learning_noted_at`, and who closed it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="airtime_slots")
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    topic = EncryptedTextField(max_length=300, blank=True)
    planned_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    actual_seconds = models.PositiveIntegerField(default=0)
    timer_started_at = models.DateTimeField(null=True, blank=True)
    framing = EncryptedTextField("presenter's framing", blank=True)
    want = models.CharField(max_length=16, choices=Want.choices, blank=True)
    phase = models.CharField(max_length=12, choices=Phase.choices, blank=True)
    phase_from_seconds = models.PositiveIntegerField(default=0)
    # Closed as "learning noted, no action": the insight was the outcome
    # (docs/product.md#learning-noted-no-action). Empty while the slot is open.
    learning_noted_at = models.DateTimeField(null=True, blank=True)
    learning_noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def __str__(self):
        # Never the topic: it is what the set discussed.
        return f"Airtime slot #{self.pk} in {self.meeting}"

    @property
    def actual_minutes(self):
        return round(self.actual_seconds / 60)


class SlotPhase(models.Model):
    """One phase of a slot run in phases: its planned minutes, and the seconds it took once
    the set moved on from it (the phase under way is read from the slot's timer)."""

    slot = models.ForeignKey(AirtimeSlot, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=12, choices=Phase.choices)
    order = models.PositiveSmallIntegerField()
    planned_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    used_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["slot", "order"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "kind"], name="one_phase_of_a_kind_per_slot")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} phase of airtime slot #{self.slot_id}"


class Bid(models.Model):
    """A member's bid for airtime at a meeting to come: the problem in their own words, what
    they want from the set and the minutes they ask for. They change or withdraw it until
    the meeting starts; the facilitator orders the bids and turns them into airtime, which
    links each bid to the slot it became."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="bids")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="airtime_bids"
    )
    problem = EncryptedTextField("the problem, in your own words")
    want = models.CharField(max_length=16, choices=Want.choices)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    order = models.PositiveSmallIntegerField(default=0)
    slot = models.ForeignKey(
        AirtimeSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="bids"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=240), name="bid_minutes_in_range"
            )
        ]

    def __str__(self):
        # Never the problem: it is what the member brings to the set.
        return f"Bid #{self.pk} for {self.meeting}"


class Action(models.Model):
    """What a member commits to at a meeting, owned by them until a report-back closes it."""

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("Open")
        DONE = "done", gettext_lazy("Done")
        DROPPED = "dropped", gettext_lazy("Dropped")

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="actions"
    )
    committed_at = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="actions_committed"
    )
    slot = models.ForeignKey(
        AirtimeSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    text = EncryptedTextField()
    due_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_due"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    carry_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["learning_set", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__range=(EARLIEST, LATEST)),
                name="action_due_within_calendar",
            )
        ]

    def __str__(self):
        # Never the text: it is what the set heard.
        return f"Action #{self.pk} in {self.learning_set}"


class ReportBack(models.Model):
    """An action's outcome at a later meeting. Carrying forward keeps the action open."""

    class Outcome(models.TextChoices):
        DONE = "done", gettext_lazy("Done")
        PARTLY = "partly", gettext_lazy("Partly done")
        NOT_DONE = "not_done", gettext_lazy("Not done")
        CARRIED = "carried", gettext_lazy("Carried forward")
        DROPPED = "dropped", gettext_lazy("Dropped")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="report_backs")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="report_backs")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = EncryptedTextField("learning or value note", blank=True)
    # Who first wrote it, and who wrote it last: a facilitator who changes a report-back its
    # owner wrote themselves confirms it first, and the meeting record says who wrote and who
    # changed it (docs/product.md#actions-and-report-backs).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("last written by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "meeting"], name="one_report_back_per_meeting"
            )
        ]

    def __str__(self):
        return f"Report-back #{self.pk} on action #{self.action_id}"


class ValueStory(models.Model):
    """A member's story of the difference the set made, on their own report-back or their
    closing review entry, tagged by the value-creation cycle it speaks to (Wenger-Trayner;
    docs/product.md#value-stories). Its author alone writes it and decides, story by story,
    whether it is shared beyond the set: with the programme, named or anonymised, revocable at
    any time (docs/confidentiality.md#value-stories)."""

    class Cycle(models.TextChoices):
        IMMEDIATE = "immediate", gettext_lazy("Immediate value")
        POTENTIAL = "potential", gettext_lazy("Potential value")
        APPLIED = "applied", gettext_lazy("Applied value")
        REALISED = "realised", gettext_lazy("Realised value")
        REFRAMING = "reframing", gettext_lazy("Reframing value")

    # Each cycle in a member's own words, as the form and the pages explain it.
    CYCLE_MEANINGS: dict[str, "StrOrPromise"] = {
        Cycle.IMMEDIATE: gettext_lazy(
            "It was worth it there and then: the meeting itself helped me."
        ),
        Cycle.POTENTIAL: gettext_lazy(
            "I came away with something I can use: an idea, a question, a contact, some confidence."
        ),
        Cycle.APPLIED: gettext_lazy("I did something differently."),
        Cycle.REALISED: gettext_lazy("It made a difference I can see."),
        Cycle.REFRAMING: gettext_lazy("It changed what I think success is."),
    }

    class Consent(models.TextChoices):
        NONE = "none", gettext_lazy("Kept in the set")
        NAMED = "named", gettext_lazy("Shared with the programme, with my name")
        ANONYMISED = "anonymised", gettext_lazy("Shared with the programme, without my name")

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="+")
    # Erasing an account deletes its stories, shared or not (reflections.services.erase_account
    # and docs/confidentiality.md#value-stories).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="value_stories"
    )
    # What it is attached to: exactly one of the two.
    report_back = models.OneToOneField(
        ReportBack, null=True, blank=True, on_delete=models.CASCADE, related_name="value_story"
    )
    closing_entry = models.OneToOneField(
        ClosingReviewEntry,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="value_story",
    )
    text = EncryptedTextField("the story")
    cycle = models.CharField(max_length=10, choices=Cycle.choices)
    consent = models.CharField(max_length=10, choices=Consent.choices, default=Consent.NONE)
    # When the consent in force was given (or last changed); none while the story is kept in
    # the set.
    consented_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "value stories"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report_back__isnull=False, closing_entry__isnull=True)
                | Q(report_back__isnull=True, closing_entry__isnull=False),
                name="value_story_on_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(
                    cycle__in=["immediate", "potential", "applied", "realised", "reframing"]
                ),
                name="value_story_cycle_known",
            ),
            models.CheckConstraint(
                condition=Q(consent="none", consented_at__isnull=True)
                | Q(consent__in=["named", "anonymised"], consented_at__isnull=False),
                name="value_story_consent_has_a_time",
            ),
        ]

    def __str__(self):
        # Never the text, nor whose it is: it is what a member wrote.
        return f"Value story #{self.pk} in {self.learning_set}"

    @property
    def cycle_meaning(self) -> str:
        return str(self.CYCLE_MEANINGS.get(self.cycle, ""))

    @property
    def is_shared(self) -> bool:
        return self.consent != self.Consent.NONE


class CalendarFeed(models.Model):
    """A person's private subscription feed of all their meetings. Regenerating the token
    kills the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Calendar feed for {self.user}"


# The anonymous pulse and the facilitator's inaction prompts

# A statement's number within its programme: never reused, so a tally's `item` always means
# the statement the meeting was asked with.
PULSE_ITEM_NUMBERS = (1, 999)


class PulseItem(models.Model):
    """One statement of a programme's pulse (docs/product.md#pulse). `number` is what a
    meeting's tallies count answers against, so a statement that has been answered is never
    changed: the programme's admins retire it and add another (sessions.services.pulse_items),
    and published results keep reading the words they were asked with."""

    class Dimension(models.TextChoices):
        SAFETY = "safety", gettext_lazy("Safety")
        CHALLENGE = "challenge", gettext_lazy("Challenge")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pulse_items")
    number = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(PULSE_ITEM_NUMBERS[0]),
            MaxValueValidator(PULSE_ITEM_NUMBERS[1]),
        ]
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    reverse = models.BooleanField(
        "reverse-scored",
        default=False,
        help_text=gettext_lazy("Worded the other way round: disagreeing scores high."),
    )
    dimension = models.CharField(max_length=10, choices=Dimension.choices, default=Dimension.SAFETY)
    # When the programme stopped asking it; it stays for the meetings that were asked it.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="one_pulse_item_per_programme_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=PULSE_ITEM_NUMBERS[0], number__lte=PULSE_ITEM_NUMBERS[1]),
                name="pulse_item_number_in_range",
            ),
            models.CheckConstraint(
                condition=Q(dimension__in=["safety", "challenge"]), name="pulse_item_dimension"
            ),
        ]

    def __str__(self):
        return f"Pulse statement {self.number} of programme {self.programme_id}"


class PulseTally(models.Model):
    """How many of a meeting's pulse answers put one statement (`item`, the number of one of
    its programme's PulseItems) at one point of the scale (`point`, 1 strongly disagree to 7
    strongly agree), as answered (sessions.pulse reverse-scores the statements worded the
    other way round). A meeting that has been answered has a row for each statement it was
    asked at each point, all made by its first answer, so its tallies also say which
    statements it was asked.

    There is no row per person: sessions.services.pulse explains how an answer is counted
    so that nothing in a dump of this table lines it up with a receipt.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pulse_tallies")
    item = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(PULSE_ITEM_NUMBERS[0]),
            MaxValueValidator(PULSE_ITEM_NUMBERS[1]),
        ]
    )
    point = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "item", "point"], name="one_pulse_tally_per_item_and_point"
            ),
            models.CheckConstraint(
                condition=Q(
                    item__gte=PULSE_ITEM_NUMBERS[0],
                    item__lte=PULSE_ITEM_NUMBERS[1],
                    point__gte=1,
                    point__lte=7,
                ),
                name="pulse_tally_on_the_seven_point_scale",
            ),
        ]

    def __str__(self):
        return f"Pulse tally of meeting #{self.meeting_id}"


class PulseReceipt(models.Model):
    """That a person has answered a meeting's pulse, so they cannot answer twice. It holds
    nothing about the answers, and nothing links it to how they were counted."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pulse_receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pulse_receipts"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="answer_the_pulse_once")
        ]

    def __str__(self):
        return f"{self.user} answered the pulse of {self.meeting}"


class SignalThresholds(models.Model):
    """When each learning-inaction signal prompts a programme's facilitators. A programme
    without a row has the defaults, the ones docs/signals.md#thresholds lists; its admins'
    first save creates it (sessions.queries.signal_thresholds)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="signal_thresholds"
    )
    carried_action_meetings = models.PositiveSmallIntegerField(
        gettext_lazy("carried action (meetings in a row)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "Prompt when an action has been carried forward at this many meetings in a row."
        ),
    )
    silent_member_meetings = models.PositiveSmallIntegerField(
        gettext_lazy("silent member (meetings)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "Prompt when a member came to this many meetings in a row with no airtime."
        ),
    )
    airtime_share_percent = models.PositiveSmallIntegerField(
        gettext_lazy("airtime imbalance (% of the set's airtime)"),
        default=40,
        validators=[MinValueValidator(10), MaxValueValidator(100)],
        help_text=gettext_lazy(
            "Prompt when one member had more than this share of the set's airtime "
            "over its latest meetings (counted below)."
        ),
    )
    airtime_window_meetings = models.PositiveSmallIntegerField(
        gettext_lazy("airtime imbalance (over meetings)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "How many of the set's latest meetings the airtime share is counted over."
        ),
    )
    attendance_missed = models.PositiveSmallIntegerField(
        gettext_lazy("attendance drift (meetings missed)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "Prompt when a member missed this many of the set's latest meetings "
            "(counted below), or sent apologies on the day."
        ),
    )
    attendance_window = models.PositiveSmallIntegerField(
        gettext_lazy("attendance drift (of the latest meetings)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=gettext_lazy("How many of the set's latest meetings attendance drift looks at."),
    )
    talk_without_action_slots = models.PositiveSmallIntegerField(
        gettext_lazy("talk without action (airtime slots in a row)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "Prompt when a presenter ended this many airtime slots in a row with no action."
        ),
    )
    pulse_dip = models.DecimalField(
        gettext_lazy("pulse dip (points on the 7-point scale)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("6"))],
        help_text=gettext_lazy(
            "Prompt when the set's mean pulse score fell by this much or more between two meetings."
        ),
    )
    stretch_mark = models.DecimalField(
        gettext_lazy("pulse dip read as stretch (challenge score, out of 7)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("5"),
        # Below 4, the scale's middle, members who did not feel stretched would count as
        # stretched (docs/signals.md#pulse-dip).
        validators=[MinValueValidator(Decimal("4")), MaxValueValidator(Decimal("7"))],
        help_text=gettext_lazy(
            "When the programme asks how far its sets stretch their members, a dip "
            "in safety while the challenge score is this or more is read as stretch, the useful "
            "discomfort of being challenged, rather than as the set feeling less safe."
        ),
    )
    apologies_pattern_count = models.PositiveSmallIntegerField(
        gettext_lazy("apologies with notice (meetings)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "Prompt, gently, when a member sent apologies ahead of the day for this many "
            "of the set's latest meetings (counted below)."
        ),
    )
    apologies_pattern_window = models.PositiveSmallIntegerField(
        gettext_lazy("apologies with notice (of the latest meetings)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "How many of the set's latest meetings the apologies pattern looks at."
        ),
    )
    playing_safe_meetings = models.PositiveSmallIntegerField(
        gettext_lazy("playing safe (meetings)"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "Prompt when at this many meetings in a row every report-back was done and "
            "the pulse was flat and high."
        ),
    )
    playing_safe_pulse_high = models.DecimalField(
        gettext_lazy("playing safe (a high pulse, out of 7)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("6"),
        validators=[MinValueValidator(Decimal("4")), MaxValueValidator(Decimal("7"))],
        help_text=gettext_lazy("Every published pulse score of those meetings is at least this."),
    )
    playing_safe_pulse_spread = models.DecimalField(
        gettext_lazy("playing safe (a flat pulse varies by less than)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("2"))],
        help_text=gettext_lazy(
            "The highest and lowest of those pulse scores are less than this apart."
        ),
    )
    recurring_topic_meetings = models.PositiveSmallIntegerField(
        gettext_lazy("recurring topic (meetings)"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "Prompt when a member brought the same topic to this many meetings without "
            "committing to an action at any of them."
        ),
    )
    same_airtime_order_meetings = models.PositiveSmallIntegerField(
        gettext_lazy("same airtime order (meetings in a row)"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "Prompt when the members took airtime in the same order at this many "
            "meetings in a row (three presenters or more each time)."
        ),
    )
    no_value_notes_meetings = models.PositiveSmallIntegerField(
        gettext_lazy("no value notes (of the latest meetings)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=gettext_lazy(
            "Prompt when no report-back at this many of the set's latest meetings "
            "carried a learning or value note…"
        ),
    )
    no_value_notes_reports = models.PositiveSmallIntegerField(
        gettext_lazy("no value notes (at least this many report-backs)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=gettext_lazy("…and they had at least this many report-backs between them."),
    )

    class Meta:
        verbose_name = "signal thresholds"
        verbose_name_plural = "signal thresholds"

    def __str__(self):
        return f"Signal thresholds of programme {self.programme_id}"


class InactionPrompt(RulesModel):
    """A learning-inaction signal that fired in a set (docs/signals.md), for its facilitators
    only.

    Detection (sessions.inaction) keeps at most one open prompt per (signal, member, evidence
    key) and resolves an open prompt whose signal no longer fires. The facilitator marks it
    raised at a meeting, or dismisses it with a note.
    """

    class Signal(models.TextChoices):
        CARRIED_ACTION = "carried_action", gettext_lazy("Carried action")
        UNREPORTED_ACTION = "unreported_action", gettext_lazy("Unreported action")
        SILENT_MEMBER = "silent_member", gettext_lazy("Silent member")
        AIRTIME_IMBALANCE = "airtime_imbalance", gettext_lazy("Airtime imbalance")
        ATTENDANCE_DRIFT = "attendance_drift", gettext_lazy("Attendance drift")
        BELOW_QUORUM = "below_quorum", gettext_lazy("Below quorum")
        TALK_WITHOUT_ACTION = "talk_without_action", gettext_lazy("Talk without action")
        PULSE_DIP = "pulse_dip", gettext_lazy("Pulse dip")
        APOLOGIES_PATTERN = "apologies_pattern", gettext_lazy("Apologies with notice")
        PLAYING_SAFE = "playing_safe", gettext_lazy("Playing safe")
        RECURRING_TOPIC = "recurring_topic", gettext_lazy("Recurring topic")
        SAME_AIRTIME_ORDER = "same_airtime_order", gettext_lazy("Same airtime order")
        NO_VALUE_NOTES = "no_value_notes", gettext_lazy("No value notes")

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("Open")
        RAISED = "raised", gettext_lazy("Raised")
        DISMISSED = "dismissed", gettext_lazy("Dismissed")
        RESOLVED = "resolved", gettext_lazy("Resolved")

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="inaction_prompts"
    )
    signal = models.CharField(max_length=24, choices=Signal.choices)
    # Whom it is about; empty for the set as a whole (below quorum, pulse dip, the collective
    # signals).
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What fired, such as "action:17" or "meetings:3,4,5": with the signal and the member it
    # tells a fresh detection whether this is the same prompt.
    evidence_key = models.CharField(max_length=200)
    evidence_meetings = models.ManyToManyField(Meeting, blank=True, related_name="+")
    evidence_actions = models.ManyToManyField(Action, blank=True, related_name="+")
    summary = EncryptedTextField("what the data shows")
    # Addressed to the set; the question to one person is offered beside it, never instead.
    suggested_question = EncryptedTextField()
    person_question = EncryptedTextField("question to one person", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_at_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The facilitator's own words on raising or dismissing it; the set's facilitators only.
    facilitator_note = EncryptedTextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When it was raised, dismissed or resolved.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["learning_set", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__range=(EARLIEST, LATEST)),
                name="action_due_within_calendar",
            )
        ]
        constraints = [
            # Two partial constraints, because NULLs never clash in a unique index.
            models.UniqueConstraint(
                fields=["learning_set", "signal", "member", "evidence_key"],
                condition=Q(status="open", member__isnull=False),
                name="one_open_prompt_per_signal_member_evidence",
            ),
            models.UniqueConstraint(
                fields=["learning_set", "signal", "evidence_key"],
                condition=Q(status="open", member__isnull=True),
                name="one_open_set_prompt_per_signal_evidence",
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_prompt,
            "change": perms.can_act_on_prompt,
        }

    def __str__(self):
        # Neither the signal nor the note: what fired in a set is for its facilitators.
        return f"Inaction prompt #{self.pk} in {self.learning_set}"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class ReviewContribution(models.Model):
    """One person's part of a meeting's process review, which the set owns: how the set
    worked today, and what it will do differently. The set's facilitators and members under
    the contract read every contribution; programme admins never do. The facilitator's own
    note (`Meeting.process_review`) stays theirs alone."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="review_contributions"
    )
    # Erasing an account deletes its words with it (reflections.services.erase_account).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_contributions"
    )
    how_we_worked = EncryptedTextField("how we worked today", blank=True)
    do_differently = EncryptedTextField("what we will do differently", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author"], name="one_review_contribution_per_person"
            )
        ]

    def __str__(self):
        # Never the text: it is what the set said about itself.
        return f"Review contribution #{self.pk} at meeting #{self.meeting_id}"
