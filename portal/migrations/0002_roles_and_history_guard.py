"""Create the role groups with their permissions, and make history rows immutable on PostgreSQL.

Both steps are idempotent and are run again after every `migrate` (portal.receivers), so that
later apps' permissions and history tables are covered too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def apply_roles(apps, schema_editor):
    from portal.roles import apply_roles as apply

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    apply(apps, using=schema_editor.connection.alias)


def install_guard(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from portal import audit

    tables = sorted(m._meta.db_table for m in apps.get_models() if m.__name__.startswith("Historical"))
    schema_editor.execute(audit.GUARD_FUNCTION)
    for table in tables:
        schema_editor.execute(audit.GUARD_TRIGGER.format(table=schema_editor.quote_name(table)))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(apply_roles, migrations.RunPython.noop),
        migrations.RunPython(install_guard, migrations.RunPython.noop),
    ]
