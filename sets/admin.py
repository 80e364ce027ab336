"""The Django admin for operators: who is where, never what a set has written.

Contracts are set content, so only their metadata (set, version, dates) appears here;
invitation keys and links are secrets and are never shown or linked to. Every model that holds
set content names itself without it (see each model's __str__), so delete confirmations,
history and related-object lists show ids and set names only.
"""

from django.contrib import admin

from alsspace.audit import client_ip
from sets import services
from sets.models import (
    Contract,
    ContractAcceptance,
    Invitation,
    LearningSet,
    Membership,
    Nudge,
    Programme,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "starts_on", "ends_on", "time_zone")
    search_fields = ("name", "organisation")
    filter_horizontal = ("admins",)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "joined_at", "left_at")
    raw_id_fields = ("user",)
    extra = 0


@admin.register(LearningSet)
class LearningSetAdmin(admin.ModelAdmin):
    list_display = ("name", "programme", "status", "quorum", "created_at")
    list_filter = ("status", "programme")
    list_select_related = ("programme",)
    search_fields = ("name", "programme__name")
    readonly_fields = ("created_at", "closed_at")
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        # The forms have already written their values onto their objects: ask the database.
        before = Membership.objects.filter(learning_set=form.instance).in_bulk()
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects + [m for m, _ in formset.changed_objects]:
            if isinstance(membership, Membership):
                services.operator_saved_membership(
                    membership,
                    before=before.get(membership.pk),
                    actor=request.user,
                    ip=client_ip(request),
                )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "learning_set", "role", "joined_at", "left_at")
    list_filter = ("role", "learning_set__programme")
    list_select_related = ("user", "learning_set")
    search_fields = ("user__email", "user__name", "learning_set__name")
    raw_id_fields = ("user", "learning_set")
    readonly_fields = ("granted_by",)

    def save_model(self, request, obj, form, change):
        before = Membership.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        services.operator_saved_membership(
            obj, before=before, actor=request.user, ip=client_ip(request)
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "name", "learning_set", "role", "state", "created_at", "expires_at")
    list_filter = ("role", "learning_set__programme")
    list_select_related = ("learning_set",)
    search_fields = ("email", "name", "learning_set__name")
    exclude = ("key",)
    readonly_fields = (
        "invited_by",
        "created_at",
        "sent_at",
        "accepted_at",
        "accepted_by",
        "needs_approval",
        "approved_by",
        "approved_at",
    )
    raw_id_fields = ("learning_set",)
    # The live link is a credential: no "view on site" that would open it.
    view_on_site = False

    @admin.display(description="state")
    def state(self, invitation):
        return invitation.state


class ContractAcceptanceInline(admin.TabularInline):
    model = ContractAcceptance
    fields = ("user", "accepted_at", "carried_over")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    """Version metadata only: the text of a set's contract is the set's, not support's."""

    list_display = ("learning_set", "version", "change", "created_at")
    list_select_related = ("learning_set",)
    search_fields = ("learning_set__name",)
    fields = ("learning_set", "version", "change", "created_by", "created_at")
    readonly_fields = fields
    # The text and the note on what changed are the set's; so are its members' proposed
    # changes (sets.Amendment), which are not registered here at all.
    exclude = ("text", "note")
    inlines = [ContractAcceptanceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Nudge)
class NudgeAdmin(admin.ModelAdmin):
    """Who was reminded of what, and when: to answer "did they get the email?". A nudge holds
    no set content (its occasion is an id, its link a path); nobody writes one by hand."""

    list_display = ("person", "kind", "learning_set", "created_at", "emailed_at", "dismissed_at")
    list_filter = ("kind", "learning_set__programme")
    list_select_related = ("person", "learning_set")
    search_fields = ("person__email", "person__name", "learning_set__name")
    readonly_fields = [field.name for field in Nudge._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
