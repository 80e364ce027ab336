from sets.views import learning_sets, programmes

app_name = "sets"
urlpatterns = programmes.urlpatterns + learning_sets.urlpatterns
