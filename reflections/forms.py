"""Forms of the journal, prompts and My data pages."""

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from reflections import queries
from reflections.models import BODY_MAX_CHARS, TITLE_MAX_CHARS, Idea, JournalEntry, Prompt

ERASE_CONFIRMATION = gettext_noop("erase my account")


class EntryForm(forms.ModelForm):
    """Write or edit an entry; the set, meeting and prompt it links to are the writer's own."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=TITLE_MAX_CHARS,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("A few words you will recognise later."),
    )
    body = forms.CharField(
        label=gettext_lazy("Reflection"),
        max_length=BODY_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "true"}),
        help_text=gettext_lazy(
            "Markdown works: **bold**, _italic_, lists, ## headings and [links](https://…)."
        ),
    )

    class Meta:
        model = JournalEntry
        fields = ["title", "body", "prompt", "learning_set", "meeting"]
        labels = {
            "meeting": gettext_lazy("Meeting"),
            "learning_set": pgettext_lazy("noun", "Set"),
            "prompt": gettext_lazy("Written against a prompt"),
        }
        help_texts = {
            "learning_set": gettext_lazy(
                "Optional. Linking a set does not share the entry with it."
            ),
            "meeting": gettext_lazy("Optional: the meeting you are reflecting on."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        prompts = queries.filter_prompts(user)
        self.fields["prompt"].queryset = prompts
        choices = queries.prompt_choices(prompts.only("learning_set", "question"))
        self.fields["prompt"].choices = [("", _("No prompt")), *choices]
        self.fields["learning_set"].queryset = queries.filter_sets(user)
        self.fields["learning_set"].empty_label = _("No set")
        self.fields["meeting"].queryset = queries.linkable_meetings(user)
        self.fields["meeting"].empty_label = _("No meeting")
        for name in ("prompt", "learning_set", "meeting"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Choose one of the options in the list."
            )

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise ValidationError(_("Write something before saving."))
        return body

    def clean(self):
        cleaned = super().clean()
        meeting = cleaned.get("meeting")
        learning_set = cleaned.get("learning_set")
        if meeting and learning_set and meeting.learning_set_id != learning_set.pk:
            self.add_error(
                "meeting",
                _("That meeting belongs to %(set)s.") % {"set": meeting.learning_set},
            )
        elif meeting and not learning_set:
            cleaned["learning_set"] = meeting.learning_set
        return cleaned


class DraftForm(forms.Form):
    """What the page sends as the author types. Oversized text is refused, not cut short."""

    title = forms.CharField(max_length=TITLE_MAX_CHARS, required=False, strip=False)
    body = forms.CharField(max_length=BODY_MAX_CHARS, required=False, strip=False)


class JournalFilterForm(forms.Form):
    """The journal's filters. Their options are listed once as (id, label) pairs, which both
    the page and the check of a choice use: no model instances, no query per use."""

    learning_set = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=pgettext_lazy("noun", "Set")
    )
    prompt = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=gettext_lazy("Prompt")
    )
    q = forms.CharField(label=gettext_lazy("Search"), max_length=200, required=False)

    def __init__(self, *args, user, content_sets, **kwargs):
        super().__init__(*args, **kwargs)
        sets = queries.filter_sets(user).values_list("pk", "name")
        # The menu shows questions only: no other field is read (or decrypted).
        prompts = queries.prompt_choices(
            queries.filter_prompts(user, content_sets).only("learning_set", "question")
        )
        self.fields["learning_set"].choices = [("", _("All sets")), *sets]
        self.fields["prompt"].choices = [("", _("All prompts")), *prompts]
        for name in ("learning_set", "prompt"):
            self.fields[name].error_messages["invalid_choice"] = _("Choose one from the list.")

    @property
    def is_filtered(self):
        return self.is_valid() and any(self.cleaned_data.values())


class IdeaFilterForm(forms.Form):
    """The prompts page's filter: the library's prompts that speak to one idea."""

    idea = forms.ChoiceField(
        label=gettext_lazy("Idea"),
        choices=[("", gettext_lazy("Every idea")), *Idea.choices],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the ideas in the list.")},
    )


class ShareForm(forms.Form):
    learning_set = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("Share with"),
        empty_label=None,
        error_messages={
            "required": gettext_lazy("Choose the set to share with."),
            "invalid_choice": gettext_lazy(
                "You can share only with a set whose contract you have accepted."
            ),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learning_set"].queryset = queries.shareable_sets(user)


class PromptForm(forms.ModelForm):
    # Two lines, so that a library question is read whole on a phone before it is posed.
    question = forms.CharField(
        label=gettext_lazy("Question"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "One open question, such as “What did you notice about your own questions today?”"
        ),
    )
    guidance = forms.CharField(
        label=gettext_lazy("A few words to help them begin"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Optional."),
    )

    idea = forms.ChoiceField(
        label=gettext_lazy("The idea it speaks to"),
        choices=[("", gettext_lazy("None in particular")), *Idea.choices],
        required=False,
        help_text=gettext_lazy("Optional. Members see it beside the question."),
        error_messages={
            "invalid_choice": gettext_lazy("Choose one of the ideas in the list, or none.")
        },
    )
    # Posing a prompt from the library: its starter comes with it.
    library = forms.ModelChoiceField(
        queryset=queries.library_prompts(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": gettext_lazy("That is not one of the library’s prompts.")
        },
    )

    class Meta:
        model = Prompt
        fields = ["question", "guidance", "idea", "meeting"]
        labels = {"meeting": gettext_lazy("Meeting")}
        help_texts = {"meeting": gettext_lazy("Optional: the meeting this prompt follows.")}

    def __init__(self, *args, learning_set, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.fields["meeting"]
        meeting.queryset = learning_set.meetings.exclude(status="cancelled").order_by("-starts_at")
        meeting.empty_label = _("Not tied to a meeting")
        meeting.error_messages["invalid_choice"] = _("Choose a meeting of this set.")

    def clean_question(self):
        # One line however it was typed: it is shown as a heading.
        return " ".join(self.cleaned_data["question"].split())

    def clean(self):
        # The library prompt is a hidden field: its error is the form's, shown at its top.
        if "library" in self.errors:
            self.add_error(None, self.errors.pop("library"))
        return super().clean()


class EraseAccountForm(forms.Form):
    """Erasing is final, so the person proves it is them: password, and a two-factor code
    when they have set one up."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app (or a recovery code)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    # The words to type are the person's language's; the English ones are always accepted.
    confirmation = forms.CharField(
        label=format_lazy(
            gettext_lazy("Type “{phrase}” to confirm"), phrase=gettext_lazy(ERASE_CONFIRMATION)
        ),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user
        self.needs_code = is_mfa_enabled(self.user)
        if not self.needs_code:
            del self.fields["code"]

    def clean_password(self):
        # allauth's limit on confirming who you are (10 a minute): no guessing at speed.
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise ValidationError(_("Too many attempts. Wait a minute, then try again."))
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your password."))
        return password

    def clean_code(self):
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not code:
            raise ValidationError(_("Enter the code from your authenticator app."))
        authenticators = Authenticator.objects.filter(user=self.user).exclude(
            type=Authenticator.Type.WEBAUTHN
        )
        if not any(authenticator.wrap().validate_code(code) for authenticator in authenticators):
            raise ValidationError(_("That code is not right. Codes change every 30 seconds."))
        return code

    def clean_confirmation(self):
        confirmation = self.cleaned_data["confirmation"]
        if confirmation.strip().lower() not in {ERASE_CONFIRMATION, _(ERASE_CONFIRMATION).lower()}:
            raise ValidationError(
                _("Type “%(phrase)s” exactly.") % {"phrase": _(ERASE_CONFIRMATION)}
            )
        return confirmation
