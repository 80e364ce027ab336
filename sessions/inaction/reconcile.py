"""Detection turned into prompts, for one set at a time, idempotently.

A finding whose (signal, member, evidence key) has no prompt yet opens one; an open prompt
whose finding is still there is brought up to date (its evidence may have grown); an open
prompt whose signal no longer fires resolves itself. A prompt the facilitator raised or
dismissed stays as they left it, and the same finding does not open it again. Running twice
changes nothing the second time.

A prompt's words are written in the language of the set's facilitators, who read them: the
one most of them chose on their account page, otherwise British English. When that changes,
the next run rewords the open prompts, as it does whenever their words would differ.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from sessions.inaction import detection, history, prompts
from sessions.inaction.detection import Finding, Identity
from sessions.inaction.thresholds import Thresholds
from sessions.models import InactionPrompt
from sets import queries
from sets.models import LearningSet, Membership

Status = InactionPrompt.Status


@dataclass
class Outcome:
    opened: int = 0
    updated: int = 0
    resolved: int = 0


def _identity(prompt: InactionPrompt) -> Identity:
    return (prompt.signal, prompt.member_id, prompt.evidence_key)


def _evidence(prompt: InactionPrompt) -> tuple[set[int], set[int]]:
    return (
        {m.pk for m in prompt.evidence_meetings.all()},
        {a.pk for a in prompt.evidence_actions.all()},
    )


def prompt_language(learning_set: LearningSet) -> str:
    """The language most of the set's facilitators chose; a tie, or none chosen, is British
    English (settings.LANGUAGE_CODE)."""
    facilitators = queries.participants(learning_set).filter(role=Membership.Role.FACILITATOR)
    chosen = Counter(
        language for m in facilitators if (language := m.user.chosen_language)
    ).most_common(2)
    if not chosen or (len(chosen) == 2 and chosen[0][1] == chosen[1][1]):
        return settings.LANGUAGE_CODE
    return chosen[0][0]


def _open_prompt(learning_set: LearningSet, finding: Finding, words: prompts.Words) -> None:
    prompt = InactionPrompt.objects.create(
        learning_set=learning_set,
        signal=finding.signal,
        member=finding.member,
        evidence_key=finding.evidence_key,
        summary=words.summary,
        suggested_question=words.question,
        person_question=words.to_person,
    )
    prompt.evidence_meetings.set(finding.meetings)
    prompt.evidence_actions.set(finding.actions)


def _bring_up_to_date(prompt: InactionPrompt, finding: Finding, words: prompts.Words) -> bool:
    meetings, actions = {m.pk for m in finding.meetings}, {a.pk for a in finding.actions}
    stored = prompts.Words(prompt.summary, prompt.suggested_question, prompt.person_question)
    if stored == words and _evidence(prompt) == (meetings, actions):
        return False
    prompt.summary, prompt.suggested_question = words.summary, words.question
    prompt.person_question = words.to_person
    prompt.save(update_fields=["summary", "suggested_question", "person_question", "updated_at"])
    prompt.evidence_meetings.set(finding.meetings)
    prompt.evidence_actions.set(finding.actions)
    return True


@transaction.atomic
def detect_inaction(learning_set: LearningSet, now: datetime | None = None) -> Outcome:
    """Run every signal over the set and bring its prompts in line. Closed sets are left as
    they were. Returns how many prompts were opened, updated and resolved."""
    now = now or timezone.now()
    # One run per set at a time: a second waits here, then finds the first one's prompts.
    locked = (
        LearningSet.objects.select_for_update().select_related("programme").get(pk=learning_set.pk)
    )
    outcome = Outcome()
    if locked.is_closed:
        return outcome
    set_history = history.load(locked, now)
    findings = detection.detect(set_history, Thresholds.for_set(locked))
    current = InactionPrompt.objects.filter(learning_set=locked)
    open_prompts = {
        _identity(p): p
        for p in current.filter(status=Status.OPEN).prefetch_related(
            "evidence_meetings", "evidence_actions"
        )
    }
    handled = set(
        current.filter(status__in=[Status.RAISED, Status.DISMISSED]).values_list(
            "signal", "member_id", "evidence_key"
        )
    )
    cleared = [p.pk for identity, p in open_prompts.items() if identity not in findings]
    if cleared:
        outcome.resolved = InactionPrompt.objects.filter(pk__in=cleared).update(
            status=Status.RESOLVED, closed_at=now, updated_at=now
        )
    language = prompt_language(locked)
    for identity, finding in findings.items():
        if identity in handled:
            continue
        with translation.override(language):
            words = prompts.describe(finding, set_history)
        if identity in open_prompts:
            outcome.updated += _bring_up_to_date(open_prompts[identity], finding, words)
        else:
            _open_prompt(locked, finding, words)
            outcome.opened += 1
    return outcome
