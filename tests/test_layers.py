"""Templates keep the import direction: (reflections | api) -> sessions -> sets -> alsspace.

import-linter (`make layers`, the contract in pyproject.toml) checks Python imports, template
tag modules included. Templates slip past it, so this checks them, in every folder Django loads
them from (the project's `templates/` and any app's own): a template under `templates/<app>/`
belongs to that app, and every other template (`base.html`, the error pages, allauth's) to
`alsspace`, the lowest layer. A template may not `{% load %}` a higher app's tag
library, `{% url %}` a name in a higher app's namespace, or include or extend a higher app's
template. A higher app puts itself on a lower app's page through alsspace/places.py instead
(docs/architecture.md#templates-and-the-import-direction). And a view module builds only on
views/mixins.py, never on another view module.
"""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template.backends.django import get_installed_libraries
from django.urls import get_resolver, reverse

from alsspace import places

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Lowest first.
LAYERS = ["alsspace", "sets", "sessions", "reflections"]
RANK = {app: rank for rank, app in enumerate(LAYERS)}
# The API is a layer beside the journal's, at the top: above sessions, below nothing.
RANK["api"] = RANK["reflections"]

LOAD = re.compile(r"{%\s*load\s+(.*?)\s*%}")
URL = re.compile(r"""{%\s*url\s+(['"])([^'"]+)\1""")
TEMPLATE_REFERENCE = re.compile(r"""{%\s*(?:include|extends)\s+(['"])([^'"#]+)""")


def template_owner(name: str) -> str:
    """The app a template belongs to, from its name relative to a templates folder."""
    top = name.split("/", 1)[0] if "/" in name else ""
    return top if top in RANK else "alsspace"


def app_of_module(module: str) -> str | None:
    top = module.split(".", 1)[0]
    return top if top in RANK else None


def library_owners() -> dict[str, str]:
    """Our apps' tag libraries, by the name `{% load %}` knows them by."""
    return {
        name: app
        for name, module in get_installed_libraries().items()
        if (app := app_of_module(module))
    }


def namespace_owners() -> dict[str, str]:
    """Each URL namespace, by the app whose URLconf it is. Names without a namespace are the
    root URLconf's, the composition root in alsspace."""
    owners = {}
    for namespace, (_, resolver) in get_resolver().namespace_dict.items():
        module = getattr(resolver.urlconf_module, "__name__", str(resolver.urlconf_name))
        if app := app_of_module(module):
            owners[namespace] = app
    return owners


def template_roots() -> list[tuple[Path, str | None]]:
    """Every folder Django loads templates from, with the app whose folder it is: the
    project's (TEMPLATES' DIRS, owned by each template's name) and each app's own
    `<app>/templates/`, should one appear (APP_DIRS is on)."""
    roots: list[tuple[Path, str | None]] = [
        (Path(folder), None) for engine in settings.TEMPLATES for folder in engine["DIRS"]
    ]
    for config in apps.get_app_configs():
        folder = Path(config.path) / "templates"
        if config.name in RANK and folder.is_dir():
            roots.append((folder, config.name))
    return roots


def crossings(root: Path, folder_app: str | None = None) -> list[str]:
    """Each place a template under `root` reaches up to a higher app, as
    "<template>: <what>". A template in an app's own folder belongs to that app, or to the
    lower app its name says."""
    libraries, namespaces = library_owners(), namespace_owners()
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in {".html", ".txt"}:
            continue
        name = path.relative_to(root).as_posix()
        owner = RANK[template_owner(name)]
        if folder_app is not None:
            owner = min(owner, RANK[folder_app])
        text = path.read_text(encoding="utf-8")
        for match in LOAD.finditer(text):
            words = match.group(1).split()
            loaded = words[-1:] if "from" in words else words
            for library in loaded:
                app = libraries.get(library)
                if app and RANK[app] > owner:
                    found.append(f"{name}: loads {library} ({app})")
        for match in URL.finditer(text):
            url_name = match.group(2)
            if ":" in url_name:
                app = namespaces.get(url_name.split(":", 1)[0])
                if app and RANK[app] > owner:
                    found.append(f"{name}: url {url_name} ({app})")
        for match in TEMPLATE_REFERENCE.finditer(text):
            app = template_owner(match.group(2))
            if RANK[app] > owner:
                found.append(f"{name}: includes {match.group(2)} ({app})")
    return found


def test_no_template_reaches_a_higher_app():
    roots = template_roots()
    assert (TEMPLATES, None) in roots
    for root, app in roots:
        assert crossings(root, app) == [], root


