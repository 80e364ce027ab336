"""The view mixins the sets app's pages share, and the pages of the apps above build on: a
set's pages and a programme's pages."""

from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from alsspace.mixins import PermittedObjectMixin
from sets import queries, services


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


# The contract's pages (sets.views.learning_sets and sets.views.contracts)


class CurrentContractMixin(SetPageMixin):
    @cached_property
    def contract(self):
        return services.current_contract(self.learning_set)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "current_contract": self.contract}


def version_saved(contract):
    """What the facilitator is told once a version is saved."""
    if contract.version == 1:
        return _(
            "The contract is saved. Every member is asked to accept it when they next open the set."
        )
    if contract.is_minor:
        return _(
            "Version %(version)s of the contract is saved as a minor change. Members who had "
            "accepted the contract stay accepted; the set can read what changed in its history."
        ) % {"version": contract.version}
    return _(
        "Version %(version)s of the contract is saved as a material change. Every member must "
        "now accept it again before they can see the set's content; they are asked when they "
        "next open the set."
    ) % {"version": contract.version}
