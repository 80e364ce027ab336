from sessions.views import (
    actions,
    calendars,
    dashboard,
    meeting,
    pulse,
    reports,
    review,
    schedule,
)

app_name = "meetings"

urlpatterns = (
    schedule.urlpatterns
    + calendars.urlpatterns
    + meeting.urlpatterns
    + actions.urlpatterns
    + reports.urlpatterns
    + dashboard.urlpatterns
    + pulse.urlpatterns
    + review.urlpatterns
)
