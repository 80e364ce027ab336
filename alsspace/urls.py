"""The root URLconf: the project's own pages, and each app's URLs included by name, so this
module imports no app above alsspace."""

from django.contrib import admin
from django.urls import include, path

from alsspace import views

handler403 = "alsspace.views.permission_denied"
handler404 = "alsspace.views.page_not_found"
handler500 = "alsspace.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The home page and the sign-up page, un-namespaced; before allauth's, which they replace.
    path("", include("sets.urls.site")),
    path("accounts/", include("allauth.urls")),
    path("operator/", admin.site.urls),
    path("", include("sets.urls")),
    path("", include("sessions.urls")),
    path("", include("reflections.urls")),
    path("", include("api.urls")),
]
