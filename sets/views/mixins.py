"""The view mixins the sets app's pages share, and the pages of the apps above build on: a
set's pages and a programme's pages."""

from alsspace.mixins import PermittedObjectMixin
from sets import queries


class SetPageMixin(PermittedObjectMixin):
    """Every set page starts from the sets the person may see; anyone else gets 404."""

    scope = staticmethod(queries.visible_sets)
    extra_context = {"nav_section": "home"}

    def get_scope(self):
        return super().get_scope().select_related("programme")

    @property
    def learning_set(self):
        return self.permitted_object

    def get_context_data(self, **kwargs):
        programme = self.learning_set.programme
        return super().get_context_data(
            learning_set=self.learning_set,
            programme=programme,
            can_view_programme=self.request.user.has_perm("sets.view_programme", programme),
            **kwargs,
        )


class ProgrammeNavMixin:
    extra_context = {"nav_section": "programmes"}


class AdministeredProgrammeMixin(ProgrammeNavMixin, PermittedObjectMixin):
    """Programme pages exist only for the programme's admins: everyone else gets 404."""

    scope = staticmethod(queries.administered_programmes)

    @property
    def programme(self):
        return self.permitted_object

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)
