from django.db import migrations


def refresh(apps, schema_editor):
    # The built-in templates are seed data: refresh them (the service blueprint
    # gained its standard rows and lines). Maps already made keep their own lanes.
    from templates_lib.services import ensure_builtin_templates

    ensure_builtin_templates()


class Migration(migrations.Migration):
    dependencies = [
        ("templates_lib", "0002_seed_builtin"),
        ("maps", "0005_lane_kinds_blueprint_lines"),
    ]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
