import sys

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from alsspace.middleware import DATABASE_ERRORS, database_unavailable


@require_safe
@never_cache
@login_not_required
@transaction.non_atomic_requests
def healthz(request):
    """For load balancers and the benchmark baseline: one query, no session, no template."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    # A lost database outside the view (a middleware loading the session) is a 503, as
    # DatabaseUnavailableMiddleware answers for the view itself.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable()
    # Rendered without context processors or the database: the failure may be the database.
    return HttpResponseServerError(loader.get_template("500.html").render())
