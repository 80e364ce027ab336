from sessions.views import actions, bids, calendars, dashboard, meeting, pulse, reports, schedule

app_name = "meetings"

urlpatterns = (
    schedule.urlpatterns
    + calendars.urlpatterns
    + meeting.urlpatterns
    + bids.urlpatterns
    + actions.urlpatterns
    + reports.urlpatterns
    + dashboard.urlpatterns
    + pulse.urlpatterns
)
