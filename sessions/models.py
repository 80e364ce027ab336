import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from rules.contrib.models import RulesModel

from sessions import rules as perms
from sets.models import LearningSet


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
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

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
    process_review = models.TextField("process review", blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["learning_set", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            )
        ]
        rules_permissions = {
            "view": perms.can_view_schedule,
            "change": perms.can_schedule,
            "run": perms.can_run_meeting,
            "view_content": perms.can_view_meeting_content,
            "send_apologies": perms.can_send_apologies,
            "view_attendance": perms.can_view_attendance,
        }

    def __str__(self):
        return f"{self.learning_set} · {self.starts_at:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("meetings:meeting", args=[self.pk])


class Attendance(models.Model):
    """One row per member per meeting. `user` is cleared, not deleted, when an account is
    erased, so programme reports still add up."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        LEFT_EARLY = "left_early", "Left early"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    ATTENDED = (Status.PRESENT, Status.LATE, Status.LEFT_EARLY)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="attendance"
    )
    status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    apologies_sent_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "attendance"
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


class AirtimeSlot(models.Model):
    """A presenter's time in a meeting. The timer adds to `actual_seconds` when stopped."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="airtime_slots")
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    topic = models.CharField(max_length=300, blank=True)
    planned_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    actual_seconds = models.PositiveIntegerField(default=0)
    timer_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def __str__(self):
        return f"{self.presenter} in {self.meeting}"

    @property
    def actual_minutes(self):
        return round(self.actual_seconds / 60)


class Action(models.Model):
    """What a member commits to at a meeting, owned by them until a report-back closes it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

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
    text = models.TextField()
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

    def __str__(self):
        return f"Action {self.pk} by {self.owner}"


class ReportBack(models.Model):
    """An action's outcome at a later meeting. Carrying forward keeps the action open."""

    class Outcome(models.TextChoices):
        DONE = "done", "Done"
        PARTLY = "partly", "Partly done"
        NOT_DONE = "not_done", "Not done"
        CARRIED = "carried", "Carried forward"
        DROPPED = "dropped", "Dropped"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="report_backs")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="report_backs")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = models.TextField("learning or value note", blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
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
        return f"{self.get_outcome_display()} for action {self.action_id}"


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
