"""How meetings follow changes made in the sets app, which cannot import this one."""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from alsspace.models import User
from sessions import pulse
from sessions.models import Attendance, Meeting, PulseItem
from sessions.services.reporting import erase_attendance
from sets.models import Membership, Programme


@receiver(post_save, sender=Membership, dispatch_uid="meetings-attendance-for-new-member")
def expect_new_member_at_coming_meetings(
    sender: type[Membership],
    instance: Membership,
    created: bool,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    """Someone who joins a set is expected at its meetings still to come, as those who were
    there when the meetings were scheduled are."""
    if not created or raw or instance.role != Membership.Role.MEMBER or instance.left_at:
        return
    coming = Meeting.objects.filter(
        learning_set_id=instance.learning_set_id,
        status=Meeting.Status.SCHEDULED,
        starts_at__gt=timezone.now(),
    ).exclude(attendance__user_id=instance.user_id)
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, user_id=instance.user_id) for meeting in coming
    )


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="meetings-attendance-of-erased")
def keep_attendance_of_deleted_account(sender: type[User], instance: User, **kwargs: Any) -> None:
    """An account deleted any way (erased by its owner, or by an operator) leaves its
    attendance as an erasure does, while its memberships are still there to ask."""
    erase_attendance(instance)


@receiver(post_save, sender=Programme, dispatch_uid="meetings-pulse-items-of-new-programme")
def give_new_programme_the_pulse_items(
    sender: type[Programme],
    instance: Programme,
    created: bool,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    """A new programme asks Edmondson's seven until its admins change them
    (docs/product.md#pulse)."""
    if created and not raw:
        PulseItem.objects.bulk_create(pulse.default_items(instance))
