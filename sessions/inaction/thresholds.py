"""When each learning-inaction signal fires: the programme's thresholds (defaults on the
Programme model, as docs/signals.md#thresholds lists them) and the set's quorum."""

from dataclasses import dataclass
from decimal import Decimal

from sessions import pulse
from sets.models import LearningSet


@dataclass(frozen=True)
class Thresholds:
    carried_action_meetings: int
    silent_member_meetings: int
    airtime_share_percent: int
    airtime_window_meetings: int
    attendance_missed: int
    attendance_window: int
    talk_without_action_slots: int
    pulse_dip: Decimal
    pulse_minimum: int
    quorum: int

    @classmethod
    def for_set(cls, learning_set: LearningSet) -> "Thresholds":
        programme = learning_set.programme
        return cls(
            carried_action_meetings=programme.carried_action_meetings,
            silent_member_meetings=programme.silent_member_meetings,
            airtime_share_percent=programme.airtime_share_percent,
            airtime_window_meetings=programme.airtime_window_meetings,
            attendance_missed=programme.attendance_missed,
            attendance_window=programme.attendance_window,
            talk_without_action_slots=programme.talk_without_action_slots,
            pulse_dip=programme.pulse_dip,
            pulse_minimum=pulse.minimum_responses(programme),
            quorum=learning_set.quorum,
        )
