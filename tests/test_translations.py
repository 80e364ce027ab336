"""Every string ready for translation, and the Welsh complete (docs/languages.md).

- No template has words outside a translation tag (tests/untranslated.py).
- Extracting the messages afresh from the code, as `make messages` does, leaves none without
  Welsh and none fuzzy: a string added or changed without its Welsh fails here.
- The compiled catalogues are the ones their .po files make, and msgfmt finds nothing wrong
  with a placeholder.
- allauth's own messages, which it has no Welsh for, have ours.

Extracting needs GNU gettext (xgettext, msgmerge, msgfmt); without it these tests skip
locally and fail in CI.
"""

import os
import shutil
import subprocess
from pathlib import Path

import allauth
import polib
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from tests.untranslated import ROOT, templates, untranslated

LOCALE = ROOT / "locale"
WELSH = LOCALE / "cy" / "LC_MESSAGES"
ALLAUTH_WELSH = LOCALE / "allauth" / "cy" / "LC_MESSAGES" / "django.po"
DOMAINS = ["django", "djangojs"]
# Django's own Welsh plural rule: one, two, the rest but eight and eleven, eight and eleven.
PLURAL_FORMS = "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;"
# Where makemessages looks: the project's code, templates and scripts, not its tests or tools.
NOT_SOURCE = {".git", ".venv", "node_modules", "staticfiles", "tests", "bench", "docs", "vendor"}


def _needs_gettext():
    if all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msgfmt")):
        return
    if os.environ.get("CI"):
        pytest.fail("GNU gettext is not installed (apt-get install gettext)")
    pytest.skip("GNU gettext is not installed (apt-get install gettext)")


@pytest.mark.parametrize("path", list(templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_has_no_words_outside_translation_tags(path):
    found = untranslated(path)
    assert not found, "words outside a translation tag:\n" + "\n".join(map(str, found))


def test_the_checker_finds_words_outside_tags_and_passes_words_inside(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "{% load i18n %}<h1>{% translate 'Attendance' %}</h1>\n"
        "<p>{% blocktranslate trimmed with n=count %}{{ n }} present{% endblocktranslate %}</p>\n"
        '<nav aria-label="Breadcrumb"></nav>\n'
        "<p>{{ meeting.date }} &middot; 3</p>\n"
        "<script>const words = 'not here'</script>\n"
        "{# a comment #}<!-- a comment -->\n"
        '<input type="submit" value="Send"><button name="do" value="approve">…</button>\n'
        "<p>Held</p>\n"
    )
    found = [(f.line, f.text) for f in untranslated(page)]
    assert found == [(3, "aria-label=Breadcrumb"), (7, "value=Send"), (8, "Held")]
    email = tmp_path / "email.txt"
    email.write_text(
        "{% load i18n %}{% autoescape off %}{% blocktranslate %}Hello {{ name }},"
        "{% endblocktranslate %}\n\n{{ link }}\n\nALS Space\n{% endautoescape %}"
    )
    assert [(f.line, f.text) for f in untranslated(email)] == [(5, "ALS Space")]


def _extract_afresh(tmp_path, monkeypatch):
    """A copy of the project's source with its catalogues, and makemessages run in it: the
    Welsh that is committed, merged into every message the code has now."""
    project = tmp_path / "project"
    shutil.copytree(
        ROOT,
        project,
        ignore=lambda directory, names: (
            [n for n in names if n in NOT_SOURCE]
            if Path(directory) == ROOT or Path(directory).name == "static"
            else []
        ),
        symlinks=True,
    )
    monkeypatch.chdir(project)
    with override_settings(LOCALE_PATHS=[project / "locale"]):
        for domain in DOMAINS:
            call_command(
                "makemessages",
                locale=["cy"],
                domain=domain,
                no_obsolete=True,
                verbosity=0,
                ignore_patterns=["locale/allauth/*"],
            )
    return project / "locale" / "cy" / "LC_MESSAGES"


def test_every_message_in_the_code_has_welsh_none_fuzzy(tmp_path, monkeypatch):
    _needs_gettext()
    fresh = _extract_afresh(tmp_path, monkeypatch)
    problems = []
    for domain in DOMAINS:
        catalogue = polib.pofile(str(fresh / f"{domain}.po"))
        problems += [f"{domain}: no Welsh: {e.msgid!r}" for e in catalogue.untranslated_entries()]
        problems += [f"{domain}: fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
        committed = polib.pofile(str(WELSH / f"{domain}.po"))
        stale = {e.msgid for e in committed} - {e.msgid for e in catalogue}
        problems += [f"{domain}: no longer in the code: {msgid!r}" for msgid in sorted(stale)]
    assert not problems, "run `make messages` and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "po",
    [WELSH / "django.po", WELSH / "djangojs.po", ALLAUTH_WELSH],
    ids=lambda p: p.parent.parent.parent.name + "/" + p.name,
)
def test_a_catalogue_is_whole_compiled_and_its_placeholders_match(po):
    catalogue = polib.pofile(str(po))
    assert catalogue.metadata["Plural-Forms"] == PLURAL_FORMS
    assert catalogue.metadata["Language"] == "cy"
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in polib.mofile(str(po.with_suffix(".mo")))
    }
    written = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in catalogue.translated_entries()
    }
    assert compiled == written, f"{po.with_suffix('.mo')} is out of date: run `make messages`"
    _needs_gettext()
    msgfmt = shutil.which("msgfmt")
    assert msgfmt is not None
    checked = subprocess.run(  # noqa: S603 - gettext's msgfmt on our own catalogue
        [msgfmt, "--check", "-o", os.devnull, str(po)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


def test_allauth_has_welsh_for_each_of_its_messages():
    english = polib.pofile(
        str(Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po")
    )
    ours = {(e.msgctxt, e.msgid) for e in polib.pofile(str(ALLAUTH_WELSH)).translated_entries()}
    missing = [e.msgid for e in english if (e.msgctxt, e.msgid) not in ours and not e.obsolete]
    assert not missing, missing


def test_welsh_is_what_a_welsh_page_reads():
    with translation.override("cy"):
        assert translation.gettext("Sign in") != "Sign in"
        assert translation.gettext("Incorrect code.") != "Incorrect code."
