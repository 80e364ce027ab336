from django.contrib import admin
from django.urls import include, path

from alsspace import views
from sets.views.home import HomeView
from sets.views.invitations import SignupView

handler403 = "alsspace.views.permission_denied"
handler404 = "alsspace.views.page_not_found"
handler500 = "alsspace.views.server_error"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("operator/", admin.site.urls),
    path("", include("sets.urls")),
    path("", include("sessions.urls")),
    path("", include("reflections.urls")),
]
