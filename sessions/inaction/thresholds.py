"""When each learning-inaction signal fires: the programme's thresholds (the
`sessions.SignalThresholds` beside it, with the defaults docs/signals.md#thresholds lists)
and the set's quorum."""

from dataclasses import dataclass
from decimal import Decimal

from sessions import pulse, queries
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
    stretch_mark: Decimal
    pulse_minimum: int
    apologies_pattern_count: int
    apologies_pattern_window: int
    playing_safe_meetings: int
    playing_safe_pulse_high: Decimal
    playing_safe_pulse_spread: Decimal
    recurring_topic_meetings: int
    same_airtime_order_meetings: int
    no_value_notes_meetings: int
    no_value_notes_reports: int
    quorum: int

    @classmethod
    def for_set(cls, learning_set: LearningSet) -> "Thresholds":
        programme = learning_set.programme
        stored = queries.signal_thresholds(programme)
        return cls(
            carried_action_meetings=stored.carried_action_meetings,
            silent_member_meetings=stored.silent_member_meetings,
            airtime_share_percent=stored.airtime_share_percent,
            airtime_window_meetings=stored.airtime_window_meetings,
            attendance_missed=stored.attendance_missed,
            attendance_window=stored.attendance_window,
            talk_without_action_slots=stored.talk_without_action_slots,
            pulse_dip=stored.pulse_dip,
            stretch_mark=stored.stretch_mark,
            pulse_minimum=pulse.minimum_responses(programme),
            apologies_pattern_count=stored.apologies_pattern_count,
            apologies_pattern_window=stored.apologies_pattern_window,
            playing_safe_meetings=stored.playing_safe_meetings,
            playing_safe_pulse_high=stored.playing_safe_pulse_high,
            playing_safe_pulse_spread=stored.playing_safe_pulse_spread,
            recurring_topic_meetings=stored.recurring_topic_meetings,
            same_airtime_order_meetings=stored.same_airtime_order_meetings,
            no_value_notes_meetings=stored.no_value_notes_meetings,
            no_value_notes_reports=stored.no_value_notes_reports,
            quorum=learning_set.quorum,
        )
