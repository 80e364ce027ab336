from sets.views import contracts, learning_sets, programmes

app_name = "sets"
urlpatterns = programmes.urlpatterns + learning_sets.urlpatterns + contracts.urlpatterns
