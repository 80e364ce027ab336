"""The sets app's pages whose names are not namespaced: the home page (`home`), and the
sign-up page (`account_signup`, the name allauth and its templates reverse), which takes
the place of allauth's own so that an invitation's address is kept. Included before
allauth's URLs in the root URLconf."""

from django.urls import path

from sets.views.home import HomeView
from sets.views.invitations import SignupView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),
]
