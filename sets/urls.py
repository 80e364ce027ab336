from django.urls import path

app_name = "sets"

urlpatterns = []
