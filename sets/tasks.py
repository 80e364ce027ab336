from django_tasks import task

from alsspace.emails import send_templated_email
from sets.models import Invitation


@task()
def send_invitation(invitation_id):
    invitation = (
        Invitation.objects.pending()
        .select_related("learning_set__programme", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:  # revoked or used before the worker got to it
        return
    send_templated_email("sets/email/invitation", invitation.email, {"invitation": invitation})
