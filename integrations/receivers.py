"""What becomes a webhook event: each receiver runs inside the transaction of the
write it reports and writes the outbox there (integrations.outbox)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import post_save

from integrations import outbox
from integrations.actors import actor_of_user


def _actor(actor: Any) -> dict[str, Any]:
    return actor_of_user(getattr(actor, "user", None), getattr(actor, "name", ""))


def on_batch(sender: Any, *, map_id: Any, workspace_id: Any, seq: int, actor: Any, was_archived: bool,
             archived: bool, **_: Any) -> None:
    if outbox.interested(workspace_id, "map.changed"):
        outbox.map_changed(map_id=map_id, workspace_id=workspace_id, seq=seq, actor=_actor(actor))
    if archived and not was_archived and outbox.interested(workspace_id, "map.archived"):
        from maps.models import JourneyMap

        journey_map = JourneyMap.objects.only("id", "title").get(id=map_id)
        who = _actor(actor)
        outbox.record(workspace_id=workspace_id, event="map.archived", journey_map=journey_map, actor=who,
                      data={"seq": seq, "actor": who})


def _actor_of(user_id: Any, user: Any) -> dict[str, Any] | None:
    return actor_of_user(user) if user_id else None


def on_map_saved(sender: Any, *, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw and outbox.interested(instance.workspace_id, "map.created"):
        outbox.record(
            workspace_id=instance.workspace_id, event="map.created", journey_map=instance,
            actor=_actor_of(instance.created_by_id, instance.created_by),
            data={"kind": instance.kind, "language": instance.language, "created_by": instance.created_by_id,
                  "based_on": str(instance.based_on_id or "") or None})


def on_comment(sender: Any, *, event: str, comment: Any, thread: Any, actor: Any, **_: Any) -> None:
    if event not in ("created", "replied"):
        return
    journey_map = comment.map
    if outbox.interested(journey_map.workspace_id, "comment.created"):
        outbox.record(
            workspace_id=journey_map.workspace_id, event="comment.created", journey_map=journey_map,
            actor=actor_of_user(actor),
            data={"comment": str(comment.id), "thread": str(thread.id), "reply": event == "replied",
                  "author": {"id": actor.pk, "name": actor.get_full_name() or actor.get_username()},
                  "body": comment.body or ""})


def on_version_saved(sender: Any, *, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if not created or raw:
        return
    from maps.models import JourneyMap

    journey_map = JourneyMap.objects.only("id", "title", "workspace_id").get(id=instance.map_id)
    if outbox.interested(journey_map.workspace_id, "version.created"):
        outbox.record(
            workspace_id=journey_map.workspace_id, event="version.created", journey_map=journey_map,
            actor=_actor_of(instance.created_by_id, instance.created_by),
            data={"version": str(instance.id), "seq": instance.seq, "name": instance.name,
                  "reason": instance.reason, "auto": instance.auto})


def on_export_finished(sender: Any, *, export: Any, **_: Any) -> None:
    if outbox.interested(export.workspace_id, "export.finished"):
        outbox.record(
            workspace_id=export.workspace_id, event="export.finished", journey_map=export.map,
            actor=_actor_of(export.requested_by_id, export.requested_by),
            data={"export": str(export.id), "format": export.format, "status": export.status})


def connect() -> None:
    from maps.models import JourneyMap
    from maps.signals import batch_committed

    batch_committed.connect(on_batch, dispatch_uid="integrations.batch")
    post_save.connect(on_map_saved, sender=JourneyMap, dispatch_uid="integrations.map_created")
    if apps.is_installed("discussion"):
        from discussion.signals import comment_activity

        comment_activity.connect(on_comment, dispatch_uid="integrations.comment")
    if apps.is_installed("versions"):
        from versions.models import Version

        post_save.connect(on_version_saved, sender=Version, dispatch_uid="integrations.version")
    if apps.is_installed("exports"):
        from exports.signals import export_finished

        export_finished.connect(on_export_finished, dispatch_uid="integrations.export")
