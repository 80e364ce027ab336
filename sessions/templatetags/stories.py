"""`{% closing_story review entry as story %}`: the value story on one closing review entry,
for the closing review page's contributed parts (sessions/apps.py). All the review's stories
are read in one query, the first time the page asks, and kept on the review for the rest."""

from django import template

from sessions import queries

register = template.Library()


@register.simple_tag
def closing_story(review, entry):
    if review is None or entry is None:
        return None
    stories = getattr(review, "_value_stories", None)
    if stories is None:
        stories = {
            story.closing_entry_id: story
            for story in queries.set_value_stories(review.learning_set_id).filter(
                closing_entry__review=review
            )
        }
        review._value_stories = stories
    return stories.get(entry.pk)
