"""Persona writes. A persona is shared by the maps of a workspace: a change is
pushed, on commit, to every map that follows it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from maps.models import Workspace
from maps.services.workspace import broadcast_workspace_item
from personas.models import Persona
from personas.selectors import maps_following, persona_item

WRITABLE = ("name", "role", "quote", "goals", "needs", "frustrations", "behaviours", "preferred_channels",
            "demographics", "color")


def persona_create(*, workspace: Workspace, data: dict[str, Any]) -> Persona:
    return Persona.objects.create(workspace=workspace, **{k: v for k, v in data.items() if k in WRITABLE})


def persona_update(*, persona: Persona, data: dict[str, Any]) -> Persona:
    with transaction.atomic():
        fields = [k for k in data if k in WRITABLE]
        for key in fields:
            setattr(persona, key, data[key])
        persona.version = F("version") + 1
        persona.save(update_fields=[*fields, "version", "updated_at"])
        persona.refresh_from_db()
        broadcast_workspace_item(maps_following(persona_id=persona.id), "persona", persona_item(persona))
    return persona


def persona_archive(*, persona: Persona) -> Persona:
    """Archived, not deleted: maps that followed the persona keep their emotion curves."""
    with transaction.atomic():
        persona.archived = True
        persona.version = F("version") + 1
        persona.save(update_fields=["archived", "version", "updated_at"])
        persona.refresh_from_db()
        broadcast_workspace_item(maps_following(persona_id=persona.id), "persona", persona_item(persona))
    return persona


# Avatars: small raster images only (no SVG: it can carry scripts). The type is
# read from the bytes, never from the file name or the browser's claim.
AVATAR_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
AVATAR_MAX_BYTES_DEFAULT = 2 * 1024 * 1024


def sniff_image(head: bytes) -> str | None:
    """The image type the first bytes declare, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def avatar_checked(upload: Any) -> tuple[bytes, str]:
    """The upload's bytes and image type, after checking its size and that its content
    is the image type it claims to be; raises OpError naming the ``avatar`` field."""
    from django.conf import settings

    from maps.errors import OpError

    limit = getattr(settings, "AVATAR_MAX_BYTES", AVATAR_MAX_BYTES_DEFAULT)
    if upload.size > limit:
        raise OpError("too_large", f"the avatar must be at most {limit // 1024} KiB", field="avatar")
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise OpError("too_large", f"the avatar must be at most {limit // 1024} KiB", field="avatar")
    kind = sniff_image(data[:16])
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if kind is None:
        raise OpError("invalid", "the avatar must be a PNG, JPEG, GIF or WebP image", field="avatar")
    if declared and declared != kind and not (declared == "image/jpg" and kind == "image/jpeg"):
        raise OpError("invalid", f"the avatar's content is {kind}, not {declared}", field="avatar")
    return data, kind


def persona_set_avatar(*, persona: Persona, upload: Any) -> Persona:
    """Store an uploaded avatar (checked by ``avatar_checked``) and tell open maps."""
    from django.core.files.base import ContentFile

    data, kind = avatar_checked(upload)
    with transaction.atomic():
        old = persona.avatar.name if persona.avatar else ""
        persona.avatar.save(f"{persona.id}.{AVATAR_TYPES[kind]}", ContentFile(data), save=False)
        persona.version = F("version") + 1
        persona.save(update_fields=["avatar", "version", "updated_at"])
        persona.refresh_from_db()
        broadcast_workspace_item(maps_following(persona_id=persona.id), "persona", persona_item(persona))
    if old and old != persona.avatar.name:
        persona.avatar.storage.delete(old)
    return persona
