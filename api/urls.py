"""The API's URLs (under /api/v1/, reached with a token, so the sign-in every page asks for
does not apply) and the programme admins' token page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.cache import never_cache

from api import views
from api.endpoints import api

app_name = "api"


def _without_sign_in(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """Each endpoint authenticates its token itself (api.endpoints.TokenAuth): a visitor's
    session counts for nothing there, and LoginRequiredMiddleware must not redirect a client
    to a sign-in page. Nothing an endpoint answers (names and emails, attendance) may be kept
    by a cache on the way."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = never_cache(login_not_required(pattern.callback))
    return patterns


endpoints, ninja_app, namespace = api.urls

urlpatterns = [
    path("programmes/<int:pk>/api-tokens/", views.ApiTokensView.as_view(), name="tokens"),
    path("api/v1/", (_without_sign_in(list(endpoints)), ninja_app, namespace)),
]
