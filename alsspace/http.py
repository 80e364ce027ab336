"""The request a signed-in page hands on, as the type checker sees it."""

from django.http import HttpRequest

from alsspace.models import User


class SignedInRequest(HttpRequest):
    """An HttpRequest whose `user` is a signed-in person, never AnonymousUser: every page
    that writes requires sign-in before it calls a service."""

    user: User
