from sessions.views import actions, calendars, meeting, schedule

app_name = "meetings"

urlpatterns = (
    schedule.urlpatterns + calendars.urlpatterns + meeting.urlpatterns + actions.urlpatterns
)
