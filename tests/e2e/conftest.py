"""Browser tests: pytest-django's live server driven by Debian's Chromium through Playwright.

Every test in this folder is a browser test. Without Chromium they are skipped with the
reason, unless REQUIRE_BROWSER=1 (as in CI), which makes the missing browser a failure.
"""

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.utils import timezone

from tests.factories import PASSWORD, ContractAcceptanceFactory, MembershipFactory

# The identity providers the single sign-on tests run (tests/idp), started once per session.
from tests.idp.providers import identity_providers, oidc_provider, saml_provider  # noqa: F401
from tests.sessions.builders import action, attend
from tests.sessions.factories import MeetingFactory, days_from_now

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are still ordinary synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
# Beside, not inside, pytest-playwright's --output folder, which it empties on every run.
SCREENSHOTS = E2E_DIR.parents[1] / "test-results" / "screenshots"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM = str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else shutil.which("chromium")
MISSING_BROWSER = (
    "Chromium not found: install Debian's chromium (apt-get install chromium) "
    "or set REQUIRE_BROWSER=1 to make this a failure"
)
REQUIRED_BROWSER_MISSING = (
    "Chromium not found, and REQUIRE_BROWSER=1 requires the browser tests: "
    "install Debian's chromium (apt-get install chromium)"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Date and time inputs take their format from the browser's language, not the page's.
    "--lang=en-GB",
    "--disable-sync",
    "--disable-quic",
]
BLOCKING_IMPACTS = {"serious", "critical"}
LOGIN_PATH = "/accounts/login/"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(REQUIRED_BROWSER_MISSING, pytrace=False)
        pytest.skip(MISSING_BROWSER)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium: Playwright never downloads a browser of its own here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(autouse=True)
def fresh_rate_limits(live_server, transactional_db):
    """allauth counts sign-ins per address in the cache, which outlives each test's data."""
    cache.clear()


@pytest.fixture
def sign_in():
    """Sign in through the real allauth form; the person lands on the home page."""

    def sign_in(page, live_server, user, password=PASSWORD):
        page.goto(f"{live_server.url}{LOGIN_PATH}")
        page.locator("input[name='login']").fill(user.email)
        page.locator("input[name='password']").fill(password)
        with page.expect_navigation():
            page.locator("input[name='password']").press("Enter")
        if LOGIN_PATH in page.url:
            pytest.fail(f"Signing in as {user.email} failed: {page.locator('main').inner_text()}")
        return page

    return sign_in


@pytest.fixture
def axe_check():
    """Scan the current page with axe; fail listing every serious or critical violation."""
    axe = Axe()

    def axe_check(page):
        results = axe.run(page)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            details = "\n".join(
                f"- {v['id']} ({v['impact']}): {v['help']} at "
                + ", ".join(" ".join(map(str, node["target"])) for node in v["nodes"])
                for v in blocking
            )
            pytest.fail(f"Accessibility violations on {page.url}:\n{details}", pytrace=False)
        return results

    return axe_check


@pytest.fixture
def shot():
    """Save a full-page screenshot to test-results/screenshots/<name>.png for review."""

    def shot(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return shot


# The meeting under way that the meeting page's journeys run (test_meeting_journey.py,
# test_welsh.py), and the page's problems they assert there are none of.
@pytest.fixture
def running(world):
    """Set Alpha's meeting that started an hour ago, the one before it (held four weeks ago,
    where Maya and Rosa each committed to an action) and the next one, a month ahead."""
    world.rosa = MembershipFactory(learning_set=world.learning_set, user__name="Rosa Reyes").user
    ContractAcceptanceFactory(contract=world.contract, user=world.rosa)
    world.last_time = MeetingFactory(
        learning_set=world.learning_set, starts_at=days_from_now(-28), status="held"
    )
    world.meeting = MeetingFactory(
        learning_set=world.learning_set, starts_at=timezone.now() - timedelta(hours=1)
    )
    world.next_time = MeetingFactory(learning_set=world.learning_set, starts_at=days_from_now(28))
    for person in (world.member, world.rosa):
        attend(world.last_time, person)
    world.maya_action = action(
        world.last_time,
        world.member,
        "Ask the finance director what the board fears about the merger",
        due_meeting=world.meeting,
    )
    world.rosa_action = action(
        world.last_time,
        world.rosa,
        "Hand the weekly rota over to the two team leads",
        due_meeting=world.meeting,
    )
    return world


@pytest.fixture
def problems(page):
    """Every console error, uncaught exception and Content-Security-Policy violation in the
    page, as text: a test asserts there are none, or only the ones it caused."""
    found = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (event) {"
        "  window.__cspViolations = (window.__cspViolations || 0) + 1;"
        "  console.error('CSP violation: ' + event.violatedDirective + ' at ' +"
        "    event.sourceFile + ':' + event.lineNumber)"
        "})"
    )
    page.on(
        "console",
        lambda message: (
            found.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"uncaught: {error}"))
    return found
