from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AlsSpaceConfig(AppConfig):
    name = "alsspace"
    verbose_name = gettext_lazy("ALS Space")

    def ready(self):
        from allauth.mfa.signals import authenticator_removed
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        from alsspace import audit_actions, audit_signals, mfa  # noqa: F401  (connects receivers)
        from alsspace.crypto import keys_check
        from alsspace.middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="alsspace_start_idle_clock")
        user_logged_in.connect(mfa.mark_at_sign_in, dispatch_uid="alsspace_mfa_at_sign_in")
        authenticator_removed.connect(
            mfa.mark_after_removal, dispatch_uid="alsspace_mfa_after_removal"
        )
        checks.register(keys_check)
        # This app's own acts in the audit log; each app above registers its own.
        audit_actions.register(*audit_actions.ACCOUNT_ACTIONS)
