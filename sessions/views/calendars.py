""".ics downloads of a meeting and of a set's schedule, and each person's private feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.generic import TemplateView, View

from sessions import calendars, queries
from sessions.models import CalendarFeed
from sessions.services.calendar_feeds import regenerate_feed
from sessions.views.mixins import MeetingPageMixin
from sets.views.mixins import SetPageMixin


def ics_response(meetings, *, name=None, download=None, with_link=True):
    response = HttpResponse(
        calendars.calendar_bytes(meetings, name=name, with_link=with_link),
        content_type=calendars.CONTENT_TYPE,
    )
    if download:
        response["Content-Disposition"] = content_disposition_header(True, download)
    return response


class MeetingIcsView(MeetingPageMixin, View):
    permission = "meetings.view_meeting"

    def get(self, request, *args, **kwargs):
        meeting = self.meeting
        return ics_response(
            [meeting],
            download=calendars.file_name(meeting),
            with_link=request.user.has_perm("meetings.join_online_meeting", meeting),
        )


class SetIcsView(SetPageMixin, View):
    permission = "sets.view_learningset"

    def get(self, request, *args, **kwargs):
        learning_set = self.learning_set
        return ics_response(
            queries.set_meetings(learning_set).select_related("learning_set"),
            name=gettext("%(name)s meetings") % {"name": learning_set.name},
            download=f"{slugify(learning_set.name)}-meetings.ics",
            with_link=request.user.has_perm("meetings.join_online_learningset", learning_set),
        )


def feed_url(request, feed):
    return request.build_absolute_uri(reverse("meetings:calendar_feed", args=[feed.token]))


class MyCalendarView(TemplateView):
    """The person's private feed: its URL to copy into a calendar app, and a way to replace
    it. Anyone signed in has one; it holds only their own meetings."""

    template_name = "sessions/calendar.html"
    extra_context = {"nav_section": "calendar"}

    def get_context_data(self, **kwargs):
        user = self.request.user
        feed = CalendarFeed.objects.filter(user=user).first()
        url = feed_url(self.request, feed) if feed else None
        return super().get_context_data(
            feed=feed,
            feed_url=url,
            webcal_url=url and "webcal://" + url.split("://", 1)[1],
            upcoming=list(queries.upcoming_meetings_for(user)[:10]),
            **kwargs,
        )


class RegenerateFeedView(View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        had_feed = CalendarFeed.objects.filter(user=request.user).exists()
        regenerate_feed(request.user)
        messages.success(
            request,
            gettext(
                "Your calendar has a new private address. The old one has stopped working: "
                "subscribe again with the new one."
            )
            if had_feed
            else gettext("Your private calendar address is ready. Copy it into your calendar app."),
        )
        return redirect("meetings:my_calendar")


@method_decorator(login_not_required, name="dispatch")
class CalendarFeedView(View):
    """The subscription feed itself. Calendar apps cannot sign in, so the secret in the URL
    is the key; an unknown or replaced one is 404."""

    def get(self, request, token):
        feed = get_object_or_404(
            CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
        )
        response = ics_response(
            queries.current_member_meetings(feed.user), name=gettext("ALS Space meetings")
        )
        response["Cache-Control"] = "private"
        response["X-Robots-Tag"] = "noindex"
        return response
