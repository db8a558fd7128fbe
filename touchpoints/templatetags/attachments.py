"""What the touchpoint panel needs to show and upload attachments: the size limit
and its words, in the page's language (members only: the share page has none)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def attachment_panel() -> dict[str, Any]:
    return {
        "maxBytes": settings.ATTACHMENT_MAX_BYTES,
        "strings": {
            "attachments": _("Attachments"),
            "noAttachments": _("No files yet: attach a screenshot, a recording or a survey export."),
            "attachFile": _("Attach a file"),
            # %(size)s and %(limit)s are filled in by the page, in its units.
            "attachHint": _("Images, PDFs, office documents, audio or video, up to %(size)s."),
            "uploading": _("Uploading %(name)s…"),
            "uploaded": _("%(name)s is attached."),
            "tooLarge": _("%(name)s is larger than %(limit)s."),
            "wrongType": _("%(name)s was refused: its content is not an accepted kind of file, or not what its "
                           "name says."),
            "uploadFailed": _("%(name)s could not be attached."),
            "removeAttachment": _("Remove %(name)s"),
            "confirmRemove": _("Delete this file for everyone?"),
            "remove": _("Delete"),
            "keep": _("Keep"),
            "removed": _("%(name)s was removed."),
            "removeFailed": _("The file could not be removed."),
            "openFile": _("Open %(name)s"),
            "kind_image": _("Image"),
            "kind_pdf": _("PDF"),
            "kind_document": _("Document"),
            "kind_spreadsheet": _("Spreadsheet"),
            "kind_presentation": _("Presentation"),
            "kind_audio": _("Audio"),
            "kind_video": _("Video"),
            "kind_file": _("File"),
            "bytes": _("%(n)s bytes"),
            "kilobytes": _("%(n)s KB"),
            "megabytes": _("%(n)s MB"),
            # The count on a touchpoint's card (shown from one file up).
            "attachmentCountOne": _("1 attachment"),
            "attachmentCountMany": _("%(n)s attachments"),
        },
    }
