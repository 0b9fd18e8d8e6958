"""The roles of the sign-offs beyond the nations, as auth groups (see noshub/lifecycle/permissions.py)."""

from django.db import migrations

ROLES = ("steering group member", "standards and frameworks panel")


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0003_issue19")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
