"""The sets app's pages, in the `sets` namespace. The home page and the sign-up page an
invitation leads to keep their names un-namespaced, in `sets.urls.site`."""

from django.urls import path

from sets.views import (
    closing,
    contracts,
    details,
    invitations,
    learning_sets,
    nudges,
    programmes,
    sign_on,
)

app_name = "sets"

urlpatterns = [
    path("programmes/", programmes.ProgrammeListView.as_view(), name="programmes"),
    path("programmes/new/", programmes.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", programmes.ProgrammeDetailView.as_view(), name="programme"),
    path(
        "programmes/<int:pk>/edit/", programmes.ProgrammeEditView.as_view(), name="programme_edit"
    ),
    path(
        "programmes/<int:pk>/admins/",
        programmes.ProgrammeAdminsView.as_view(),
        name="programme_admins",
    ),
    path("programmes/<int:pk>/sets/new/", programmes.SetCreateView.as_view(), name="set_create"),
    path("sets/<int:pk>/edit/", programmes.SetEditView.as_view(), name="set_edit"),
    path(
        "programmes/<int:pk>/import/", programmes.ImportMembersView.as_view(), name="import_members"
    ),
    path(
        "programmes/<int:pk>/import/confirm/",
        programmes.ImportConfirmView.as_view(),
        name="import_confirm",
    ),
    path(
        "programmes/<int:pk>/import/example.csv",
        programmes.ImportExampleView.as_view(),
        name="import_template",
    ),
    path("programmes/<int:pk>/audit/", programmes.AuditLogView.as_view(), name="audit"),
    path(
        "programmes/<int:pk>/sign-on/",
        sign_on.ProgrammeSignOnView.as_view(),
        name="programme_sign_on",
    ),
    path("sets/<int:pk>/", learning_sets.SetDetailView.as_view(), name="set"),
    path("sets/<int:pk>/invite/", learning_sets.InviteView.as_view(), name="invite"),
    path(
        "sets/<int:pk>/facilitator/assign/",
        learning_sets.AssignFacilitatorView.as_view(),
        name="assign_facilitator",
    ),
    path(
        "sets/<int:pk>/invitations/<int:invitation_pk>/resend/",
        learning_sets.ResendInvitationView.as_view(),
        name="invitation_resend",
    ),
    path(
        "sets/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        learning_sets.RevokeInvitationView.as_view(),
        name="invitation_revoke",
    ),
    path(
        "sets/<int:pk>/invitations/<int:invitation_pk>/approval/",
        learning_sets.InvitationApprovalView.as_view(),
        name="invitation_approval",
    ),
    path(
        "sets/<int:pk>/members/<int:membership_pk>/remove/",
        learning_sets.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path("sets/<int:pk>/contract/", learning_sets.ContractView.as_view(), name="contract"),
    path(
        "sets/<int:pk>/contract/edit/",
        learning_sets.ContractEditView.as_view(),
        name="contract_edit",
    ),
    path(
        "sets/<int:pk>/contract/history/",
        contracts.ContractHistoryView.as_view(),
        name="contract_history",
    ),
    path(
        "sets/<int:pk>/contract/proposals/new/",
        contracts.AmendmentCreateView.as_view(),
        name="amendment_create",
    ),
    path(
        "sets/<int:pk>/contract/proposals/<int:amendment_pk>/",
        contracts.AmendmentView.as_view(),
        name="amendment",
    ),
    path("sets/<int:pk>/close/", learning_sets.SetCloseView.as_view(), name="set_close"),
    path("sets/<int:pk>/status/", learning_sets.SetStatusView.as_view(), name="set_status"),
    path(
        "sets/<int:pk>/closing-review/",
        closing.ClosingReviewView.as_view(),
        name="closing_review",
    ),
    path(
        "sets/<int:pk>/closing-review/open/",
        closing.OpenClosingReviewView.as_view(),
        name="closing_review_open",
    ),
    path("invitations/<str:token>/", invitations.InvitationView.as_view(), name="invitation"),
    path("notifications/", nudges.NotificationsView.as_view(), name="notifications"),
    path("account/details/", details.DetailsView.as_view(), name="details"),
    path(
        "notifications/<int:pk>/dismiss/",
        nudges.DismissNudgeView.as_view(),
        name="nudge_dismiss",
    ),
]
