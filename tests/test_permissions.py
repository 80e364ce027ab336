"""Every URL × every role of DESIGN.md's confidentiality table.

Before each request, confidential text is planted where it could leak from; each response
body is then checked for it. `test_every_url_has_a_row` walks the URL resolver, so a new
page cannot ship without a row here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sets.models import Invitation

ROLES = ["anonymous", "outsider", "pending", "member", "former", "facilitator", "admin"]

# The outsider is a member of another set in the same programme: the likeliest leak.
PERSON = {
    "outsider": "other_member",
    "pending": "pending",
    "member": "member",
    "former": "former",
    "facilitator": "facilitator",
    "admin": "admin",
}

ALPHA_CONTRACT = "Alpha clause: what Priya said about the merger stays here."
BETA_CONTRACT = "Beta clause: never repeat the restructuring plans outside."

# Who may read the set's contract text (DESIGN.md: contract row).
READS_CONTRACT = {"pending", "member", "facilitator"}

# Third-party pages with their own tests: allauth (tests/alsspace/test_accounts.py) and the
# operator's Django admin (tests/alsspace/test_admin.py).
EXEMPT_PREFIXES = ("accounts/", "operator/")

LOGIN = "login"  # an anonymous visitor is redirected to sign in


def _set(w):
    return {"pk": w.learning_set.pk}


def _programme(w):
    return {"pk": w.programme.pk}


def _invitation(w):
    return {"pk": w.learning_set.pk, "invitation_pk": w.invitation.pk}


def _membership(w):
    membership = w.learning_set.memberships.get(user=w.member, left_at__isnull=True)
    return {"pk": w.learning_set.pk, "membership_pk": membership.pk}


def _token(w):
    return {"token": w.invitation.token}


def expect(
    anonymous=LOGIN, outsider=404, pending=404, member=404, former=404, facilitator=404, admin=404
):
    return {
        "anonymous": anonymous,
        "outsider": outsider,
        "pending": pending,
        "member": member,
        "former": former,
        "facilitator": facilitator,
        "admin": admin,
    }


EVERYONE = dict(outsider=200, pending=200, member=200, former=200, facilitator=200, admin=200)
PROGRAMME_ADMIN_ONLY = expect(admin=200)
SET_VIEWERS = dict(pending=200, member=200, facilitator=200, admin=200)
SET_MANAGERS = dict(pending=403, member=403, facilitator=200, admin=200)

# (url name, kwargs from the world, method, expected status by role)
MATRIX = [
    ("home", None, "get", expect(**EVERYONE)),
    ("healthz", None, "get", expect(anonymous=200, **EVERYONE)),
    ("sets:programmes", None, "get", expect(**EVERYONE)),
    (
        "sets:programme_create",
        None,
        "get",
        expect(outsider=403, pending=403, member=403, former=403, facilitator=403, admin=200),
    ),
    ("sets:programme", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:programme_edit", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:programme_admins", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:set_create", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:import_members", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:import_template", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:audit", _programme, "get", PROGRAMME_ADMIN_ONLY),
    ("sets:set", _set, "get", expect(**SET_VIEWERS)),
    ("sets:set_edit", _set, "get", expect(pending=403, member=403, facilitator=403, admin=200)),
    ("sets:invite", _set, "get", expect(**SET_MANAGERS)),
    (
        "sets:invitation_resend",
        _invitation,
        "post",
        expect(**{**SET_MANAGERS, "facilitator": 302, "admin": 302}),
    ),
    (
        "sets:invitation_revoke",
        _invitation,
        "post",
        expect(**{**SET_MANAGERS, "facilitator": 302, "admin": 302}),
    ),
    ("sets:member_remove", _membership, "get", expect(**SET_MANAGERS)),
    ("sets:contract", _set, "get", expect(pending=200, member=200, facilitator=200, admin=403)),
    (
        "sets:contract_edit",
        _set,
        "get",
        expect(pending=403, member=403, facilitator=200, admin=403),
    ),
    ("sets:set_close", _set, "get", expect(pending=403, member=403, facilitator=200, admin=200)),
    ("sets:invitation", _token, "get", expect(anonymous=302, **EVERYONE)),
    # meetings: scheduling and calendars
    # meetings: the meeting page, apologies and actions
]


@pytest.fixture
def planted(world):
    """The world, with confidential text placed where a careless page would show it."""
    world.contract.text = ALPHA_CONTRACT
    world.contract.save()
    world.other_set.contracts.update(text=BETA_CONTRACT)
    world.invitation = Invitation.objects.create(
        learning_set=world.learning_set, name="Nina New", email="nina.new@example.org"
    )
    return world


def _request(client, world, name, kwargs, method, role):
    if role != "anonymous":
        client.force_login(getattr(world, PERSON[role]))
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    return getattr(client, method)(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "method", "expected"), MATRIX, ids=[r[0] for r in MATRIX]
)
def test_permission_matrix(client, planted, name, kwargs, method, expected, role):
    response = _request(client, planted, name, kwargs, method, role)
    wanted = expected[role]
    if wanted == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == wanted, f"{role} on {name}"
    body = response.content.decode(errors="replace")
    assert BETA_CONTRACT not in body
    if role not in READS_CONTRACT:
        assert ALPHA_CONTRACT not in body


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            yield route, f"{namespace}{pattern.name}" if pattern.name else None


def test_every_url_has_a_row():
    covered = {row[0] for row in MATRIX}
    missing = [
        (route, name)
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(EXEMPT_PREFIXES) and name not in covered
    ]
    assert missing == [], "URLs without a row in the permission matrix"
