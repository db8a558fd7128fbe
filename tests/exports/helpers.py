"""Map builders and PDF readers for the export tests."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pypdfium2 as pdfium

from maps.models import Role
from maps.operations import actor_for, apply
from maps.services import map_create
from personas.models import Persona


def build_map(workspace: Any, owner: Any, *, title: str = "Livraison à domicile", stages: int = 8,
              cards_per_cell: int = 1, card_text: str | None = None) -> tuple[Any, dict[str, Any]]:
    """A map with phases, text/touchpoint/emotion/moment lanes, cards, touchpoints,
    two personas' emotion curves and a moment of truth."""
    structure = {
        "phases": [{"title": "Avant l’achat"}, {"title": "Achat"}],
        "stages": [{"name": f"Étape {i + 1} : je compare les offres n°{i + 1}", "phase": 0 if i < stages // 2 else 1}
                   for i in range(stages)],
        "lanes": [
            {"title": "Que pense le client ?", "prompt": "Pensées et émotions", "kind": "text"},
            {"title": "Où nous rencontre-t-il ?", "kind": "touchpoints"},
            {"title": "Courbe d’émotion", "kind": "emotion"},
            {"title": "Points de douleur", "kind": "pain_points"},
            {"title": "Moments de vérité", "kind": "moments_of_truth"},
        ],
        "cards": [
            {"stage": s, "lane": lane, "text": card_text or f"Carte {s}-{lane}-{n} : délai de livraison trop élevé"}
            for s in range(stages) for lane in (0, 3) for n in range(cards_per_cell)
        ],
    }
    journey_map = map_create(workspace=workspace, title=title, actor_user=owner, language="fr",
                             goal="Réduire les réclamations sur les retards", structure=structure)
    from maps.selectors import map_document

    doc = map_document(map_id=journey_map.id)
    personas = [Persona.objects.create(workspace=workspace, name=name, color=color)
                for name, color in (("Camille", "#7c3aed"), ("Jordan", "#0891b2"))]
    lanes = {lane["kind"]: lane["id"] for lane in doc["lanes"]}
    ops: list[dict[str, Any]] = []
    for position, persona in enumerate(personas):
        ops.append({"op": "create", "entity": "persona_link", "id": str(uuid.uuid4()),
                    "fields": {"persona": str(persona.id)}})
        for i, stage in enumerate(doc["stages"]):
            ops.append({"op": "create", "entity": "emotion", "id": str(uuid.uuid4()),
                        "fields": {"stage": stage["id"], "persona": str(persona.id),
                                   "score": ((i + position) % 7) - 3}})
    for i, stage in enumerate(doc["stages"]):
        ops.append({"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
                    "fields": {"stage": stage["id"], "lane": lanes["touchpoints"], "title": f"Appel au service {i}",
                               "evaluation": ["delight", "neutral", "irritant"][i % 3], "volume_share": 40}})
    ops.append({"op": "create", "entity": "moment", "id": str(uuid.uuid4()),
                "fields": {"stage": doc["stages"][1]["id"], "lane": lanes["moments_of_truth"],
                           "title": "La livraison arrive en retard", "importance": 5, "impact": 4,
                           "valence": "negative"}})
    ack = apply(map_id=journey_map.id, actor=actor_for(owner, workspace.id), batch_id=f"t-{uuid.uuid4()}",
                ops=ops, role=Role.OWNER, max_ops=None)
    assert ack.status in ("ok", "rebased"), ack.error
    journey_map.refresh_from_db()
    return journey_map, map_document(map_id=journey_map.id)


def squash(text: str) -> str:
    """Text without whitespace or hyphens: line wrapping in the PDF must not matter
    (PDFium reports a hyphen that ends a line as U+FFFE)."""
    return re.sub(r"[\s\-\u00ad\u2010\ufffe]+", "", text)


def pdf_pages(data: bytes) -> list[dict[str, Any]]:
    """Per page: its text and whether every character box lies inside the page."""
    pdf = pdfium.PdfDocument(data)
    pages = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            count = textpage.count_chars()
            text = textpage.get_text_range()
            outside = []
            for i in range(count):
                left, bottom, right, top = textpage.get_charbox(i)
                if right - left <= 0 and top - bottom <= 0:
                    continue  # generated spaces and line breaks have no box
                if left < -0.5 or bottom < -0.5 or right > width + 0.5 or top > height + 0.5:
                    outside.append((i, left, bottom, right, top))
            pages.append({"text": text, "width": width, "height": height, "outside": outside})
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return pages


def wait_until_finished(client: Any, export_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/exports/{export_id}/").json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.3)
    return body
