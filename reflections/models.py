from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy
from rules.contrib.models import RulesModel

from alsspace.crypto import EncryptedTextField
from reflections import rules as perms
from sessions.models import Meeting
from sets.models import LearningSet

TITLE_MAX_CHARS = 200
BODY_MAX_CHARS = 50_000


class Idea(models.TextChoices):
    """The ideas ALS Space draws on, which a prompt may speak to
    (docs/product.md#prompts)."""

    INACTION = "inaction", gettext_lazy("Learning inaction")
    SAFE_ENOUGH = "safe_enough", gettext_lazy("Safe-enough spaces")
    VALUE = "value", gettext_lazy("Value creation")


# Each idea in plain words, as the prompts page explains it (in the reader's language there).
IDEA_IN_PLAIN_WORDS = {
    Idea.INACTION: gettext_noop(
        "We often know, somewhere, when it suits us not to act, and a set can quietly agree "
        "to keep things comfortable. These prompts help you notice what you are avoiding."
    ),
    Idea.SAFE_ENOUGH: gettext_noop(
        "Learning means being uncomfortable in front of others. A set is safe enough when you "
        "can stay with that discomfort, and owning what you are unsure of becomes a strength."
    ),
    Idea.VALUE: gettext_noop(
        "What difference is this making, and for whom? These prompts help you notice what "
        "your learning changes, for you and for the people around you."
    ),
}


class Prompt(RulesModel):
    """A question to write against: from the built-in library (no set) or posed by a
    facilitator to their set. No reverse relation to entries: who wrote against a prompt is
    nobody's business but the writer's."""

    question = EncryptedTextField(max_length=300)
    guidance = EncryptedTextField(
        blank=True, help_text=gettext_lazy("A few sentences to help someone begin.")
    )
    starter = models.TextField(
        blank=True, help_text=gettext_lazy("Markdown placed in a new entry's body.")
    )
    source = models.CharField(max_length=200, blank=True)
    idea = models.CharField(
        gettext_lazy("the idea it speaks to"), max_length=12, choices=Idea.choices, blank=True
    )
    slug = models.SlugField(unique=True, null=True, blank=True, editable=False)
    learning_set = models.ForeignKey(
        LearningSet, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        rules_permissions = {"view": perms.can_read_prompt}

    def __str__(self):
        # Never the question: a prompt posed to a set is the set's, and this string reaches
        # the operator admin, logs and error reports.
        if self.is_library:
            return f"Library prompt #{self.pk}"
        return f"Prompt #{self.pk} in {self.learning_set}"

    @property
    def is_library(self):
        return self.learning_set_id is None


class JournalEntry(RulesModel):
    """A private reflection. Title and body are encrypted at rest; only the author reads
    them, unless they share the entry with one of their sets."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    title = EncryptedTextField(max_length=TITLE_MAX_CHARS)
    body = EncryptedTextField(max_length=BODY_MAX_CHARS)
    learning_set = models.ForeignKey(
        LearningSet,
        verbose_name=pgettext_lazy("noun", "set"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prompt = models.ForeignKey(
        Prompt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_with = models.ForeignKey(
        LearningSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = gettext_lazy("journal entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["author", "-created_at"]),
            models.Index(fields=["shared_with", "-shared_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(shared_with__isnull=True, shared_at__isnull=True)
                | Q(shared_with__isnull=False, shared_at__isnull=False),
                name="journal_share_has_a_time",
            )
        ]
        rules_permissions = {
            "view": perms.is_author,
            "change": perms.is_author,
            "delete": perms.is_author,
            "share": perms.is_author,
        }

    def __str__(self):
        # Never the title: this string reaches logs and error reports.
        return f"Journal entry {self.pk}"

    def get_absolute_url(self):
        return reverse("reflections:entry", args=[self.pk])

    @property
    def is_shared(self):
        return self.shared_with_id is not None


class JournalDraft(models.Model):
    """Text being written, saved as the author types so that closing the browser loses
    nothing. One per author for a new entry, one per entry being edited."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(
        JournalEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = EncryptedTextField(blank=True)
    body = EncryptedTextField(blank=True)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "entry"],
                condition=Q(entry__isnull=False),
                name="one_draft_per_entry",
            ),
            models.UniqueConstraint(
                fields=["author"], condition=Q(entry__isnull=True), name="one_new_entry_draft"
            ),
        ]

    def __str__(self):
        return f"Journal draft {self.pk}"


@receiver(pre_delete, sender=LearningSet)
def unshare_from_deleted_set(sender, instance, **kwargs):
    """A set deleted (from the operator admin) takes back the entries shared with it: the
    share and its time go together, in one update, before the set's row goes."""
    JournalEntry.objects.filter(shared_with=instance).update(shared_with=None, shared_at=None)
