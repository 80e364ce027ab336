"""The journal's pages, in the `reflections` namespace."""

from django.urls import path

from reflections.views import journal, my_data, prompts, sharing

app_name = "reflections"

urlpatterns = [
    path("journal/", journal.JournalView.as_view(), name="journal"),
    path("journal/new/", journal.EntryCreateView.as_view(), name="entry_create"),
    path("journal/draft/", journal.NewDraftView.as_view(), name="draft"),
    path("journal/<int:pk>/", journal.EntryDetailView.as_view(), name="entry"),
    path("journal/<int:pk>/edit/", journal.EntryEditView.as_view(), name="entry_edit"),
    path("journal/<int:pk>/delete/", journal.EntryDeleteView.as_view(), name="entry_delete"),
    path("journal/<int:pk>/draft/", journal.EntryDraftView.as_view(), name="entry_draft"),
    path("journal/prompts/", prompts.PromptsView.as_view(), name="prompts"),
    path(
        "sets/<int:pk>/prompts/new/",
        prompts.SetPromptCreateView.as_view(),
        name="set_prompt_create",
    ),
    path("journal/<int:pk>/share/", sharing.EntryShareView.as_view(), name="entry_share"),
    path("journal/<int:pk>/unshare/", sharing.EntryUnshareView.as_view(), name="entry_unshare"),
    path("sets/<int:pk>/reflections/", sharing.SharedReflectionsView.as_view(), name="shared"),
    path("account/data/", my_data.MyDataView.as_view(), name="my_data"),
    path("account/data/download/", my_data.MyDataDownloadView.as_view(), name="my_data_download"),
    path("account/erase/", my_data.EraseAccountView.as_view(), name="erase_account"),
]
