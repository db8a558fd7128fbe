"""Attachment entries were signed for their fields only; they are now signed for
their workspace and touchpoint too. Re-sign the entries already listed (those whose
old signature verifies) for the touchpoint that lists them; drop any that do not."""

from django.core.signing import Signer
from django.db import migrations
from django.utils.crypto import constant_time_compare

SALT = "touchpoints.attachment-entry"
FIELDS = ("id", "name", "content_type", "size")


def _old_signature_ok(entry):
    signer = Signer(salt=SALT)
    value = "|".join(str(entry[key]) for key in FIELDS)
    return any(constant_time_compare(entry["sig"], signer.signature(value, key))
               for key in [signer.key, *signer.fallback_keys])


def resign(apps, schema_editor):
    Touchpoint = apps.get_model("touchpoints", "Touchpoint")
    signer = Signer(salt=SALT)
    for touchpoint in Touchpoint.objects.exclude(attachments=[]).select_related("map").iterator():
        entries = []
        for entry in touchpoint.attachments or []:
            if not isinstance(entry, dict) or not all(key in entry for key in (*FIELDS, "sig")):
                continue
            if not _old_signature_ok(entry):
                continue
            fields = {key: entry[key] for key in FIELDS}
            value = "|".join([str(touchpoint.map.workspace_id), str(touchpoint.id),
                              *(str(fields[key]) for key in FIELDS)])
            entries.append({**fields, "sig": signer.signature(value)})
        Touchpoint.objects.filter(id=touchpoint.id).update(attachments=entries)


class Migration(migrations.Migration):
    dependencies = [("touchpoints", "0002_attachments")]

    operations = [migrations.RunPython(resign, migrations.RunPython.noop)]
