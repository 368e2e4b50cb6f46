"""Activity groups (仲間集め): roles sought, members, events with RSVP, tasks and discussion."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyoso.commons.models.themes import Theme
from kyoso.core.models import City, District


class Group(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    purpose = models.TextField(_("purpose"))
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_open = models.BooleanField(_("open to new members"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity group")
        verbose_name_plural = _("activity groups")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["city", "theme"])]

    def __str__(self) -> str:
        return self.name


class GroupRole(models.Model):
    """A role or skill the group is looking for, with the number of places."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(_("role"), max_length=80)
    skill = models.CharField(_("skill"), max_length=40, blank=True)
    places = models.PositiveSmallIntegerField(_("places"), default=1)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class GroupMember(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(
        GroupRole, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    is_organiser = models.BooleanField(_("organiser"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "group", "user"], name="group_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.group}"


class GroupEvent(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class Rsvp(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(GroupEvent, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city", "event", "user"], name="rsvp_once")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.user_id}"


class GroupTask(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=160)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "id"]

    def __str__(self) -> str:
        return self.title


class GroupPost(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:40]


class HelpStatus(models.TextChoices):
    ASKED = "asked", pgettext_lazy("help request", "asked")
    ACCEPTED = "accepted", pgettext_lazy("help request", "accepted")
    DECLINED = "declined", pgettext_lazy("help request", "declined")
    DONE = "done", pgettext_lazy("help request", "done")


class HelpRequest(models.Model):
    """Volunteer hours an activity asks of one person in one month (capped per city)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="help_requests"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("activity"), max_length=160)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    month = models.DateField(_("month"))  # the first day of the month the hours fall in
    status = models.CharField(max_length=10, choices=HelpStatus.choices, default=HelpStatus.ASKED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "-id"]
        indexes = [models.Index(fields=["city", "person", "month"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.hours} h)"
