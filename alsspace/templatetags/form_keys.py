"""`{% form_key %}`: the hidden field that lets a creating form be saved only once
(see alsspace.submissions). It goes inside the <form>, beside `{% csrf_token %}`."""

from django import template
from django.utils.html import format_html

from alsspace import submissions

register = template.Library()


@register.simple_tag
def form_key():
    return format_html(
        '<input type="hidden" name="{}" value="{}">', submissions.FIELD, submissions.new_key()
    )
