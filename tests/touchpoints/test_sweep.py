"""Attachment files whose rows went by a database cascade (a deleted map or
workspace) are swept by ``manage.py sweep_attachments``; referenced files and
files younger than the grace period stay.

People: owner, editor of one workspace.
"""

from __future__ import annotations

import io
import os
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from maps.models import JourneyMap, Workspace
from maps.operations import actor_for, apply
from tests.factories import MapFactory
from tests.touchpoints import samples
from touchpoints.attachments import attachment_add, attachment_files_sweep
from touchpoints.models import Attachment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

TWO_DAYS = 2 * 24 * 3600


def map_with_touchpoint(workspace: Any, owner: Any) -> tuple[JourneyMap, str]:
    journey_map = MapFactory(workspace=workspace)
    stage, lane, touchpoint = (str(uuid.uuid4()) for _ in range(3))
    ack = apply(map_id=journey_map.id, actor=actor_for(owner, workspace.id), batch_id=f"t-{uuid.uuid4()}", ops=[
        {"op": "create", "entity": "stage", "id": stage, "fields": {"name": "Buy"}},
        {"op": "create", "entity": "lane", "id": lane, "fields": {"title": "Where", "kind": "touchpoints"}},
        {"op": "create", "entity": "touchpoint", "id": touchpoint,
         "fields": {"stage": stage, "lane": lane, "title": "Checkout"}},
    ])
    assert ack.status == "ok", ack.error
    return journey_map, touchpoint


def attach_picture(journey_map: JourneyMap, touchpoint: str, user: Any) -> list[str]:
    """Upload a PNG; the names of its file and thumbnail under MEDIA_ROOT."""
    entry = attachment_add(journey_map=journey_map, touchpoint_id=touchpoint, user=user,
                           upload=SimpleUploadedFile("photo.png", samples.png(), content_type="image/png"))
    row = Attachment.objects.get(id=entry["id"])
    assert row.thumbnail, "an image gets a thumbnail"
    return [row.file.name, row.thumbnail.name]


def age(media: Path, names: list[str], seconds: int = TWO_DAYS) -> None:
    then = time.time() - seconds
    for name in names:
        os.utime(media / name, (then, then))


def on_disk(media: Path) -> set[str]:
    folder = media / "attachments"
    return {f"attachments/{path.name}" for path in folder.iterdir()} if folder.exists() else set()


def sweep(*args: str) -> str:
    out = io.StringIO()
    call_command("sweep_attachments", *args, stdout=out)
    return out.getvalue()


def test_the_files_of_a_deleted_map_are_swept_and_referenced_and_fresh_files_stay(
        workspace: Any, owner: Any, editor: Any, media: Path) -> None:
    kept_map, kept_tp = map_with_touchpoint(workspace, owner)
    gone_map, gone_tp = map_with_touchpoint(workspace, owner)
    kept = attach_picture(kept_map, kept_tp, editor)
    gone = attach_picture(gone_map, gone_tp, editor) + attach_picture(gone_map, gone_tp, editor)
    # A file stored a moment ago whose row is not committed yet: an upload in progress.
    (media / "attachments" / "in-progress.pdf").write_bytes(samples.PDF)
    # A file older than the grace period with no row (its upload died before committing).
    (media / "attachments" / "leftover.pdf").write_bytes(samples.PDF)
    age(media, [*kept, *gone, "attachments/leftover.pdf"])

    JourneyMap.objects.filter(id=gone_map.id).delete()  # the database cascades to the Attachment rows
    assert Attachment.objects.filter(map_id=gone_map.id).count() == 0
    assert on_disk(media) >= {*kept, *gone}

    dry = sweep("--dry-run")
    assert dry.startswith("Would remove 5 unreferenced attachment file(s)")
    assert on_disk(media) == {*kept, *gone, "attachments/in-progress.pdf", "attachments/leftover.pdf"}

    assert sweep().startswith("Removed 5 unreferenced attachment file(s)")
    assert on_disk(media) == {*kept, "attachments/in-progress.pdf"}
    # The kept map's file is whole.
    row = Attachment.objects.get(map_id=kept_map.id)
    assert (media / row.file.name).read_bytes() == samples.png()

    # Once past the grace period, a file nothing references goes too; a second run finds nothing else.
    age(media, ["attachments/in-progress.pdf"])
    assert attachment_files_sweep() == {"files": 3, "removed": 1, "bytes": len(samples.PDF)}
    assert on_disk(media) == set(kept)


def test_deleting_a_workspace_leaves_its_files_to_the_sweep(workspace: Any, owner: Any, editor: Any,
                                                            media: Path) -> None:
    journey_map, touchpoint = map_with_touchpoint(workspace, owner)
    names = attach_picture(journey_map, touchpoint, editor)
    age(media, names)

    Workspace.objects.filter(id=workspace.id).delete()
    assert not Attachment.objects.exists()
    assert on_disk(media) == set(names)

    assert sweep().startswith("Removed 2 unreferenced attachment file(s)")
    assert on_disk(media) == set()


def test_the_grace_period_is_at_least_an_hour(workspace: Any, owner: Any, editor: Any, media: Path) -> None:
    journey_map, touchpoint = map_with_touchpoint(workspace, owner)
    names = attach_picture(journey_map, touchpoint, editor)
    age(media, names, seconds=30 * 60)
    JourneyMap.objects.filter(id=journey_map.id).delete()

    with pytest.raises(CommandError, match="at least 1"):
        sweep("--hours", "0")
    # Asked for less than the minimum, the service keeps the minimum: half an hour old stays.
    assert attachment_files_sweep(grace=timedelta(0))["removed"] == 0
    assert on_disk(media) == set(names)
    assert sweep("--hours", "1").startswith("Removed 0 ")
    age(media, names, seconds=2 * 3600)
    assert sweep("--hours", "1").startswith("Removed 2 ")
    assert on_disk(media) == set()


def test_nothing_to_sweep_without_an_attachments_folder(media: Path) -> None:
    assert not (media / "attachments").exists()
    assert sweep() == "Removed 0 unreferenced attachment file(s) (0 bytes) of 0 checked.\n"
