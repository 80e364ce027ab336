"""Every journal write, share and account erasure, each in one transaction.

Journal text passes through these functions, so they are marked `sensitive_variables`:
Django's error reports then show none of their local values. Audit events name the set or
the entry's number, never its title or text.
"""

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from alsspace.audit import record
from alsspace.models import User
from reflections import exports
from reflections.audit_actions import ReflectionAction
from reflections.models import JournalDraft, JournalEntry, Prompt
from sessions.models import Action as SetAction
from sessions.services.reporting import erase_attendance
from sets.models import LearningSet, Membership, Programme, ProgrammeEntrant

if TYPE_CHECKING:
    from reflections.forms import EntryForm, PromptForm

# Entries


@sensitive_variables()
@transaction.atomic
def save_entry(form: "EntryForm", *, author: User) -> JournalEntry:
    """Create or update an entry from a valid EntryForm; its draft has served its purpose."""
    is_new = form.instance.pk is None
    entry: JournalEntry = form.save(commit=False)
    entry.author = author
    entry.save()
    JournalDraft.objects.filter(author=author, entry=None if is_new else entry).delete()
    return entry


@transaction.atomic
def delete_entry(entry: JournalEntry) -> None:
    entry.delete()


@sensitive_variables()
@transaction.atomic
def save_draft(
    author: User, entry: JournalEntry | None, *, title: str, body: str
) -> JournalDraft | None:
    """Keep what is being written; an empty draft is no draft."""
    drafts = JournalDraft.objects.filter(author=author, entry=entry)
    if not title.strip() and not body.strip():
        drafts.delete()
        return None
    # update_or_create settles two saves racing for the same draft (a beacon and a timer).
    draft, _ = JournalDraft.objects.update_or_create(
        author=author, entry=entry, defaults={"title": title, "body": body}
    )
    return draft


@transaction.atomic
def discard_draft(author: User, entry: JournalEntry | None) -> None:
    JournalDraft.objects.filter(author=author, entry=entry).delete()


# Sharing


@transaction.atomic
def share_entry(
    entry: JournalEntry, learning_set: LearningSet, *, actor: User, ip: str | None = None
) -> JournalEntry:
    """Share with one set at a time: sharing with another set moves the share."""
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    previous = entry.shared_with
    if previous == learning_set:
        return entry
    if previous is not None:
        _record_share(ReflectionAction.REFLECTION_UNSHARED, entry, previous, actor, ip)
    entry.shared_with = learning_set
    entry.shared_at = timezone.now()
    entry.save(update_fields=["shared_with", "shared_at"])
    _record_share(ReflectionAction.REFLECTION_SHARED, entry, learning_set, actor, ip)
    return entry


@transaction.atomic
def unshare_entry(entry: JournalEntry, *, actor: User, ip: str | None = None) -> JournalEntry:
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    previous = entry.shared_with
    if previous is None:
        return entry
    entry.shared_with = None
    entry.shared_at = None
    entry.save(update_fields=["shared_with", "shared_at"])
    _record_share(ReflectionAction.REFLECTION_UNSHARED, entry, previous, actor, ip)
    return entry


def _record_share(
    action: str,
    entry: JournalEntry,
    learning_set: LearningSet,
    actor: User,
    ip: str | None,
) -> None:
    record(
        action,
        actor=actor,
        ip=ip,
        programme=learning_set.programme_id,
        subject=learning_set.name,
        entry=entry.pk,
    )


# Prompts


@transaction.atomic
def pose_prompt(form: "PromptForm", learning_set: LearningSet, *, posed_by: User) -> Prompt:
    prompt: Prompt = form.save(commit=False)
    prompt.learning_set = learning_set
    prompt.posed_by = posed_by
    library = form.cleaned_data.get("library")
    if library is not None:
        # Posed from the library: its starter comes with it; the words are the facilitator's.
        prompt.starter = library.starter
    prompt.save()
    return prompt


# My data


@sensitive_variables()
@transaction.atomic
def export_my_data(user: User, *, ip: str | None = None) -> bytes:
    """Everything the person wrote, as zip bytes; the download is audited."""
    data = exports.my_data_zip(user)
    record(ReflectionAction.DATA_EXPORTED, actor=user, ip=ip, subject=user.email)
    return data


def programmes_only_administered_by(user: User) -> QuerySet[Programme]:
    """Programmes that would be left with no admin if this person's account went."""
    return (
        Programme.objects.filter(pk__in=Programme.objects.filter(admins=user).values("pk"))
        .annotate(admin_count=Count("admins"))
        .filter(admin_count=1)
        .order_by("name")
    )


@sensitive_variables()
@transaction.atomic
def erase_account(*, actor: User, ip: str | None = None) -> None:
    """Erase the signed-in person: their journal, drafts, review words, value stories,
    addresses, authenticators, linked identity-provider accounts, programme sign-ups and
    account are deleted; their attendance and actions stay for the set's record with no name
    on them. The view signs them out.

    The person's memberships go with the account, so rosters no longer show them; the
    attendance rows the reports count are what keep them adding up, each as they were.
    """
    user = get_user_model().objects.select_for_update().get(pk=actor.pk)
    stranded = list(programmes_only_administered_by(user))
    if stranded:
        names = ", ".join(programme.name for programme in stranded)
        raise ValidationError(
            _(
                "You are the only admin of %(programmes)s. Add another admin first, so that the "
                "programme is not left without one."
            )
            % {"programmes": names}
        )
    memberships = Membership.objects.filter(user=user).select_related("learning_set")
    sets_by_programme: dict[int, set[str]] = {}
    for membership in memberships:
        learning_set = membership.learning_set
        sets_by_programme.setdefault(learning_set.programme_id, set()).add(learning_set.name)
    # A programme they signed up to through single sign-on, still waiting for a set, lists
    # them too (docs/sso.md#signing-up-without-an-invitation): its log records the erasure.
    for programme_id in ProgrammeEntrant.objects.filter(user=user).values_list(
        "programme_id", flat=True
    ):
        sets_by_programme.setdefault(programme_id, set())
    subject = f"Account {user.pk}"
    for programme_id, set_names in sets_by_programme.items():
        record(
            ReflectionAction.ACCOUNT_ERASED,
            actor=user,
            ip=ip,
            programme=programme_id,
            subject=subject,
            sets=sorted(set_names),
        )
    if not sets_by_programme:
        record(ReflectionAction.ACCOUNT_ERASED, actor=user, ip=ip, subject=subject)

    JournalDraft.objects.filter(author=user).delete()
    JournalEntry.objects.filter(author=user).delete()
    Prompt.objects.filter(posed_by=user).update(posed_by=None)
    erase_attendance(user)
    SetAction.objects.filter(owner=user).update(owner=None)
    # Deleting the account takes its email addresses, authenticators, linked identity-provider
    # accounts, programme sign-ups waiting for a set, memberships, contract acceptances,
    # calendar feed, its words in the set's process reviews and closing reviews,
    # and its value stories, shared with the programme or not (so they leave its evaluation
    # report with it: docs/confidentiality.md#value-stories); everything else that names it is
    # set to null.
    user.delete()
