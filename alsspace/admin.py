"""The Django admin for operators: people and the audit log, never set content."""

# Registers allauth's social account models, two of them replaced below: INSTALLED_APPS lists
# allauth.socialaccount after this app.
import allauth.socialaccount.admin  # noqa: F401
from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alsspace import audit_actions
from alsspace.audit import record
from alsspace.audit_actions import AccountAction
from alsspace.models import AuditEvent, User

admin.site.site_header = gettext_lazy("ALS Space operations")
admin.site.site_title = gettext_lazy("ALS Space operations")
admin.site.index_title = gettext_lazy("Support")


class EmailLoginFormMixin:
    """Email is the login: stored in lower case and unique whatever its case."""

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("Someone already signs in with this email address."))
        return email


class UserCreationForm(EmailLoginFormMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name", "time_zone")
        field_classes = {}


class UserChangeForm(EmailLoginFormMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _(
            "Only its owner sets a password: someone who has lost theirs chooses a new one "
            "through “Forgot your password?” on the sign-in page, by email."
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("name", "time_zone")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "name",
                    "time_zone",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("email", "name", "time_zone", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")

    def get_readonly_fields(self, request, obj=None):
        """Only its owner changes the address someone signs in with (on their account's
        email page, which verifies it): an operator who moved it to an address of their own
        could have a password reset sent there and sign in as them."""
        if obj is not None and obj.pk != request.user.pk:
            return ("email", *self.readonly_fields)
        return self.readonly_fields

    def user_change_password(self, request, id, form_url=""):
        """Operators set their own password here and nobody else's: whoever could choose
        someone's password could sign in as them and read their journal."""
        if str(request.user.pk) != str(id):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class AuditActionFilter(admin.SimpleListFilter):
    """The acts the apps registered (alsspace/audit_actions.py), by their labels."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return audit_actions.choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, and support may read it but never edit it."""

    list_display = ("created_at", "action_label", "actor", "subject", "programme_id", "ip_address")
    list_filter = (AuditActionFilter,)
    search_fields = ("subject", "actor__email", "actor__name")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "action_label",
        "actor",
        "programme_id",
        "subject",
        "detail",
        "ip_address",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description="action", ordering="action")
    def action_label(self, event):
        return event.action_label

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AllauthEmailAddressAdmin):
    """Which addresses a person signs in with, to read and remove. Only its owner adds or
    verifies one, on their account's email page: an operator who gave someone an address of
    their own could have that person's password reset sent there and sign in as them."""

    readonly_fields = ("user", "email", "verified", "primary")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Which second factors a person has, never their secrets or recovery codes.

    Deleting one is how support helps someone who has lost their phone; it is audited.
    """

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name")
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self._record_removal(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for authenticator in queryset.select_related("user"):
            self._record_removal(request, authenticator)
        super().delete_queryset(request, queryset)

    def _record_removal(self, request, authenticator):
        record(
            AccountAction.MFA_CHANGED,
            request=request,
            subject=authenticator.user.email,
            change="removed by operator",
            kind=authenticator.type,
        )


# Single sign-on (docs/sso.md): identity providers are configured here as social
# applications, as allauth's own admin offers them.
admin.site.unregister(SocialAccount)
# No provider's tokens are kept (SOCIALACCOUNT_STORE_TOKENS = False): nothing to show.
admin.site.unregister(SocialToken)


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    """Which identity provider accounts are linked to whom, to read and unlink. Only the
    person links one, by signing in with it: an operator who linked someone's account to an
    identity of their own could sign in as them."""

    list_display = ("user", "provider", "uid", "last_login", "date_joined")
    list_filter = ("provider",)
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name", "uid")
    fields = ("user", "provider", "uid", "last_login", "date_joined")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
