"""Bids on the meeting page (docs/product.md#bids-and-the-presenters-framing): a member brings,
changes or withdraws their own bid before the meeting starts; the facilitator orders the bids
and turns them into airtime, as one of the meeting page's panels (its saves, conflicts and
refusals are those of every panel, sessions.views.mixins.PanelView)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView

from alsspace.submissions import SubmitOnceMixin
from sessions.forms import meeting as meeting_forms
from sessions.services import bids as bid_services
from sessions.views.mixins import (
    MeetingPageMixin,
    Notice,
    PanelView,
    form_messages,
    ops,
    page_context,
)


class BidPlanView(PanelView):
    """The facilitator orders the bids and turns them into airtime with one action."""

    panel = "bids"
    forms = {
        "airtime": meeting_forms.BidsToAirtimeForm,
        **ops(meeting_forms.BidOrderForm, "up", "down", "place"),
    }
    kept_as = {meeting_forms.BidsToAirtimeForm: "share_form"}
    saved_message = gettext_lazy("Bids saved.")

    def save(self, *, revision, bid=None, position=None, available_minutes=None):
        op = self.request.POST["op"]
        self.op = op
        if op == "airtime":
            bid_services.bids_to_airtime(
                self.meeting, available_minutes=available_minutes, revision=revision
            )
            self.saved_message = gettext("The bids are now the meeting's airtime.")
        elif op == "place":
            if position is None:
                raise ValidationError(gettext("Say where the bid goes in the order."))
            bid_services.place_bid(self.meeting, bid, position=position, revision=revision)
        else:
            bid_services.move_bid(self.meeting, bid, up=op == "up", revision=revision)

    def render_saved(self, context):
        html = render_to_string(self.fragment, context, self.request)
        if self.op == "airtime":
            # The airtime panel is new too; the presenter bar comes with it.
            context["oob"] = True
            html += render_to_string("sessions/partials/airtime.html", context, self.request)
        return HttpResponse(html)


class BidsView(SubmitOnceMixin, MeetingPageMixin, TemplateView):
    """A member brings a bid for airtime, changes it or withdraws it, until the meeting
    starts. Without a revision: their own write moves the meeting on, as apologies do."""

    permission = "meetings.bid_meeting"
    http_method_names = ["post"]
    template_name = "sessions/meeting.html"
    forms = {
        "add": meeting_forms.BidForm,
        "change": meeting_forms.BidChangeForm,
        "withdraw": meeting_forms.BidWithdrawForm,
    }
    done = {
        "add": gettext_lazy("Your bid is in. The set sees it on the meeting page."),
        "change": gettext_lazy("Your bid is changed."),
        "withdraw": gettext_lazy("Your bid is withdrawn."),
    }

    def post(self, request, *args, **kwargs):
        op = request.POST.get("op", "")
        form_class = self.forms.get(op)
        if form_class is None:
            return self.refused([gettext("That is not something you can do with a bid.")])
        form = form_class(request.POST, meeting=self.meeting, member=request.user)
        if not form.is_valid():
            return self.refused(form_messages(form), form)
        data = form.cleaned_data
        try:
            if op == "add":
                bid_services.bring_bid(
                    self.meeting,
                    actor=request.user,
                    problem=data["problem"],
                    want=data["want"],
                    minutes=data["minutes"],
                )
            elif op == "change":
                bid_services.change_bid(
                    self.meeting,
                    data["bid"],
                    actor=request.user,
                    problem=data["problem"],
                    want=data["want"],
                    minutes=data["minutes"],
                )
            else:
                bid_services.withdraw_bid(self.meeting, data["bid"], actor=request.user)
        except ValidationError as error:
            return self.refused(error.messages, form)
        messages.success(request, self.done[op])
        return redirect(f"{self.meeting.get_absolute_url()}#bids-panel")

    def refused(self, reasons, form=None):
        kept = (
            {"bid_form": form}
            if isinstance(form, meeting_forms.BidForm)
            and not isinstance(form, meeting_forms.BidChangeForm)
            else {}
        )
        context = self.get_context_data(**page_context(self.request, self.meeting, **kept))
        context["notice"] = Notice("bids", "danger", reasons)
        return self.render_to_response(context, status=400)
