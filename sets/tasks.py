from django.utils import timezone
from django_tasks import task

from alsspace.emails import language_of, send_templated_email
from sets import queries
from sets.models import Amendment, ClosingReview, Invitation, Membership, Nudge, NudgeOptOut


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
    # Someone with no account yet gets it in the language of the person who invited them.
    send_templated_email(
        "sets/email/invitation",
        invitation.email,
        {"invitation": invitation},
        language=language_of(invitation.email, fallback=language_of(invitation.invited_by)),
    )


@task()
def send_approval_request(invitation_id):
    """Ask everyone who may approve an invitation someone sent to their own address."""
    invitation = (
        Invitation.objects.awaiting_approval()
        .select_related("learning_set__programme", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:  # decided or withdrawn before the worker got to it
        return
    for approver in queries.approvers(invitation):
        send_templated_email(
            "sets/email/approval_request",
            approver,
            {"invitation": invitation, "approver": approver},
        )


@task()
def announce_newcomer(membership_id):
    """Tell everyone in a set that someone new can now see, or will see once they accept the
    contract, what the set says, and who let them in."""
    membership = (
        Membership.objects.current()
        .select_related("user", "learning_set__programme", "granted_by")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:  # left again before the worker got to it
        return
    for participant in queries.participants(membership.learning_set).exclude(pk=membership.pk):
        send_templated_email(
            "sets/email/newcomer",
            participant.user,
            {"membership": membership, "recipient": participant.user},
        )


@task()
def announce_amendment(amendment_id):
    """Tell the set's facilitators that a member proposes a change to the contract. The
    email says who and where, never what: the proposal is read in the app."""
    amendment = (
        Amendment.objects.filter(pk=amendment_id, status=Amendment.Status.OPEN)
        .select_related("learning_set__programme", "proposed_by")
        .first()
    )
    if amendment is None:  # decided or withdrawn before the worker got to it
        return
    for participant in queries.participants(amendment.learning_set).filter(
        role=Membership.Role.FACILITATOR
    ):
        send_templated_email(
            "sets/email/amendment_proposed",
            participant.user,
            {"amendment": amendment, "recipient": participant.user},
        )


@task()
def announce_amendment_decision(amendment_id):
    """Tell everyone in the set but the one who decided that a proposal was adopted or
    declined: without its words, with whether they must accept the contract again."""
    amendment = (
        Amendment.objects.filter(pk=amendment_id)
        .select_related("learning_set__programme", "proposed_by", "decided_by", "adopted_as")
        .first()
    )
    if amendment is None:
        return
    for participant in queries.participants(amendment.learning_set).exclude(
        user=amendment.decided_by_id
    ):
        send_templated_email(
            "sets/email/amendment_decided",
            participant.user,
            {"amendment": amendment, "recipient": participant.user},
        )


@task()
def announce_closing_review(review_id):
    """Ask everyone in the set, but the facilitator who opened it, for their closing words."""
    review = (
        ClosingReview.objects.select_related("learning_set__programme", "opened_by")
        .filter(pk=review_id, learning_set__status__in=["forming", "active"])
        .first()
    )
    if review is None:  # the set closed before the worker got to it
        return
    for participant in queries.participants(review.learning_set).exclude(user=review.opened_by_id):
        send_templated_email(
            "sets/email/closing_review",
            participant.user,
            {"review": review, "recipient": participant.user},
        )


@task()
def tell_assigned_facilitator(membership_id):
    """Tell someone a programme admin made a set's facilitator that they now are, and where
    to start."""
    membership = (
        Membership.objects.current()
        .filter(pk=membership_id, role=Membership.Role.FACILITATOR)
        .select_related("user", "learning_set__programme", "granted_by")
        .first()
    )
    if membership is None:  # left or changed again before the worker got to it
        return
    send_templated_email(
        "sets/email/facilitator_assigned", membership.user, {"membership": membership}
    )


@task()
def send_nudge(nudge_id):
    """Email one nudge (docs/product.md#nudges), once: skipped if it was emailed, dismissed or
    settled, its moment has passed, its set has closed, its person has left the set or
    turned its kind off since it was written."""
    nudge = (
        Nudge.objects.filter(pk=nudge_id, emailed_at=None, dismissed_at=None)
        .select_related("person", "learning_set__programme")
        .first()
    )
    now = timezone.now()
    if (
        nudge is None
        or (nudge.ends_at is not None and nudge.ends_at <= now)
        or nudge.learning_set.is_closed
        or not nudge.person.is_active
        or not Membership.objects.current()
        .filter(learning_set=nudge.learning_set, user=nudge.person)
        .exists()
        or (
            not nudge.essential
            and NudgeOptOut.objects.filter(person=nudge.person, kind=nudge.kind).exists()
        )
    ):
        return
    person = nudge.person
    with timezone.override(person.time_zone):
        send_templated_email(
            f"sets/email/nudge_{nudge.kind}",
            person,
            {"nudge": nudge, "person": person, "learning_set": nudge.learning_set},
        )
    Nudge.objects.filter(pk=nudge.pk).update(emailed_at=timezone.now())
