"""A form sent twice does one thing.

Every form that creates something carries a random key, rendered with the form by
`{% form_key %}` (alsspace.templatetags.form_keys). A submission is known by that key together
with what it sends: the view (SubmitOnceMixin) claims the pair by inserting its digest into a
table with a unique index, in the same transaction as the write. Of several identical
submissions of one rendered form, sent at the same moment (a double tap) or later (a resend),
the first does the work; on PostgreSQL the others wait on the unique index until it commits,
then are sent where it went, with a note that it was saved once. The same page sent with other
values (back, change the date, send) is a new submission. A submission that does not end in a
redirect (the form had errors) gives its claim back, so the corrected form can be sent.

A post without a key is handled as a new submission: pages loaded before keys existed, and
scripts, keep working, and the unique constraints of the data itself (one open invitation per
address and set, one set of a name per programme, one admin role per person per programme)
still refuse a duplicate with a clear message. A key that is not one we could have made is
refused with 400.
"""

import hashlib
import json
import re
import secrets
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alsspace.models import SubmittedForm

FIELD = "form_key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEPT_FOR = timedelta(days=30)
PRUNED_AT_ONCE = 100


def new_key():
    return secrets.token_urlsafe(24)


def digest(request, key):
    """The submission: the form's key, where it was sent, and every value and file in it."""
    sent = [
        [name, request.POST.getlist(name)]
        for name in sorted(request.POST)
        if name not in (FIELD, "csrfmiddlewaretoken")
    ]
    hashed = hashlib.sha256(json.dumps([key, request.path, sent]).encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            hashed.update(f"\0{name}\0{upload.name}\0".encode())
            for chunk in upload.chunks():
                hashed.update(chunk)
            upload.seek(0)
    return hashed.hexdigest()


def prune(now):
    """Forget keys older than KEPT_FOR, a batch at a time, skipping any row another
    transaction holds, so that two submissions never wait on each other here."""
    stale = (
        SubmittedForm.objects.filter(created_at__lt=now - KEPT_FOR)
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:PRUNED_AT_ONCE]
    )
    SubmittedForm.objects.filter(pk__in=list(stale)).delete()


def claim(key, user):
    """Claim the key for this submission: None if it is ours, else the earlier submission."""
    while True:
        try:
            with transaction.atomic():
                return SubmittedForm.objects.create(key=key, user=user), None
        except IntegrityError:
            earlier = SubmittedForm.objects.filter(key=key).first()
            if earlier is not None:
                return None, earlier
            # The earlier claim was pruned in between: claim it afresh.


def is_redirect(response):
    return response.status_code in (301, 302, 303) and response.has_header("Location")


class SubmitOnceMixin:
    """For views whose POST creates something, or changes something and records or emails
    it: each submission is done once.

    Goes before the mixins that find the object and check permission, so that a later
    submission is sent where the first went even when the first has changed what may be done
    (a closed set can no longer be closed); a submission that is refused (404, 403) raises,
    and its claim is rolled back with it. Goes after the mixins that only guard the response
    and error reports (never_cache, sensitive_post_parameters), so they cover it too.
    """

    already_saved_message = gettext_lazy("That form had already been sent, and it was saved once.")

    def dispatch(self, request, *args, **kwargs):
        key = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not key:
            return super().dispatch(request, *args, **kwargs)
        if not KEY_PATTERN.fullmatch(key):
            return HttpResponseBadRequest(_("This form's key is not one ALS Space made."))
        user = request.user if request.user.is_authenticated else None
        with transaction.atomic():
            prune(timezone.now())
            mine, earlier = claim(digest(request, key), user)
            if earlier is not None:
                return self.already_submitted(earlier, user)
            response = super().dispatch(request, *args, **kwargs)
            if is_redirect(response):
                mine.redirect_to = response["Location"]
                mine.save(update_fields=["redirect_to"])
            else:
                mine.delete()
            return response

    def already_submitted(self, earlier, user):
        if earlier.user_id != getattr(user, "pk", None) or not earlier.redirect_to:
            return HttpResponseBadRequest(_("This form has already been sent."))
        messages.info(self.request, self.already_saved_message)
        return redirect(earlier.redirect_to)
