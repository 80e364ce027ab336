import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from alsspace import audit_actions


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone we know, such as Europe/London.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; one person may hold different roles in different sets."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150)
    time_zone = models.CharField(
        max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    # Blank: the language the browser asks for. Emails follow it too (alsspace.emails).
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Operators who may use the Django admin for support."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]

    def __str__(self):
        return self.name or self.email

    @property
    def chosen_language(self) -> str:
        """The language chosen on Your details if it is one we speak, otherwise "": a value
        stored before a language was withdrawn, or written around the form, is ignored."""
        if not self.language:
            return ""
        try:
            return translation.get_supported_language_variant(self.language)
        except LookupError:
            return ""

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Append-only record of a sensitive act: who, what, when, from where.

    `programme_id` scopes the event for the programme admins who may read it; it is a plain
    number because this app sits below `sets` and must not import it.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # One of the acts the apps registered (alsspace/audit_actions.py), which `audit.record`
    # checks: a plain string, since most acts belong to the apps above this one.
    action = models.CharField(max_length=40)
    programme_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    subject = models.CharField(max_length=300, blank=True, help_text="What the act was about.")
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["programme_id", "-created_at"])]

    def __str__(self):
        return f"{self.action_label}: {self.subject}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")

    @property
    def action_label(self) -> str:
        return audit_actions.label(self.action)


class SentEmail(models.Model):
    """An email a background task has sent: a task run again after its worker died skips
    the people it already emailed (see alsspace.emails)."""

    key = models.CharField(max_length=64, unique=True, help_text="Task run, email and recipient.")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.key


class WorkerHeartbeat(models.Model):
    """A task worker's last sign of life: a worker that stops beating has died, and the
    tasks it left running go back in the queue (see alsspace.workers)."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.worker_id} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class SubmittedForm(models.Model):
    """A submission of a form, known by the form's random key and the values sent with it,
    and where it led (alsspace.submissions): the first to claim it does the work, and any
    identical one, sent at the same moment or after, is sent where the first went.
    """

    key = models.CharField(max_length=64, unique=True, help_text="Digest of key and values.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    redirect_to = models.CharField(max_length=2000, blank=True)

    def __str__(self):
        return self.key
