from django.db import migrations


def seed(apps, schema_editor):
    # The same idempotent function the test fixtures call (transactional tests
    # flush what migrations seeded).
    from templates_lib.services import ensure_builtin_templates

    ensure_builtin_templates()


class Migration(migrations.Migration):
    dependencies = [
        ("templates_lib", "0001_initial"),
        ("touchpoints", "0001_initial"),
        ("maps", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