def test_a_template_in_an_app_s_own_folder_is_that_app_s(tmp_path):
    (tmp_path / "reflections").mkdir()
    (tmp_path / "reflections" / "planted.html").write_text(
        "{% url 'meetings:my_actions' %}", encoding="utf-8"
    )
    assert crossings(tmp_path) == []
    assert crossings(tmp_path, "sets") == [
        "reflections/planted.html: url meetings:my_actions (sessions)"
    ]


def test_a_template_reaching_up_is_found(tmp_path):
    (tmp_path / "sets").mkdir()
    (tmp_path / "sessions").mkdir()
    (tmp_path / "sets" / "planted.html").write_text(
        "{% load partials schedule %}{% url 'meetings:my_actions' %}"
        "{% url 'sets:programmes' %}{% include \"reflections/journal.html\" %}",
        encoding="utf-8",
    )
    (tmp_path / "sessions" / "planted.html").write_text(
        "{% load form_keys %}{% url \"reflections:my_data\" %}{% url 'sets:programmes' %}",
        encoding="utf-8",
    )
    (tmp_path / "planted_base.html").write_text(
        "{% load static places %}<a href=\"{% url 'sets:programmes' %}\">{% url 'home' %}</a>"
        '{% extends "sets/home.html" %}',
        encoding="utf-8",
    )

    assert crossings(tmp_path) == [
        "planted_base.html: url sets:programmes (sets)",
        "planted_base.html: includes sets/home.html (sets)",
        "sessions/planted.html: url reflections:my_data (reflections)",
        "sets/planted.html: loads schedule (sessions)",
        "sets/planted.html: url meetings:my_actions (sessions)",
        "sets/planted.html: includes reflections/journal.html (reflections)",
    ]


def test_the_owners_are_found_where_the_apps_declare_them():
    assert {"meetings": "sessions", "sets": "sets", "reflections": "reflections"}.items() <= (
        namespace_owners().items()
    )
    assert library_owners()["schedule"] == "sessions"
    assert library_owners()["places"] == "alsspace"


def test_every_contribution_has_its_slot_and_template():
    """A contribution whose slot no template leaves would never show; one whose template is
    missing would fail the page."""
    left = set()
    for path in TEMPLATES.rglob("*.html"):
        left |= set(re.findall(r"""{%\s*contributions\s+['"]([^'"]+)""", path.read_text()))
    assert places.slots() <= left
    for slot in places.slots():
        for contribution in places.contributions(slot):
            assert (TEMPLATES / contribution.template_name).is_file()
            # A contribution is its own app's template, on a page of a lower app.
            assert RANK[template_owner(contribution.template_name)] > min(RANK.values())


def test_every_place_names_a_page():
    for place in places.places():
        assert reverse(place.url_name)


def test_the_navigation_shows_each_app_s_places_by_role(client, world):
    client.force_login(world.member)
    page = client.get(reverse("home")).content.decode()
    links = re.findall(r'class="nav-link[^"]*"[^>]*href="([^"]+)">([^<]+)</a>', page)
    assert links == [
        (reverse("home"), "My sets"),
        (reverse("meetings:my_actions"), "My actions"),
        (reverse("meetings:my_calendar"), "My calendar"),
        (reverse("reflections:journal"), "My journal"),
    ]
    assert 'aria-current="page" href="/">My sets</a>' in page

    client.force_login(world.admin)
    page = client.get(reverse("sets:programmes")).content.decode()
    assert f'aria-current="page" href="{reverse("sets:programmes")}">Programmes</a>' in page
    assert "Dashboard</a>" not in page


def view_imports(package: Path, app: str) -> list[str]:
    """Each import of a view module by another module of `package` (an app's views/), as
    "<module>: <imported>": a view builds only on views/mixins.py, here or in a lower app."""
    found = []
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = f"{app}.views" + (f".{node.module}" if node.module else "")
                else:
                    base = node.module or ""
                names = [base] if base.count(".") >= 2 else [f"{base}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                app_name, _, rest = name.partition(".views.")
                module = rest.split(".", 1)[0]
                if app_name in RANK and module and module != "mixins":
                    found.append(f"{path.name}: {app_name}.views.{module}")
    return found


def test_views_build_only_on_mixins():
    for app in LAYERS:
        package = Path(settings.BASE_DIR) / app / "views"
        if package.is_dir():
            assert view_imports(package, app) == [], app


def test_a_view_importing_another_view_is_found(tmp_path):
    (tmp_path / "a.py").write_text(
        "from sessions.views.meeting import page_context\n"
        "from sessions.views.mixins import MeetingPageMixin\n"
        "from .journal import EntryDetailView\n"
        "from sets.views import home\n"
        "import reflections.views.sharing\n",
        encoding="utf-8",
    )
    assert view_imports(tmp_path, "reflections") == [
        "a.py: sessions.views.meeting",
        "a.py: reflections.views.journal",
        "a.py: sets.views.home",
        "a.py: reflections.views.sharing",
    ]
