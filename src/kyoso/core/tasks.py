"""Background work of the core: e-mail delivery of notices and daily digests."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from kyoso.core.models import EmailMode, Notification, User


@task()
def send_email_task(subject: str, body: str, to: list[str], html_body: str | None = None) -> int:
    """Send one e-mail; returns the number of messages the backend accepted."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, html_message=html_body)


@task()
def email_notification_task(notification_id: int) -> bool:
    """E-mail one notice to its recipient; returns False if it was already sent or is gone."""
    notice = Notification.objects.select_related("user", "city").filter(pk=notification_id).first()
    if notice is None or notice.emailed_at is not None:
        return False
    with translation.override("ja"):
        body = render_to_string("core/email/notification.txt", {"notice": notice})
    send_mail(notice.title, body, settings.DEFAULT_FROM_EMAIL, [notice.user.email])
    Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
    return True


@task()
def send_digests_task() -> int:
    """E-mail each daily-digest reader their unsent notices; returns the number of e-mails."""
    now = timezone.now()
    due = User.objects.filter(email_mode=EmailMode.DAILY, is_active=True).exclude(
        last_digest_at__gt=now - timedelta(hours=23)
    )
    sent = 0
    for user in due.iterator():
        notices = list(
            Notification.objects.filter(user=user, emailed_at__isnull=True, read_at__isnull=True)
            .select_related("city")
            .order_by("created_at")[:50]
        )
        if notices:
            with translation.override("ja"):
                body = render_to_string("core/email/digest.txt", {"user": user, "notices": notices})
                subject = translation.gettext("Your notices from Kyoso")
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
            sent += 1
        User.objects.filter(pk=user.pk).update(last_digest_at=now)
    return sent
