from sets.views import learning_sets, nudges, programmes

app_name = "sets"
urlpatterns = programmes.urlpatterns + learning_sets.urlpatterns + nudges.urlpatterns
