"""The audit log's acts are registered by the apps that own them (alsspace/audit_actions.py)."""

import pytest

from alsspace import audit_actions
from alsspace.audit import UnregisteredAction, record
from alsspace.audit_actions import AccountAction
from alsspace.models import AuditEvent
from reflections.audit_actions import ReflectionAction
from sessions.audit_actions import MeetingAction
from sets.audit_actions import SetAction


def test_an_act_no_app_registered_is_refused_and_not_stored(db):
    with pytest.raises(UnregisteredAction):
        record("programme.deleted", subject="Northfield")
    assert not AuditEvent.objects.exists()


def test_each_app_s_acts_are_registered_once_started(db):
    for enum in (AccountAction, SetAction, MeetingAction, ReflectionAction):
        for action in enum:
            assert audit_actions.is_registered(action.value)
            assert audit_actions.label(action.value) == action.label
    event = record(MeetingAction.ATTENDANCE_EXPORTED, subject="Set Alpha")
    assert str(event) == "Attendance exported: Set Alpha"


def test_an_act_registered_again_differently_is_refused():
    taken = audit_actions.get(SetAction.SET_CLOSED)
    audit_actions.register(taken)  # the same act again does nothing
    with pytest.raises(ValueError, match="already registered"):
        audit_actions.register(
            audit_actions.AuditAction(SetAction.SET_CLOSED.value, "Closed", "set", "Shut")
        )
    assert audit_actions.get(SetAction.SET_CLOSED) == taken
