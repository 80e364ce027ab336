"""The root URLconf: the project's own pages, and each app's URLs included by name, so this
module imports no app above alsspace."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from alsspace import views

handler403 = "alsspace.views.permission_denied"
handler404 = "alsspace.views.page_not_found"
handler500 = "alsspace.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The words our scripts show (static/js), in the page's language: gettext() and friends.
    path(
        "jsi18n/",
        login_not_required(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    # Choosing a language before signing in (the language cookie); signed-in people choose
    # on their account page.
    path("language/", login_not_required(set_language), name="set_language"),
    # The home page and the sign-up page, un-namespaced; before allauth's, which they replace.
    path("", include("sets.urls.site")),
    path("accounts/", include("allauth.urls")),
    path("operator/", admin.site.urls),
    path("", include("sets.urls")),
    path("", include("sessions.urls")),
    path("", include("reflections.urls")),
    path("", include("api.urls")),
]
