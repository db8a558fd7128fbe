"""Files attached to touchpoints: store, list, serve, remove.

Design. Which files a touchpoint shows is map content: the touchpoint's
``attachments`` field, a list of entries ``{id, name, content_type, size, sig}``,
written through ``maps.operations.apply`` like any other field. So an upload is in
the document (no extra query), in the op log, filtered out with its touchpoint for
share links that hide its lane, and reaches open editors as an ordinary ``ops``
frame. The bytes are not: they are checked here (size, then content against the
declared type and extension, ``touchpoints.filetypes``), stored under MEDIA_ROOT
with a random name, and described by an ``Attachment`` row.

Entries are minted only here, signed for their place by ``touchpoints.entries``
(the pure half the write path checks them with): an op may drop or reorder
entries but never invent one, alter one or bring one from elsewhere.

A file is served only to members of the workspace, and only while a live
touchpoint of that map lists it: deleting the touchpoint (or its stage or lane)
stops serving its files at once, restoring it serves them again. Removing an
attachment deletes the file once no touchpoint of the workspace lists it any
more (a duplicated map may show the same file).
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import uuid
import warnings
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maps.errors import OpError
from maps.models import JourneyMap
from maps.services import map_edit
from touchpoints.entries import MAX_PER_TOUCHPOINT, NAME_LENGTH, signed_entry
from touchpoints.filetypes import (
    FileKind,
    NotAccepted,
    accepted_kind,
    extension,
    image_dimensions,
    megapixels,
)
from touchpoints.models import ATTACHMENTS_DIR, Attachment, Touchpoint

THUMBNAIL_SIZE = (320, 320)
# Images larger than this are not decoded for a thumbnail (the panel shows the file).
THUMBNAIL_MAX_PIXELS = 40_000_000
# An upload stores its file a moment before its row is committed: a file this
# young is never swept, whatever the command is told.
SWEEP_GRACE_MIN = timedelta(hours=1)
SWEEP_GRACE_DEFAULT = timedelta(hours=24)


# --- entries --------------------------------------------------------------------------


def make_entry(attachment: Attachment) -> dict[str, Any]:
    """The entry of a freshly stored file, signed for the touchpoint it was uploaded to."""
    entry = {"id": str(attachment.id), "name": attachment.name, "content_type": attachment.content_type,
             "size": attachment.size}
    return signed_entry(entry, workspace_id=attachment.workspace_id, touchpoint_id=attachment.touchpoint_id)


# --- checking an upload -------------------------------------------------------------------


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MiB"
    if size >= 1024:
        return f"{size / 1024:.1f}".rstrip("0").rstrip(".") + " KiB"
    return f"{size} bytes"


def clean_name(raw: Any, kind: FileKind | None = None) -> str:
    """The file name people see: no folders, no control characters, at most 200
    characters with its extension kept; the kind's extension when it has none."""
    name = str(raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    name = re.sub(r"\s+", " ", name) or "attachment"
    if kind is not None and not extension(name):
        name = f"{name}.{kind.extensions[0]}"
    if len(name) > NAME_LENGTH:
        ext = extension(name)
        keep = NAME_LENGTH - (len(ext) + 1 if ext else 0)
        name = name[:keep].rstrip() + (f".{ext}" if ext else "")
    return name


def check_image_pixels(handle: Any, *, field: str) -> tuple[int, int]:
    """The image's (width, height) from its header, if within IMAGE_MAX_PIXELS;
    raises ``invalid`` naming ``field`` otherwise, before anything decodes it."""
    limit = getattr(settings, "IMAGE_MAX_PIXELS", 50_000_000)
    size = image_dimensions(handle)
    if size is None or not all(size):
        raise OpError("invalid", _("The image's dimensions cannot be read from its header."), field=field)
    width, height = size
    if width * height > limit:
        raise OpError("invalid", _("The image is %(width)s × %(height)s pixels (%(megapixels)s megapixels); images "
                                   "of at most %(limit)s megapixels are accepted.") % {
            "width": width, "height": height, "megapixels": megapixels(width * height),
            "limit": megapixels(limit)}, field=field)
    return width, height


def checked_upload(upload: Any) -> FileKind:
    """The kind of an uploaded file after checking its size and content; raises
    OpError naming the ``file`` field."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload is None:
        raise OpError("invalid", "file is required: send the file as multipart/form-data", field="file")
    if upload.size > limit:
        raise OpError("too_large", f"file must be at most {human_size(limit)} (this one is "
                                   f"{human_size(upload.size)})", field="file")
    if upload.size == 0:
        raise OpError("invalid", "file is empty", field="file")
    try:
        kind = accepted_kind(upload.file, name=str(upload.name or ""),
                             declared=getattr(upload, "content_type", "") or "")
    except NotAccepted as exc:
        raise OpError("invalid", f"file is not accepted: {exc}", field="file") from None
    if kind.group == "image":
        check_image_pixels(upload.file, field="file")
    return kind


def _thumbnail(handle: Any) -> tuple[bytes, str] | None:
    """A small preview of an image (PNG when it has transparency, else JPEG), or
    None when it cannot be made: the panel then shows the image itself."""
    try:
        from PIL import Image, ImageOps
    except ImportError:
        return None
    handle.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(handle)
            if image.width * image.height > THUMBNAIL_MAX_PIXELS:
                return None
            image.draft("RGB", (THUMBNAIL_SIZE[0] * 2, THUMBNAIL_SIZE[1] * 2))
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMBNAIL_SIZE)
            alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
            image = image.convert("RGBA" if alpha else "RGB")
            out = io.BytesIO()
            image.save(out, "PNG" if alpha else "JPEG", **({} if alpha else {"quality": 82}))
        return out.getvalue(), "png" if alpha else "jpg"
    except Exception:  # noqa: BLE001 -- a preview is a nicety: any decoding trouble means none
        return None
    finally:
        handle.seek(0)


# --- writes ----------------------------------------------------------------------------------


def _lock_map(journey_map: JourneyMap) -> None:
    """Hold the map's row lock, as ``apply`` does, from reading the touchpoint's
    list to writing the new one: two uploads to one touchpoint cannot lose one."""
    JourneyMap.objects.select_for_update().filter(id=journey_map.id).values_list("id", flat=True).first()


def _live_touchpoint(journey_map: JourneyMap, touchpoint_id: Any) -> Touchpoint:
    touchpoint = Touchpoint.objects.filter(id=touchpoint_id, map_id=journey_map.id).first()
    if touchpoint is None:
        raise OpError("not_found", "no such touchpoint on this map", field="touchpoint")
    if touchpoint.deleted_by_seq is not None:
        raise OpError("gone", "this touchpoint is deleted", field="touchpoint")
    return touchpoint


def _apply_entries(journey_map: JourneyMap, touchpoint: Touchpoint, entries: list[dict[str, Any]], *, user: Any,
                   role: str | None) -> None:
    map_edit(journey_map, user, [{"op": "update", "entity": "touchpoint", "id": str(touchpoint.id),
                                  "fields": {"attachments": entries}}],
             batch_id=f"attachments:{uuid.uuid4()}", role=role)


def attachment_add(*, journey_map: JourneyMap, touchpoint_id: Any, upload: Any, user: Any,
                   role: str | None = None) -> dict[str, Any]:
    """Check and store an uploaded file and list it on the touchpoint (one op,
    through the write path); returns the new entry."""
    kind = checked_upload(upload)
    touchpoint = _live_touchpoint(journey_map, touchpoint_id)
    if len(touchpoint.attachments or []) >= MAX_PER_TOUCHPOINT:
        raise OpError("invalid", f"a touchpoint holds at most {MAX_PER_TOUCHPOINT} attachments", field="file")
    name = clean_name(upload.name, kind)

    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    stem = secrets.token_hex(16)
    attachment = Attachment(id=uuid.uuid4(), workspace_id=journey_map.workspace_id, map_id=journey_map.id,
                            touchpoint_id=touchpoint.id, name=name, content_type=kind.content_type,
                            size=upload.size, sha256=digest.hexdigest(),
                            uploaded_by=user if getattr(user, "pk", None) else None)
    # The preview first: storing a large upload may move its temporary file away.
    preview = _thumbnail(upload.file) if kind.group == "image" else None
    stored: list[str] = []
    try:
        upload.seek(0)
        attachment.file.save(f"{stem}.{kind.extensions[0]}", upload, save=False)
        stored.append(attachment.file.name)
        if preview is not None:
            attachment.thumbnail.save(f"{stem}-thumb.{preview[1]}", ContentFile(preview[0]), save=False)
            stored.append(attachment.thumbnail.name)
        with transaction.atomic():
            _lock_map(journey_map)
            touchpoint = _live_touchpoint(journey_map, touchpoint.id)
            entries = list(touchpoint.attachments or [])
            if len(entries) >= MAX_PER_TOUCHPOINT:
                raise OpError("invalid", f"a touchpoint holds at most {MAX_PER_TOUCHPOINT} attachments",
                              field="file")
            attachment.save(force_insert=True)
            entry = make_entry(attachment)
            _apply_entries(journey_map, touchpoint, [*entries, entry], user=user, role=role)
    except BaseException:
        for path in stored:
            attachment.file.storage.delete(path)
        raise
    return entry


def attachment_remove(*, journey_map: JourneyMap, touchpoint_id: Any, attachment_id: Any, user: Any,
                      role: str | None = None) -> None:
    """Take an attachment off the touchpoint (one op); delete the file, after
    commit, when no touchpoint of the workspace lists it any more."""
    attachment_id = str(attachment_id)
    with transaction.atomic():
        _lock_map(journey_map)
        touchpoint = _live_touchpoint(journey_map, touchpoint_id)
        entries = list(touchpoint.attachments or [])
        remaining = [entry for entry in entries if entry.get("id") != attachment_id]
        if len(remaining) == len(entries):
            raise OpError("not_found", "no such attachment on this touchpoint", field="attachment")
        _apply_entries(journey_map, touchpoint, remaining, user=user, role=role)
        listed = Touchpoint.objects.filter(map__workspace_id=journey_map.workspace_id,
                                           attachments__icontains=attachment_id).exists()
        row = None if listed else Attachment.objects.filter(id=attachment_id,
                                                            workspace_id=journey_map.workspace_id).first()
        if row is not None:
            paths = [name for name in (row.file.name, row.thumbnail.name) if name]
            storage = row.file.storage
            row.delete()
            transaction.on_commit(lambda: [storage.delete(path) for path in paths])


# --- reads -------------------------------------------------------------------------------------


def touchpoint_entries(*, journey_map: JourneyMap, touchpoint_id: Any) -> list[dict[str, Any]]:
    """The entries of a live touchpoint of the map; OpError when there is none."""
    return list(_live_touchpoint(journey_map, touchpoint_id).attachments or [])


def attachment_to_serve(*, journey_map: JourneyMap, touchpoint_id: Any, attachment_id: Any) -> Attachment | None:
    """The stored file, if a live touchpoint of this map lists it and it belongs to
    the map's workspace; None otherwise (the caller's membership is checked first)."""
    listed = (Touchpoint.objects.filter(id=touchpoint_id, map_id=journey_map.id, deleted_by_seq__isnull=True)
              .values_list("attachments", flat=True).first())
    if not listed or not any(entry.get("id") == str(attachment_id) for entry in listed):
        return None
    return Attachment.objects.filter(id=attachment_id, workspace_id=journey_map.workspace_id).first()


# --- housekeeping ------------------------------------------------------------------------------


def attachment_files_sweep(*, grace: timedelta = SWEEP_GRACE_DEFAULT, dry_run: bool = False) -> dict[str, int]:
    """Delete the files under MEDIA_ROOT/attachments/ that no ``Attachment`` row
    names (as its file or its thumbnail) and that were last written more than
    ``grace`` ago (at least ``SWEEP_GRACE_MIN``); returns what it found.

    Rows go without this module when the database cascades (a workspace or a map
    deleted) and their files stay behind; so do the files of an upload whose
    process died between storing the bytes and committing the row. The grace
    period keeps an upload in progress safe: its file exists before its row does.
    """
    grace = max(grace, SWEEP_GRACE_MIN)
    storage = Attachment._meta.get_field("file").storage
    cutoff = timezone.now() - grace
    try:
        _, names = storage.listdir(ATTACHMENTS_DIR)
    except FileNotFoundError:
        return {"files": 0, "removed": 0, "bytes": 0}
    old: list[str] = []
    for name in names:
        path = f"{ATTACHMENTS_DIR}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                old.append(path)
        except FileNotFoundError:  # removed meanwhile
            continue
    removed, freed = 0, 0
    batch_size = 500
    for start in range(0, len(old), batch_size):
        batch = old[start:start + batch_size]
        referenced = set(Attachment.objects.filter(file__in=batch).values_list("file", flat=True))
        referenced |= set(Attachment.objects.filter(thumbnail__in=batch).values_list("thumbnail", flat=True))
        for path in batch:
            if path in referenced:
                continue
            try:
                size = storage.size(path)
            except FileNotFoundError:
                continue
            if not dry_run:
                storage.delete(path)
            removed += 1
            freed += size
    return {"files": len(names), "removed": removed, "bytes": freed}
