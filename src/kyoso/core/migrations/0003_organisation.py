"""Organisations become rows that own facilities and data; a membership points to one."""

import django.db.models.deletion
from django.db import migrations, models
import hashlib


def link_memberships(apps, schema_editor):
    Membership = apps.get_model("core", "Membership")
    Organisation = apps.get_model("core", "Organisation")
    for membership in Membership.objects.exclude(organisation_name=""):
        name = membership.organisation_name.strip()
        code = "org-" + hashlib.sha256(name.encode()).hexdigest()[:12]
        org, _created = Organisation.objects.get_or_create(
            city_id=membership.city_id,
            name_ja=name,
            defaults={"code": code, "kind": "other"},
        )
        membership.organisation = org
        membership.save(update_fields=["organisation"])


def unlink_memberships(apps, schema_editor):
    Membership = apps.get_model("core", "Membership")
    for membership in Membership.objects.exclude(organisation=None).select_related("organisation"):
        membership.organisation_name = membership.organisation.name_ja
        membership.save(update_fields=["organisation_name"])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_theme_catalogue")]

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=60, verbose_name="code")),
                ("name_ja", models.CharField(max_length=120, verbose_name="name (Japanese)")),
                ("name_en", models.CharField(blank=True, max_length=120, verbose_name="name (English)")),
                ("kind", models.CharField(choices=[("clinic", "clinic"), ("hospital", "hospital"), ("care", "care provider"), ("operator", "transport operator"), ("business", "business"), ("consortium", "consortium"), ("university", "university"), ("public", "public body"), ("other", "other")], max_length=12, verbose_name="kind")),
                ("is_demo", models.BooleanField(default=False, verbose_name="demo data")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("city", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="organisations", to="core.city")),
            ],
            options={
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
                "ordering": ["city", "name_ja"],
                "constraints": [models.UniqueConstraint(fields=("city", "code"), name="organisation_unique_code")],
            },
        ),
        migrations.RenameField("membership", "organisation", "organisation_name"),
        migrations.AddField(
            model_name="membership",
            name="organisation",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="memberships", to="core.organisation", verbose_name="organisation"),
        ),
        migrations.RunPython(link_memberships, unlink_memberships),
        migrations.RemoveField("membership", "organisation_name"),
    ]
