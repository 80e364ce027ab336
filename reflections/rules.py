"""Who may do what with journals and prompts: the two journal rows of
docs/confidentiality.md#who-sees-what as predicates.

A private entry is its author's alone. A shared entry is read on the set's shared reflections
page by those who may see the set's content (facilitators and members under the current
contract), through `sets.view_content_learningset`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from sets.rules import can_view_set_content, is_open_set, is_set_facilitator

if TYPE_CHECKING:
    from reflections.models import JournalEntry, Prompt
    from sets.rules import Person


@rules.predicate
def is_author(user: Person, entry: JournalEntry | None) -> bool:
    return entry is not None and user.is_authenticated and entry.author_id == user.pk


@rules.predicate
def can_read_prompt(user: Person, prompt: Prompt | None) -> bool:
    """Library prompts are for everyone; a set's prompts for those who see its content."""
    if prompt is None:
        return False
    return prompt.learning_set_id is None or can_view_set_content(user, prompt.learning_set)


# Set-level acts, where there is no journal object yet: declared here, not on LearningSet,
# because the sets app must not know that journals exist.
rules.add_perm("reflections.pose_prompt_learningset", is_set_facilitator & is_open_set)
rules.add_perm("reflections.share_into_learningset", can_view_set_content & is_open_set)
