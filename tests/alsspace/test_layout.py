"""The frame every page shares: health check, sign-in redirect, security headers, error pages."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from alsspace.views import server_error
from tests.factories import UserFactory


@pytest.mark.django_db
def test_healthz_answers_anonymously_with_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_home_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["account_login", "healthz"])
def test_every_response_carries_the_security_headers(client, url_name):
    response = client.get(reverse(url_name))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_signed_in_home_page_has_the_security_headers(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_not_found_page_uses_our_layout_for_a_signed_in_person(client):
    client.force_login(UserFactory(name="Nora Nobody"))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert "We can’t find that page" in body
    assert "Skip to main content" in body
    assert "Nora Nobody" in body


def test_server_error_page_renders_without_a_database():
    # No `db` fixture: any query here would fail the test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert "Something went wrong on our side" in body
    assert "css/app.css" in body


def test_layout_has_no_inline_script_or_style():
    """The strict CSP blocks inline code, so none may hide in the templates we own."""
    from pathlib import Path

    from django.conf import settings

    templates = Path(settings.BASE_DIR, "templates")
    owned = [
        templates / "base.html",
        templates / "403.html",
        templates / "404.html",
        templates / "500.html",
        *templates.glob("account/**/*.html"),
        *templates.glob("mfa/**/*.html"),
        *templates.glob("allauth/**/*.html"),
    ]
    for path in owned:
        source = path.read_text()
        assert not re.search(r"\sstyle=", source), path
        assert not re.search(r"\son[a-z]+=", source), path
        for script in re.findall(r"<script[^>]*>", source):
            assert "src=" in script or 'type="application/json"' in script, path
