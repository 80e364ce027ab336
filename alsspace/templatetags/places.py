"""`{% navigation %}` and `{% contributions "slot" %}`: what the apps registered in
alsspace/places.py, rendered where a page of a lower app leaves room for it."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from alsspace import places

register = template.Library()


@register.inclusion_tag("alsspace/navigation.html", takes_context=True)
def navigation(context):
    """The navigation bar's links, each with whether it is the page's section."""
    section = context.get("nav_section")
    return {
        "links": [
            {
                "label": place.label,
                "url": reverse(place.url_name),
                "current": place.section == section,
            }
            for place in places.places()
            if not place.shown_if or context.get(place.shown_if)
        ]
    }


@register.simple_tag(takes_context=True)
def contributions(context, slot):
    """Every template the higher apps registered for `slot`, rendered with the page's context
    (as `{% include %}` would)."""
    engine = context.template.engine
    parts = []
    for contribution in places.contributions(slot):
        with context.push():
            parts.append(engine.get_template(contribution.template_name).render(context))
    return mark_safe("".join(parts))  # noqa: S308 - each part is an autoescaped template
