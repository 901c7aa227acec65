"""The commute minutes move from the guard's settings to the site (issue 13 §4): each site takes
its GuardSettings value; a site without settings keeps the default (30), as before."""

from django.db import migrations


def copy_to_sites(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    GuardSettings = apps.get_model("guard", "GuardSettings")
    for site_id, minutes in GuardSettings.objects.values_list("site_id", "commute_minutes"):
        Site.objects.filter(pk=site_id).update(commute_minutes=minutes)


def copy_to_guard_settings(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    GuardSettings = apps.get_model("guard", "GuardSettings")
    for site_id, minutes in Site.objects.values_list("pk", "commute_minutes"):
        GuardSettings.objects.filter(site_id=site_id).update(commute_minutes=minutes)


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0005_site_commute_minutes"),
        ("guard", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_to_sites, copy_to_guard_settings)]
