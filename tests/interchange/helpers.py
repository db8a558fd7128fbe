"""Uploading files to the import calls, and counting what a workspace holds."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from maps.models import JourneyMap, Operation, Team
from personas.models import Persona
from touchpoints.models import Attachment, Channel


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(client: APIClient, url: str, content: bytes | str, name: str = "file", **fields: Any) -> Any:
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(url, {"file": SimpleUploadedFile(name, content), **fields}, format="multipart")


def import_file(client: APIClient, workspace: Any, content: bytes | str, name: str = "file", **fields: Any) -> Any:
    return upload(client, f"/api/v1/workspaces/{workspace.id}/imports/", content, name, **fields)


def holdings(workspace: Any) -> dict[str, int]:
    """What an import could have written: nothing of it may stay after a refusal."""
    return {
        "maps": JourneyMap.objects.filter(workspace=workspace).count(),
        "operations": Operation.objects.filter(map__workspace=workspace).count(),
        "personas": Persona.objects.filter(workspace=workspace).count(),
        "channels": Channel.objects.filter(workspace=workspace).count(),
        "teams": Team.objects.filter(workspace=workspace).count(),
        "attachments": Attachment.objects.filter(workspace=workspace).count(),
    }


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def in_cells(document: dict[str, Any], collection: str) -> list[dict[str, Any]]:
    """Items as the map shows them: stage by stage, lane by lane, in position order."""
    stage = {s["id"]: i for i, s in enumerate(document["stages"])}
    lane = {item["id"]: i for i, item in enumerate(document["lanes"])}
    return sorted(document[collection], key=lambda item: (stage[item["stage"]], lane.get(item.get("lane"), -1),
                                                          item.get("position", ""), item["id"]))
