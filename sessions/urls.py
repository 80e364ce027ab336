"""The meetings app's pages, in the `meetings` namespace."""

from django.urls import path

from sessions.views import (
    actions,
    bids,
    calendars,
    dashboard,
    evaluation,
    meeting,
    pulse,
    pulse_items,
    reports,
    review,
    schedule,
    stories,
    thresholds,
)

app_name = "meetings"

urlpatterns = [
    path("sets/<int:pk>/meetings/", schedule.ScheduleView.as_view(), name="schedule"),
    path(
        "sets/<int:pk>/meetings/new/", schedule.MeetingCreateView.as_view(), name="meeting_create"
    ),
    path(
        "sets/<int:pk>/meetings/series/", schedule.SeriesCreateView.as_view(), name="series_create"
    ),
    path("meetings/<int:pk>/edit/", schedule.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", schedule.MeetingCancelView.as_view(), name="meeting_cancel"),
    path("meetings/<int:pk>/calendar.ics", calendars.MeetingIcsView.as_view(), name="meeting_ics"),
    path("sets/<int:pk>/calendar.ics", calendars.SetIcsView.as_view(), name="set_ics"),
    path("calendar/", calendars.MyCalendarView.as_view(), name="my_calendar"),
    path(
        "calendar/regenerate/",
        calendars.RegenerateFeedView.as_view(),
        name="calendar_feed_regenerate",
    ),
    path(
        "calendar/feed/<slug:token>.ics", calendars.CalendarFeedView.as_view(), name="calendar_feed"
    ),
    path("meetings/<int:pk>/", meeting.MeetingView.as_view(), name="meeting"),
    path(
        "meetings/<int:pk>/attendance/", meeting.AttendanceView.as_view(), name="meeting_attendance"
    ),
    path(
        "meetings/<int:pk>/report-backs/",
        meeting.ReportBackView.as_view(),
        name="meeting_report_backs",
    ),
    path("meetings/<int:pk>/airtime/", meeting.AirtimeView.as_view(), name="meeting_airtime"),
    path(
        "meetings/<int:pk>/airtime/noted/",
        meeting.SlotNotedView.as_view(),
        name="meeting_slot_noted",
    ),
    path("meetings/<int:pk>/actions/", meeting.ActionsView.as_view(), name="meeting_actions"),
    path("meetings/<int:pk>/review/", meeting.ReviewView.as_view(), name="meeting_review"),
    path("meetings/<int:pk>/held/", meeting.HeldView.as_view(), name="meeting_held"),
    path("meetings/<int:pk>/bids/", bids.BidsView.as_view(), name="meeting_bids"),
    path("meetings/<int:pk>/bid-plan/", bids.BidPlanView.as_view(), name="meeting_bid_plan"),
    path(
        "meetings/<int:pk>/review/mine/",
        review.ReviewContributionView.as_view(),
        name="meeting_review_contribution",
    ),
    path("meetings/<int:pk>/apologies/", actions.ApologiesView.as_view(), name="meeting_apologies"),
    path("actions/", actions.MyActionsView.as_view(), name="my_actions"),
    path("actions/<int:pk>/report/", actions.ActionReportView.as_view(), name="action_report"),
    path("stories/", stories.MyValueStoriesView.as_view(), name="my_value_stories"),
    path(
        "stories/<int:pk>/sharing/", stories.StoryConsentView.as_view(), name="value_story_sharing"
    ),
    path("stories/<int:pk>/delete/", stories.DeleteStoryView.as_view(), name="value_story_delete"),
    path(
        "report-backs/<int:pk>/story/",
        stories.ReportBackStoryView.as_view(),
        name="report_back_story",
    ),
    path(
        "closing-review-words/<int:pk>/story/",
        stories.ClosingStoryView.as_view(),
        name="closing_story",
    ),
    path(
        "programmes/<int:pk>/attendance/",
        reports.ProgrammeReportView.as_view(),
        name="programme_report",
    ),
    path(
        "programmes/<int:pk>/attendance/export/",
        reports.ProgrammeExportView.as_view(),
        name="attendance_export",
    ),
    path(
        "programmes/<int:pk>/evaluation/",
        evaluation.EvaluationView.as_view(),
        name="evaluation",
    ),
    path(
        "programmes/<int:pk>/evaluation/export/",
        evaluation.EvaluationExportView.as_view(),
        name="evaluation_export",
    ),
    path("sets/<int:pk>/attendance/", reports.SetReportView.as_view(), name="set_report"),
    path(
        "sets/<int:pk>/attendance/export/",
        reports.SetExportView.as_view(),
        name="set_attendance_export",
    ),
    path("dashboard/", dashboard.DashboardsView.as_view(), name="dashboards"),
    path("sets/<int:pk>/dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("prompts/<int:pk>/raise/", dashboard.PromptRaiseView.as_view(), name="prompt_raise"),
    path("prompts/<int:pk>/dismiss/", dashboard.PromptDismissView.as_view(), name="prompt_dismiss"),
    path(
        "programmes/<int:pk>/signals/",
        thresholds.SignalThresholdsView.as_view(),
        name="signal_thresholds",
    ),
    path(
        "programmes/<int:pk>/pulse/",
        pulse_items.PulseItemsView.as_view(),
        name="pulse_items",
    ),
    path("meetings/<int:pk>/pulse/", pulse.PulseView.as_view(), name="pulse"),
    path(
        "meetings/<int:pk>/pulse/results/", pulse.PulseResultsView.as_view(), name="pulse_results"
    ),
]
