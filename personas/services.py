"""Persona writes. A persona is shared by the maps of a workspace: a change is
pushed, on commit, to every map that follows it."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from maps import realtime
from maps.errors import OpError
from maps.models import MapPersona, Workspace
from maps.operations import new_id
from maps.selectors import workspace_map_ids
from maps.services import map_edit
from personas.models import Persona
from personas.selectors import maps_following, persona_item
from touchpoints.filetypes import sniff_image

WRITABLE = ("name", "role", "quote", "goals", "needs", "frustrations", "behaviours", "preferred_channels",
            "demographics", "color")


def _tell(persona: Persona) -> None:
    """Push the persona, once committed, to the workspace's open maps: those that
    follow it show the change, the others' "Add a persona" lists stay current."""
    maps = {*workspace_map_ids(persona.workspace_id), *maps_following(persona_id=persona.id)}
    realtime.broadcast_workspace_item(maps, "persona", persona_item(persona))


def _save_and_tell(persona: Persona, fields: list[str]) -> None:
    """Save the changed fields with a new version (inside the caller's transaction)
    and tell the workspace's maps."""
    persona.version = F("version") + 1
    persona.save(update_fields=[*fields, "version", "updated_at"])
    persona.refresh_from_db()
    _tell(persona)


def persona_create(*, workspace: Workspace, data: dict[str, Any]) -> Persona:
    with transaction.atomic():
        persona = Persona.objects.create(workspace=workspace, **{k: v for k, v in data.items() if k in WRITABLE})
        _tell(persona)
    return persona


def persona_update(*, persona: Persona, data: dict[str, Any]) -> Persona:
    with transaction.atomic():
        fields = [k for k in data if k in WRITABLE]
        for key in fields:
            setattr(persona, key, data[key])
        _save_and_tell(persona, fields)
    return persona


def persona_archive(*, persona: Persona) -> Persona:
    """Archived, not deleted: maps that followed the persona keep their emotion curves."""
    with transaction.atomic():
        persona.archived = True
        _save_and_tell(persona, ["archived"])
    return persona


# Avatars: small raster images only (no SVG: it can carry scripts). The type is
# read from the bytes, never from the file name or the browser's claim.
AVATAR_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
AVATAR_MAX_BYTES_DEFAULT = 2 * 1024 * 1024


def avatar_checked(upload: Any) -> tuple[bytes, str]:
    """The upload's bytes and image type, after checking its size and that its content
    is the image type it claims to be; raises OpError naming the ``avatar`` field."""
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
    # Every page that shows the persona decodes its picture (and so does the PDF
    # renderer): a few KiB declaring a billion pixels is refused from its header.
    from touchpoints.attachments import check_image_pixels

    check_image_pixels(io.BytesIO(data), field="avatar")
    return data, kind


def persona_set_avatar(*, persona: Persona, upload: Any) -> Persona:
    """Store an uploaded avatar (checked by ``avatar_checked``) and tell open maps."""
    data, kind = avatar_checked(upload)
    with transaction.atomic():
        old = persona.avatar.name if persona.avatar else ""
        persona.avatar.save(f"{persona.id}.{AVATAR_TYPES[kind]}", ContentFile(data), save=False)
        _save_and_tell(persona, ["avatar"])
    if old and old != persona.avatar.name:
        persona.avatar.storage.delete(old)
    return persona


def persona_clear_avatar(*, persona: Persona) -> Persona:
    """Remove the picture (the file goes once the change is committed)."""
    if not persona.avatar:
        return persona
    with transaction.atomic():
        old = persona.avatar.name
        storage = persona.avatar.storage
        persona.avatar = ""
        _save_and_tell(persona, ["avatar"])
        transaction.on_commit(lambda: storage.delete(old))
    return persona


# --- following a persona on a map (the persona_link entity, through the write path) -----------


def map_persona_attach(*, journey_map: Any, persona_id: Any, user: Any, role: str | None = None,
                       after: Any = None) -> str:
    """Follow a persona of the map's workspace on the map (last in the strip, or
    after another link); a persona detached before comes back with its curve.
    Returns the link id."""
    persona = Persona.objects.filter(id=persona_id, workspace_id=journey_map.workspace_id).first()
    if persona is None:
        raise OpError("not_found", "no such persona in this workspace", field="persona")
    if persona.archived:
        raise OpError("gone", "this persona was archived", field="persona")
    link = MapPersona.objects.filter(map_id=journey_map.id, persona_id=persona_id).first()
    if link is not None and link.deleted_by_seq is None:
        raise OpError("invalid", "this persona is already on the map", field="persona")
    if link is not None:
        op = {"op": "restore", "entity": "persona_link", "id": str(link.id)}
    else:
        fields: dict[str, Any] = {"persona": str(persona_id)}
        if after is not None:
            fields["after"] = str(after)
        op = {"op": "create", "entity": "persona_link", "id": new_id(), "fields": fields}
    map_edit(journey_map, user, [op], batch_id=f"persona:{uuid.uuid4()}", role=role)
    return op["id"]


def map_persona_detach(*, journey_map: Any, persona_id: Any, user: Any, role: str | None = None) -> None:
    """Stop following a persona on the map; its emotion points are hidden with it."""
    link = MapPersona.objects.filter(map_id=journey_map.id, persona_id=persona_id,
                                     deleted_by_seq__isnull=True).first()
    if link is None:
        raise OpError("not_found", "this persona is not on the map", field="persona")
    map_edit(journey_map, user, [{"op": "delete", "entity": "persona_link", "id": str(link.id)}],
             batch_id=f"persona:{uuid.uuid4()}", role=role)
