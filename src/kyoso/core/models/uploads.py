"""Files people upload (photos, CSV), checked for size and type before they are kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models.tenancy import City


class UploadKind(models.TextChoices):
    PHOTO = "photo", _("photo")
    CSV = "csv", _("CSV table")
    DOCUMENT = "document", _("document (PDF)")
    ARCHIVE = "archive", _("ZIP archive")


def upload_path(instance: Upload, filename: str) -> str:
    return f"{instance.city.slug}/{instance.kind}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Upload(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=UploadKind.choices)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return self.original_name
