"""Learning-inaction signals (docs/signals.md): what a set's attendance, airtime, actions and
pulse results suggest its facilitator raise, as prompts only the set's facilitators see.

- thresholds: when each signal fires, per programme;
- history: the set's data the signals read, in a fixed number of queries;
- detection: one small function per signal, yielding findings;
- prompts: what each prompt says, and the question it suggests;
- reconcile: findings into prompts, idempotently;
- tasks: `schedule_detection(learning_set)` after a change, and the task it queues;
- figures: the facilitator dashboard's grid, shares and flows.

Journals never feed a signal: nothing here reads them (sessions never imports reflections).
"""

from sessions.inaction.tasks import schedule_detection

__all__ = ["schedule_detection"]
