"""View mixins every app uses, so that each permission check is written once."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


class PermittedObjectMixin:
    """Find the object among those the person is related to, then check the act.

    Someone with no relation to the object gets 404, so its existence is not revealed;
    someone who may see it but not do this gets 403. Anonymous visitors never get here:
    LoginRequiredMiddleware sends them to sign in.
    """

    scope = None  # a function of the user returning the objects they are related to
    permission = None  # the rules permission this view needs on the object
    lookup_url_kwarg = "pk"

    def get_scope(self):
        return self.scope(self.request.user)

    def get_permitted_object(self):
        obj = get_object_or_404(self.get_scope(), pk=self.kwargs[self.lookup_url_kwarg])
        if self.permission and not self.request.user.has_perm(self.permission, obj):
            raise PermissionDenied
        return obj

    def dispatch(self, request, *args, **kwargs):
        self.permitted_object = self.get_permitted_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.permitted_object


class PermissionMixin:
    """For pages with no object (creating a programme): 403 without the permission."""

    permission = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class InvalidIs400Mixin:
    """Re-render a form with its errors as 400 Bad Request, so bad input is never a 200."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
