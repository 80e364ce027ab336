from reflections.views import journal, my_data, prompts, sharing

app_name = "reflections"

urlpatterns = journal.urlpatterns + prompts.urlpatterns + sharing.urlpatterns + my_data.urlpatterns
