"""Where the apps put themselves on pages they do not own, so that no template names a higher
app's URLs or tags (docs/architecture.md#templates-and-the-import-direction).

- **Places** are the links of the navigation bar. Each app registers its own from its
  `AppConfig.ready()`; `base.html` renders them with `{% navigation %}` (`alsspace/templatetags/
  places.py`), in their order, marking the one whose `section` the page's `nav_section` names.
  A place with `shown_if` is shown only where the context variable of that name is true
  (`nav_is_facilitator`, `nav_is_programme_admin`: `sets.context_processors.navigation`).
- **Contributions** are a higher app's parts of a lower app's page: the lower template leaves a
  named slot, `{% contributions "set_page.actions" %}`, and a higher app registers a template
  for it, rendered with the page's context. A page whose app has no contributions for a slot
  renders nothing there.
"""

from dataclasses import dataclass

from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Place:
    section: str  # the page's `nav_section` that marks this link as the current one
    label: str | StrPromise  # lazy, so that each page shows it in its own language
    url_name: str
    order: int
    shown_if: str = ""  # a context variable that must be true for the link to be shown


@dataclass(frozen=True)
class Contribution:
    slot: str
    template_name: str
    order: int


_places: dict[str, Place] = {}
_contributions: dict[str, list[Contribution]] = {}


def register_place(place: Place) -> None:
    """Add a navigation link. The same place again does nothing; another under a section
    already taken is a mistake, refused."""
    existing = _places.get(place.section)
    if existing is not None and existing != place:
        raise ValueError(f"The navigation already has a place for {place.section!r}.")
    _places[place.section] = place


def places() -> list[Place]:
    return sorted(_places.values(), key=lambda place: (place.order, place.section))


def contribute(slot: str, template_name: str, order: int = 100) -> None:
    """Render `template_name` where a lower app's template leaves `slot`."""
    contribution = Contribution(slot, template_name, order)
    registered = _contributions.setdefault(slot, [])
    if contribution not in registered:
        registered.append(contribution)
        registered.sort(key=lambda each: (each.order, each.template_name))


def contributions(slot: str) -> list[Contribution]:
    return list(_contributions.get(slot, ()))


def slots() -> set[str]:
    return set(_contributions)
