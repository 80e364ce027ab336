from sets.views import closing, learning_sets, programmes

app_name = "sets"
urlpatterns = programmes.urlpatterns + learning_sets.urlpatterns + closing.urlpatterns
